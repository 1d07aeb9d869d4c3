//! `--fix-deps`: rewrite exact pins of vulnerable packages to the smallest fixing version.
//!
//! What is rewritten: `==`/`===` pins in requirements files (including constraints files and
//! `-r` includes), PEP 508 strings in `pyproject.toml` (PEP 621, PEP 735, uv, PDM) and
//! `setup.cfg`, and exact versions in Poetry tables and `Pipfile`. Only the version text
//! changes — comments, order, quoting, spacing, markers, extras, line endings and a BOM stay —
//! and the rewritten TOML is parsed again (with `toml_edit`) before anything is written.
//!
//! What is not rewritten, with the reason reported:
//! - lines with `--hash`: the new release's hashes cannot be known offline, and a line with the
//!   old hashes and a new version fails to install; regenerate the file instead
//!   (`pip-compile --generate-hashes --upgrade-package NAME`). Dropping the hashes would
//!   silently turn off hash checking, so cuirass does neither;
//! - lock files and installed environments: their versions come from a resolver, so re-lock
//!   (`uv lock --upgrade-package NAME`, `poetry update NAME`, …) or reinstall;
//! - packages with no fixed release.
//!
//! [`FixPlan::diff`] is the `--dry-run` output; [`FixPlan::apply`] writes each file atomically
//! and refuses a file that changed since it was planned.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::PathBuf;

use cuirass_diagnostics::Location;
use toml_edit::{Document, Item, Value};

use crate::audit::DepsReport;
use crate::model::{Declared, InputKind};
use crate::name::PackageName;
use crate::text::LineIndex;

/// One pin that will change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinChange {
    pub package: PackageName,
    pub from: String,
    pub to: String,
    pub location: Location,
}

/// A pin that will not change, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedFix {
    pub package: PackageName,
    pub version: String,
    pub location: Location,
    pub reason: String,
}

/// The new contents of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEdit {
    pub path: PathBuf,
    pub display: String,
    /// The file's bytes when planned (to detect changes before writing).
    original_bytes: Vec<u8>,
    /// The text before and after, without a BOM.
    pub original: String,
    pub updated: String,
    bom: bool,
    pub changes: Vec<PinChange>,
}

/// Every rewrite, and every pin left alone with its reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FixPlan {
    /// Sorted by display path.
    pub edits: Vec<FileEdit>,
    pub skipped: Vec<SkippedFix>,
}

#[derive(Debug, thiserror::Error)]
pub enum FixError {
    #[error("cannot read `{path}`: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write `{path}`: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("`{0}` changed since the fix was planned; run the check again")]
    Changed(String),
}

/// A pin to rewrite, before its file is read.
struct Planned {
    declared: Declared,
    from: String,
    to: String,
    package: PackageName,
}

/// One replacement in a file.
struct Replace {
    range: Range<usize>,
    text: String,
    change: PinChange,
}

