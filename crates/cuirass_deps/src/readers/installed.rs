//! An installed environment: the `Name` and `Version` headers of every
//! `site-packages/*.dist-info/METADATA` (and legacy `*.egg-info/PKG-INFO`), plus the Python
//! version from `pyvenv.cfg`.
//!
//! The interpreter is never run. `--python PATH` may name the interpreter inside a virtualenv
//! (`.venv/bin/python`, `Scripts\python.exe`), the virtualenv directory, or a `site-packages`
//! directory; the environment is found from `pyvenv.cfg` and the standard layout
//! (`lib/python3.X/site-packages`, or `Lib/site-packages` on Windows). The interpreter path is
//! not resolved through symlinks: a venv's `bin/python` links to the base interpreter, and the
//! venv, not the base, is what is being asked about.

use std::path::{Path, PathBuf};

use cuirass_diagnostics::{NoticeKind, Span};

use super::python_version::parse_python_version;
use super::{ReadContext, locked};
use crate::model::{Declared, FileRead, InputKind, PythonDeclaration, PythonSpec, PythonUse, Role};
use crate::text::{self, to_u32};

/// Why `--python` did not lead to an environment.
#[derive(Debug, thiserror::Error)]
pub enum EnvironmentError {
    #[error("`{0}` does not exist")]
    Missing(String),
    #[error(
        "`{0}` is not a Python environment: no `pyvenv.cfg` next to it and no `site-packages` inside it"
    )]
    NotAnEnvironment(String),
    #[error(
        "`{0}` has no `site-packages` directory (looked for `lib/python3.*/site-packages` and `Lib/site-packages`)"
    )]
    NoSitePackages(String),
}

/// Where an environment's packages are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    /// The environment's directory (holding `pyvenv.cfg` when it is a virtualenv).
    pub root: PathBuf,
    pub pyvenv_cfg: Option<PathBuf>,
    /// `site-packages` directories, sorted.
    pub site_packages: Vec<PathBuf>,
}

/// Finds the environment that `python` (an interpreter, an environment directory or a
/// `site-packages` directory) belongs to, from the file layout alone.
pub fn find_site_packages(python: &Path) -> Result<Environment, EnvironmentError> {
    let shown = python.display().to_string();
    let meta = std::fs::metadata(python).map_err(|_| EnvironmentError::Missing(shown.clone()))?;
    if meta.is_dir() && has_distributions(python) {
        return Ok(Environment {
            root: python.to_path_buf(),
            pyvenv_cfg: None,
            site_packages: vec![python.to_path_buf()],
        });
    }
    let candidates: Vec<PathBuf> = if meta.is_dir() {
        vec![python.to_path_buf()]
    } else {
        // `<env>/bin/python` or `<env>\Scripts\python.exe` → `<env>`; some layouts put the
        // interpreter at the root.
        let parent = python.parent().unwrap_or(Path::new("."));
        [
            parent.parent().map(Path::to_path_buf),
            Some(parent.to_path_buf()),
        ]
        .into_iter()
        .flatten()
        .collect()
    };
    let root = candidates
        .iter()
        .find(|c| c.join("pyvenv.cfg").is_file())
        .or_else(|| {
            candidates
                .iter()
                .find(|c| !site_packages_in(c, None).is_empty())
        })
        .cloned()
        .ok_or_else(|| EnvironmentError::NotAnEnvironment(shown.clone()))?;
    let pyvenv_cfg = Some(root.join("pyvenv.cfg")).filter(|p| p.is_file());
    let version = pyvenv_cfg
        .as_deref()
        .and_then(|cfg| std::fs::read_to_string(cfg).ok())
        .and_then(|text| pyvenv_version(&text).map(|(_, v, _)| v));
    let site_packages = site_packages_in(&root, version);
    if site_packages.is_empty() {
        return Err(EnvironmentError::NoSitePackages(root.display().to_string()));
    }
    Ok(Environment {
        root,
        pyvenv_cfg,
        site_packages,
    })
}

fn has_distributions(dir: &Path) -> bool {
    dir.file_name()
        .is_some_and(|n| n == "site-packages" || n == "dist-packages")
        || std::fs::read_dir(dir).is_ok_and(|entries| {
            entries.flatten().any(|e| {
                e.file_name()
                    .to_str()
                    .is_some_and(|n| n.ends_with(".dist-info"))
            })
        })
}

