//! `[tool.cuirass.deps]` (or `[deps]` in `cuirass.toml`): the raw options as written, and the
//! resolved ignores.
//!
//! ```toml
//! [tool.cuirass.deps]
//! db = "vendor/osv-pypi.zip"       # default: the user cache (`cuirass db update`)
//! require-db = true                # no database is an error (exit 2), for CI
//! python = ".venv"                 # also audit this environment
//! ignore = [
//!     { id = "PYSEC-2023-61", reason = "we never accept multi-file uploads", until = "2027-01-31" },
//!     { id = "CVE-2024-1135", reason = "not exploitable behind our proxy", until = "fixed" },
//! ]
//! ```
//!
//! Like the other option tables: keys are kebab-case, unknown keys are errors, every field is
//! an `Option` so a later layer can tell "unset" from "set to the default", and values keep
//! their spans (`toml::Spanned`) so errors and notices can name file, line and column.

use std::fmt;

use cuirass_diagnostics::{Location, Position};
use serde::Deserialize;
use serde::de::{self, Deserializer};
use toml::Spanned;

use crate::date::Date;

/// The `[tool.cuirass.deps]` table.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DepsConfig {
    /// The advisory database: osv.dev's PyPI export zip or a folder of OSV JSON files,
    /// relative to the configuration file. Default: the user cache.
    pub db: Option<Spanned<String>>,
    /// With no advisory database, stop with an error (exit 2) instead of reporting the
    /// dependency audit as not run.
    pub require_db: Option<bool>,
    /// A Python environment to audit as well: a virtualenv's interpreter or directory, or a
    /// `site-packages` directory, relative to the configuration file. It is read, never run.
    pub python: Option<Spanned<String>>,
    /// Advisories to silence, each with a reason and an end.
    pub ignore: Option<Vec<Spanned<IgnoreEntry>>>,
}

impl DepsConfig {
    /// The accepted keys (for messages and generated docs).
    pub const KEYS: &'static [&'static str] = &["db", "require-db", "python", "ignore"];

    /// The ignores, each with the place it was written: `path` is the configuration file as
    /// shown to the user and `text` its contents (the spans are byte offsets into it).
    pub fn ignores(&self, path: &str, text: &str) -> Vec<Ignore> {
        let index = crate::text::LineIndex::new(text);
        self.ignore
            .iter()
            .flatten()
            .map(|entry| {
                let span = entry.span();
                let entry = entry.get_ref();
                Ignore {
                    id: entry.id.get_ref().trim().to_string(),
                    reason: entry.reason.trim().to_string(),
                    until: entry.until,
                    origin: Some(Location::new(path, index.span(span))),
                }
            })
            .collect()
    }
}

/// One `ignore` entry as written.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct IgnoreEntry {
    /// An advisory id or any of its aliases: `PYSEC-…`, `GHSA-…`, `CVE-…`, `MAL-…`.
    #[serde(deserialize_with = "non_empty")]
    pub id: Spanned<String>,
    /// Why the advisory does not apply, for the next reader. Required.
    #[serde(deserialize_with = "non_empty_plain")]
    pub reason: String,
    /// When the ignore ends: a date (`"2027-01-31"` or a TOML date), after which the advisory
    /// is reported again, or `"fixed"`: only while no fixed release exists. Required: an
    /// ignore that never ends outlives the reason for it.
    // `deserialize_with` makes a missing `until` say "missing field" rather than "bad date".
    #[serde(deserialize_with = "Until::deserialize")]
    pub until: Until,
}

/// When an ignore stops applying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    /// Silenced up to and including this day.
    Date(Date),
    /// Silenced only while no release fixes the advisory.
    Fixed,
}

impl fmt::Display for Until {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Until::Date(date) => write!(f, "{date}"),
            Until::Fixed => f.write_str("fixed"),
        }
    }
}

impl<'de> Deserialize<'de> for Until {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Date(toml::value::Datetime),
        }
        let expected = "`until` must be a date (`\"2027-01-31\"`) or `\"fixed\"`";
        match Raw::deserialize(deserializer).map_err(|_| de::Error::custom(expected))? {
            Raw::Text(text) if text.trim().eq_ignore_ascii_case("fixed") => Ok(Until::Fixed),
            Raw::Text(text) => Date::parse(text.trim())
                .map(Until::Date)
                .map_err(|_| de::Error::custom(format!("`{text}`: {expected}"))),
            Raw::Date(datetime) => match (datetime.date, datetime.time) {
                (Some(date), None) => Date::new(i32::from(date.year), date.month, date.day)
                    .map(Until::Date)
                    .ok_or_else(|| de::Error::custom(expected)),
                _ => Err(de::Error::custom(expected)),
            },
        }
    }
}

