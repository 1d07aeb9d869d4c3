//! Secret scanning for cuirass: provider detectors, the keyword/entropy heuristic, placeholder
//! logic, masking, redaction and git-history scanning.
//!
//! This crate depends on the finding model only — no Python parser — so the runtime library's
//! log redaction ([`redact`]) and the auditor ([`scan_text`]) run the very same detectors and
//! can never disagree.
//!
//! **Never echo a secret.** Every string this crate produces — messages, code frames,
//! [`FindingDetails::Secret`]'s `masked`, `Debug` of its types — shows at most the first four
//! characters of a secret followed by [`MASK`]; baselines get a SHA-256 of the value
//! (`Finding::fingerprint_key`). Secret findings carry their own masked code frame: the
//! pipeline must never fill a frame from the raw file for a finding of [`Audit::Secrets`].
//!
//! **Test fixtures.** A file with [`FIXTURE_MARKER`] in its first ten lines holds fake secrets
//! on purpose (this crate's own tests, say) and is skipped unless `ScanOptions::skip_fixtures`
//! is off.
//!
//! [`Audit::Secrets`]: cuirass_diagnostics::Audit::Secrets
#![forbid(unsafe_code)]

#[macro_use]
mod families;
mod codec;
mod engine;
pub mod entropy;
mod env_file;
mod history;
mod mask;
pub mod placeholder;
mod scan;
mod text;

pub use codec::base64url_encode;
pub use env_file::{env_file_finding, is_env_file};
pub use history::{HistoryError, HistoryFinding, HistoryScan, scan_git_history};
pub use mask::{MASK, SecretValue, mask, sha256_hex};
pub use scan::{Detection, find_secrets, redact, redact_as, scan_text};
pub use text::TextKind;

use cuirass_diagnostics::RuleMeta;

/// Put this string in the first ten lines of a file that holds fake secrets on purpose (tests,
/// fixtures); [`scan_text`] then skips the file. It does not contain `cuirass:`, so the
/// suppression parser leaves it alone.
pub const FIXTURE_MARKER: &str = "cuirass-fixture: fake secrets";

/// How to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ScanOptions {
    /// Run the keyword/entropy heuristic (`high-entropy-secret`) besides the provider
    /// detectors. Default: on.
    pub entropy: bool,
    /// Report documented example keys (`AKIAIOSFODNN7EXAMPLE`) and test-mode keys (`sk_test_`)
    /// at severity info. Off drops them. Default: on.
    pub info_findings: bool,
    /// Skip files carrying [`FIXTURE_MARKER`]. Default: on.
    pub skip_fixtures: bool,
    /// Lines of context above and below the reported lines in code frames. Default: 1.
    pub frame_context: u32,
    /// History scans skip blobs larger than this. Default: 1 MiB.
    pub max_blob_bytes: u64,
}

impl Default for ScanOptions {
    fn default() -> Self {
        Self {
            entropy: true,
            info_findings: true,
            skip_fixtures: true,
            frame_context: 1,
            max_blob_bytes: 1 << 20,
        }
    }
}

/// Every secret rule, sorted by name: one per provider or family, plus `high-entropy-secret`
/// and `env-file-committed`.
pub fn rules() -> &'static [&'static RuleMeta] {
    static RULES: std::sync::OnceLock<Vec<&'static RuleMeta>> = std::sync::OnceLock::new();
    RULES.get_or_init(|| {
        let mut rules: Vec<&'static RuleMeta> = families::rules().collect();
        rules.sort_by_key(|rule| rule.name);
        rules
    })
}

/// A detector: one documented credential shape, reported under a rule.
#[derive(Debug, Clone, Copy)]
pub struct DetectorInfo {
    /// Stable id, e.g. `github-pat-classic`.
    pub id: &'static str,
    /// What it finds, e.g. "GitHub personal access token".
    pub label: &'static str,
    /// The rule its findings are reported under.
    pub rule: &'static RuleMeta,
}

/// Every detector, in declaration order (grouped by family).
pub fn detectors() -> Vec<DetectorInfo> {
    families::detectors()
        .map(|d| DetectorInfo {
            id: d.id,
            label: d.label,
            rule: d.rule,
        })
        .collect()
}

/// Whether a text carries [`FIXTURE_MARKER`] in its first ten lines.
pub fn is_fixture(text: &str) -> bool {
    text.lines()
        .take(10)
        .any(|line| line.contains(FIXTURE_MARKER))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles() {
        assert!(engine::engine().all_compiled());
        assert!(families::generic::all_compiled());
    }

    #[test]
    fn rules_are_unique_and_documented() {
        let rules = rules();
        assert!(rules.windows(2).all(|w| w[0].name < w[1].name));
        for rule in rules {
            assert_eq!(
                rule.audit,
                cuirass_diagnostics::Audit::Secrets,
                "{}",
                rule.name
            );
            let doc = cuirass_diagnostics::dedent_doc(rule.doc);
            for section in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Use instead",
                "## Fix",
                "## References",
            ] {
                assert!(doc.contains(section), "{} lacks {section}", rule.name);
            }
            assert!(
                doc.matches("```").count() >= 4,
                "{} lacks examples",
                rule.name
            );
            for cwe in rule.cwe {
                assert!(
                    cuirass_diagnostics::cwe_title(*cwe).is_some(),
                    "{}: CWE-{cwe}",
                    rule.name
                );
                assert!(
                    doc.contains(&format!("CWE-{cwe}")),
                    "{} does not reference CWE-{cwe}",
                    rule.name
                );
            }
            assert!(rule.owasp.is_some());
        }
        let mut aliases: Vec<&str> = rules
            .iter()
            .flat_map(|r| r.aliases.iter().map(|a| a.id()))
            .collect();
        aliases.sort_unstable();
        let count = aliases.len();
        aliases.dedup();
        assert_eq!(count, aliases.len(), "duplicate alias");
    }

    #[test]
    fn detectors_are_many_and_unique() {
        let detectors = detectors();
        assert!(detectors.len() >= 40, "{}", detectors.len());
        let mut ids: Vec<&str> = detectors.iter().map(|d| d.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), detectors.len());
        for detector in &detectors {
            assert!(
                rules().iter().any(|r| std::ptr::eq(*r, detector.rule)),
                "{} reports under an unlisted rule",
                detector.id
            );
        }
    }
}
