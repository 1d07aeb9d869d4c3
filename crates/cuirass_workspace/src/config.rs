//! Finding and reading configuration files.
//!
//! A project is configured by `cuirass.toml` (keys at the top level) or by the `[tool.cuirass]`
//! table of `pyproject.toml`. Discovery walks up from a scanned path; in each directory
//! `cuirass.toml` wins over `pyproject.toml`, and a `pyproject.toml` without `[tool.cuirass]`
//! is passed over (most projects have one for other tools). The directory of the file found is
//! the project root.
//!
//! A pyproject is deserialised as a whole document into a wrapper struct that ignores every
//! other table, so error spans are offsets into the real file and the messages can say
//! `pyproject.toml:14:1`. Spans are turned into line and column here, and the dotted key is
//! recovered by finding the span in the parsed document (the `toml` error keeps its key path
//! private).

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::de::{DeTable, DeValue};

use crate::glob::GlobError;
use crate::options::{Options, Spanned};
use crate::paths;
use crate::selector::Origin;

/// The configuration file names, in the order they are tried in each directory.
pub const CONFIG_FILE_NAMES: [&str; 2] = ["cuirass.toml", "pyproject.toml"];

/// Why the configuration could not be used. Every variant names the file; those about a value
/// also name line, column and key.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read (the message names the path).
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The file is not valid TOML.
    #[error("{path}:{line}:{column}: invalid TOML: {message}")]
    Syntax {
        path: String,
        line: u32,
        column: u32,
        message: String,
    },
    /// An unknown key, a value of the wrong type, or a bad value.
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        path: String,
        line: u32,
        column: u32,
        /// The full dotted key (`tool.cuirass.select`), when it could be found.
        key: Option<String>,
        message: String,
    },
    /// A glob given on the command line does not compile (file globs are checked on reading).
    #[error(transparent)]
    Glob(#[from] GlobError),
}

/// How the file holds our options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigFormat {
    /// `[tool.cuirass]` in a `pyproject.toml`.
    Pyproject,
    /// Top-level keys (`cuirass.toml`, or any other file given with `--config`).
    Cuirass,
}

impl ConfigFormat {
    /// `pyproject.toml` by name is read as a pyproject; anything else as a cuirass file.
    pub fn for_path(path: &Path) -> Self {
        if path.file_name().is_some_and(|n| n == "pyproject.toml") {
            ConfigFormat::Pyproject
        } else {
            ConfigFormat::Cuirass
        }
    }
}

/// A configuration file that was read and checked.
#[derive(Debug, Clone)]
pub struct ConfigFile {
    /// Absolute, lexically normalised path.
    pub path: PathBuf,
    /// The path as shown in messages (relative to the working directory when below it).
    pub display: String,
    /// The project root: the directory holding the file.
    pub root: PathBuf,
    pub format: ConfigFormat,
    /// The raw options (empty for a pyproject given with `--config` that has no table).
    pub options: Options,
    source: String,
}

#[derive(Deserialize)]
struct PyprojectDocument {
    tool: Option<PyprojectTool>,
}

#[derive(Deserialize)]
struct PyprojectTool {
    cuirass: Option<Options>,
}

/// `[tool.cuirass]` when only its `deps` or `taint` sub-table is wanted: other keys are ignored
/// here (the main table's parse already checked them).
#[derive(Deserialize)]
#[serde(bound = "D: serde::de::DeserializeOwned, T: serde::de::DeserializeOwned")]
struct SectionDocument<D, T> {
    tool: Option<SectionTool<D, T>>,
}

#[derive(Deserialize)]
#[serde(bound = "D: serde::de::DeserializeOwned, T: serde::de::DeserializeOwned")]
struct SectionTool<D, T> {
    cuirass: Option<SectionTable<D, T>>,
}

/// The sub-tables, each with its own type: the one asked for is read into the caller's type,
/// the other is skipped (`IgnoredAny`).
#[derive(Deserialize)]
#[serde(bound = "D: serde::de::DeserializeOwned, T: serde::de::DeserializeOwned")]
struct SectionTable<D, T> {
    deps: Option<D>,
    taint: Option<T>,
}