fn non_empty<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Spanned<String>, D::Error> {
    let value = Spanned::<String>::deserialize(deserializer)?;
    if value.get_ref().trim().is_empty() {
        return Err(de::Error::custom("must not be empty"));
    }
    Ok(value)
}

fn non_empty_plain<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let value = String::deserialize(deserializer)?;
    if value.trim().is_empty() {
        return Err(de::Error::custom(
            "must not be empty: say why the advisory does not apply",
        ));
    }
    Ok(value)
}

/// A resolved ignore.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignore {
    /// An advisory id or alias, matched case-insensitively.
    pub id: String,
    pub reason: String,
    pub until: Until,
    /// Where it was written (for notices about it), when known.
    pub origin: Option<Location>,
}

impl Ignore {
    /// An ignore written nowhere in particular (tests, the CLI).
    pub fn new(id: impl Into<String>, reason: impl Into<String>, until: Until) -> Self {
        Self {
            id: id.into(),
            reason: reason.into(),
            until,
            origin: None,
        }
    }

    pub(crate) fn position(&self) -> Option<Position> {
        self.origin.as_ref().map(|l| l.span.start)
    }

    pub(crate) fn path(&self) -> &str {
        self.origin.as_ref().map_or("", |l| l.path.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Root {
        tool: Tool,
    }
    #[derive(Deserialize)]
    struct Tool {
        cuirass: Cuirass,
    }
    #[derive(Deserialize)]
    struct Cuirass {
        deps: DepsConfig,
    }

    fn parse(text: &str) -> Result<DepsConfig, toml::de::Error> {
        toml::from_str::<Root>(text).map(|r| r.tool.cuirass.deps)
    }

    #[test]
    fn reads_ignores_with_positions() {
        let text = r#"
[tool.cuirass.deps]
require-db = true
db = "osv.zip"
ignore = [
    { id = "PYSEC-2021-9", reason = "templates are ours", until = "2027-01-31" },
    { id = "CVE-2024-1135", reason = "behind the proxy", until = "fixed" },
    { id = "GHSA-aaaa-bbbb-cccc", reason = "tests only", until = 2026-12-01 },
]
"#;
        let config = parse(text).unwrap();
        assert_eq!(config.require_db, Some(true));
        assert_eq!(config.db.as_ref().unwrap().get_ref(), "osv.zip");
        let ignores = config.ignores("pyproject.toml", text);
        assert_eq!(ignores.len(), 3);
        assert_eq!(ignores[0].id, "PYSEC-2021-9");
        assert_eq!(
            ignores[0].until,
            Until::Date(Date::parse("2027-01-31").unwrap())
        );
        assert_eq!(ignores[1].until, Until::Fixed);
        assert_eq!(
            ignores[2].until,
            Until::Date(Date::parse("2026-12-01").unwrap())
        );
        let origin = ignores[1].origin.as_ref().unwrap();
        assert_eq!(origin.path, "pyproject.toml");
        assert_eq!(origin.span.start, Position::new(7, 5));
    }

    #[test]
    fn rejects_what_it_cannot_honour() {
        for (text, needle) in [
            (
                "[tool.cuirass.deps]\nunknown = 1\n",
                "unknown field `unknown`",
            ),
            (
                "[tool.cuirass.deps]\nignore = [{ id = \"X\", until = \"fixed\" }]\n",
                "missing field `reason`",
            ),
            (
                "[tool.cuirass.deps]\nignore = [{ id = \"X\", reason = \"r\" }]\n",
                "missing field `until`",
            ),
            (
                "[tool.cuirass.deps]\nignore = [{ id = \"X\", reason = \" \", until = \"fixed\" }]\n",
                "must not be empty",
            ),
            (
                "[tool.cuirass.deps]\nignore = [{ id = \"X\", reason = \"r\", until = \"soon\" }]\n",
                "`until` must be a date",
            ),
            (
                "[tool.cuirass.deps]\nignore = [{ id = \"X\", reason = \"r\", until = \"2027-02-30\" }]\n",
                "`until` must be a date",
            ),
            (
                "[tool.cuirass.deps]\nignore = [{ id = \"X\", reason = \"r\", until = \"fixed\", note = 1 }]\n",
                "unknown field `note`",
            ),
        ] {
            let err = parse(text).unwrap_err().to_string();
            assert!(err.contains(needle), "{text}\n→ {err}");
        }
    }
}
