//! The advisory database: OSV records for PyPI, from osv.dev's export zip, a folder of JSON
//! files, or the user cache that `cuirass db update` fills.
//!
//! Loading the full export means inflating and parsing every record, which is the cost that
//! matters (the match itself is a map lookup per package). The cache therefore keeps a
//! *prepared index* beside the zip (`db/index.rs`): advisories grouped by normalised package
//! name, with a table of offsets, so opening the cache reads one small table and each lookup
//! parses only that package's advisories. `--db PATH` on a zip or folder loads it in memory.

mod cache;
mod index;
mod load;
mod update;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use cache::{cache_info, default_cache_dir, open_cache};
pub use update::{DEFAULT_URL, Progress, UpdateError, UpdateOutcome, update};

use crate::advisory::Advisory;
use crate::date::Date;
use crate::name::PackageName;

/// A database older than this many days gets a warning.
pub const STALE_AFTER_DAYS: i64 = 7;

/// Where a database came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DbKind {
    /// `--db` pointing at an export zip.
    Zip,
    /// `--db` pointing at a folder of OSV JSON files.
    Directory,
    /// The user cache filled by `cuirass db update`.
    Cache,
}

/// What `cuirass db info` shows, and what reports say about the database they used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DbInfo {
    pub kind: DbKind,
    /// The zip or folder read (for the cache: the cached zip).
    pub path: PathBuf,
    /// The URL it was downloaded from (cache only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// When it was downloaded, as a Unix time (cache only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub downloaded_unix: Option<u64>,
    /// Advisories that affect at least one PyPI package (withdrawn ones excluded).
    pub advisories: usize,
    /// Withdrawn advisories, skipped.
    pub withdrawn: usize,
    /// Records that could not be parsed, skipped.
    pub invalid: usize,
    /// Distinct package names with advisories.
    pub packages: usize,
    /// Bytes of the zip (or of the JSON files).
    pub size_bytes: u64,
    /// The newest `modified` date among the records: how fresh the data is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newest_modified: Option<Date>,
}

impl DbInfo {
    /// Whole days from the newest record to `today`.
    pub fn age_days(&self, today: Date) -> Option<i64> {
        self.newest_modified.map(|d| d.days_until(today))
    }

    /// A warning when the newest record is more than [`STALE_AFTER_DAYS`] old (or the age is
    /// unknown).
    pub fn staleness_warning(&self, today: Date) -> Option<String> {
        let refresh = match self.kind {
            DbKind::Cache => "run `cuirass db update`",
            DbKind::Zip | DbKind::Directory => {
                "refresh it, or run `cuirass db update` and drop `--db`"
            }
        };
        match self.age_days(today) {
            Some(days) if days > STALE_AFTER_DAYS => Some(format!(
                "the advisory database is {days} days old (newest record {}); {refresh}",
                self.newest_modified
                    .map(|d| d.to_string())
                    .unwrap_or_default()
            )),
            Some(_) => None,
            None => Some(format!(
                "the advisory database's age is unknown (its records carry no dates); {refresh}"
            )),
        }
    }
}

/// Why a database could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot read the advisory database `{path}`: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("`{path}` is not a readable zip archive: {message}")]
    Zip { path: String, message: String },
    #[error(
        "`{path}` holds no PyPI advisories ({records} records read); expected osv.dev's PyPI export (`PyPI/all.zip`) or a folder of its JSON files"
    )]
    NotPypi { path: String, records: usize },
    #[error("`{path}` is neither a zip file nor a directory")]
    NotADatabase { path: String },
    #[error("the prepared index `{path}` is damaged: {message}")]
    Index { path: String, message: String },
}

/// Loaded advisories, by normalised package name.
#[derive(Debug)]
enum Store {
    Memory(BTreeMap<PackageName, Vec<Arc<Advisory>>>),
    Index(index::IndexReader),
}

/// An advisory database ready for lookups.
#[derive(Debug)]
pub struct Database {
    store: Store,
    info: DbInfo,
}

impl Database {
    /// Opens `--db PATH`: osv.dev's export zip or a folder of OSV JSON files (searched
    /// recursively), loaded in memory.
    pub fn open(path: &Path) -> Result<Self, DbError> {
        let meta = std::fs::metadata(path).map_err(|source| DbError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let loaded = if meta.is_dir() {
            load::load_dir(path)?
        } else if meta.is_file() {
            load::load_zip_file(path)?
        } else {
            return Err(DbError::NotADatabase {
                path: path.display().to_string(),
            });
        };
        Ok(Self::from_loaded(
            loaded,
            if meta.is_dir() {
                DbKind::Directory
            } else {
                DbKind::Zip
            },
            path,
        ))
    }

    /// A database from advisories already in memory (tests, tools).
    pub fn from_advisories(advisories: Vec<Advisory>) -> Self {
        let loaded = load::Loaded::from_advisories(advisories);
        Self::from_loaded(loaded, DbKind::Directory, Path::new(""))
    }

    fn from_loaded(loaded: load::Loaded, kind: DbKind, path: &Path) -> Self {
        let info = DbInfo {
            kind,
            path: path.to_path_buf(),
            url: None,
            downloaded_unix: None,
            advisories: loaded.advisories,
            withdrawn: loaded.withdrawn,
            invalid: loaded.invalid,
            packages: loaded.by_package.len(),
            size_bytes: loaded.size_bytes,
            newest_modified: loaded.newest_modified,
        };
        Self {
            store: Store::Memory(loaded.by_package),
            info,
        }
    }

    pub fn info(&self) -> &DbInfo {
        &self.info
    }

    /// Every package name with advisories, sorted.
    pub fn package_names(&self) -> Vec<PackageName> {
        match &self.store {
            Store::Memory(map) => map.keys().cloned().collect(),
            Store::Index(reader) => reader.names(),
        }
    }

    /// The advisories that name `package`, sorted by id.
    pub fn advisories_for(&self, package: &PackageName) -> Result<Vec<Arc<Advisory>>, DbError> {
        match &self.store {
            Store::Memory(map) => Ok(map.get(package).cloned().unwrap_or_default()),
            Store::Index(reader) => reader.get(package),
        }
    }
}