impl ConfigFile {
    /// Parses configuration text. `path` should be absolute; `display` is used in messages.
    pub fn parse(
        source: String,
        path: PathBuf,
        display: String,
        format: ConfigFormat,
    ) -> Result<Self, ConfigError> {
        let table = DeTable::parse(&source).map_err(|e| syntax(&source, &display, &e))?;
        let deserializer = toml::de::Deserializer::from(table);
        let options = match format {
            ConfigFormat::Pyproject => PyprojectDocument::deserialize(deserializer)
                .map(|doc| doc.tool.and_then(|t| t.cuirass).unwrap_or_default()),
            ConfigFormat::Cuirass => Options::deserialize(deserializer),
        }
        .map_err(|e| invalid(&source, &display, &e))?;
        check_globs(&options, format).map_err(|(span, path, message)| {
            let (line, column) = position(&source, span.start);
            ConfigError::Invalid {
                path: display.clone(),
                line,
                column,
                key: Some(dotted(&path)),
                message: describe(&message, &path),
            }
        })?;
        let root = path
            .parent()
            .map_or_else(|| path.clone(), Path::to_path_buf);
        Ok(Self {
            path,
            display,
            root,
            format,
            options,
            source,
        })
    }

    /// The file's text (spans of values read from it are byte offsets into it).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Reads a sub-table (`[tool.cuirass.<key>]`, or `[<key>]` in `cuirass.toml`) into `T`,
    /// with errors naming this file, the line, the column and the key, like the main table's.
    pub fn section<T: serde::de::DeserializeOwned>(
        &self,
        key: &str,
    ) -> Result<Option<T>, ConfigError> {
        use serde::de::IgnoredAny;
        match key {
            "deps" => Ok(self.sections::<T, IgnoredAny>()?.0),
            "taint" => Ok(self.sections::<IgnoredAny, T>()?.1),
            _ => Ok(None),
        }
    }

    fn sections<D, T>(&self) -> Result<(Option<D>, Option<T>), ConfigError>
    where
        D: serde::de::DeserializeOwned,
        T: serde::de::DeserializeOwned,
    {
        // Deserialise from the spanned document so errors keep their positions.
        let table =
            DeTable::parse(&self.source).map_err(|e| syntax(&self.source, &self.display, &e))?;
        let deserializer = toml::de::Deserializer::from(table);
        let section = match self.format {
            ConfigFormat::Pyproject => {
                SectionDocument::<D, T>::deserialize(deserializer).map(|doc| {
                    match doc.tool.and_then(|t| t.cuirass) {
                        Some(table) => (table.deps, table.taint),
                        None => (None, None),
                    }
                })
            }
            ConfigFormat::Cuirass => SectionTable::<D, T>::deserialize(deserializer)
                .map(|table| (table.deps, table.taint)),
        };
        section.map_err(|e| invalid(&self.source, &self.display, &e))
    }

    /// Line and column (1-based, columns in Unicode scalar values) of a byte offset.
    pub fn position(&self, offset: usize) -> (u32, u32) {
        position(&self.source, offset)
    }

    /// The origin of a value read from this file under `key` (relative to our table).
    pub fn origin<T>(&self, value: &Spanned<T>, key: impl Into<String>) -> Origin {
        let (line, column) = self.position(value.span().start);
        Origin::File {
            path: self.display.clone(),
            line,
            column,
            key: key.into(),
        }
    }
}

/// Reads and checks a configuration file. Relative paths are taken from `cwd`; the format
/// follows the file name ([`ConfigFormat::for_path`]).
pub fn load_config(path: &Path, cwd: &Path) -> Result<ConfigFile, ConfigError> {
    let absolute = paths::absolute(path, cwd);
    let source = fs_err::read_to_string(&absolute)?;
    let display = paths::display_path(&absolute, cwd);
    let format = ConfigFormat::for_path(&absolute);
    ConfigFile::parse(source, absolute, display, format)
}

