//! Path helpers shared by the configuration and the walk: lexical normalisation and the two
//! string forms of a path that reports use (relative to the working directory for display,
//! relative to the project root for fingerprints and `per-file-ignores`).
//!
//! Normalisation is lexical on purpose: canonicalising would resolve symbolic links, and the
//! paths we show should be the ones the user typed or walked through.

use std::path::{Component, Path, PathBuf};

/// `base.join(path)` with `.` dropped and `..` folded, without touching the file system.
pub(crate) fn absolute(path: &Path, base: &Path) -> PathBuf {
    normalize(&base.join(path))
}

/// Drops `.` components and folds `a/..` lexically. A `..` that cannot be folded is kept (for
/// relative paths) or dropped (directly after the root, where it means the root).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(component),
            },
            other => out.push(other),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

/// `path` relative to `base` with `/` separators, when `path` lies at or below `base`
/// (`"."` for `base` itself). Both should be normalised absolute paths.
pub fn relative_slash(path: &Path, base: &Path) -> Option<String> {
    let rest = path.strip_prefix(base).ok()?;
    let parts: Vec<String> = rest
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.is_empty() {
        Some(".".to_owned())
    } else {
        Some(parts.join("/"))
    }
}

/// How a path is shown in reports: relative to `cwd` with `/` separators when it lies below
/// it, otherwise absolute.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let path = absolute(path, cwd);
    relative_slash(&path, &normalize(cwd)).unwrap_or_else(|| path.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_lexically() {
        assert_eq!(normalize(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
        assert_eq!(normalize(Path::new("/../a")), PathBuf::from("/a"));
        assert_eq!(normalize(Path::new("../a/..")), PathBuf::from(".."));
        assert_eq!(normalize(Path::new("./")), PathBuf::from("."));
    }

    #[test]
    fn displays_relative_below_cwd_and_absolute_elsewhere() {
        let cwd = Path::new("/work/proj");
        assert_eq!(display_path(Path::new("src/a.py"), cwd), "src/a.py");
        assert_eq!(
            display_path(Path::new("/work/proj/src/a.py"), cwd),
            "src/a.py"
        );
        assert_eq!(display_path(Path::new("./src/../b.py"), cwd), "b.py");
        assert_eq!(display_path(Path::new("/other/x.py"), cwd), "/other/x.py");
        assert_eq!(
            display_path(Path::new("../sibling/x.py"), cwd),
            "/work/sibling/x.py"
        );
        assert_eq!(display_path(Path::new("."), cwd), ".");
    }
}
