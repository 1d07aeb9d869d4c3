//! What the readers produce: declared dependencies with the exact place that declares them,
//! requirements that cannot be audited, and declarations of the Python version.
//!
//! Readers only describe files; deciding what is a problem happens later (`audit.rs`), so the
//! same model serves the advisory match, the hygiene rules, the fixer and the SBOM.

use std::path::{Path, PathBuf};

use cuirass_diagnostics::{Location, Notice, Span};
use serde::{Serialize, Serializer};

use crate::name::PackageName;

/// The kinds of files the dependency and interpreter audits read, recognised by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputKind {
    /// `requirements*.txt`, `constraints*.txt`, `requirements/*.txt`, pip-tools `*.in`.
    Requirements,
    /// `pyproject.toml`: PEP 621, PEP 735, Poetry, PDM and uv tables.
    Pyproject,
    PoetryLock,
    Pipfile,
    PipfileLock,
    UvLock,
    PdmLock,
    /// PEP 751 `pylock.toml` and `pylock.<name>.toml`.
    Pylock,
    SetupCfg,
    /// `*.dist-info/METADATA` (or `*.egg-info/PKG-INFO`) of an installed environment.
    Installed,
    /// pyenv's `.python-version`.
    PythonVersion,
    /// Heroku-style `runtime.txt`.
    RuntimeTxt,
    /// `Dockerfile`, `Dockerfile.*`, `*.dockerfile`, `Containerfile`.
    Dockerfile,
    ToxIni,
    /// `.github/workflows/*.yml`.
    GithubWorkflow,
}

impl InputKind {
    /// The kind of a file, from its name (and, for workflows, its directory); `None` for files
    /// neither audit reads.
    pub fn for_path(path: &Path) -> Option<Self> {
        let name = path.file_name()?.to_str()?;
        let lower = name.to_ascii_lowercase();
        let parent = path
            .parent()
            .and_then(Path::file_name)
            .and_then(|p| p.to_str())
            .map(str::to_ascii_lowercase);
        let kind = match lower.as_str() {
            "pyproject.toml" => Self::Pyproject,
            "poetry.lock" => Self::PoetryLock,
            "pipfile" => Self::Pipfile,
            "pipfile.lock" => Self::PipfileLock,
            "uv.lock" => Self::UvLock,
            "pdm.lock" => Self::PdmLock,
            "setup.cfg" => Self::SetupCfg,
            ".python-version" => Self::PythonVersion,
            "runtime.txt" => Self::RuntimeTxt,
            "tox.ini" => Self::ToxIni,
            "containerfile" | "dockerfile" => Self::Dockerfile,
            "metadata" if parent.as_deref().is_some_and(|p| p.ends_with(".dist-info")) => {
                Self::Installed
            }
            _ if lower.starts_with("dockerfile.") || lower.ends_with(".dockerfile") => {
                Self::Dockerfile
            }
            _ if is_pylock_name(&lower) => Self::Pylock,
            _ if is_requirements_name(&lower, parent.as_deref()) => Self::Requirements,
            _ if Path::new(&lower)
                .extension()
                .is_some_and(|e| e == "yml" || e == "yaml")
                && parent.as_deref() == Some("workflows")
                && path
                    .parent()
                    .and_then(Path::parent)
                    .and_then(Path::file_name)
                    .is_some_and(|g| g == ".github") =>
            {
                Self::GithubWorkflow
            }
            _ => return None,
        };
        Some(kind)
    }

    /// The name used in messages and snapshots.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Requirements => "requirements",
            Self::Pyproject => "pyproject.toml",
            Self::PoetryLock => "poetry.lock",
            Self::Pipfile => "Pipfile",
            Self::PipfileLock => "Pipfile.lock",
            Self::UvLock => "uv.lock",
            Self::PdmLock => "pdm.lock",
            Self::Pylock => "pylock.toml",
            Self::SetupCfg => "setup.cfg",
            Self::Installed => "installed",
            Self::PythonVersion => ".python-version",
            Self::RuntimeTxt => "runtime.txt",
            Self::Dockerfile => "Dockerfile",
            Self::ToxIni => "tox.ini",
            Self::GithubWorkflow => "GitHub workflow",
        }
    }

    /// Lock files: every entry is an exact version chosen by a resolver.
    pub const fn is_lock(self) -> bool {
        matches!(
            self,
            Self::PoetryLock | Self::PipfileLock | Self::UvLock | Self::PdmLock | Self::Pylock
        )
    }

    /// Files that only declare interpreter versions.
    pub const fn is_interpreter_only(self) -> bool {
        matches!(
            self,
            Self::PythonVersion
                | Self::RuntimeTxt
                | Self::Dockerfile
                | Self::ToxIni
                | Self::GithubWorkflow
        )
    }
}

