//! One reader per input format. Each turns a file into a [`FileRead`]: dependencies with the
//! line that declares them, unauditable requirements, Python-version declarations and notices
//! for whatever could not be read. Readers never fail: a broken file becomes a notice and the
//! audit goes on with the rest.
//!
//! Shared here: parsing a PEP 508 string into a [`Dependency`] or an [`Unauditable`], and the
//! rules for "is this an exact pin".

mod dockerfile;
mod ini;
mod installed;
mod pdm_lock;
mod pipfile;
mod pipfile_lock;
mod poetry_lock;
mod pylock;
mod pyproject;
mod python_version;
mod requirements;
mod setup_cfg;
mod toml_util;
mod tox;
mod uv_lock;
mod workflow;

use std::path::{Path, PathBuf};
use std::str::FromStr;

use cuirass_diagnostics::{Notice, NoticeKind, Span};
use pep440_rs::{Operator, VersionSpecifiers};
use pep508_rs::{Requirement, VerbatimUrl, VersionOrUrl};

pub use installed::{Environment, EnvironmentError, find_site_packages, read_environment};
pub use python_version::parse_python_version;

use crate::model::{
    Declared, Dependency, FileRead, InputKind, Pin, Role, Unauditable, UnauditableKind, redact_url,
};
use crate::name::PackageName;
use crate::text;

/// What readers need besides the file: where display paths are relative to.
#[derive(Debug, Clone)]
pub struct ReadContext {
    /// Display paths of files a reader opens on its own (`-r` includes, environments) are
    /// relative to this directory.
    pub cwd: PathBuf,
}

/// Reads one file of a known kind. `display` is how the file is shown in reports.
pub fn read_file(path: &Path, display: &str, kind: InputKind, ctx: &ReadContext) -> FileRead {
    let mut read = read_kind(path, display, kind, ctx);
    // Declaration order (file, line, column), whatever order a format's tables come in.
    read.dependencies
        .sort_by(|a, b| a.declared.cmp(&b.declared));
    read.unauditable.sort_by(|a, b| a.declared.cmp(&b.declared));
    read.python.sort_by(|a, b| a.declared.cmp(&b.declared));
    read
}

fn read_kind(path: &Path, display: &str, kind: InputKind, ctx: &ReadContext) -> FileRead {
    match kind {
        InputKind::Requirements => requirements::read(path, display, ctx),
        InputKind::Installed => installed::read_metadata_file(path, display),
        _ => {
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
            read.notices.extend(text.notice.clone());
            let file = SourceRef {
                path,
                display,
                kind,
                text: &text.text,
            };
            match kind {
                InputKind::Pyproject => pyproject::read(&file, &mut read),
                InputKind::PoetryLock => poetry_lock::read(&file, &mut read),
                InputKind::Pipfile => pipfile::read(&file, &mut read),
                InputKind::PipfileLock => pipfile_lock::read(&file, &mut read),
                InputKind::UvLock => uv_lock::read(&file, &mut read),
                InputKind::PdmLock => pdm_lock::read(&file, &mut read),
                InputKind::Pylock => pylock::read(&file, &mut read),
                InputKind::SetupCfg => setup_cfg::read(&file, &mut read),
                InputKind::PythonVersion | InputKind::RuntimeTxt => {
                    python_version::read(&file, &mut read);
                }
                InputKind::Dockerfile => dockerfile::read(&file, &mut read),
                InputKind::ToxIni => tox::read(&file, &mut read),
                InputKind::GithubWorkflow => workflow::read(&file, &mut read),
                InputKind::Requirements | InputKind::Installed => {}
            }
            read
        }
    }
}

/// A file being read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SourceRef<'a> {
    pub(crate) path: &'a Path,
    pub(crate) display: &'a str,
    pub(crate) kind: InputKind,
    pub(crate) text: &'a str,
}

impl SourceRef<'_> {
    pub(crate) fn declared(&self, span: Span) -> Declared {
        Declared::new(self.path, self.display, span, self.kind)
    }

    pub(crate) fn notice(&self, kind: NoticeKind, span: Option<Span>, message: String) -> Notice {
        let notice = Notice::new(kind, self.display, message);
        match span {
            Some(span) => notice.at(span.start),
            None => notice,
        }
    }
}

