//! The reports of `cuirass check`: text for people, JSON as a versioned contract, SARIF 2.1.0 for
//! code-scanning services, and a self-contained HTML page for triage in a browser.
//!
//! Every writer takes the finished [`ScanReport`] (findings already filtered, suppressed and
//! sorted by the caller) and writes to any [`std::io::Write`], so the CLI decides where output goes
//! and [`write_atomically`] gives files all-or-nothing semantics. Writers print only what a
//! [`Finding`] holds: secret findings arrive masked and stay masked.
#![forbid(unsafe_code)]

mod atomic;
mod html;
mod json;
mod sarif;
mod summary;
mod text;
mod time;

use std::time::Duration;

use cuirass_diagnostics::{Audit, Finding, Notice, RuleMeta};

pub use atomic::write_atomically;
pub use html::write_html;
pub use json::{JSON_SCHEMA_VERSION, write_json};
pub use sarif::{RULE_HELP_URI_BASE, SARIF_SCHEMA_URI, write_sarif};
pub use text::{TextOptions, write_text};
pub use time::format_rfc3339_utc;

/// The tool's home page, named in JSON `tool` and SARIF `tool.driver.informationUri`.
pub const INFORMATION_URI: &str = "https://cuirass.dev";

/// Everything one `cuirass check` run reports.
#[derive(Debug, Clone, Default)]
pub struct ScanReport {
    /// Already filtered, suppressed and sorted by the caller (see [`Finding::sort_key`]).
    pub findings: Vec<Finding>,
    /// Input problems (parse errors, binary files, …), sorted by the caller.
    pub notices: Vec<Notice>,
    pub info: RunInfo,
}

/// Facts about the run itself, shown in summaries and carried by the machine formats.
#[derive(Debug, Clone, Default)]
pub struct RunInfo {
    pub tool_version: String,
    /// The scanned roots, as the user gave them.
    pub paths: Vec<String>,
    /// Seconds since the Unix epoch.
    pub started_unix: u64,
    pub duration: Duration,
    pub files_scanned: usize,
    pub audits_run: Vec<Audit>,
    /// Audits that did not run, each with the reason shown to the user.
    pub audits_not_run: Vec<(Audit, String)>,
    /// Findings silenced by suppression comments.
    pub suppressed_inline: usize,
    pub baseline: Option<BaselineStats>,
    /// Every rule enabled for this run (SARIF `tool.driver.rules`).
    pub rules: Vec<&'static RuleMeta>,
}

/// What a `--baseline` did to this run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BaselineStats {
    /// Findings hidden because the baseline already lists them.
    pub matched: usize,
    /// Baseline entries no finding matched any more (fixed or gone).
    pub fixed: usize,
}