/// The nearest configuration file at or above `start` (a file's search starts in its
/// directory). `start` should be absolute; a relative one is searched only as far up as it
/// goes. A `pyproject.toml` that is not valid TOML is an error (it would be one for every other
/// tool too).
pub fn find_config(start: &Path) -> Result<Option<PathBuf>, ConfigError> {
    find(start, None)
}

/// [`find_config`]; with `cwd`, paths in errors are shown relative to it.
fn find(start: &Path, cwd: Option<&Path>) -> Result<Option<PathBuf>, ConfigError> {
    let start = paths::normalize(start);
    let first = if start.is_file() {
        start.parent().map(Path::to_path_buf)
    } else {
        Some(start)
    };
    let Some(first) = first else {
        return Ok(None);
    };
    for dir in first.ancestors() {
        let candidate = dir.join("cuirass.toml");
        if candidate.is_file() {
            return Ok(Some(candidate));
        }
        let candidate = dir.join("pyproject.toml");
        let display = match cwd {
            Some(cwd) => paths::display_path(&candidate, cwd),
            None => candidate.to_string_lossy().into_owned(),
        };
        if candidate.is_file() && pyproject_has_table(&candidate, &display)? {
            return Ok(Some(candidate));
        }
    }
    Ok(None)
}

/// The configuration for a run: `--config` if given, else the first file found above the
/// scanned paths (tried in order; the working directory when there are none). Several
/// projects scanned in one run share the configuration found first.
pub fn discover(
    paths: &[PathBuf],
    explicit: Option<&Path>,
    cwd: &Path,
) -> Result<Option<ConfigFile>, ConfigError> {
    if let Some(explicit) = explicit {
        return load_config(explicit, cwd).map(Some);
    }
    let starts: Vec<PathBuf> = if paths.is_empty() {
        vec![paths::normalize(cwd)]
    } else {
        paths.iter().map(|p| paths::absolute(p, cwd)).collect()
    };
    for start in starts {
        if let Some(found) = find(&start, Some(cwd))? {
            return load_config(&found, cwd).map(Some);
        }
    }
    Ok(None)
}

/// Whether a pyproject has a `[tool.cuirass]` table.
fn pyproject_has_table(path: &Path, display: &str) -> Result<bool, ConfigError> {
    let source = fs_err::read_to_string(path)?;
    let table = DeTable::parse(&source).map_err(|e| syntax(&source, display, &e))?;
    let has = table
        .get_ref()
        .get("tool")
        .and_then(|tool| match tool.get_ref() {
            DeValue::Table(tool) => tool.get("cuirass"),
            _ => None,
        })
        .is_some();
    Ok(has)
}

fn syntax(source: &str, display: &str, err: &toml::de::Error) -> ConfigError {
    let (line, column) = position(source, err.span().map_or(0, |s| s.start));
    ConfigError::Syntax {
        path: display.to_owned(),
        line,
        column,
        message: err.message().trim().to_owned(),
    }
}

/// Line and column (1-based; columns count Unicode scalar values) of a byte offset.
pub(crate) fn position(source: &str, offset: usize) -> (u32, u32) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = source.get(..offset).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).unwrap_or_default().chars().count() + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

