// cuirass-fixture: fake secrets
//! `scan_git_history` on repositories built here with the `git` CLI (the library itself never
//! starts `git`): a secret committed and later deleted is still found, with its commit, path
//! and date; blobs are scanned once; every ref counts. An ignored test builds a 10 000-commit
//! repository with `git fast-import` and prints the scan time.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

mod support;

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use cuirass_secrets::{HistoryError, ScanOptions, scan_git_history};
use support::corpus::{Rng, checksummed};

fn git(dir: &Path, args: &[&str], date: &str) -> String {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Dev")
        .env("GIT_AUTHOR_EMAIL", "dev@example.invalid")
        .env("GIT_COMMITTER_NAME", "Dev")
        .env("GIT_COMMITTER_EMAIL", "dev@example.invalid")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("the git CLI builds the fixture repository");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

#[test]
fn finds_a_secret_that_was_committed_and_later_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    let mut rng = Rng::new(2026);
    let token = checksummed(&mut rng, "ghp_");
    let other = checksummed(&mut rng, "npm_");

    git(
        repo,
        &["init", "-q", "-b", "main"],
        "2026-01-01T09:00:00+00:00",
    );
    std::fs::write(repo.join("README.md"), "# demo\n").unwrap();
    std::fs::create_dir_all(repo.join("app")).unwrap();
    std::fs::write(
        repo.join("app/config.py"),
        format!("import os\n\nGITHUB_TOKEN = \"{token}\"\n"),
    )
    .unwrap();
    std::fs::write(repo.join("logo.bin"), b"\x89PNG\0\0binary ghp_ nonsense").unwrap();
    git(repo, &["add", "."], "2026-01-02T10:00:00+00:00");
    git(
        repo,
        &["commit", "-q", "-m", "add config"],
        "2026-01-02T10:00:00+00:00",
    );
    let introduced = git(repo, &["rev-parse", "HEAD"], "2026-01-02T10:00:00+00:00");

    // The fix: the token leaves the file, and an identical copy moves elsewhere (same blob).
    std::fs::create_dir_all(repo.join("old")).unwrap();
    std::fs::copy(repo.join("app/config.py"), repo.join("old/config.py")).unwrap();
    std::fs::write(
        repo.join("app/config.py"),
        "import os\n\nGITHUB_TOKEN = os.environ[\"GITHUB_TOKEN\"]\n",
    )
    .unwrap();
    git(repo, &["add", "."], "2026-01-05T10:00:00+00:00");
    git(
        repo,
        &["commit", "-q", "-m", "use the environment"],
        "2026-01-05T10:00:00+00:00",
    );
    git(
        repo,
        &["rm", "-q", "old/config.py"],
        "2026-01-06T10:00:00+00:00",
    );
    git(
        repo,
        &["commit", "-q", "-m", "remove copy"],
        "2026-01-06T10:00:00+00:00",
    );

    // A branch that was never merged, reachable only through a tag.
    git(
        repo,
        &["checkout", "-q", "-b", "experiment", &introduced],
        "2026-01-03T10:00:00+00:00",
    );
    std::fs::write(
        repo.join(".npmrc"),
        format!("//registry.npmjs.org/:_authToken={other}\n"),
    )
    .unwrap();
    git(repo, &["add", ".npmrc"], "2026-01-03T10:00:00+00:00");
    git(
        repo,
        &["commit", "-q", "-m", "wip"],
        "2026-01-03T10:00:00+00:00",
    );
    let wip = git(repo, &["rev-parse", "HEAD"], "2026-01-03T10:00:00+00:00");
    git(repo, &["tag", "wip-1", "HEAD"], "2026-01-03T10:00:00+00:00");
    git(
        repo,
        &["checkout", "-q", "main"],
        "2026-01-03T10:00:00+00:00",
    );
    git(
        repo,
        &["branch", "-q", "-D", "experiment"],
        "2026-01-03T10:00:00+00:00",
    );

    // Today's files hold no secret; the history does.
    let current = std::fs::read_to_string(repo.join("app/config.py")).unwrap();
    assert!(!current.contains("ghp_"));

    let scan = scan_git_history(repo, &ScanOptions::default()).unwrap();
    assert_eq!(scan.commits_walked, 4);
    assert_eq!(scan.blobs_skipped, 1, "the binary blob");
    // README, config (two versions), .npmrc; the copy under old/ is the same blob.
    assert_eq!(scan.blobs_scanned, 4);
    let found: Vec<(&str, &str, &str, &str)> = scan
        .findings
        .iter()
        .map(|f| {
            (
                f.finding.rule.name,
                f.path.as_str(),
                f.commit.as_str(),
                f.date.as_str(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("npm-access-token", ".npmrc", wip.as_str(), "2026-01-03"),
            (
                "github-token",
                "app/config.py",
                introduced.as_str(),
                "2026-01-02"
            ),
        ]
    );
    let github = &scan.findings[1];
    assert_eq!(github.finding.location.path, "app/config.py");
    assert_eq!(github.finding.location.span.start.line, 3);
    assert_eq!(github.short_commit, &introduced[..7]);
    assert!(
        github
            .finding
            .message
            .ends_with(&format!("(in commit `{}`, 2026-01-02)", &introduced[..7])),
        "{}",
        github.finding.message
    );
    assert!(!github.finding.message.contains(&token[4..]));
    let frame = github.finding.frame.as_ref().unwrap();
    assert!(frame.lines.iter().any(|l| l.contains("\"ghp_****\"")));
}

#[test]
fn a_directory_that_is_not_a_repository_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let error = scan_git_history(dir.path(), &ScanOptions::default()).unwrap_err();
    assert!(matches!(error, HistoryError::Open { .. }));
    assert!(
        error
            .to_string()
            .contains(&dir.path().display().to_string())
    );
}

/// Builds a repository of `commits` commits with `git fast-import`: each commit rewrites one of
/// 400 modules; every 1000th plants a fake token. Returns the number of planted tokens.
fn build_large_repository(repo: &Path, commits: usize) -> usize {
    git(
        repo,
        &["init", "-q", "-b", "main"],
        "2026-01-01T00:00:00+00:00",
    );
    let mut rng = Rng::new(10_000);
    let mut stream = String::new();
    let mut planted = 0;
    for n in 0..commits {
        let module = n % 400;
        let mut content = format!("\"\"\"Module {module}, revision {n}.\"\"\"\nimport os\n\n");
        for line in 0..40 {
            let _ = writeln!(
                content,
                "def handler_{line}(request, token_header=\"X-Token\"):\n    key = request.args.get(\"key_{line}\")\n    return {{\"value\": {}, \"auth\": os.environ.get(\"AUTH_{line}\")}}",
                n * 40 + line
            );
        }
        if n % 1000 == 999 {
            planted += 1;
            let _ = writeln!(
                content,
                "GITHUB_TOKEN = \"{}\"",
                checksummed(&mut rng, "ghp_")
            );
        }
        let time = 1_767_225_600 + n as u64 * 60;
        let message = format!("change {n}");
        let _ = write!(
            stream,
            "commit refs/heads/main\nmark :{mark}\nauthor Dev <dev@example.invalid> {time} +0000\ncommitter Dev <dev@example.invalid> {time} +0000\ndata {len}\n{message}\n",
            mark = n + 1,
            len = message.len(),
        );
        if n > 0 {
            let _ = writeln!(stream, "from :{n}");
        }
        let _ = write!(
            stream,
            "M 100644 inline pkg{}/module_{module}.py\ndata {}\n{content}\n",
            module % 20,
            content.len()
        );
    }
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(repo)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stream.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    planted
}

#[test]
#[ignore = "builds a 10 000-commit repository; run with --ignored to see the timing"]
fn ten_thousand_commits() {
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let planted = build_large_repository(dir.path(), 10_000);
    let built = started.elapsed();
    let started = Instant::now();
    let scan = scan_git_history(dir.path(), &ScanOptions::default()).unwrap();
    let scanned = started.elapsed();
    println!(
        "built 10 000 commits in {built:.2?}; scanned {} commits, {} blobs ({} skipped) in {scanned:.2?}; {} findings",
        scan.commits_walked,
        scan.blobs_scanned,
        scan.blobs_skipped,
        scan.findings.len()
    );
    assert_eq!(scan.commits_walked, 10_000);
    assert_eq!(scan.findings.len(), planted);
}
