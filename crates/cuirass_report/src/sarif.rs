//! The SARIF 2.1.0 report, for GitHub code scanning and other SARIF consumers.
//!
//! One run; `tool.driver.rules` holds every enabled rule (plus any rule a finding names that the
//! caller did not list), so `ruleIndex` always points somewhere. Severity reaches GitHub through
//! `properties.security-severity`, CWE and OWASP through tags, taint paths through `codeFlows`, and
//! identity through our own `partialFingerprints` key. Input problems and audits that did not run
//! become `toolExecutionNotifications`, so nothing is left out silently.
//!
//! As for JSON, the log is built from private serde structs so key order never depends on
//! `serde_json` features.

use std::io::{self, BufWriter, Write};

use cuirass_diagnostics::{Confidence, Finding, Location, Notice, RuleMeta, Severity, Span};
use serde::Serialize;

use crate::{INFORMATION_URI, ScanReport};

/// The schema named in `$schema`: the OASIS 2.1.0 schema with errata 01.
pub const SARIF_SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Where a rule's documentation page lives; the rule name is appended.
pub const RULE_HELP_URI_BASE: &str = "https://cuirass.dev/rules/";

/// The base id relative artifact URIs are resolved against (the repository root on GitHub).
const SRCROOT: &str = "%SRCROOT%";

/// Writes the SARIF log, pretty-printed, with a final newline.
pub fn write_sarif(out: &mut dyn Write, report: &ScanReport) -> io::Result<()> {
    let mut out = BufWriter::new(out);
    serde_json::to_writer_pretty(&mut out, &Log::new(report))?;
    writeln!(out)?;
    out.flush()
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    invocations: [Invocation<'a>; 1],
    results: Vec<SarifResult<'a>>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'a str,
    semantic_version: &'a str,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: String,
    short_description: Text<'static>,
    full_description: Text<'static>,
    help: Help,
    help_uri: String,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct OwnedText {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: &'static str,
    markdown: &'static str,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<String>,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    precision: &'static str,
    #[serde(rename = "problem.severity")]
    problem_severity: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<'a> {
    execution_successful: bool,
    start_time_utc: String,
    end_time_utc: String,
    tool_execution_notifications: Vec<Notification<'a>>,
    properties: InvocationProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InvocationProperties<'a> {
    paths: &'a [String],
    files_scanned: usize,
    audits_run: Vec<&'static str>,
    suppressed_inline: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_matched: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_fixed: Option<usize>,
}

#[derive(Serialize)]
struct Notification<'a> {
    level: &'static str,
    message: OwnedText,
    descriptor: Descriptor,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<SarifLocation<'a>>,
}

#[derive(Serialize)]
struct Descriptor {
    id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text<'a>,
    locations: Vec<SarifLocation<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    partial_fingerprints: Option<Fingerprints<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifLocation<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    code_flows: Vec<CodeFlow<'a>>,
    properties: ResultProperties,
}

#[derive(Serialize)]
struct Fingerprints<'a> {
    /// Our own key: GitHub computes `primaryLocationLineHash` itself, ours survives line shifts.
    #[serde(rename = "cuirassFingerprint/v1")]
    v1: &'a str,
}

#[derive(Serialize)]
struct ResultProperties {
    confidence: Confidence,
    severity: Severity,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<u32>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CodeFlow<'a> {
    thread_flows: [ThreadFlow<'a>; 1],
}

#[derive(Serialize)]
struct ThreadFlow<'a> {
    locations: Vec<ThreadFlowLocation<'a>>,
}

#[derive(Serialize)]
struct ThreadFlowLocation<'a> {
    location: SarifLocation<'a>,
}

