//! Reading OSV records from a zip (osv.dev's export: a flat archive of `<ID>.json`) or a folder
//! of JSON files, into advisories grouped by package.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use super::DbError;
use crate::advisory::Advisory;
use crate::date::Date;
use crate::name::PackageName;
use crate::osv::{self, Parsed};

/// Records loaded, with the counts `db info` shows.
#[derive(Debug, Default)]
pub(crate) struct Loaded {
    pub(crate) by_package: BTreeMap<PackageName, Vec<Arc<Advisory>>>,
    pub(crate) advisories: usize,
    pub(crate) withdrawn: usize,
    pub(crate) invalid: usize,
    /// Records for other ecosystems (a sign of the wrong export).
    pub(crate) foreign: usize,
    pub(crate) size_bytes: u64,
    pub(crate) newest_modified: Option<Date>,
}

impl Loaded {
    pub(crate) fn from_advisories(advisories: Vec<Advisory>) -> Self {
        let mut loaded = Self::default();
        for advisory in advisories {
            loaded.add(advisory);
        }
        loaded.finish();
        loaded
    }

    fn add(&mut self, advisory: Advisory) {
        self.advisories += 1;
        if let Ok(date) = Date::parse(&advisory.modified) {
            self.newest_modified = self.newest_modified.max(Some(date));
        }
        let advisory = Arc::new(advisory);
        let mut names: Vec<&PackageName> = advisory.affected.iter().map(|a| &a.package).collect();
        names.sort();
        names.dedup();
        for name in names {
            self.by_package
                .entry(name.clone())
                .or_default()
                .push(Arc::clone(&advisory));
        }
    }

    fn record(&mut self, json: &[u8]) {
        match osv::parse(json) {
            Ok(Parsed::Advisory(advisory)) => self.add(*advisory),
            Ok(Parsed::Withdrawn) => self.withdrawn += 1,
            Ok(Parsed::OtherEcosystem) => self.foreign += 1,
            Err(_) => self.invalid += 1,
        }
    }

    /// Sorts each package's advisories by id, so every lookup is deterministic.
    fn finish(&mut self) {
        for list in self.by_package.values_mut() {
            list.sort_by(|a, b| a.id.cmp(&b.id));
            list.dedup_by(|a, b| a.id == b.id);
        }
    }

    fn check_pypi(self, path: &Path) -> Result<Self, DbError> {
        if self.advisories == 0 && self.withdrawn == 0 {
            return Err(DbError::NotPypi {
                path: path.display().to_string(),
                records: self.foreign + self.invalid,
            });
        }
        Ok(self)
    }
}

/// Loads an export zip from a file.
pub(crate) fn load_zip_file(path: &Path) -> Result<Loaded, DbError> {
    let file = std::fs::File::open(path).map_err(|source| DbError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let size = file.metadata().map_or(0, |m| m.len());
    let mut loaded = load_zip(std::io::BufReader::new(file), path)?;
    loaded.size_bytes = size;
    loaded.check_pypi(path)
}

/// Loads an export zip from any seekable reader.
pub(crate) fn load_zip<R: Read + std::io::Seek>(reader: R, path: &Path) -> Result<Loaded, DbError> {
    let zip_error = |e: zip::result::ZipError| DbError::Zip {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let mut archive = zip::ZipArchive::new(reader).map_err(zip_error)?;
    let mut loaded = Loaded::default();
    let mut buffer = Vec::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(zip_error)?;
        let name = entry
            .name()
            .map(std::borrow::Cow::into_owned)
            .unwrap_or_default();
        let is_json = Path::new(&name)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        if !entry.is_file() || !is_json {
            continue;
        }
        buffer.clear();
        entry
            .read_to_end(&mut buffer)
            .map_err(|source| DbError::Zip {
                path: path.display().to_string(),
                message: format!("cannot inflate `{name}`: {source}"),
            })?;
        loaded.record(&buffer);
    }
    loaded.finish();
    Ok(loaded)
}

/// Loads every `*.json` under a folder (recursively, in sorted order).
pub(crate) fn load_dir(path: &Path) -> Result<Loaded, DbError> {
    let mut loaded = Loaded::default();
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|source| DbError::Io {
            path: dir.display().to_string(),
            source,
        })?;
        let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for entry in entries {
            if entry.is_dir() {
                stack.push(entry);
            } else if entry
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json"))
            {
                let bytes = std::fs::read(&entry).map_err(|source| DbError::Io {
                    path: entry.display().to_string(),
                    source,
                })?;
                loaded.size_bytes += bytes.len() as u64;
                loaded.record(&bytes);
            }
        }
    }
    loaded.finish();
    loaded.check_pypi(path)
}
