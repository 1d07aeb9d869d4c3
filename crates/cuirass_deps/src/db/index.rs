//! The prepared index kept beside the cached zip: loading the export means inflating and
//! parsing every record, so `db update` does it once and writes the result grouped by package.
//!
//! Layout (text header, then a binary-safe body of JSON slices):
//!
//! ```text
//! cuirass-osv-index 1
//! {"zip_size":…,"zip_modified_ns":…,"advisories":…,…}     header (JSON, one line)
//! 2                                                      number of packages
//! django<TAB>0<TAB>81234                                 name, offset, length (sorted by name)
//! jinja2<TAB>81234<TAB>9120
//! [{…advisory…},…][{…}]                                  body: one JSON array per package
//! ```
//!
//! Opening reads the header and the table only; a lookup seeks to one slice and parses it.
//! The header records the zip's size and modification time: if the zip changes under it (an
//! interrupted update, a manual copy), the index no longer matches and is rebuilt.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use serde::{Deserialize, Serialize};

use super::DbError;
use super::load::Loaded;
use crate::advisory::Advisory;
use crate::date::Date;
use crate::name::PackageName;

const MAGIC: &str = "cuirass-osv-index 1";

/// What the index says about itself and the zip it was built from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Header {
    pub(crate) zip_size: u64,
    pub(crate) zip_modified_ns: u128,
    pub(crate) advisories: usize,
    pub(crate) withdrawn: usize,
    pub(crate) invalid: usize,
    pub(crate) packages: usize,
    pub(crate) newest_modified: Option<Date>,
}

/// The size and modification time that tie an index to its zip.
pub(crate) fn zip_stamp(zip: &Path) -> std::io::Result<(u64, u128)> {
    let meta = std::fs::metadata(zip)?;
    let modified = meta
        .modified()?
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    Ok((meta.len(), modified))
}

/// Writes the index of `loaded` to `target` atomically.
pub(crate) fn write(loaded: &Loaded, stamp: (u64, u128), target: &Path) -> Result<(), DbError> {
    let io = |source| DbError::Io {
        path: target.display().to_string(),
        source,
    };
    let mut body = Vec::new();
    let mut table = String::new();
    for (name, advisories) in &loaded.by_package {
        let start = body.len();
        let list: Vec<&Advisory> = advisories.iter().map(AsRef::as_ref).collect();
        serde_json::to_writer(&mut body, &list).map_err(|e| io(std::io::Error::other(e)))?;
        let _ = writeln!(table, "{name}\t{start}\t{}", body.len() - start);
    }
    let header = Header {
        zip_size: stamp.0,
        zip_modified_ns: stamp.1,
        advisories: loaded.advisories,
        withdrawn: loaded.withdrawn,
        invalid: loaded.invalid,
        packages: loaded.by_package.len(),
        newest_modified: loaded.newest_modified,
    };
    let header = serde_json::to_string(&header).map_err(|e| io(std::io::Error::other(e)))?;
    crate::atomic::write_atomically(target, |out| {
        writeln!(out, "{MAGIC}")?;
        writeln!(out, "{header}")?;
        writeln!(out, "{}", loaded.by_package.len())?;
        out.write_all(table.as_bytes())?;
        out.write_all(&body)
    })
    .map_err(io)
}

/// An open index.
#[derive(Debug)]
pub(crate) struct IndexReader {
    path: PathBuf,
    file: Mutex<std::fs::File>,
    body_start: u64,
    table: Vec<(PackageName, u64, u64)>,
    pub(crate) header: Header,
}

impl IndexReader {
    pub(crate) fn open(path: &Path) -> Result<Self, DbError> {
        let damaged = |message: String| DbError::Index {
            path: path.display().to_string(),
            message,
        };
        let file = std::fs::File::open(path).map_err(|source| DbError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let length = file.metadata().map_or(0, |m| m.len());
        let mut reader = BufReader::new(file);
        let mut consumed = 0u64;
        let mut line = String::new();
        let mut next_line = |reader: &mut BufReader<std::fs::File>, line: &mut String| {
            line.clear();
            let n = reader.read_line(line).map_err(|e| damaged(e.to_string()))?;
            consumed += n as u64;
            if n == 0 {
                return Err(damaged("it ends early".to_string()));
            }
            Ok(line.trim_end_matches('\n').to_string())
        };
        if next_line(&mut reader, &mut line)? != MAGIC {
            return Err(damaged(format!("it does not start with `{MAGIC}`")));
        }
        let header: Header = serde_json::from_str(&next_line(&mut reader, &mut line)?)
            .map_err(|e| damaged(format!("bad header: {e}")))?;
        let count: usize = next_line(&mut reader, &mut line)?
            .parse()
            .map_err(|_| damaged("bad package count".to_string()))?;
        let mut table = Vec::with_capacity(count.min(1 << 20));
        for _ in 0..count {
            let row = next_line(&mut reader, &mut line)?;
            let mut parts = row.split('\t');
            let (Some(name), Some(offset), Some(len), None) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return Err(damaged(format!("bad table row `{row}`")));
            };
            let (Ok(offset), Ok(len)) = (offset.parse::<u64>(), len.parse::<u64>()) else {
                return Err(damaged(format!("bad table row `{row}`")));
            };
            table.push((PackageName::new(name), offset, len));
        }
        let body_start = consumed;
        if table.iter().any(|&(_, offset, len)| {
            body_start
                .checked_add(offset)
                .and_then(|end| end.checked_add(len))
                .is_none_or(|end| end > length)
        }) || !table.windows(2).all(|w| w[0].0 < w[1].0)
        {
            return Err(damaged("the table does not match the body".to_string()));
        }
        Ok(Self {
            path: path.to_path_buf(),
            file: Mutex::new(reader.into_inner()),
            body_start,
            table,
            header,
        })
    }

    pub(crate) fn names(&self) -> Vec<PackageName> {
        self.table.iter().map(|(name, _, _)| name.clone()).collect()
    }

    pub(crate) fn get(&self, package: &PackageName) -> Result<Vec<Arc<Advisory>>, DbError> {
        let Ok(found) = self
            .table
            .binary_search_by(|(name, _, _)| name.cmp(package))
        else {
            return Ok(Vec::new());
        };
        let Some(&(_, offset, len)) = self.table.get(found) else {
            return Ok(Vec::new());
        };
        let damaged = |message: String| DbError::Index {
            path: self.path.display().to_string(),
            message,
        };
        let mut buffer = vec![0; usize::try_from(len).map_err(|e| damaged(e.to_string()))?];
        {
            let mut file = self.file.lock().unwrap_or_else(PoisonError::into_inner);
            file.seek(SeekFrom::Start(self.body_start + offset))
                .and_then(|_| file.read_exact(&mut buffer))
                .map_err(|e| damaged(e.to_string()))?;
        }
        let list: Vec<Advisory> = serde_json::from_slice(&buffer)
            .map_err(|e| damaged(format!("entry for `{package}`: {e}")))?;
        Ok(list.into_iter().map(Arc::new).collect())
    }
}
