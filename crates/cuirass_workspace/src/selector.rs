//! Values that remember where they were written.
//!
//! This crate does not know the rule catalogue, so it cannot tell whether `select = ["foo"]`
//! names a rule. It keeps the origin of every selector and glob instead, and the CLI, which does
//! know the catalogue, reports "unknown rule `foo` in `select` at pyproject.toml:12:11".

use std::fmt;

/// Where a selector or glob came from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    /// A configuration file.
    File {
        /// The file as shown to the user (relative to the working directory when below it).
        path: String,
        /// 1-based line of the value.
        line: u32,
        /// 1-based column of the value, in Unicode scalar values.
        column: u32,
        /// The key it was written under, relative to the cuirass table: `select`,
        /// `per-file-ignores."tests/**"`.
        key: String,
    },
    /// A command-line flag such as `--select`.
    CommandLine {
        /// The flag, with its dashes.
        flag: &'static str,
    },
}

/// Reads after "in": "unknown rule `foo` in {origin}".
impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File {
                path,
                line,
                column,
                key,
            } => write!(f, "`{key}` at {path}:{line}:{column}"),
            Origin::CommandLine { flag } => write!(f, "`{flag}` on the command line"),
        }
    }
}

/// One entry of `select`, `ignore`, `extend-select`, `extend-ignore` or `per-file-ignores`: a
/// rule name, an alias (`B602`, `S602`) or an audit name (`code`, `secrets`, …), unchecked.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Selector {
    pub value: String,
    pub origin: Origin,
}

impl Selector {
    pub fn new(value: impl Into<String>, origin: Origin) -> Self {
        Self {
            value: value.into(),
            origin,
        }
    }

    /// A selector given on the command line with `flag`.
    pub fn command_line(value: impl Into<String>, flag: &'static str) -> Self {
        Self::new(value, Origin::CommandLine { flag })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_reads_after_in() {
        let file = Origin::File {
            path: "pyproject.toml".into(),
            line: 12,
            column: 11,
            key: "select".into(),
        };
        assert_eq!(
            format!("unknown rule `foo` in {file}"),
            "unknown rule `foo` in `select` at pyproject.toml:12:11"
        );
        let cli = Origin::CommandLine { flag: "--select" };
        assert_eq!(
            format!("unknown rule `foo` in {cli}"),
            "unknown rule `foo` in `--select` on the command line"
        );
    }
}
