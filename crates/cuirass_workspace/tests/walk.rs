//! The file walk, on real directory trees.

// Clippy allows unwrap inside #[test] fns only; the helpers here are test code too.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::{Path, PathBuf};

use cuirass_diagnostics::NoticeKind;
use cuirass_workspace::{FileKind, GlobList, Origin, WalkResult, WalkSettings, walk};

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn settings(root: &Path) -> WalkSettings {
    let mut settings = WalkSettings::new(root);
    settings.threads = 4;
    settings
}

fn excludes(patterns: &[&str]) -> GlobList {
    GlobList::new(
        patterns
            .iter()
            .map(|p| ((*p).to_owned(), Origin::CommandLine { flag: "--exclude" })),
    )
    .unwrap()
}

fn displays(result: &WalkResult) -> Vec<&str> {
    result.files.iter().map(|f| f.display.as_str()).collect()
}

fn notices(result: &WalkResult) -> Vec<(NoticeKind, &str)> {
    result
        .notices
        .iter()
        .map(|n| (n.kind, n.path.as_str()))
        .collect()
}

/// A small project with something for every rule of the walk.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join(".gitignore"), "ignored.py\ngen/\n");
    write(&root.join("ignored.py"), "x = 1\n");
    write(&root.join("gen/out.py"), "x = 1\n");
    write(&root.join("src/app.py"), "import os\n");
    write(&root.join("src/templates/page.html"), "<p>{{ x }}</p>\n");
    write(&root.join(".env"), "SECRET=1\n");
    write(&root.join("README.md"), "# hi\n");
    // Built-in excludes.
    write(&root.join("myenv/pyvenv.cfg"), "home = /usr/bin\n");
    write(&root.join("myenv/lib/mod.py"), "x = 1\n");
    write(&root.join("node_modules/pkg/index.js"), "x\n");
    write(&root.join(".git/config"), "[core]\n");
    write(&root.join("build/lib/mod.py"), "x = 1\n");
    write(&root.join("pkg.egg-info/PKG-INFO"), "Name: pkg\n");
    write(&root.join("src/__pycache__/app.cpython-312.pyc"), "x");
    dir
}

#[test]
fn default_walk_honours_gitignore_and_built_in_excludes_but_reaches_dotfiles() {
    let dir = project();
    let root = dir.path();
    let result = walk(&[], &settings(root), root);
    assert_eq!(
        displays(&result),
        [
            ".env",
            ".gitignore",
            "README.md",
            "src/app.py",
            "src/templates/page.html"
        ]
    );
    assert!(result.notices.is_empty(), "{:?}", result.notices);
    assert!(result.missing.is_empty());
    let kinds: Vec<FileKind> = result.files.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        [
            FileKind::Text,
            FileKind::Text,
            FileKind::Text,
            FileKind::Python,
            FileKind::Template
        ]
    );
    let app = &result.files[3];
    assert_eq!(app.path, root.join("src/app.py"));
    assert_eq!(app.root_relative, "src/app.py");
    assert_eq!(app.size, 10);
}

#[test]
fn gitignore_can_be_turned_off() {
    let dir = project();
    let root = dir.path();
    let mut settings = settings(root);
    settings.respect_gitignore = false;
    let result = walk(&[], &settings, root);
    let files = displays(&result);
    assert!(files.contains(&"ignored.py"), "{files:?}");
    assert!(files.contains(&"gen/out.py"), "{files:?}");
    // Built-in excludes still apply.
    assert!(!files.iter().any(|f| f.starts_with("myenv/")), "{files:?}");
}

#[test]
fn gitignore_applies_outside_a_git_repository_and_with_dot_ignore() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join(".gitignore"), "*.log\n");
    write(&root.join(".ignore"), "scratch/\n");
    write(&root.join("a.log"), "x");
    write(&root.join("scratch/b.py"), "x");
    write(&root.join("c.py"), "x");
    assert!(!root.join(".git").exists());
    let result = walk(&[], &settings(root), root);
    assert_eq!(displays(&result), [".gitignore", ".ignore", "c.py"]);
}

#[test]
fn user_excludes_match_root_relative_paths_and_names() {
    let dir = project();
    let root = dir.path();
    let mut settings = settings(root);
    settings.exclude = excludes(&["src/templates", "*.md", ".env"]);
    let result = walk(&[], &settings, root);
    assert_eq!(displays(&result), [".gitignore", "src/app.py"]);
}

#[test]
fn command_line_files_are_scanned_unless_the_user_excludes_them() {
    let dir = project();
    let root = dir.path();
    let paths = [
        PathBuf::from("myenv/lib/mod.py"),
        PathBuf::from("ignored.py"),
        PathBuf::from("node_modules"),
    ];
    let result = walk(&paths, &settings(root), root);
    assert_eq!(
        displays(&result),
        [
            "ignored.py",
            "myenv/lib/mod.py",
            "node_modules/pkg/index.js"
        ]
    );

    let mut settings = settings(root);
    settings.exclude = excludes(&["myenv/", "ignored.py"]);
    let result = walk(&paths, &settings, root);
    assert_eq!(displays(&result), ["node_modules/pkg/index.js"]);
}