/// A PEP 508 string, read.
#[derive(Debug)]
pub(crate) enum Parsed {
    Dependency(Dependency),
    Unauditable(Unauditable),
}

/// Parses one PEP 508 requirement string as written in a manifest.
pub(crate) fn parse_pep508(
    text: &str,
    declared: Declared,
    role: Role,
    group: Option<String>,
) -> Result<Parsed, String> {
    let trimmed = text.trim();
    match Requirement::<VerbatimUrl>::from_str(trimmed) {
        Ok(req) => Ok(from_requirement(&req, trimmed, declared, role, group)),
        Err(err) => {
            // `name @ ./local/path` needs a working directory to parse; it is unauditable
            // whatever it points at, so the name is all we need.
            if let Some((name, url)) = trimmed.split_once('@') {
                let name = name.trim();
                if !name.is_empty() && is_plain_name(name.split('[').next().unwrap_or(name)) {
                    return Ok(Parsed::Unauditable(Unauditable {
                        kind: url_kind(url.trim()),
                        name: Some(PackageName::new(name.split('[').next().unwrap_or(name))),
                        text: redact_url(trimmed),
                        declared,
                    }));
                }
            }
            Err(first_line(&err.to_string()))
        }
    }
}

fn from_requirement(
    req: &Requirement<VerbatimUrl>,
    text: &str,
    declared: Declared,
    role: Role,
    group: Option<String>,
) -> Parsed {
    let written_name = written_name(text);
    match &req.version_or_url {
        Some(VersionOrUrl::Url(url)) => {
            let given = url.given().map_or_else(|| url.to_string(), str::to_string);
            Parsed::Unauditable(Unauditable {
                kind: url_kind(&given),
                name: Some(PackageName::new(req.name.as_ref())),
                text: redact_url(text),
                declared,
            })
        }
        version_or_url => {
            let specifiers = match version_or_url {
                Some(VersionOrUrl::VersionSpecifier(specs)) => Some(specs),
                _ => None,
            };
            let (pin, version) =
                specifiers.map_or((Pin::Any, None), |specs| classify_specifiers(specs, text));
            let specifier = specifier_text(text);
            Parsed::Dependency(Dependency {
                name: PackageName::new(req.name.as_ref()),
                written_name,
                specifier,
                pin,
                version,
                extras: req.extras.iter().map(ToString::to_string).collect(),
                marker: marker_text(text),
                hashes: Vec::new(),
                group,
                role,
                declared,
            })
        }
    }
}

/// Exact when one of the specifiers is `==V` (no wildcard) or `===V`; the version is taken as
/// written (so a fix can find it), falling back to the normalised form.
pub(crate) fn classify_specifiers(specs: &VersionSpecifiers, text: &str) -> (Pin, Option<String>) {
    if specs.is_empty() {
        return (Pin::Any, None);
    }
    let exact = specs
        .iter()
        .find(|s| matches!(s.operator(), Operator::Equal | Operator::ExactEqual));
    match exact {
        Some(spec) => {
            let version = written_exact_version(text).unwrap_or_else(|| spec.version().to_string());
            (Pin::Exact, Some(version))
        }
        None => (Pin::Range, None),
    }
}

/// The version after the first `==` or `===` in `text`, as written.
pub(crate) fn written_exact_version(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(found) = text.get(i..)?.find("==") {
        let at = i + found;
        let before = at.checked_sub(1).and_then(|b| bytes.get(b)).copied();
        if matches!(before, Some(b'!' | b'<' | b'>' | b'~' | b'=')) {
            i = at + 2;
            continue;
        }
        let mut rest = &text[at + 2..];
        rest = rest.strip_prefix('=').unwrap_or(rest).trim_start();
        let end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ')' | '"' | '\''))
            .unwrap_or(rest.len());
        let version = &rest[..end];
        if version.is_empty() || version.ends_with('*') {
            return None;
        }
        return Some(version.to_string());
    }
    None
}

/// The name as written at the start of a requirement.
fn written_name(text: &str) -> String {
    text.trim()
        .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .next()
        .unwrap_or("")
        .to_string()
}

