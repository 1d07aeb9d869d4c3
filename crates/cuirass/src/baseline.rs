//! Baselines: today's findings recorded by fingerprint, so that a large codebase can adopt
//! cuirass and fail only on new findings.
//!
//! An entry holds the rule, the project-relative path and the fingerprint — never a message or
//! code, so a baseline of a file with secrets holds no secret. The line is kept for people
//! reading the file; matching ignores it. Matching is a multiset: two identical findings need two
//! entries.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context as _, Result};
use cuirass_diagnostics::Finding;
use serde::{Deserialize, Serialize};

use crate::UsageError;

/// Version of the baseline file format.
pub(crate) const BASELINE_VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BaselineFile {
    pub(crate) version: u32,
    pub(crate) tool_version: String,
    pub(crate) entries: Vec<Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
pub(crate) struct Entry {
    pub(crate) rule: String,
    pub(crate) path: String,
    /// For people reading the file; not used for matching.
    pub(crate) line: u32,
    pub(crate) fingerprint: String,
}

impl BaselineFile {
    pub(crate) fn from_findings(findings: &[(Finding, String)]) -> Self {
        let mut entries: Vec<Entry> = findings
            .iter()
            .map(|(finding, root_relative)| Entry {
                rule: finding.rule.name.to_string(),
                path: root_relative.clone(),
                line: finding.location.span.start.line,
                fingerprint: finding.fingerprint.to_string(),
            })
            .collect();
        entries.sort();
        Self {
            version: BASELINE_VERSION,
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            entries,
        }
    }

    pub(crate) fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            UsageError::new(format!(
                "cannot read the baseline `{}`: {e}",
                path.display()
            ))
        })?;
        let file: BaselineFile = serde_json::from_str(&text).map_err(|e| {
            UsageError::new(format!(
                "`{}` is not a cuirass baseline: {e} (line {}, column {})",
                path.display(),
                e.line(),
                e.column()
            ))
            .with_hint("write one with `cuirass baseline -o FILE`")
        })?;
        if file.version != BASELINE_VERSION {
            return Err(UsageError::new(format!(
                "`{}` is a baseline of format version {}; this cuirass reads version {BASELINE_VERSION}",
                path.display(),
                file.version
            ))
            .into());
        }
        Ok(file)
    }

    pub(crate) fn save(&self, path: &Path) -> Result<()> {
        cuirass_report::write_atomically(path, |out| {
            serde_json::to_writer_pretty(&mut *out, self)?;
            out.write_all(b"\n")
        })
        .with_context(|| format!("cannot write the baseline `{}`", path.display()))
    }

    /// Splits findings into new ones and ones the baseline already has. Returns the new
    /// findings, how many matched, and how many entries matched nothing (fixed since).
    pub(crate) fn filter(&self, findings: Vec<(Finding, String)>) -> (Vec<Finding>, usize, usize) {
        let mut remaining: HashMap<(String, String, String), usize> = HashMap::new();
        for entry in &self.entries {
            *remaining
                .entry((
                    entry.rule.clone(),
                    entry.path.clone(),
                    entry.fingerprint.clone(),
                ))
                .or_default() += 1;
        }
        let mut matched = 0;
        let mut new = Vec::new();
        for (finding, root_relative) in findings {
            let key = (
                finding.rule.name.to_string(),
                root_relative,
                finding.fingerprint.to_string(),
            );
            match remaining.get_mut(&key) {
                Some(count) if *count > 0 => {
                    *count -= 1;
                    matched += 1;
                }
                _ => new.push(finding),
            }
        }
        let fixed = remaining.values().sum();
        (new, matched, fixed)
    }
}
