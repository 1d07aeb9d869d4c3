//! Counts over a report (by severity, audit and rule), computed once so the text summary and the
//! JSON `summary` object can never disagree.

use std::collections::BTreeMap;

use cuirass_diagnostics::{Audit, Severity};

use crate::ScanReport;

/// Finding counts of one report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) total: usize,
    /// Indexed like `Severity::ALL` (ascending).
    pub(crate) by_severity: [usize; Severity::ALL.len()],
    /// Indexed like `Audit::ALL`.
    pub(crate) by_audit: [usize; Audit::ALL.len()],
    /// `(rule name, count)`, most frequent first, then by name.
    pub(crate) by_rule: Vec<(&'static str, usize)>,
    /// Notices that mean part of the input went unaudited.
    pub(crate) error_notices: usize,
}

impl Counts {
    pub(crate) fn of(report: &ScanReport) -> Self {
        let mut by_severity = [0; Severity::ALL.len()];
        let mut by_audit = [0; Audit::ALL.len()];
        let mut by_rule: BTreeMap<&'static str, usize> = BTreeMap::new();
        for finding in &report.findings {
            if let Some(slot) = by_severity.get_mut(severity_index(finding.severity)) {
                *slot += 1;
            }
            if let Some(slot) = by_audit.get_mut(audit_index(finding.rule.audit)) {
                *slot += 1;
            }
            *by_rule.entry(finding.rule.name).or_default() += 1;
        }
        let mut by_rule: Vec<_> = by_rule.into_iter().collect();
        by_rule.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        Self {
            total: report.findings.len(),
            by_severity,
            by_audit,
            by_rule,
            error_notices: report.notices.iter().filter(|n| n.kind.is_error()).count(),
        }
    }

    pub(crate) fn severity(&self, severity: Severity) -> usize {
        self.by_severity
            .get(severity_index(severity))
            .copied()
            .unwrap_or(0)
    }

    pub(crate) fn audit(&self, audit: Audit) -> usize {
        self.by_audit.get(audit_index(audit)).copied().unwrap_or(0)
    }
}

fn severity_index(severity: Severity) -> usize {
    Severity::ALL
        .iter()
        .position(|&s| s == severity)
        .unwrap_or(0)
}

fn audit_index(audit: Audit) -> usize {
    Audit::ALL.iter().position(|&a| a == audit).unwrap_or(0)
}