/// The version part of a requirement as written: after the name and extras, before `;`.
fn specifier_text(text: &str) -> String {
    let body = text.split(';').next().unwrap_or(text);
    let name_len = written_name(body).len();
    let mut rest = body.trim_start().get(name_len..).unwrap_or("").trim_start();
    if rest.starts_with('[') {
        rest = rest.find(']').map_or("", |end| &rest[end + 1..]);
    }
    let rest = rest.trim();
    let rest = rest
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or(rest);
    rest.split_whitespace().collect::<Vec<_>>().join("")
}

fn marker_text(text: &str) -> Option<String> {
    text.split_once(';')
        .map(|(_, m)| m.trim().to_string())
        .filter(|m| !m.is_empty())
}

fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// What kind of non-index source a URL or path is.
pub(crate) fn url_kind(url: &str) -> UnauditableKind {
    let lower = url.trim().to_ascii_lowercase();
    if ["git+", "hg+", "svn+", "bzr+"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        UnauditableKind::Vcs
    } else if lower.starts_with("file:")
        || lower.starts_with('.')
        || lower.starts_with('/')
        || lower.starts_with('~')
        || !lower.contains("://")
    {
        UnauditableKind::LocalPath
    } else {
        UnauditableKind::Url
    }
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or(text).to_string()
}

/// An exact version from a lock file or an environment: `==<version>`.
pub(crate) fn locked(
    name: &str,
    version: &str,
    declared: Declared,
    role: Role,
    group: Option<String>,
) -> Dependency {
    Dependency {
        name: PackageName::new(name),
        written_name: name.to_string(),
        specifier: format!("=={version}"),
        pin: Pin::Exact,
        version: Some(version.to_string()),
        extras: Vec::new(),
        marker: None,
        hashes: Vec::new(),
        group,
        role,
        declared,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cuirass_diagnostics::Span;

    fn declared() -> Declared {
        Declared::new("r.txt", "r.txt", Span::line(1), InputKind::Requirements)
    }

    fn dep(text: &str) -> Dependency {
        match parse_pep508(text, declared(), Role::Direct, None).unwrap() {
            Parsed::Dependency(d) => d,
            Parsed::Unauditable(u) => panic!("unauditable: {u:?}"),
        }
    }

    #[test]
    fn pins() {
        let d = dep("Django == 3.2.0 ; python_version >= \"3.8\"");
        assert_eq!((d.pin, d.version.as_deref()), (Pin::Exact, Some("3.2.0")));
        assert_eq!(d.specifier, "==3.2.0");
        assert_eq!(d.marker.as_deref(), Some("python_version >= \"3.8\""));
        assert_eq!(d.name.as_str(), "django");
        assert_eq!(d.written_name, "Django");
        let d = dep("requests[security,socks]>=2.8.1,==2.8.*");
        assert_eq!(d.pin, Pin::Range);
        assert_eq!(d.extras, ["security", "socks"]);
        assert_eq!(d.specifier, ">=2.8.1,==2.8.*");
        assert_eq!(dep("flask").pin, Pin::Any);
        assert_eq!(dep("flask (==2.0.1)").version.as_deref(), Some("2.0.1"));
        assert_eq!(dep("flask===2.0.1").version.as_deref(), Some("2.0.1"));
        assert_eq!(
            dep("a>=1,==1.0.post1").version.as_deref(),
            Some("1.0.post1")
        );
        assert_eq!(written_exact_version("x!=1.0,==2.0"), Some("2.0".into()));
        assert_eq!(written_exact_version("x==2.*"), None);
    }

    #[test]
    fn urls_are_unauditable() {
        for (text, kind) in [
            (
                "pkg @ https://example.com/pkg-1.0.tar.gz",
                UnauditableKind::Url,
            ),
            (
                "pkg @ git+https://github.com/o/pkg@v1",
                UnauditableKind::Vcs,
            ),
            ("pkg @ file:///tmp/pkg", UnauditableKind::LocalPath),
            ("pkg @ ./vendor/pkg", UnauditableKind::LocalPath),
        ] {
            match parse_pep508(text, declared(), Role::Direct, None).unwrap() {
                Parsed::Unauditable(u) => {
                    assert_eq!(u.kind, kind, "{text}");
                    assert_eq!(u.name.unwrap().as_str(), "pkg");
                }
                Parsed::Dependency(d) => panic!("{text} read as {d:?}"),
            }
        }
        assert!(parse_pep508("not a requirement!", declared(), Role::Direct, None).is_err());
    }
}
