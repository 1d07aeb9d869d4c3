//! The JSON report: a documented, versioned contract (`docs/json-output.md`, schema in
//! `docs/json-schema.json`).
//!
//! The document is built from private serde structs rather than `serde_json::Value`, so key order
//! is fixed by the declarations here and cannot change with `serde_json`'s `preserve_order` feature
//! being switched on somewhere else in the build.

use std::io::{self, BufWriter, Write};

use cuirass_diagnostics::{
    Audit, Confidence, Finding, FindingDetails, Location, Notice, Position, RuleKind, Severity,
};
use serde::Serialize;

use crate::summary::Counts;
use crate::{INFORMATION_URI, RULE_HELP_URI_BASE, ScanReport};

/// The version of the JSON contract. A minor bump only adds fields or values; anything else
/// bumps the major version.
pub const JSON_SCHEMA_VERSION: &str = "1.0";

/// Writes the JSON report, pretty-printed, with a final newline.
pub fn write_json(out: &mut dyn Write, report: &ScanReport) -> io::Result<()> {
    let mut out = BufWriter::new(out);
    serde_json::to_writer_pretty(&mut out, &Document::new(report))?;
    writeln!(out)?;
    out.flush()
}

#[derive(Serialize)]
struct Document<'a> {
    version: &'static str,
    tool: Tool<'a>,
    run: RunSection<'a>,
    summary: Summary,
    findings: Vec<JsonFinding<'a>>,
    notices: Vec<JsonNotice<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    name: &'static str,
    version: &'a str,
    information_uri: &'static str,
}

#[derive(Serialize)]
struct RunSection<'a> {
    paths: &'a [String],
    started_at: String,
    duration_ms: u64,
    files_scanned: usize,
    audits_run: Vec<Audit>,
    audits_not_run: Vec<NotRun<'a>>,
    suppressed_inline: usize,
    baseline: Option<Baseline>,
    rules: Vec<&'static str>,
}

#[derive(Serialize)]
struct NotRun<'a> {
    audit: Audit,
    reason: &'a str,
}

#[derive(Serialize)]
struct Baseline {
    matched: usize,
    fixed: usize,
}

#[derive(Serialize)]
struct Summary {
    total: usize,
    by_severity: BySeverity,
    by_audit: ByAudit,
    by_rule: Vec<RuleCount>,
    notices: usize,
    notices_unaudited: usize,
}

#[derive(Serialize)]
struct BySeverity {
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
}

#[derive(Serialize)]
struct ByAudit {
    code: usize,
    config: usize,
    secrets: usize,
    dependencies: usize,
    interpreter: usize,
}

#[derive(Serialize)]
struct RuleCount {
    rule: &'static str,
    count: usize,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'static str,
    audit: Audit,
    kind: RuleKind,
    severity: Severity,
    confidence: Confidence,
    message: &'a str,
    location: JsonLocation<'a>,
    related: Vec<Step<'a>>,
    flow: Option<Flow<'a>>,
    cwe: &'static [u16],
    owasp: Option<&'static str>,
    aliases: Vec<JsonAlias>,
    fingerprint: Option<&'a str>,
    fix: Option<&'static str>,
    help_uri: String,
    details: Option<Details<'a>>,
    frame: Option<Frame<'a>>,
}

#[derive(Serialize)]
struct JsonLocation<'a> {
    path: &'a str,
    start: Pos,
    end: Pos,
}

#[derive(Serialize)]
struct Pos {
    line: u32,
    column: u32,
}

/// A related location or a flow step: a place and what it means.
#[derive(Serialize)]
struct Step<'a> {
    location: JsonLocation<'a>,
    message: &'a str,
}

#[derive(Serialize)]
struct Flow<'a> {
    steps: Vec<Step<'a>>,
}

#[derive(Serialize)]
struct JsonAlias {
    tool: &'static str,
    id: &'static str,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Details<'a> {
    Secret { masked: &'a str, sha256: &'a str },
}

#[derive(Serialize)]
struct Frame<'a> {
    first_line: u32,
    /// Without line terminators, whatever the file used.
    lines: Vec<&'a str>,
}

#[derive(Serialize)]
struct JsonNotice<'a> {
    kind: &'static str,
    level: &'static str,
    path: Option<&'a str>,
    position: Option<Pos>,
    message: &'a str,
}