/// Compiles every glob once, so a bad one is reported at its own position now rather than
/// without one later. The error is the span, the full key path and the message.
fn check_globs(
    options: &Options,
    format: ConfigFormat,
) -> Result<(), (std::ops::Range<usize>, Vec<String>, String)> {
    let prefix: &[&str] = match format {
        ConfigFormat::Pyproject => &["tool", "cuirass"],
        ConfigFormat::Cuirass => &[],
    };
    let path = |keys: &[&str]| -> Vec<String> {
        prefix.iter().chain(keys).map(|k| (*k).to_owned()).collect()
    };
    let lists = [
        ("exclude", &options.exclude),
        ("extend-exclude", &options.extend_exclude),
    ];
    for (key, list) in lists {
        for pattern in list.iter().flatten() {
            crate::glob::validate(pattern.get_ref()).map_err(|message| {
                (
                    pattern.span(),
                    path(&[key]),
                    format!("invalid glob `{}`: {message}", pattern.get_ref()),
                )
            })?;
        }
    }
    for pattern in options.per_file_ignores.iter().flat_map(|t| t.keys()) {
        crate::glob::validate(pattern.get_ref()).map_err(|message| {
            (
                pattern.span(),
                path(&["per-file-ignores", pattern.get_ref()]),
                format!("invalid glob `{}`: {message}", pattern.get_ref()),
            )
        })?;
    }
    Ok(())
}

fn dotted(path: &[String]) -> String {
    path.iter()
        .map(|k| quote_key(k))
        .collect::<Vec<_>>()
        .join(".")
}

/// Turns a deserialisation error into a message naming the key and its table.
fn invalid(source: &str, display: &str, err: &toml::de::Error) -> ConfigError {
    let offset = err.span().map_or(0, |s| s.start);
    let (line, column) = position(source, offset);
    let found = DeTable::parse(source)
        .ok()
        .and_then(|table| key_path_at(table.get_ref(), offset));
    let raw = err.message().trim();
    let message = match &found {
        Some(path) => describe(raw, path),
        None => raw.to_owned(),
    };
    ConfigError::Invalid {
        path: display.to_owned(),
        line,
        column,
        key: found.as_deref().map(dotted),
        message,
    }
}

/// "unknown key `selct` in `[tool.cuirass]` (expected one of: …)" or "invalid value for
/// `fail-on` in `[tool.cuirass]`: …".
fn describe(raw: &str, path: &[String]) -> String {
    let (last, table) = match path.split_last() {
        Some((last, table)) => (quote_key(last), table),
        None => return raw.to_owned(),
    };
    let location = if table.is_empty() {
        String::new()
    } else {
        let table: Vec<String> = table.iter().map(|k| quote_key(k)).collect();
        format!(" in `[{}]`", table.join("."))
    };
    // serde: "unknown field `x`, expected one of `a`, `b`" (or "expected `a`", or "there are
    // no fields").
    let unknown = raw
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split_once("`, "));
    if let Some((key, rest)) = unknown {
        let expected: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
        let expected = if expected.is_empty() {
            "this table takes no keys".to_owned()
        } else {
            format!("expected one of: {}", expected.join(", "))
        };
        return format!("unknown key `{key}`{location} ({expected})");
    }
    // Serde speaks of sequences and maps; TOML users know arrays and tables.
    let raw = raw
        .replace("a sequence", "an array")
        .replace("a map", "a table");
    format!("invalid value for `{last}`{location}: {raw}")
}

/// Quotes a key for display unless it is a bare TOML key.
fn quote_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        key.to_owned()
    } else {
        format!("{key:?}")
    }
}

/// The dotted key whose key or value holds `offset`, deepest first.
fn key_path_at(table: &DeTable<'_>, offset: usize) -> Option<Vec<String>> {
    fn search(table: &DeTable<'_>, offset: usize, path: &mut Vec<String>) -> bool {
        for (key, value) in table {
            path.push(key.get_ref().to_string());
            if key.span().contains(&offset)
                || search_value(value, offset, path)
                || value.span().contains(&offset)
            {
                return true;
            }
            path.pop();
        }
        false
    }
    // Tables declared by headers may have spans that do not cover their keys, so children are
    // searched before the value's own span is tried.
    fn search_value(value: &Spanned<DeValue<'_>>, offset: usize, path: &mut Vec<String>) -> bool {
        match value.get_ref() {
            DeValue::Table(inner) => search(inner, offset, path),
            DeValue::Array(items) => items.iter().any(|item| search_value(item, offset, path)),
            _ => false,
        }
    }
    let mut path = Vec::new();
    search(table, offset, &mut path).then_some(path)
}