/// `pylock.toml` or `pylock.<name>.toml` (PEP 751's file-name rule).
fn is_pylock_name(lower: &str) -> bool {
    lower == "pylock.toml"
        || lower
            .strip_prefix("pylock.")
            .and_then(|rest| rest.strip_suffix(".toml"))
            .is_some_and(|name| !name.is_empty() && !name.contains('.'))
}

/// Requirement files by the conventions pip, pip-tools and most projects follow:
/// `requirements.txt`, `requirements-dev.txt`, `dev-requirements.txt`, `constraints.txt`,
/// anything `.txt`/`.in` inside a `requirements/` directory, and pip-tools' `*.in` inputs
/// named like requirements. `MANIFEST.in` and other `.in` files are not requirement files.
fn is_requirements_name(lower: &str, parent: Option<&str>) -> bool {
    let Some(stem) = lower
        .strip_suffix(".txt")
        .or_else(|| lower.strip_suffix(".in"))
    else {
        return false;
    };
    stem.contains("requirements")
        || stem.contains("constraints")
        || matches!(parent, Some("requirements" | "reqs" | "requirements.d"))
}

/// Where something was declared: the file (to rewrite it) and the place to show.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Declared {
    #[serde(rename = "path", serialize_with = "ser_location")]
    pub location: Location,
    /// The file on disk (absolute or as given), for fixes; not shown.
    #[serde(skip)]
    pub file: PathBuf,
    pub kind: InputKind,
}

impl Declared {
    pub fn new(
        file: impl Into<PathBuf>,
        display: impl Into<String>,
        span: Span,
        kind: InputKind,
    ) -> Self {
        Self {
            location: Location::new(display, span),
            file: file.into(),
            kind,
        }
    }

    pub fn line(&self) -> u32 {
        self.location.span.start.line
    }

    /// `path:line`, for messages.
    pub fn short(&self) -> String {
        format!("{}:{}", self.location.path, self.line())
    }
}

fn ser_location<S: Serializer>(location: &Location, serializer: S) -> Result<S::Ok, S::Error> {
    let s = location.span;
    serializer.collect_str(&format_args!(
        "{}:{}:{}-{}:{}",
        location.path, s.start.line, s.start.column, s.end.line, s.end.column
    ))
}

/// How precisely a declaration fixes the version that gets installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pin {
    /// One version: `==1.2.3`, `===1.2.3`, Poetry's bare `1.2.3`, a lock entry, an installed
    /// distribution.
    Exact,
    /// A range or wildcard: `>=2.0`, `~=2.1`, `^2.1`, `==2.*`.
    Range,
    /// No constraint: `django`, `"*"`.
    Any,
}

/// Why a declaration exists, which decides what the hygiene rules expect of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// A requirement written by the project (requirements file, manifest).
    Direct,
    /// A pip constraints-file line (`-c`): it pins a version if the package gets installed.
    Constraint,
    /// An entry of a lock file, direct or transitive.
    Locked,
    /// A distribution found in an installed environment.
    Installed,
}

/// One declared dependency on a PyPI package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dependency {
    pub name: PackageName,
    /// The name as written.
    pub written_name: String,
    /// The version constraint as written (`>=2,<3`, `^1.2`, `==3.2.0`); empty when there is
    /// none. Lock files and environments give `==<version>`.
    pub specifier: String,
    pub pin: Pin,
    /// The exact version as written, when `pin` is `Exact`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extras: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub marker: Option<String>,
    /// `--hash` values (`sha256:…`) of a requirements line (lock files keep hashes per file,
    /// which no rule needs, so they are not read).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hashes: Vec<String>,
    /// Dependency group, extra or Poetry group (`dev`, `optional:test`, `group:docs`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    pub role: Role,
    pub declared: Declared,
}

/// Requirements whose code cannot be matched against advisories by name and version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnauditableKind {
    /// `-e …`, `develop = true`, `editable = true`: local code installed in place.
    Editable,
    /// A direct URL to an archive (`name @ https://…/x.whl`).
    Url,
    /// A version-control checkout (`git+https://…`, `{ git = … }`).
    Vcs,
    /// A local directory or archive.
    LocalPath,
    /// A version string that is not PEP 440.
    InvalidVersion,
}

impl UnauditableKind {
    pub const fn describe(self) -> &'static str {
        match self {
            Self::Editable => "an editable install",
            Self::Url => "installed from a direct URL",
            Self::Vcs => "installed from a version-control checkout",
            Self::LocalPath => "installed from a local path",
            Self::InvalidVersion => "not versioned by PEP 440",
        }
    }
}

