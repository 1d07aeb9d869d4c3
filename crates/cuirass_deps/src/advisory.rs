//! The advisory model: what cuirass keeps of an OSV record for the PyPI ecosystem. The OSV
//! wire format stays in `osv.rs`; this is the form matching, reports and the prepared index
//! work with.

use cuirass_diagnostics::Severity;
use serde::{Deserialize, Serialize};

use crate::name::PackageName;

/// One security advisory (an OSV record) as it concerns PyPI packages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Advisory {
    /// `PYSEC-2021-9`, `GHSA-…`, `MAL-…`.
    pub id: String,
    /// Other ids of the same vulnerability (CVE, GHSA, PYSEC), as the record lists them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// The record's summary, or the first sentence of its details.
    pub summary: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<AdvisorySeverity>,
    /// RFC 3339 timestamp of the last change.
    #[serde(default)]
    pub modified: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// Reference URLs, advisories first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// CWE ids the record names (GitHub advisories carry them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cwes: Vec<u16>,
    /// The PyPI packages it affects (other ecosystems are dropped on load).
    pub affected: Vec<Affected>,
}

impl Advisory {
    /// A malicious-package report (`OpenSSF` `MAL-…`): the package itself is the attack.
    pub fn is_malicious(&self) -> bool {
        self.id.starts_with("MAL-")
    }

    /// The OSV page of the advisory.
    pub fn url(&self) -> String {
        format!("https://osv.dev/vulnerability/{}", self.id)
    }

    /// Whether `id` names this advisory or one of its aliases (case-insensitive).
    pub fn is_named(&self, id: &str) -> bool {
        self.id.eq_ignore_ascii_case(id) || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(id))
    }

    /// The severity used for findings: `MAL-` is critical; otherwise the record's own rating.
    pub fn effective_severity(&self) -> Option<Severity> {
        if self.is_malicious() {
            return Some(Severity::Critical);
        }
        self.severity.as_ref().map(|s| s.severity)
    }
}

/// How bad an advisory is, and where that came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdvisorySeverity {
    pub severity: Severity,
    /// CVSS base score, when computed from a vector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// The CVSS vector (`CVSS:3.1/AV:N/…`), when the record has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vector: Option<String>,
    pub source: SeveritySource,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SeveritySource {
    /// Computed from a CVSS v3.0/v3.1 vector.
    CvssV3,
    /// Estimated from a CVSS v4.0 vector (see `cvss.rs`).
    CvssV4,
    /// The database's own label (GitHub's `database_specific.severity`).
    Database,
}

/// One package's affected versions in an advisory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Affected {
    pub package: PackageName,
    /// `ECOSYSTEM` ranges (`GIT` ranges name commits and are dropped).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<Range>,
    /// Explicitly listed affected versions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
}

/// An `ECOSYSTEM` range: its events in the record's order (matching sorts them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    pub events: Vec<Event>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    Introduced(String),
    Fixed(String),
    LastAffected(String),
    Limit(String),
}
