//! Layer one of three: the raw options exactly as written in `[tool.cuirass]` or
//! `cuirass.toml`.
//!
//! Every field is an `Option` (absent means "not set here", so a later layer can tell "unset"
//! from "set to the default"), keys are kebab-case and unknown keys are errors. Values are
//! checked while deserialising (severity names, sizes) so that the error carries the value's
//! span and can name file, line and column. Selectors and globs keep their spans via
//! [`Spanned`]: globs are compiled right after reading (`config.rs`), selectors are checked by
//! the CLI against the rule catalogue.

use std::collections::BTreeMap;
use std::fmt;
use std::num::NonZeroUsize;
use std::str::FromStr;

use cuirass_diagnostics::{Confidence, Severity};
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
pub use toml::Spanned;

/// The `[tool.cuirass]` table (or the top level of `cuirass.toml`).
///
/// To add a nested table such as `[tool.cuirass.taint]` or `[tool.cuirass.deps]`: define its
/// struct in its own module with the same attributes as this one (`Debug, Clone, Default,
/// PartialEq, Deserialize`, `deny_unknown_fields`, `rename_all = "kebab-case"`, every field an
/// `Option`), then add a field here, e.g.
///
/// ```text
/// /// `[tool.cuirass.taint]`: extra sources, sinks and sanitisers.
/// pub taint: Option<TaintOptions>,
/// ```
///
/// Errors inside it get file, line, column and the dotted key for free; merge it with CLI
/// overrides in `settings.rs` (`resolve`) and add the resolved form to `Settings`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Options {
    /// Rules, aliases (`B602`, `S602`) or audits (`code`, `config`, `secrets`, `dependencies`,
    /// `interpreter`) to run instead of the default selection.
    pub select: Option<Vec<Spanned<String>>>,
    /// Rules, aliases or audits to turn off.
    pub ignore: Option<Vec<Spanned<String>>>,
    /// Added to the selection (whether `select` is set or not).
    pub extend_select: Option<Vec<Spanned<String>>>,
    /// Same meaning as `ignore`; both lists apply.
    pub extend_ignore: Option<Vec<Spanned<String>>>,
    /// Gitignore-style globs of paths not to scan, relative to the project root. They are added
    /// to the built-in excludes (virtualenvs, `node_modules`, `.git`, build output, caches);
    /// the built-in ones cannot be turned off here, but a path named on the command line is
    /// scanned even if a built-in exclude matches it.
    pub exclude: Option<Vec<Spanned<String>>>,
    /// A synonym of `exclude` for configurations written with Ruff's key names; both lists
    /// apply. (Unlike Ruff, `exclude` does not replace the defaults, so there is nothing to
    /// "extend".)
    pub extend_exclude: Option<Vec<Spanned<String>>>,
    /// Glob (relative to the project root) → selectors ignored in the matching files, e.g.
    /// `"tests/**" = ["assert-used"]`.
    pub per_file_ignores: Option<BTreeMap<Spanned<String>, Vec<Spanned<String>>>>,
    /// Findings at or above this severity make the run fail (exit 1).
    #[serde(default, deserialize_with = "de_from_str")]
    pub fail_on: Option<Severity>,
    /// Findings below this severity are not reported.
    #[serde(default, deserialize_with = "de_from_str")]
    pub min_severity: Option<Severity>,
    /// Findings below this confidence are not reported.
    #[serde(default, deserialize_with = "de_from_str")]
    pub min_confidence: Option<Confidence>,
    /// Files larger than this are skipped with a notice: bytes, or a string such as `"10MB"`.
    #[serde(default, deserialize_with = "de_file_size")]
    pub max_file_size: Option<u64>,
    /// Honour `.gitignore`, `.ignore`, `.git/info/exclude` and the global gitignore.
    pub respect_gitignore: Option<bool>,
    /// Worker threads; the default is one per CPU.
    #[serde(default, deserialize_with = "de_jobs")]
    pub jobs: Option<NonZeroUsize>,
    /// `[tool.cuirass.deps]`: read by the dependency audit through
    /// [`ConfigFile::section`](crate::ConfigFile::section), which checks it against its own
    /// struct with spans; here it is only accepted.
    #[serde(default)]
    pub deps: Option<de::IgnoredAny>,
    /// `[tool.cuirass.taint]`: extra taint sources, sinks and sanitisers, read the same way.
    #[serde(default)]
    pub taint: Option<de::IgnoredAny>,
}

impl Options {
    /// The accepted keys, in declaration order (for messages and docs).
    pub const KEYS: &'static [&'static str] = &[
        "select",
        "ignore",
        "extend-select",
        "extend-ignore",
        "exclude",
        "extend-exclude",
        "per-file-ignores",
        "fail-on",
        "min-severity",
        "min-confidence",
        "max-file-size",
        "respect-gitignore",
        "jobs",
        "deps",
        "taint",
    ];
}

/// Parses a string field with `FromStr` (so `"High"` works like `--fail-on High`).
fn de_from_str<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr,
    T::Err: fmt::Display,
{
    let text = String::deserialize(deserializer)?;
    text.parse().map(Some).map_err(de::Error::custom)
}

/// An integer number of bytes or a string with a unit.
fn de_file_size<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    struct SizeVisitor;

    impl Visitor<'_> for SizeVisitor {
        type Value = u64;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a number of bytes or a string such as \"10MB\"")
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
            match u64::try_from(v) {
                Ok(n) if n > 0 => Ok(n),
                _ => Err(E::custom(format!(
                    "`{v}` is not a file size; expected a positive number of bytes"
                ))),
            }
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
            if v == 0 {
                return Err(E::custom(
                    "`0` is not a file size; expected a positive number of bytes",
                ));
            }
            Ok(v)
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<u64, E> {
            crate::size::parse_size(v).map_err(E::custom)
        }
    }

    deserializer.deserialize_any(SizeVisitor).map(Some)
}

/// A positive number of worker threads.
fn de_jobs<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<NonZeroUsize>, D::Error> {
    let jobs = i64::deserialize(deserializer)?;
    usize::try_from(jobs)
        .ok()
        .and_then(NonZeroUsize::new)
        .map(Some)
        .ok_or_else(|| {
            de::Error::custom(format!(
                "`{jobs}` is not a number of jobs; expected 1 or more"
            ))
        })
}
