//! The dependency and interpreter audits of cuirass.
//!
//! - **Readers** ([`readers`]), one module per format: pip requirements files (with `-r`/`-c`
//!   includes), `pyproject.toml` (PEP 621, PEP 735, Poetry, PDM, uv), `poetry.lock`,
//!   `Pipfile`/`Pipfile.lock`, `uv.lock`, `pdm.lock`, `pylock.toml` (PEP 751), `setup.cfg`,
//!   installed environments (`*.dist-info/METADATA`, never running Python), and the files that
//!   name a Python version. Every declaration keeps its file and line.
//! - **Advisories** ([`db`]): OSV records for PyPI from osv.dev's export zip, a folder of JSON
//!   files, or the user cache that [`db::update`] fills over HTTPS (the only network access in
//!   cuirass). The cache keeps a prepared index so lookups do not parse the whole export.
//! - **Matching** ([`matching`]): OSV range semantics with PEP 440 ordering; one finding per
//!   vulnerable package version with the smallest upgrade that fixes every advisory.
//! - **Hygiene**: unpinned requirements in applications, missing hashes, conflicting pins,
//!   unauditable requirements; **interpreter end of life** ([`eol`]).
//! - **Ignores that end** ([`config`]), **pin fixes** ([`fix`]) and **CycloneDX**
//!   ([`cyclonedx`]).
//!
//! The entry point is [`audit`]: give it the files the walk found, an optional database and
//! the options; it returns findings, notices, the resolved packages (for the SBOM and the
//! reports' dependency table) and the database it used.
#![forbid(unsafe_code)]

pub mod advisory;
mod atomic;
mod audit;
pub mod config;
pub mod cvss;
pub mod cyclonedx;
pub mod date;
pub mod db;
pub mod eol;
pub mod fix;
mod hygiene;
pub mod matching;
pub mod model;
pub mod name;
mod osv;
pub mod readers;
pub mod rules;
mod text;

pub use audit::{
    AdvisoryMatch, DepsOptions, DepsReport, IgnoredAdvisory, InputFile, NO_DATABASE_MESSAGE,
    ProjectInput, ResolvedPackage, VulnerablePackage, audit, read_one,
};
pub use config::{DepsConfig, Ignore, IgnoreEntry, Until};
pub use date::Date;
pub use db::{Database, DbError, DbInfo};
pub use name::PackageName;
pub use rules::rules;