/// Plans the rewrites for every vulnerable package with a fix.
pub fn plan_fixes(report: &DepsReport) -> Result<FixPlan, FixError> {
    let mut plan = FixPlan::default();
    let mut by_file: BTreeMap<PathBuf, (String, Vec<Planned>)> = BTreeMap::new();
    for package in &report.vulnerable {
        if package.advisories.is_empty() {
            continue;
        }
        for declared in &package.declared {
            let skip = |reason: String| SkippedFix {
                package: package.name.clone(),
                version: package.version.clone(),
                location: declared.location.clone(),
                reason,
            };
            let Some(fix) = &package.fixed_in else {
                plan.skipped
                    .push(skip("no fixed release exists yet".to_string()));
                continue;
            };
            let name = &package.name;
            let reason = match declared.kind {
                InputKind::Requirements
                | InputKind::Pyproject
                | InputKind::Pipfile
                | InputKind::SetupCfg => None,
                InputKind::UvLock => {
                    Some(format!("lock file: run `uv lock --upgrade-package {name}`"))
                }
                InputKind::PoetryLock => Some(format!("lock file: run `poetry update {name}`")),
                InputKind::PdmLock => Some(format!("lock file: run `pdm update {name}`")),
                InputKind::PipfileLock => Some(format!("lock file: run `pipenv upgrade {name}`")),
                InputKind::Pylock => Some(format!(
                    "lock file: regenerate it with the upgrade (`uv pip compile … --upgrade-package {name} -o pylock.toml`)"
                )),
                InputKind::Installed => Some(format!(
                    "installed environment: run `pip install {name}=={fix}` in it"
                )),
                _ => Some("not a file cuirass rewrites".to_string()),
            };
            if let Some(reason) = reason {
                plan.skipped.push(skip(reason));
                continue;
            }
            by_file
                .entry(declared.file.clone())
                .or_insert_with(|| (declared.location.path.clone(), Vec::new()))
                .1
                .push(Planned {
                    declared: declared.clone(),
                    from: package.version.clone(),
                    to: fix.clone(),
                    package: name.clone(),
                });
        }
    }
    for (path, (display, pins)) in by_file {
        let bytes = std::fs::read(&path).map_err(|source| FixError::Read {
            path: display.clone(),
            source,
        })?;
        let bom = bytes.starts_with(b"\xEF\xBB\xBF");
        let text =
            String::from_utf8_lossy(bytes.get(if bom { 3 } else { 0 }..).unwrap_or_default())
                .into_owned();
        let mut replaces = Vec::new();
        for Planned {
            declared,
            from,
            to,
            package,
        } in pins
        {
            let found = match declared.kind {
                InputKind::Requirements | InputKind::SetupCfg => {
                    requirement_line(&text, &declared, &from, &package)
                }
                _ => toml_pin(&text, &declared, &from),
            };
            match found {
                Ok(range) => replaces.push(Replace {
                    range,
                    text: to.clone(),
                    change: PinChange {
                        package: package.clone(),
                        from: from.clone(),
                        to,
                        location: declared.location.clone(),
                    },
                }),
                Err(reason) => plan.skipped.push(SkippedFix {
                    package,
                    version: from,
                    location: declared.location.clone(),
                    reason,
                }),
            }
        }
        if replaces.is_empty() {
            continue;
        }
        replaces.sort_by_key(|r| std::cmp::Reverse(r.range.start));
        replaces.dedup_by(|a, b| a.range == b.range);
        let mut updated = text.clone();
        for r in &replaces {
            updated.replace_range(r.range.clone(), &r.text);
        }
        let is_toml = path.extension().is_some_and(|e| e == "toml")
            || path.file_name().is_some_and(|n| n == "Pipfile");
        if is_toml && Document::parse(updated.as_str()).is_err() {
            for r in replaces {
                plan.skipped.push(SkippedFix {
                    package: r.change.package,
                    version: r.change.from,
                    location: r.change.location,
                    reason: "the rewritten file would not be valid TOML (a bug: please report it)"
                        .to_string(),
                });
            }
            continue;
        }
        let mut changes: Vec<PinChange> = replaces.into_iter().map(|r| r.change).collect();
        changes.sort_by(|a, b| a.location.cmp(&b.location));
        plan.edits.push(FileEdit {
            path,
            display,
            original_bytes: bytes,
            original: text,
            updated,
            bom,
            changes,
        });
    }
    plan.edits.sort_by(|a, b| a.display.cmp(&b.display));
    plan.skipped.sort_by(|a, b| a.location.cmp(&b.location));
    Ok(plan)
}

impl FixPlan {
    /// Whether nothing would be written.
    pub fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }

    /// A unified diff of every edit (`a/PATH`, `b/PATH`, three lines of context).
    pub fn diff(&self) -> String {
        let mut out = String::new();
        for edit in &self.edits {
            let diff = similar::TextDiff::from_lines(&edit.original, &edit.updated);
            let _ = write!(
                out,
                "{}",
                diff.unified_diff().context_radius(3).header(
                    &format!("a/{}", edit.display),
                    &format!("b/{}", edit.display)
                )
            );
        }
        out
    }

    /// Writes every edited file atomically.
    pub fn apply(&self) -> Result<(), FixError> {
        for edit in &self.edits {
            let now = std::fs::read(&edit.path).map_err(|source| FixError::Read {
                path: edit.display.clone(),
                source,
            })?;
            if now != edit.original_bytes {
                return Err(FixError::Changed(edit.display.clone()));
            }
        }
        for edit in &self.edits {
            crate::atomic::write_atomically(&edit.path, |out| {
                if edit.bom {
                    out.write_all(b"\xEF\xBB\xBF")?;
                }
                out.write_all(edit.updated.as_bytes())
            })
            .map_err(|source| FixError::Write {
                path: edit.display.clone(),
                source,
            })?;
        }
        Ok(())
    }
}