/// `lib/python<X.Y>[t]/site-packages` for the known version, else every `lib/python*`; and
/// Windows' `Lib/site-packages`.
fn site_packages_in(root: &Path, version: Option<(u64, u64)>) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let lib = root.join("lib");
    match version {
        Some((major, minor)) => {
            for suffix in ["", "t"] {
                let dir = lib
                    .join(format!("python{major}.{minor}{suffix}"))
                    .join("site-packages");
                if dir.is_dir() {
                    found.push(dir);
                }
            }
        }
        None => {
            if let Ok(entries) = std::fs::read_dir(&lib) {
                for entry in entries.flatten() {
                    let name = entry.file_name();
                    if name.to_str().is_some_and(|n| n.starts_with("python")) {
                        let dir = entry.path().join("site-packages");
                        if dir.is_dir() {
                            found.push(dir);
                        }
                    }
                }
            }
        }
    }
    let windows = root.join("Lib").join("site-packages");
    if windows.is_dir()
        && !found
            .iter()
            .any(|f| text::normalize(f) == text::normalize(&windows))
    {
        found.push(windows);
    }
    found.sort();
    found
}

/// `version`/`version_info` of a `pyvenv.cfg`: (line, (major, minor), text).
fn pyvenv_version(text: &str) -> Option<(u32, (u64, u64), String)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let (key, value) = line.split_once('=')?;
        let key = key.trim();
        if key != "version" && key != "version_info" {
            return None;
        }
        let value = value.trim();
        parse_python_version(value).map(|v| (to_u32(i + 1), v, value.to_string()))
    })
}

/// Reads every distribution of the environment `python` belongs to.
pub fn read_environment(python: &Path, ctx: &ReadContext) -> Result<FileRead, EnvironmentError> {
    let env = find_site_packages(python)?;
    let mut read = FileRead::default();
    if let Some(cfg) = &env.pyvenv_cfg {
        let display = text::display_path(cfg, &ctx.cwd);
        read.files.push(display.clone());
        if let Ok(content) = fs_err::read_to_string(cfg)
            && let Some((line, (major, minor), value)) = pyvenv_version(&content)
        {
            read.python.push(PythonDeclaration {
                text: value,
                spec: PythonSpec::Version { major, minor },
                usage: PythonUse::Runs,
                declared: Declared::new(cfg, display, Span::line(line), InputKind::Installed),
            });
        }
    }
    for site in &env.site_packages {
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(site) {
            Ok(entries) => entries.flatten().map(|e| e.path()).collect(),
            Err(err) => {
                let display = text::display_path(site, &ctx.cwd);
                read.notice(cuirass_diagnostics::Notice::new(
                    NoticeKind::Unreadable,
                    display.clone(),
                    format!("cannot read `{display}`: {}", text::error_text(&err)),
                ));
                continue;
            }
        };
        entries.sort();
        for entry in entries {
            let name = entry.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let metadata = if name.ends_with(".dist-info") {
                entry.join("METADATA")
            } else if name.ends_with(".egg-info") && entry.is_dir() {
                entry.join("PKG-INFO")
            } else if name.ends_with(".egg-info") {
                entry.clone()
            } else {
                continue;
            };
            let display = text::display_path(&metadata, &ctx.cwd);
            let one = read_metadata_file(&metadata, &display);
            read.dependencies.extend(one.dependencies);
            read.notices.extend(one.notices);
        }
    }
    Ok(read)
}

/// Reads the `Name` and `Version` of one core-metadata file.
pub(crate) fn read_metadata_file(path: &Path, display: &str) -> FileRead {
    let mut read = FileRead {
        files: vec![display.to_string()],
        ..FileRead::default()
    };
    let text = match text::read_text(path, display) {
        Ok(text) => text,
        Err(notice) => {
            read.notice(notice);
            return read;
        }
    };
    let mut name = None;
    let mut version = None;
    for (i, line) in text.text.lines().enumerate() {
        if line.trim().is_empty() {
            // Headers end at the first blank line; the description follows.
            break;
        }
        if let Some(value) = line.strip_prefix("Name:") {
            name = Some((to_u32(i + 1), value.trim().to_string()));
        } else if let Some(value) = line.strip_prefix("Version:") {
            version = Some(value.trim().to_string());
        }
    }
    match (name, version) {
        (Some((line, name)), Some(version)) => {
            let declared = Declared::new(path, display, Span::line(line), InputKind::Installed);
            read.dependencies
                .push(locked(&name, &version, declared, Role::Installed, None));
        }
        _ => read.notice(cuirass_diagnostics::Notice::new(
            NoticeKind::ParseError,
            display,
            format!("`{display}` has no `Name` and `Version` headers"),
        )),
    }
    read
}