impl<'a> Document<'a> {
    fn new(report: &'a ScanReport) -> Self {
        let info = &report.info;
        let counts = Counts::of(report);

        let mut audits_run = info.audits_run.clone();
        audits_run.sort_unstable();
        audits_run.dedup();
        let mut audits_not_run: Vec<NotRun<'a>> = info
            .audits_not_run
            .iter()
            .map(|(audit, reason)| NotRun {
                audit: *audit,
                reason,
            })
            .collect();
        audits_not_run.sort_by(|a, b| a.audit.cmp(&b.audit).then(a.reason.cmp(b.reason)));
        let mut rules: Vec<&'static str> = info.rules.iter().map(|r| r.name).collect();
        rules.sort_unstable();
        rules.dedup();

        Self {
            version: JSON_SCHEMA_VERSION,
            tool: Tool {
                name: "cuirass",
                version: &info.tool_version,
                information_uri: INFORMATION_URI,
            },
            run: RunSection {
                paths: &info.paths,
                started_at: crate::format_rfc3339_utc(info.started_unix),
                duration_ms: u64::try_from(info.duration.as_millis()).unwrap_or(u64::MAX),
                files_scanned: info.files_scanned,
                audits_run,
                audits_not_run,
                suppressed_inline: info.suppressed_inline,
                baseline: info.baseline.map(|b| Baseline {
                    matched: b.matched,
                    fixed: b.fixed,
                }),
                rules,
            },
            summary: Summary {
                total: counts.total,
                by_severity: BySeverity {
                    critical: counts.severity(Severity::Critical),
                    high: counts.severity(Severity::High),
                    medium: counts.severity(Severity::Medium),
                    low: counts.severity(Severity::Low),
                    info: counts.severity(Severity::Info),
                },
                by_audit: ByAudit {
                    code: counts.audit(Audit::Code),
                    config: counts.audit(Audit::Config),
                    secrets: counts.audit(Audit::Secrets),
                    dependencies: counts.audit(Audit::Dependencies),
                    interpreter: counts.audit(Audit::Interpreter),
                },
                by_rule: counts
                    .by_rule
                    .iter()
                    .map(|&(rule, count)| RuleCount { rule, count })
                    .collect(),
                notices: report.notices.len(),
                notices_unaudited: counts.error_notices,
            },
            findings: report.findings.iter().map(JsonFinding::new).collect(),
            notices: report.notices.iter().map(JsonNotice::new).collect(),
        }
    }
}

impl<'a> JsonFinding<'a> {
    fn new(finding: &'a Finding) -> Self {
        let rule = finding.rule;
        Self {
            rule: rule.name,
            audit: rule.audit,
            kind: rule.kind,
            severity: finding.severity,
            confidence: finding.confidence,
            message: &finding.message,
            location: JsonLocation::new(&finding.location),
            related: finding
                .related
                .iter()
                .map(|r| Step {
                    location: JsonLocation::new(&r.location),
                    message: &r.message,
                })
                .collect(),
            flow: finding.flow.as_ref().map(|flow| Flow {
                steps: flow
                    .steps
                    .iter()
                    .map(|s| Step {
                        location: JsonLocation::new(&s.location),
                        message: &s.message,
                    })
                    .collect(),
            }),
            cwe: rule.cwe,
            owasp: rule.owasp.map(cuirass_diagnostics::Owasp2021::id),
            aliases: rule
                .aliases
                .iter()
                .map(|a| JsonAlias {
                    tool: a.tool(),
                    id: a.id(),
                })
                .collect(),
            fingerprint: (!finding.fingerprint.is_empty()).then(|| finding.fingerprint.as_str()),
            fix: rule.fix(),
            help_uri: format!("{RULE_HELP_URI_BASE}{}", rule.name),
            details: finding.details.as_ref().and_then(Details::new),
            frame: finding.frame.as_ref().map(|frame| Frame {
                first_line: frame.first_line,
                lines: frame
                    .lines
                    .iter()
                    .map(|line| line.trim_end_matches(['\n', '\r']))
                    .collect(),
            }),
        }
    }
}

impl<'a> Details<'a> {
    /// Only the fields a report may show; kinds this version does not know are left out.
    fn new(details: &'a FindingDetails) -> Option<Self> {
        match details {
            FindingDetails::Secret { masked, sha256 } => Some(Details::Secret { masked, sha256 }),
            // `FindingDetails` is `#[non_exhaustive]`: print nothing we have not reviewed.
            _ => None,
        }
    }
}

impl<'a> JsonLocation<'a> {
    fn new(location: &'a Location) -> Self {
        Self {
            path: &location.path,
            start: Pos::new(location.span.start),
            end: Pos::new(location.span.end),
        }
    }
}

impl Pos {
    fn new(position: Position) -> Self {
        Self {
            line: position.line,
            column: position.column,
        }
    }
}

impl<'a> JsonNotice<'a> {
    fn new(notice: &'a Notice) -> Self {
        Self {
            kind: notice.kind.as_str(),
            level: if notice.kind.is_error() {
                "error"
            } else {
                "warning"
            },
            path: (!notice.path.is_empty()).then_some(notice.path.as_str()),
            position: notice.position.map(Pos::new),
            message: &notice.message,
        }
    }
}