/// The byte range of the version in a requirements (or `setup.cfg`) line.
fn requirement_line(
    text: &str,
    declared: &Declared,
    from: &str,
    package: &PackageName,
) -> Result<Range<usize>, String> {
    let index = LineIndex::new(text);
    let start = declared.location.span.start;
    let line_start = index
        .offset(cuirass_diagnostics::Position::new(start.line, 1))
        .ok_or("the line is gone")?;
    let lines: Vec<&str> = text[line_start..].split('\n').collect();
    let first = lines.first().copied().unwrap_or("");
    let first = first.strip_suffix('\r').unwrap_or(first);
    // The logical line: the first line and its `\` continuations.
    let mut logical = String::new();
    for line in &lines {
        let line = line.strip_suffix('\r').unwrap_or(line);
        logical.push_str(line);
        if !line.trim_end().ends_with('\\') {
            break;
        }
    }
    if declared.kind == InputKind::Requirements && logical.contains("--hash") {
        return Err(format!(
            "the line has `--hash` values, which cannot be computed offline for the new version; regenerate the file (`pip-compile --generate-hashes --upgrade-package {package}`)"
        ));
    }
    let column = index
        .offset(start)
        .map_or(0, |o| o.saturating_sub(line_start));
    let range = version_range(first.get(column..).unwrap_or(first), from)
        .map(|r| r.start + column..r.end + column)
        .or_else(|| version_range(first, from))
        .ok_or_else(|| format!("`=={from}` is not on this line any more"))?;
    Ok(line_start + range.start..line_start + range.end)
}

/// The range of `version` right after the first `==`/`===` in `text`.
fn version_range(text: &str, version: &str) -> Option<Range<usize>> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(found) = text.get(from..)?.find("==") {
        let at = from + found;
        let before = at.checked_sub(1).and_then(|b| bytes.get(b)).copied();
        if matches!(before, Some(b'!' | b'<' | b'>' | b'~' | b'=')) {
            from = at + 2;
            continue;
        }
        let mut start = at + 2;
        if bytes.get(start) == Some(&b'=') {
            start += 1;
        }
        while bytes.get(start).is_some_and(u8::is_ascii_whitespace) {
            start += 1;
        }
        let end = start + version.len();
        return (text.get(start..end) == Some(version)
            && text
                .get(end..)
                .and_then(|rest| rest.chars().next())
                .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '.' || c == '*')))
        .then_some(start..end);
    }
    None
}

/// The range of the version inside the TOML string that pins it: a PEP 508 string whose span
/// starts at the declaration, or (Poetry, Pipfile) the string under the declared key.
fn toml_pin(text: &str, declared: &Declared, from: &str) -> Result<Range<usize>, String> {
    let doc =
        Document::parse(text).map_err(|e| format!("the file no longer parses: {}", e.message()))?;
    let index = LineIndex::new(text);
    let offset = index
        .offset(declared.location.span.start)
        .ok_or("the declaration is gone")?;
    let mut strings: Vec<Range<usize>> = Vec::new();
    let mut keyed: Vec<(usize, Vec<Range<usize>>)> = Vec::new();
    collect(doc.as_item(), &mut strings, &mut keyed);
    let candidates: Vec<Range<usize>> = match strings.iter().find(|r| r.start == offset) {
        Some(r) => vec![r.clone()],
        None => keyed
            .into_iter()
            .find(|(key, _)| *key == offset)
            .map(|(_, under)| under)
            .unwrap_or_default(),
    };
    for literal in candidates {
        let Some(raw) = text.get(literal.clone()) else {
            continue;
        };
        if let Some(r) = version_range(raw, from) {
            return Ok(literal.start + r.start..literal.start + r.end);
        }
        // Poetry's bare version: the whole string is the version.
        let quote = raw.chars().next().map_or(1, char::len_utf8);
        let inner = raw
            .get(quote..raw.len().saturating_sub(quote))
            .unwrap_or("");
        if inner.trim() == from {
            let lead = inner.len() - inner.trim_start().len();
            let start = literal.start + quote + lead;
            return Ok(start..start + from.len());
        }
    }
    Err(format!(
        "the pin `{from}` was not found where it was declared"
    ))
}