impl<'a> Log<'a> {
    fn new(report: &'a ScanReport) -> Self {
        let info = &report.info;

        // Enabled rules plus any rule a finding names, sorted and unique by name.
        let mut rules: Vec<&'static RuleMeta> = info.rules.clone();
        rules.extend(report.findings.iter().map(|f| f.rule));
        rules.sort_by_key(|r| r.name);
        rules.dedup_by_key(|r| r.name);

        let results = report
            .findings
            .iter()
            .map(|finding| {
                let rule_index = rules
                    .binary_search_by_key(&finding.rule.name, |r| r.name)
                    .unwrap_or_default();
                SarifResult::new(finding, rule_index)
            })
            .collect();

        let mut audits_run = info.audits_run.clone();
        audits_run.sort_unstable();
        audits_run.dedup();

        let mut notifications: Vec<Notification<'a>> = info
            .audits_not_run
            .iter()
            .map(|(audit, reason)| Notification {
                level: "warning",
                message: OwnedText {
                    text: format!("The {audit} audit did not run: {reason}"),
                },
                descriptor: Descriptor {
                    id: "audit-not-run",
                },
                locations: Vec::new(),
            })
            .collect();
        notifications.extend(report.notices.iter().map(Notification::new));

        Self {
            schema: SARIF_SCHEMA_URI,
            version: "2.1.0",
            runs: [Run {
                tool: Tool {
                    driver: Driver {
                        name: "cuirass",
                        version: &info.tool_version,
                        semantic_version: &info.tool_version,
                        information_uri: INFORMATION_URI,
                        rules: rules.into_iter().map(Rule::new).collect(),
                    },
                },
                invocations: [Invocation {
                    execution_successful: true,
                    start_time_utc: crate::format_rfc3339_utc(info.started_unix),
                    end_time_utc: crate::format_rfc3339_utc(crate::time::end_unix(
                        info.started_unix,
                        info.duration,
                    )),
                    tool_execution_notifications: notifications,
                    properties: InvocationProperties {
                        paths: &info.paths,
                        files_scanned: info.files_scanned,
                        audits_run: audits_run.iter().map(|a| a.as_str()).collect(),
                        suppressed_inline: info.suppressed_inline,
                        baseline_matched: info.baseline.map(|b| b.matched),
                        baseline_fixed: info.baseline.map(|b| b.fixed),
                    },
                }],
                results,
                column_kind: "unicodeCodePoints",
            }],
        }
    }
}

impl Rule {
    fn new(rule: &'static RuleMeta) -> Self {
        let mut tags = vec!["security".to_string()];
        tags.extend(rule.cwe.iter().map(|cwe| format!("external/cwe/cwe-{cwe}")));
        if let Some(owasp) = rule.owasp {
            let category = owasp.id().split(':').next().unwrap_or_default();
            tags.push(format!("owasp-top10-2021/{category}"));
        }
        tags.extend(rule.tags.iter().map(|t| (*t).to_string()));
        let mut seen = std::collections::BTreeSet::new();
        tags.retain(|t| seen.insert(t.clone()));

        let summary = rule.summary();
        let full = rule
            .doc_section("What it does")
            .filter(|s| !s.is_empty())
            .unwrap_or(summary);
        Self {
            id: rule.name,
            name: camel_case(rule.name),
            short_description: Text { text: summary },
            full_description: Text { text: full },
            help: Help {
                text: rule.doc,
                markdown: rule.doc,
            },
            help_uri: format!("{RULE_HELP_URI_BASE}{}", rule.name),
            default_configuration: Configuration {
                level: level(rule.severity),
            },
            properties: RuleProperties {
                tags,
                security_severity: rule.severity.security_severity(),
                precision: rule.confidence.as_str(),
                problem_severity: match rule.severity {
                    Severity::Critical | Severity::High => "error",
                    Severity::Medium => "warning",
                    Severity::Low | Severity::Info => "recommendation",
                },
            },
        }
    }
}

impl<'a> SarifResult<'a> {
    fn new(finding: &'a Finding, rule_index: usize) -> Self {
        let related_locations = finding
            .related
            .iter()
            .zip(1..)
            .map(|(related, id)| SarifLocation {
                id: Some(id),
                ..SarifLocation::at(&related.location, Some(&related.message))
            })
            .collect();
        let code_flows = finding
            .flow
            .iter()
            .filter(|flow| !flow.steps.is_empty())
            .map(|flow| CodeFlow {
                thread_flows: [ThreadFlow {
                    locations: flow
                        .steps
                        .iter()
                        .map(|step| ThreadFlowLocation {
                            location: SarifLocation::at(&step.location, Some(&step.message)),
                        })
                        .collect(),
                }],
            })
            .collect();
        Self {
            rule_id: finding.rule.name,
            rule_index,
            level: level(finding.severity),
            message: Text {
                text: &finding.message,
            },
            locations: vec![SarifLocation::at(&finding.location, None)],
            partial_fingerprints: (!finding.fingerprint.is_empty()).then(|| Fingerprints {
                v1: finding.fingerprint.as_str(),
            }),
            related_locations,
            code_flows,
            properties: ResultProperties {
                confidence: finding.confidence,
                severity: finding.severity,
            },
        }
    }
}

impl<'a> SarifLocation<'a> {
    fn at(location: &Location, message: Option<&'a str>) -> Self {
        Self {
            id: None,
            physical_location: PhysicalLocation {
                artifact_location: artifact(&location.path),
                region: region(location.span),
            },
            message: message.map(|text| Text { text }),
        }
    }
}

