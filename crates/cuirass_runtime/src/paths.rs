//! `safe_join`: joining untrusted path parts under a base directory without escaping it, by
//! `..`, by an absolute part, by a NUL byte, or through a symbolic link that points outside.
//!
//! The base is canonicalised; each part's components are then appended one at a time, and every
//! component that exists and is a symbolic link is resolved (`canonicalize`) and must still lie
//! under the base. Once a component does not exist, nothing below it can be a link, so the rest is
//! appended as text. Dangling links are refused: where they would lead is decided later, by
//! whoever creates the target. The result is the resolved path, so what was checked is what the
//! caller opens (a link swapped in afterwards is a race no path check can close: open with
//! `O_NOFOLLOW` for that).

use std::io;
use std::path::{Component, Path, PathBuf};

/// Why a join was refused.
#[derive(Debug, thiserror::Error)]
pub enum PathError {
    #[error("the path part `{0}` contains a NUL byte")]
    Nul(String),
    #[error("the path part `{0}` is absolute")]
    Absolute(String),
    #[error("the path part `{0}` contains `..`")]
    ParentDir(String),
    #[error("the path part `{0}` contains a backslash, a path separator on Windows")]
    Backslash(String),
    #[error("the path `{}` leaves the base directory `{}` through a symbolic link", .path.display(), .base.display())]
    Escapes { path: PathBuf, base: PathBuf },
    #[error("the path `{}` is a symbolic link whose target does not exist", .0.display())]
    DanglingLink(PathBuf),
    #[error("the base directory `{}` cannot be used: {source}", .path.display())]
    Base { path: PathBuf, source: io::Error },
    #[error("cannot inspect `{}`: {source}", .path.display())]
    Io { path: PathBuf, source: io::Error },
}

/// Joins `parts` under `base`, refusing anything that would lead outside it. Empty parts and `.`
/// components are ignored. Returns the resolved path.
pub fn safe_join(base: &Path, parts: &[&str]) -> Result<PathBuf, PathError> {
    for part in parts {
        check_part(part)?;
    }
    let root = base.canonicalize().map_err(|source| PathError::Base {
        path: base.to_path_buf(),
        source,
    })?;
    let mut current = root.clone();
    let mut exists = true;
    for part in parts {
        for component in Path::new(part).components() {
            let Component::Normal(name) = component else {
                // `.` only: `..`, roots and prefixes were refused above.
                continue;
            };
            current.push(name);
            if !exists {
                continue;
            }
            match current.symlink_metadata() {
                Ok(metadata) if metadata.file_type().is_symlink() => {
                    let resolved = current.canonicalize().map_err(|source| {
                        if source.kind() == io::ErrorKind::NotFound {
                            PathError::DanglingLink(current.clone())
                        } else {
                            PathError::Io {
                                path: current.clone(),
                                source,
                            }
                        }
                    })?;
                    if !resolved.starts_with(&root) {
                        return Err(PathError::Escapes {
                            path: current,
                            base: root,
                        });
                    }
                    current = resolved;
                }
                Ok(_) => {}
                Err(source) if source.kind() == io::ErrorKind::NotFound => exists = false,
                Err(source) => {
                    return Err(PathError::Io {
                        path: current,
                        source,
                    });
                }
            }
        }
    }
    Ok(current)
}

fn check_part(part: &str) -> Result<(), PathError> {
    if part.contains('\0') {
        return Err(PathError::Nul(part.escape_debug().to_string()));
    }
    if part.contains('\\') {
        return Err(PathError::Backslash(part.to_owned()));
    }
    let path = Path::new(part);
    if path.has_root() || path.is_absolute() {
        return Err(PathError::Absolute(part.to_owned()));
    }
    if path
        .components()
        .any(|component| matches!(component, Component::ParentDir | Component::Prefix(_)))
    {
        return Err(PathError::ParentDir(part.to_owned()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("base");
        std::fs::create_dir_all(base.join("sub")).unwrap();
        std::fs::write(base.join("sub/file.txt"), "x").unwrap();
        std::fs::create_dir_all(dir.path().join("outside")).unwrap();
        std::fs::write(dir.path().join("outside/secret.txt"), "s").unwrap();
        let base = base.canonicalize().unwrap();
        (dir, base)
    }

    #[test]
    fn joins_plain_parts() {
        let (_dir, base) = setup();
        assert_eq!(
            safe_join(&base, &["sub", "file.txt"]).unwrap(),
            base.join("sub/file.txt")
        );
        assert_eq!(
            safe_join(&base, &["sub/./new/deeper.txt"]).unwrap(),
            base.join("sub/new/deeper.txt")
        );
        assert_eq!(safe_join(&base, &[]).unwrap(), base);
        assert_eq!(safe_join(&base, &["", "sub"]).unwrap(), base.join("sub"));
    }

    #[test]
    fn refuses_traversal() {
        let (_dir, base) = setup();
        assert!(matches!(
            safe_join(&base, &["../outside"]),
            Err(PathError::ParentDir(_))
        ));
        assert!(matches!(
            safe_join(&base, &["sub/../../x"]),
            Err(PathError::ParentDir(_))
        ));
        assert!(matches!(
            safe_join(&base, &["sub", ".."]),
            Err(PathError::ParentDir(_))
        ));
        assert!(matches!(
            safe_join(&base, &["/etc/passwd"]),
            Err(PathError::Absolute(_))
        ));
        assert!(matches!(
            safe_join(&base, &["a\0b"]),
            Err(PathError::Nul(_))
        ));
        assert!(matches!(
            safe_join(&base, &["..\\x"]),
            Err(PathError::Backslash(_))
        ));
        let error = safe_join(&base, &["sub/../../x"]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the path part `sub/../../x` contains `..`"
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlinks() {
        let (dir, base) = setup();
        let outside = dir.path().join("outside");
        std::os::unix::fs::symlink(&outside, base.join("escape")).unwrap();
        std::os::unix::fs::symlink(base.join("sub"), base.join("inside")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("missing"), base.join("dangling")).unwrap();
        std::os::unix::fs::symlink(outside.join("secret.txt"), base.join("sub/leak.txt")).unwrap();

        for parts in [
            &["escape"][..],
            &["escape", "secret.txt"],
            &["escape/new.txt"],
            &["sub/leak.txt"],
        ] {
            let error = safe_join(&base, parts).unwrap_err();
            assert!(
                matches!(error, PathError::Escapes { .. }),
                "{parts:?}: {error}"
            );
        }
        assert!(matches!(
            safe_join(&base, &["dangling"]),
            Err(PathError::DanglingLink(_))
        ));
        // A link that stays inside resolves to its target.
        assert_eq!(
            safe_join(&base, &["inside", "file.txt"]).unwrap(),
            base.join("sub/file.txt")
        );
        // A base that is itself reached through a link is fine: it is canonicalised first.
        std::os::unix::fs::symlink(&base, dir.path().join("base-link")).unwrap();
        assert_eq!(
            safe_join(&dir.path().join("base-link"), &["sub"]).unwrap(),
            base.join("sub")
        );
    }

    #[test]
    fn missing_base_is_an_error() {
        let (dir, _base) = setup();
        let error = safe_join(&dir.path().join("nope"), &["x"]).unwrap_err();
        assert!(matches!(error, PathError::Base { .. }));
        assert!(error.to_string().contains("nope"), "{error}");
    }
}