/// Every string value's span, and for every key the spans of the strings below it.
fn collect(
    item: &Item,
    strings: &mut Vec<Range<usize>>,
    keyed: &mut Vec<(usize, Vec<Range<usize>>)>,
) {
    match item {
        Item::Value(value) => collect_value(value, strings, keyed),
        Item::Table(table) => {
            for (key, child) in table {
                let mut below = Vec::new();
                collect(child, &mut below, keyed);
                if let Some(span) = table.get_key_value(key).and_then(|(k, _)| k.span()) {
                    keyed.push((span.start, below.clone()));
                }
                strings.extend(below);
            }
        }
        Item::ArrayOfTables(tables) => {
            for table in tables {
                collect(&Item::Table(table.clone()), strings, keyed);
            }
        }
        Item::None => {}
    }
}

fn collect_value(
    value: &Value,
    strings: &mut Vec<Range<usize>>,
    keyed: &mut Vec<(usize, Vec<Range<usize>>)>,
) {
    match value {
        Value::String(_) => strings.extend(value.span()),
        Value::Array(array) => {
            for v in array {
                collect_value(v, strings, keyed);
            }
        }
        Value::InlineTable(table) => {
            for (key, child) in table {
                let mut below = Vec::new();
                collect_value(child, &mut below, keyed);
                if let Some(span) = table.get_key_value(key).and_then(|(k, _)| k.span()) {
                    keyed.push((span.start, below.clone()));
                }
                strings.extend(below);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_version_after_the_operator() {
        let line = "Django == 3.2.0  # pinned";
        assert_eq!(version_range(line, "3.2.0"), Some(10..15));
        assert_eq!(version_range("x===1.0", "1.0"), Some(4..7));
        assert_eq!(version_range("x!=1.0,==2.0", "2.0"), Some(9..12));
        assert_eq!(
            version_range("x==2.0.1", "2.0"),
            None,
            "a prefix is not the version"
        );
        assert_eq!(version_range("x==2.*", "2"), None);
    }

    /// Finds each exact pin of the Pipfile and Poetry fixtures through the reader's
    /// declaration, as the fixer does, and checks the range covers exactly the version.
    #[test]
    fn toml_pins_are_found_where_declared() {
        let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("test-data");
        for rel in [
            "pipfile/Pipfile",
            "pyproject/poetry/pyproject.toml",
            "pyproject/pep621/pyproject.toml",
        ] {
            let path = data.join(rel);
            let read = crate::read_one(&path, rel, &data).unwrap();
            let text = std::fs::read_to_string(&path).unwrap();
            let mut found = 0;
            for dep in read.dependencies.iter().filter(|d| d.version.is_some()) {
                let version = dep.version.as_deref().unwrap();
                let range = toml_pin(&text, &dep.declared, version)
                    .unwrap_or_else(|e| panic!("{rel}: {} {version}: {e}", dep.name));
                assert_eq!(&text[range], version, "{rel}: {}", dep.name);
                found += 1;
            }
            assert!(found >= 3, "{rel}: {found}");
        }
        // A version that is not there is reported, not guessed.
        let path = data.join("pipfile/Pipfile");
        let read = crate::read_one(&path, "Pipfile", &data).unwrap();
        let django = read
            .dependencies
            .iter()
            .find(|d| d.name.as_str() == "django")
            .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(toml_pin(&text, &django.declared, "9.9.9").is_err());
    }
}