/// A requirement that is installed from somewhere advisories cannot describe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unauditable {
    pub kind: UnauditableKind,
    /// The package name, when the line names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<PackageName>,
    /// The requirement as written (URLs with credentials redacted).
    pub text: String,
    pub declared: Declared,
}

/// What a Python-version declaration says about the interpreter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PythonUse {
    /// The interpreter that runs the project: `.python-version`, `runtime.txt`, a Dockerfile's
    /// base image, a virtualenv's `pyvenv.cfg`, Pipfile's `python_version`.
    Runs,
    /// The versions the project allows: `requires-python`, `python_requires`, Poetry's
    /// `python`.
    Allows,
    /// Versions the project's CI or tox runs tests on.
    Tests,
}

/// A version of Python named by a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PythonDeclaration {
    /// As written: `3.9`, `>=3.8`, `python-3.11.4`, `3.10-slim`.
    pub text: String,
    /// For `Runs`/`Tests`: the `major.minor` named; for `Allows`: the specifier set.
    pub spec: PythonSpec,
    pub usage: PythonUse,
    pub declared: Declared,
}

/// A concrete minor version or a PEP 440 specifier set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PythonSpec {
    Version { major: u64, minor: u64 },
    Specifiers(String),
}

/// A package index named by a requirements file (credentials redacted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndexUrl {
    pub url: String,
    /// `--extra-index-url` (consulted in addition to the main index).
    pub extra: bool,
    pub declared: Declared,
}

/// Everything read from one input file (and, for requirements files, the files it includes).
#[derive(Debug, Clone, Default, Serialize)]
pub struct FileRead {
    pub dependencies: Vec<Dependency>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unauditable: Vec<Unauditable>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub python: Vec<PythonDeclaration>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub index_urls: Vec<IndexUrl>,
    /// Requirements files that say `--require-hashes` (display paths).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub require_hashes: Vec<String>,
    /// Display paths of every file read, the root first.
    pub files: Vec<String>,
    #[serde(serialize_with = "ser_notices", skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<Notice>,
}

impl FileRead {
    pub(crate) fn notice(&mut self, notice: Notice) {
        self.notices.push(notice);
    }
}

fn ser_notices<S: Serializer>(notices: &[Notice], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(notices.iter().map(|n| {
        let at = n
            .position
            .map(|p| format!(":{}:{}", p.line, p.column))
            .unwrap_or_default();
        format!("{}{at}: {}: {}", n.path, n.kind.as_str(), n.message)
    }))
}

/// Removes `user:password@` from a URL, so credentials in index URLs never reach a report.
pub(crate) fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}://****@{}", &url[..scheme_end], &rest[at + 1..]),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_name() {
        let k = |p: &str| InputKind::for_path(Path::new(p));
        assert_eq!(k("requirements.txt"), Some(InputKind::Requirements));
        assert_eq!(k("a/requirements-dev.txt"), Some(InputKind::Requirements));
        assert_eq!(k("dev-requirements.in"), Some(InputKind::Requirements));
        assert_eq!(k("requirements/base.txt"), Some(InputKind::Requirements));
        assert_eq!(k("requirements/dev.in"), Some(InputKind::Requirements));
        assert_eq!(k("constraints.txt"), Some(InputKind::Requirements));
        assert_eq!(k("MANIFEST.in"), None);
        assert_eq!(k("notes.txt"), None);
        assert_eq!(k("pylock.toml"), Some(InputKind::Pylock));
        assert_eq!(k("pylock.spam.toml"), Some(InputKind::Pylock));
        assert_eq!(k("pylock.a.b.toml"), None);
        assert_eq!(k("Pipfile"), Some(InputKind::Pipfile));
        assert_eq!(k("Pipfile.lock"), Some(InputKind::PipfileLock));
        assert_eq!(k("docker/Dockerfile.prod"), Some(InputKind::Dockerfile));
        assert_eq!(k("web.dockerfile"), Some(InputKind::Dockerfile));
        assert_eq!(
            k(".github/workflows/ci.yml"),
            Some(InputKind::GithubWorkflow)
        );
        assert_eq!(k("workflows/ci.yml"), None);
        assert_eq!(
            k("venv/lib/python3.12/site-packages/django-3.2.dist-info/METADATA"),
            Some(InputKind::Installed)
        );
    }

    #[test]
    fn credentials_are_redacted() {
        assert_eq!(
            redact_url("https://user:s3cret@pypi.example.com/simple"),
            "https://****@pypi.example.com/simple"
        );
        assert_eq!(
            redact_url("https://pypi.org/simple"),
            "https://pypi.org/simple"
        );
        assert_eq!(redact_url("https://h/x?a=b@c"), "https://h/x?a=b@c");
    }
}