#[test]
fn missing_command_line_paths_are_returned_separately() {
    let dir = project();
    let root = dir.path();
    let result = walk(
        &[PathBuf::from("src"), PathBuf::from("nope.py")],
        &settings(root),
        root,
    );
    assert_eq!(result.missing, ["nope.py"]);
    assert_eq!(displays(&result), ["src/app.py", "src/templates/page.html"]);
}

#[test]
fn too_large_files_are_skipped_with_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("small.py"), "x = 1\n");
    write(&root.join("big.py"), &"x = 1\n".repeat(500));
    let mut settings = settings(root);
    settings.max_file_size = 1000;
    let result = walk(&[], &settings, root);
    assert_eq!(displays(&result), ["small.py"]);
    assert_eq!(notices(&result), [(NoticeKind::TooLarge, "big.py")]);
    assert_eq!(
        result.notices[0].message,
        "file is 3 KB, above the 1 KB limit (`max-file-size`); skipped"
    );
    // Also when named on the command line.
    let result = walk(&[PathBuf::from("big.py")], &settings, root);
    assert!(result.files.is_empty());
    assert_eq!(notices(&result), [(NoticeKind::TooLarge, "big.py")]);
}

#[test]
fn display_paths_are_relative_to_cwd_when_below_it() {
    let dir = project();
    let root = dir.path();
    let cwd = root.join("src");
    let result = walk(
        &[PathBuf::from("."), PathBuf::from("../README.md")],
        &settings(root),
        &cwd,
    );
    let readme = root.join("README.md").to_string_lossy().into_owned();
    assert_eq!(
        displays(&result),
        [readme.as_str(), "app.py", "templates/page.html"]
    );
    // Root-relative paths do not depend on the working directory.
    let roots: Vec<&str> = result
        .files
        .iter()
        .map(|f| f.root_relative.as_str())
        .collect();
    assert_eq!(
        roots,
        ["README.md", "src/app.py", "src/templates/page.html"]
    );
}

#[test]
fn a_file_reached_twice_is_listed_once() {
    let dir = project();
    let root = dir.path();
    let result = walk(
        &[
            PathBuf::from("src"),
            PathBuf::from("src/app.py"),
            PathBuf::from("./src/../src"),
        ],
        &settings(root),
        root,
    );
    assert_eq!(displays(&result), ["src/app.py", "src/templates/page.html"]);
}

#[cfg(unix)]
#[test]
fn symlinks_are_followed_and_loops_reported() {
    use std::os::unix::fs::symlink;

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("a/mod.py"), "x = 1\n");
    write(&root.join("shared/util.py"), "x = 1\n");
    write(&root.join("other/z.py"), "x = 1\n");
    symlink(root.join("a"), root.join("a/loop")).unwrap();
    symlink(root.join("shared"), root.join("other/linked")).unwrap();
    symlink(root.join("nowhere"), root.join("dangling.py")).unwrap();

    let result = walk(&[], &settings(root), root);
    // `shared/util.py` is reached twice (directly and through the link) and listed once,
    // under its real path.
    assert_eq!(
        displays(&result),
        ["a/mod.py", "other/z.py", "shared/util.py"]
    );
    assert_eq!(
        notices(&result),
        [
            (NoticeKind::SymlinkLoop, "a/loop"),
            (NoticeKind::Warning, "dangling.py"),
        ]
    );
    assert_eq!(
        result.notices[0].message,
        "symbolic link loop: `a/loop` leads back to `a`; not followed"
    );
    // Only through the link, it is listed there.
    let result = walk(&[PathBuf::from("other")], &settings(root), root);
    assert_eq!(displays(&result), ["other/linked/util.py", "other/z.py"]);
}

#[cfg(unix)]
#[test]
fn fifos_are_never_opened() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("a.py"), "x = 1\n");
    let status = std::process::Command::new("mkfifo")
        .arg(root.join("pipe"))
        .status();
    if !status.is_ok_and(|s| s.success()) {
        eprintln!("mkfifo unavailable; skipping");
        return;
    }
    let result = walk(&[], &settings(root), root);
    assert_eq!(displays(&result), ["a.py"]);
    let result = walk(&[PathBuf::from("pipe")], &settings(root), root);
    assert!(result.files.is_empty());
    assert_eq!(notices(&result), [(NoticeKind::Warning, "pipe")]);
}

#[cfg(unix)]
#[test]
fn unreadable_directories_are_reported_and_the_walk_goes_on() {
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("ok.py"), "x = 1\n");
    write(&root.join("locked/secret.py"), "x = 1\n");
    fs::set_permissions(root.join("locked"), fs::Permissions::from_mode(0o000)).unwrap();
    // Root (as in CI containers) reads through permission bits; nothing to observe then.
    let enforced = fs::read_dir(root.join("locked")).is_err();
    let result = walk(&[], &settings(root), root);
    fs::set_permissions(root.join("locked"), fs::Permissions::from_mode(0o755)).unwrap();
    if !enforced {
        eprintln!("permission bits are not enforced for this user; skipping the assertion");
        assert!(displays(&result).contains(&"ok.py"));
        return;
    }
    assert_eq!(displays(&result), ["ok.py"]);
    assert_eq!(notices(&result), [(NoticeKind::Unreadable, "locked")]);
}
