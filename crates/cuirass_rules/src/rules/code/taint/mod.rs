//! Taint rules: input from the web or the command line that provably reaches a dangerous
//! operation, with the path it took. One analysis per file (`cuirass_taint`) serves them all;
//! each rule reports the flows of its class of vulnerability.
//!
//! A taint finding supersedes the pattern findings of the same problem at the same place (the
//! table below): `sql-string-query` on an `execute` call that `tainted-sql` proves is dropped,
//! so one place is not reported twice. Where the analysis cannot decide, the pattern rules keep
//! reporting at their own, lower confidence.

use cuirass_diagnostics::{Finding, RuleKind, Span};

use crate::rule::Rule;

mod helpers;
mod tainted_code;
mod tainted_command;
mod tainted_deserialization;
mod tainted_header;
mod tainted_ldap;
mod tainted_log;
mod tainted_path;
mod tainted_redirect;
mod tainted_sql;
mod tainted_ssrf;
mod tainted_trust_boundary;
mod tainted_xpath;
mod tainted_xss;
mod tainted_xxe;

pub(super) static RULES: &[&Rule] = &[
    &tainted_code::RULE,
    &tainted_command::RULE,
    &tainted_deserialization::RULE,
    &tainted_header::RULE,
    &tainted_ldap::RULE,
    &tainted_log::RULE,
    &tainted_path::RULE,
    &tainted_redirect::RULE,
    &tainted_sql::RULE,
    &tainted_ssrf::RULE,
    &tainted_trust_boundary::RULE,
    &tainted_xpath::RULE,
    &tainted_xss::RULE,
    &tainted_xxe::RULE,
];

/// Taint rule → the pattern rules whose findings it supersedes where their ranges overlap.
pub(crate) static SUPERSEDES: &[(&str, &[&str])] = &[
    ("tainted-sql", &["sql-string-query", "django-raw-sql"]),
    (
        "tainted-command",
        &[
            "os-system",
            "subprocess-shell-true",
            "call-with-shell-true",
            "subprocess-dynamic-program",
            "os-exec-dynamic-program",
            "paramiko-exec-command",
        ],
    ),
    ("tainted-code", &["eval-exec"]),
    ("tainted-path", &["path-from-request"]),
    ("tainted-ssrf", &["ssrf-request-url", "urlopen-dynamic-url"]),
    ("tainted-redirect", &["open-redirect"]),
    (
        "tainted-xss",
        &[
            "html-string-response",
            "markup-non-literal",
            "django-mark-safe-non-literal",
            "template-injection",
        ],
    ),
    (
        "tainted-deserialization",
        &["pickle-load", "yaml-unsafe-load", "jsonpickle-decode"],
    ),
    (
        "tainted-xxe",
        &["xml-external-entities", "xml-unsafe-parser"],
    ),
    ("tainted-ldap", &["ldap-injection"]),
    ("tainted-xpath", &["xpath-injection"]),
];

/// Drops the pattern findings a taint finding supersedes: same file, overlapping ranges, and
/// the pattern rule listed for the taint rule in [`SUPERSEDES`].
pub(crate) fn drop_superseded(findings: &mut Vec<(Finding, [u32; 2])>) {
    let proven: Vec<(&'static [&'static str], Span)> = findings
        .iter()
        .filter(|(finding, _)| finding.rule.kind == RuleKind::Taint)
        .filter_map(|(finding, _)| {
            SUPERSEDES
                .iter()
                .find(|(taint, _)| *taint == finding.rule.name)
                .map(|(_, patterns)| (*patterns, finding.location.span))
        })
        .collect();
    if proven.is_empty() {
        return;
    }
    findings.retain(|(finding, _)| {
        !proven.iter().any(|(patterns, span)| {
            patterns.contains(&finding.rule.name) && overlaps(*span, finding.location.span)
        })
    });
}

/// Whether two spans share a character (or are the same empty span).
fn overlaps(a: Span, b: Span) -> bool {
    (a.start < b.end && b.start < a.end) || a == b
}

#[cfg(test)]
mod tests {
    use cuirass_diagnostics::{Location, Position};

    use super::*;
    use crate::registry::find_rule;

    fn finding(rule: &str, from: (u32, u32), to: (u32, u32)) -> (Finding, [u32; 2]) {
        let rule = find_rule(rule).unwrap();
        let span = Span::new(Position::new(from.0, from.1), Position::new(to.0, to.1));
        (
            Finding::new(&rule.meta, "m", Location::new("a.py", span)),
            [from.0, to.0],
        )
    }

    #[test]
    fn taint_findings_supersede_overlapping_pattern_findings() {
        let mut findings = vec![
            finding("tainted-sql", (5, 5), (5, 30)),
            finding("sql-string-query", (5, 5), (5, 30)),
            finding("sql-string-query", (9, 5), (9, 30)),
            finding("os-system", (5, 5), (5, 30)),
            finding("tainted-command", (12, 1), (12, 20)),
            finding("os-system", (12, 10), (12, 15)),
        ];
        drop_superseded(&mut findings);
        let left: Vec<(&str, u32)> = findings
            .iter()
            .map(|(f, _)| (f.rule.name, f.location.span.start.line))
            .collect();
        assert_eq!(
            left,
            [
                ("tainted-sql", 5),
                ("sql-string-query", 9),
                ("os-system", 5),
                ("tainted-command", 12)
            ]
        );
    }

    #[test]
    fn supersede_table_names_registered_rules() {
        for (taint, patterns) in SUPERSEDES {
            let rule = find_rule(taint).unwrap();
            assert_eq!(rule.meta.kind, RuleKind::Taint, "{taint}");
            for pattern in *patterns {
                let pattern_rule = find_rule(pattern)
                    .unwrap_or_else(|| panic!("{taint} supersedes unknown rule {pattern}"));
                assert_eq!(pattern_rule.meta.kind, RuleKind::Pattern, "{pattern}");
            }
        }
    }
}