impl<'a> Notification<'a> {
    fn new(notice: &'a Notice) -> Self {
        let mut locations = Vec::new();
        if !notice.path.is_empty() {
            locations.push(SarifLocation {
                id: None,
                physical_location: PhysicalLocation {
                    artifact_location: artifact(&notice.path),
                    region: notice.position.and_then(|p| region(Span::new(p, p))),
                },
                message: None,
            });
        }
        Self {
            level: if notice.kind.is_error() {
                "error"
            } else {
                "warning"
            },
            message: OwnedText {
                text: notice.message.clone(),
            },
            descriptor: Descriptor {
                id: notice.kind.as_str(),
            },
            locations,
        }
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// `sql-string-query` → `SqlStringQuery`.
fn camel_case(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// A SARIF region for a span. A zero-length span at column 1 (a whole-line finding) becomes a
/// line-only region; line 0 (unknown) gives none, since SARIF lines start at 1.
fn region(span: Span) -> Option<Region> {
    let (start, end) = (span.start, span.end);
    if start.line == 0 {
        return None;
    }
    let start_column = start.column.max(1);
    if end <= start {
        return Some(Region {
            start_line: start.line,
            start_column: (start_column > 1).then_some(start_column),
            end_line: None,
            end_column: None,
        });
    }
    Some(Region {
        start_line: start.line,
        start_column: Some(start_column),
        end_line: Some(end.line.max(start.line)),
        end_column: Some(end.column.max(1)),
    })
}

/// The artifact location of a display path: relative paths resolve against `%SRCROOT%`;
/// absolute ones (files outside the working directory) become `file://` URIs.
fn artifact(path: &str) -> ArtifactLocation {
    let path = path.replace('\\', "/");
    let bytes = path.as_bytes();
    if path.starts_with('/') {
        return ArtifactLocation {
            uri: format!("file://{}", percent_encode(&path)),
            uri_base_id: None,
        };
    }
    if let [drive, b':', b'/', ..] = bytes
        && drive.is_ascii_alphabetic()
    {
        return ArtifactLocation {
            uri: format!(
                "file:///{}:{}",
                char::from(*drive),
                percent_encode(path.get(2..).unwrap_or_default())
            ),
            uri_base_id: None,
        };
    }
    let mut relative = path.as_str();
    while let Some(rest) = relative.strip_prefix("./") {
        relative = rest;
    }
    ArtifactLocation {
        uri: percent_encode(relative),
        uri_base_id: Some(SRCROOT),
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters and `/`, byte by byte, so
/// spaces, `%`, `#`, `?`, `:` and non-ASCII names survive as a valid URI reference.
fn percent_encode(path: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(path.len());
    for &byte in path.as_bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xF)]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use cuirass_diagnostics::Position;

    use super::*;

    #[test]
    fn uris() {
        let a = artifact("demo/my app/ünï.py");
        assert_eq!(a.uri, "demo/my%20app/%C3%BCn%C3%AF.py");
        assert_eq!(a.uri_base_id, Some(SRCROOT));
        assert_eq!(artifact("./a#b?.py").uri, "a%23b%3F.py");
        assert_eq!(artifact("dir\\x%.py").uri, "dir/x%25.py");
        assert_eq!(artifact("c:d.py").uri, "c%3Ad.py");
        let abs = artifact("/tmp/x y.py");
        assert_eq!(abs.uri, "file:///tmp/x%20y.py");
        assert_eq!(abs.uri_base_id, None);
        assert_eq!(artifact("C:\\src\\a.py").uri, "file:///C:/src/a.py");
    }

    #[test]
    fn regions() {
        let p = Position::new;
        assert_eq!(
            region(Span::line(7)),
            Some(Region {
                start_line: 7,
                start_column: None,
                end_line: None,
                end_column: None
            })
        );
        assert_eq!(
            region(Span::new(p(3, 5), p(4, 2))),
            Some(Region {
                start_line: 3,
                start_column: Some(5),
                end_line: Some(4),
                end_column: Some(2)
            })
        );
        assert_eq!(region(Span::new(p(0, 0), p(0, 0))), None);
        assert_eq!(
            region(Span::new(p(2, 4), p(2, 4))).and_then(|r| r.start_column),
            Some(4)
        );
    }

    #[test]
    fn camel_case_names() {
        assert_eq!(camel_case("sql-string-query"), "SqlStringQuery");
        assert_eq!(camel_case("b2-x"), "B2X");
        assert_eq!(camel_case("flask-debug-true"), "FlaskDebugTrue");
    }
}
