//! The user cache: where `cuirass db update` keeps the export, its prepared index and the
//! download's metadata, and how a run opens them.
//!
//! Layout, under [`default_cache_dir`]:
//!
//! ```text
//! osv/PyPI-all.zip         the export, as downloaded (verified before it replaced the last one)
//! osv/PyPI-all.index       the prepared index (db/index.rs)
//! osv/PyPI-all.meta.json   URL, ETag, Last-Modified, download time
//! ```
//!
//! Each file is replaced atomically. The three are not replaced as one unit, so a reader
//! checks that the index matches the zip (size and modification time) and rebuilds it when it
//! does not; a stale `meta.json` only costs one unconditional download.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::index::{self, IndexReader};
use super::load;
use super::{Database, DbError, DbInfo, DbKind, Store};

/// The cache directory: `$XDG_CACHE_HOME/cuirass`, else `~/.cache/cuirass` (on Windows
/// `%LOCALAPPDATA%\cuirass`). `None` when none of these variables is set.
pub fn default_cache_dir() -> Option<PathBuf> {
    let from = |var: &str| {
        std::env::var_os(var)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    from("XDG_CACHE_HOME")
        .filter(|p| p.is_absolute())
        .map(|p| p.join("cuirass"))
        .or_else(|| from("HOME").map(|home| home.join(".cache").join("cuirass")))
        .or_else(|| from("LOCALAPPDATA").map(|p| p.join("cuirass")))
}

/// The files of a cache directory.
#[derive(Debug, Clone)]
pub(crate) struct CachePaths {
    pub(crate) dir: PathBuf,
    pub(crate) zip: PathBuf,
    pub(crate) index: PathBuf,
    pub(crate) meta: PathBuf,
}

impl CachePaths {
    pub(crate) fn new(cache_dir: &Path) -> Self {
        let dir = cache_dir.join("osv");
        Self {
            zip: dir.join("PyPI-all.zip"),
            index: dir.join("PyPI-all.index"),
            meta: dir.join("PyPI-all.meta.json"),
            dir,
        }
    }
}

/// What the last download left behind, for conditional requests and `db info`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Meta {
    pub(crate) url: String,
    #[serde(default)]
    pub(crate) etag: Option<String>,
    #[serde(default)]
    pub(crate) last_modified: Option<String>,
    pub(crate) downloaded_unix: u64,
}

pub(crate) fn read_meta(paths: &CachePaths) -> Option<Meta> {
    let text = std::fs::read_to_string(&paths.meta).ok()?;
    serde_json::from_str(&text).ok()
}

/// Opens the cached database; `Ok(None)` when there is none yet.
pub fn open_cache(cache_dir: &Path) -> Result<Option<Database>, DbError> {
    let paths = CachePaths::new(cache_dir);
    if !paths.zip.is_file() {
        return Ok(None);
    }
    let meta = read_meta(&paths);
    let stamp = index::zip_stamp(&paths.zip).map_err(|source| DbError::Io {
        path: paths.zip.display().to_string(),
        source,
    })?;
    match IndexReader::open(&paths.index) {
        Ok(reader) if (reader.header.zip_size, reader.header.zip_modified_ns) == stamp => {
            let header = reader.header.clone();
            let info = DbInfo {
                kind: DbKind::Cache,
                path: paths.zip.clone(),
                url: None,
                downloaded_unix: None,
                advisories: header.advisories,
                withdrawn: header.withdrawn,
                invalid: header.invalid,
                packages: header.packages,
                size_bytes: header.zip_size,
                newest_modified: header.newest_modified,
            };
            let db = Database {
                store: Store::Index(reader),
                info,
            };
            Ok(Some(with_meta(db, meta.as_ref())))
        }
        _ => {
            // No index, a damaged one, or one built from another zip: load the zip and
            // rebuild it. Failing to write it only costs speed next time.
            let loaded = load::load_zip_file(&paths.zip)?;
            let _ = index::write(&loaded, stamp, &paths.index);
            let db = Database::from_loaded(loaded, DbKind::Cache, &paths.zip);
            Ok(Some(with_meta(db, meta.as_ref())))
        }
    }
}

fn with_meta(mut db: Database, meta: Option<&Meta>) -> Database {
    db.info.kind = DbKind::Cache;
    if let Some(meta) = meta {
        db.info.url = Some(meta.url.clone());
        db.info.downloaded_unix = Some(meta.downloaded_unix);
    }
    db
}

/// `cuirass db info`: what is in the cache, without keeping it open.
pub fn cache_info(cache_dir: &Path) -> Result<Option<DbInfo>, DbError> {
    Ok(open_cache(cache_dir)?.map(|db| db.info))
}
