//! Findings: what a rule reports, where, and (for taint) along which path.

use crate::fingerprint::Fingerprint;
use crate::meta::{Confidence, RuleMeta, Severity};

/// A 1-based line and column; columns count Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

impl Position {
    pub const fn new(line: u32, column: u32) -> Self {
        Self { line, column }
    }
}

/// A range between two positions; `end` is exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: Position,
    pub end: Position,
}

impl Span {
    pub const fn new(start: Position, end: Position) -> Self {
        Self { start, end }
    }

    /// A span covering a whole line (used where a finding has no finer location).
    pub const fn line(line: u32) -> Self {
        Self {
            start: Position::new(line, 1),
            end: Position::new(line, 1),
        }
    }
}

/// A place in a file. `path` is as shown to the user: relative to the working directory when
/// the file is below it, with `/` separators.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub path: String,
    pub span: Span,
}

impl Location {
    pub fn new(path: impl Into<String>, span: Span) -> Self {
        Self {
            path: path.into(),
            span,
        }
    }
}

/// A secondary location with a note (e.g. "the import is here").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub location: Location,
    pub message: String,
}

/// One step of a data-flow path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowStep {
    pub location: Location,
    /// What happens here: "source: `request.args`", "assigned to `query`", "sink: `execute`".
    pub message: String,
}

/// The path along which untrusted data reaches a sink: source first, sink last.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DataFlow {
    pub steps: Vec<FlowStep>,
}

/// Source lines shown under a finding. Producers of secret findings fill it with masked text;
/// for everything else the pipeline fills it from the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeFrame {
    /// Line number of `lines[0]`.
    pub first_line: u32,
    pub lines: Vec<String>,
}

/// Audit-specific facts carried by a finding for reports that show them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FindingDetails {
    /// A secret, never in full: at most four characters and a mask, plus a SHA-256 of the value
    /// for baselines.
    Secret { masked: String, sha256: String },
    /// A vulnerable dependency, for the reports' dependency table.
    Dependency(DependencyDetails),
}

/// One vulnerable package: what is installed, what is known about it, and the way out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DependencyDetails {
    /// The package name as normalised by PEP 503 (`django`, `pyyaml`).
    pub package: String,
    /// The version found (pinned, locked or installed).
    pub version: String,
    /// The smallest version that fixes every advisory listed; `None`: no fixed release yet.
    pub fixed_in: Option<String>,
    /// The advisories that affect this version, one per vulnerability (aliases merged).
    pub advisories: Vec<AdvisoryRef>,
}

/// One advisory, as a report shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdvisoryRef {
    /// `PYSEC-…`, `GHSA-…` or `MAL-…`.
    pub id: String,
    /// The other ids of the same vulnerability (`CVE-…`, `GHSA-…`).
    pub aliases: Vec<String>,
    pub summary: String,
    pub severity: Severity,
    /// The CVSS base score as written by the scorer (`9.8`), when one was computed.
    pub cvss_score: Option<String>,
    /// The CVSS vector, when the advisory has one.
    pub cvss_vector: Option<String>,
    /// Where to read it (the OSV page).
    pub url: String,
    /// Versions that fix this advisory above the installed one, lowest first.
    pub fixed: Vec<String>,
}

/// One reported problem.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static RuleMeta,
    pub severity: Severity,
    pub confidence: Confidence,
    pub message: String,
    pub location: Location,
    pub related: Vec<Related>,
    pub flow: Option<DataFlow>,
    pub details: Option<FindingDetails>,
    pub frame: Option<CodeFrame>,
    /// What identifies this finding across edits, before hashing (normally the normalised
    /// source of the reported lines; a secret's hash for secrets). Set by the producer or the
    /// pipeline; never shown.
    pub fingerprint_key: String,
    /// Filled by the pipeline once all findings of a file are known.
    pub fingerprint: Fingerprint,
}

impl Finding {
    /// A finding with the rule's default severity and confidence.
    pub fn new(rule: &'static RuleMeta, message: impl Into<String>, location: Location) -> Self {
        Self {
            rule,
            severity: rule.severity,
            confidence: rule.confidence,
            message: message.into(),
            location,
            related: Vec::new(),
            flow: None,
            details: None,
            frame: None,
            fingerprint_key: String::new(),
            fingerprint: Fingerprint::default(),
        }
    }

    #[must_use]
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    #[must_use]
    pub fn with_confidence(mut self, confidence: Confidence) -> Self {
        self.confidence = confidence;
        self
    }

    #[must_use]
    pub fn with_flow(mut self, flow: DataFlow) -> Self {
        self.flow = Some(flow);
        self
    }

    /// The ordering used everywhere output is produced: path, line, column, rule.
    pub fn sort_key(&self) -> (&str, Position, &'static str, &str) {
        (
            self.location.path.as_str(),
            self.location.span.start,
            self.rule.name,
            self.message.as_str(),
        )
    }
}
