//! Every format over the shared finding set: snapshots for review, schema validation for the
//! machine formats, and the properties no snapshot shows at a glance (colour only where asked,
//! no raw secret anywhere, rule indices that point at the right rule).
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns

mod common;

use std::path::{Path, PathBuf};

use common::{RAW_SECRET, empty_report, render, report};
use cuirass_report::{
    JSON_SCHEMA_VERSION, ScanReport, TextOptions, write_json, write_sarif, write_text,
};
use serde_json::Value;

fn text(report: &ScanReport, opts: TextOptions) -> String {
    render(|out| write_text(out, report, &opts))
}

fn json(report: &ScanReport) -> String {
    render(|out| write_json(out, report))
}

fn sarif(report: &ScanReport) -> String {
    render(|out| write_sarif(out, report))
}

const FULL: TextOptions = TextOptions {
    color: false,
    frames: true,
    statistics: true,
    quiet: false,
};

fn manifest_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn load_json(path: &Path, what: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "{what} is missing: cannot read `{}`: {e}. The tests validate against it offline.",
            path.display()
        )
    });
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("`{}` is not valid JSON: {e}", path.display()))
}

fn json_schema() -> Value {
    load_json(
        &manifest_path("../../docs/json-schema.json"),
        "the JSON report schema",
    )
}

fn sarif_schema() -> Value {
    load_json(
        &manifest_path("../../../shared/data/sarif/sarif-schema-2.1.0.json"),
        "the SARIF 2.1.0 schema (shared/data/sarif/, beside the repository)",
    )
}

/// Every schema violation of `instance`, one per line, empty when valid.
fn violations(schema: &Value, instance: &Value) -> String {
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("schema compiles");
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect::<Vec<_>>()
        .join("\n")
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            assert_eq!(chars.next(), Some('['), "only CSI sequences are emitted");
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

// ---- text ----

#[test]
fn text_full() {
    insta::assert_snapshot!("text_full", text(&report(), FULL));
}

#[test]
fn text_without_frames_or_statistics() {
    let plain = TextOptions {
        frames: false,
        statistics: false,
        ..FULL
    };
    let out = text(&report(), plain);
    assert!(
        !out.contains(" | "),
        "no frame gutter without frames:\n{out}"
    );
    assert!(!out.contains("Findings per rule"), "{out}");
    // Flow, notes and fixes do not depend on frames.
    assert!(out.contains("    → returned by `build_query` (app/queries.py:8)"));
    assert!(out.contains("  note: app/views.py:2:1: `subprocess` is imported here"));
    assert!(out.contains("Found 7 findings"));
}

#[test]
fn text_quiet_prints_only_finding_lines() {
    let quiet = TextOptions {
        quiet: true,
        ..FULL
    };
    let report = report();
    let out = text(&report, quiet);
    insta::assert_snapshot!("text_quiet", out);
    assert_eq!(out.lines().count(), report.findings.len());
    assert_eq!(text(&empty_report(), quiet), "");
}

#[test]
fn text_empty() {
    let out = text(&empty_report(), FULL);
    insta::assert_snapshot!("text_empty", out);
    assert!(out.starts_with("No findings.\n"));
    assert!(out.contains("the dependencies audit did not run: no advisory database"));
}

#[test]
fn text_colour_only_when_asked_and_only_around_words() {
    let report = report();
    let plain = text(&report, FULL);
    let coloured = text(
        &report,
        TextOptions {
            color: true,
            ..FULL
        },
    );
    // The fixture's hostile message carries an ESC: it must come out escaped, never raw.
    assert!(!plain.contains('\x1b'), "{plain}");
    assert!(plain.contains("`shell=True`\\x1b[2J\\x0afake: line"));
    assert!(coloured.contains("\x1b[1;31mhigh\x1b[0m/medium]"));
    assert!(coloured.contains("\x1b[1;35mcritical\x1b[0m"));
    assert!(coloured.contains("\x1b[1msql-string-query\x1b[0m"));
    assert!(coloured.contains("\x1b[1;33mwarning:\x1b[0m the dependencies audit"));
    assert_eq!(strip_ansi(&coloured), plain);
}

#[test]
fn text_trojan_source_is_visible() {
    let out = text(&report(), FULL);
    assert!(!out.contains('\u{202E}'));
    assert!(out.contains("# <U+202E> check ok"));
}

// ---- JSON ----

#[test]
fn json_snapshot() {
    insta::assert_snapshot!("json", json(&report()));
}

#[test]
fn json_validates_against_the_documented_schema() {
    let schema = json_schema();
    for (name, report) in [("full", report()), ("empty", empty_report())] {
        let value: Value = serde_json::from_str(&json(&report)).unwrap();
        let errors = violations(&schema, &value);
        assert!(
            errors.is_empty(),
            "{name} report violates docs/json-schema.json:\n{errors}"
        );
    }
}

/// What a bad report has, and how to make one from a good one.
type Mutation = (&'static str, fn(&mut Value));

#[test]
fn json_schema_is_sound_and_strict() {
    let schema = json_schema();
    if let Err(e) = jsonschema::meta::validate(&schema) {
        panic!("docs/json-schema.json is not a valid draft 2020-12 schema: {e}");
    }
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(
        schema["properties"]["version"]["const"],
        JSON_SCHEMA_VERSION
    );

    // Drift must fail: an unknown key, a missing key, a wrong enum value, a leaked secret field.
    let good: Value = serde_json::from_str(&json(&report())).unwrap();
    let mutations: [Mutation; 4] = [
        ("unknown key", |v| {
            v["findings"][0]["extra"] = Value::Bool(true);
        }),
        ("missing key", |v| {
            v["findings"][0]
                .as_object_mut()
                .unwrap()
                .remove("fingerprint");
        }),
        ("bad severity", |v| {
            v["findings"][0]["severity"] = "severe".into();
        }),
        ("secret value", |v| {
            let secret = v["findings"]
                .as_array_mut()
                .unwrap()
                .iter_mut()
                .find(|f| f["audit"] == "secrets")
                .unwrap();
            secret["details"]["value"] = RAW_SECRET.into();
        }),
    ];
    for (what, mutate) in mutations {
        let mut bad = good.clone();
        mutate(&mut bad);
        assert!(
            !violations(&schema, &bad).is_empty(),
            "the schema accepts a report with a {what}"
        );
    }
}

#[test]
fn json_contract_details() {
    let value: Value = serde_json::from_str(&json(&report())).unwrap();
    assert_eq!(value["version"], JSON_SCHEMA_VERSION);
    assert_eq!(value["run"]["started_at"], "2026-01-01T00:00:00Z");
    assert_eq!(value["run"]["duration_ms"], 1234);
    assert_eq!(value["summary"]["total"], 7);
    assert_eq!(value["summary"]["by_rule"][0]["rule"], "insecure-hash-md5");
    assert_eq!(value["summary"]["by_rule"][0]["count"], 2);
    assert_eq!(value["summary"]["notices_unaudited"], 5);
    let secret = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "aws-access-key")
        .unwrap();
    let details = secret["details"].as_object().unwrap();
    let keys: Vec<&str> = details.keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 3, "{keys:?}");
    assert!(keys.contains(&"kind") && keys.contains(&"masked") && keys.contains(&"sha256"));
    let taint = &value["findings"][0];
    assert_eq!(taint["rule"], "sql-string-query");
    assert_eq!(taint["flow"]["steps"].as_array().unwrap().len(), 3);
    assert_eq!(taint["cwe"], serde_json::json!([89]));
    assert_eq!(taint["owasp"], "A03:2021");
}

// ---- SARIF ----

#[test]
fn sarif_snapshot() {
    insta::assert_snapshot!("sarif", sarif(&report()));
}

#[test]
fn sarif_validates_against_the_oasis_schema() {
    let schema = sarif_schema();
    assert_eq!(
        schema["$schema"], "http://json-schema.org/draft-04/schema#",
        "the SARIF schema is draft-04"
    );
    for (name, report) in [("full", report()), ("empty", empty_report())] {
        let value: Value = serde_json::from_str(&sarif(&report)).unwrap();
        let errors = violations(&schema, &value);
        assert!(
            errors.is_empty(),
            "{name} SARIF log violates the schema:\n{errors}"
        );
    }
    // The validator does reject a broken log (so a pass above means something).
    let mut broken: Value = serde_json::from_str(&sarif(&report())).unwrap();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!violations(&schema, &broken).is_empty());
    // Formats are checked too.
    let mut broken: Value = serde_json::from_str(&sarif(&report())).unwrap();
    broken["runs"][0]["invocations"][0]["startTimeUtc"] = "yesterday".into();
    assert!(!violations(&schema, &broken).is_empty());
}

#[test]
fn sarif_uris_are_valid_uri_references() {
    // The draft-04 SARIF schema names `uri-reference`, a later format; check it with 2020-12.
    let format = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "string",
        "format": "uri-reference"
    });
    let value: Value = serde_json::from_str(&sarif(&report())).unwrap();
    let mut uris = Vec::new();
    collect_uris(&value, &mut uris);
    assert!(uris.len() > 10, "{uris:?}");
    for uri in &uris {
        let errors = violations(&format, &Value::String(uri.clone()));
        assert!(errors.is_empty(), "`{uri}`: {errors}");
        assert!(!uri.contains(' ') && uri.is_ascii(), "{uri}");
    }
    assert!(uris.contains(&"my%20app/donn%C3%A9es.py".to_string()));
}

fn collect_uris(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(uri)) = map.get("artifactLocation").and_then(|a| a.get("uri"))
            {
                out.push(uri.clone());
            }
            map.values().for_each(|v| collect_uris(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_uris(v, out)),
        _ => {}
    }
}

#[test]
fn sarif_rules_results_and_notifications_line_up() {
    let report = report();
    let value: Value = serde_json::from_str(&sarif(&report)).unwrap();
    let run = &value["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted, "rules sorted by id");
    assert!(
        ids.contains(&"yaml-load"),
        "enabled rules without results are listed"
    );
    assert!(ids.contains(&"python-eol"), "rules of findings are added");
    assert_eq!(ids.len(), 7);

    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), report.findings.len());
    for result in results {
        let index = usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(rules[index]["id"], result["ruleId"], "{result}");
    }

    let taint = &results[0];
    assert_eq!(taint["ruleId"], "sql-string-query");
    let steps = taint["codeFlows"][0]["threadFlows"][0]["locations"]
        .as_array()
        .unwrap();
    assert_eq!(steps.len(), 3);
    assert_eq!(
        steps[0]["location"]["message"]["text"],
        "source: `request.args`"
    );
    assert_eq!(
        taint["partialFingerprints"]["cuirassFingerprint/v1"],
        report.findings[0].fingerprint.as_str()
    );
    let shell = results
        .iter()
        .find(|r| r["ruleId"] == "subprocess-shell-true")
        .unwrap();
    assert_eq!(shell["relatedLocations"][1]["id"], 2);
    assert!(shell.get("codeFlows").is_none());

    let sql_rule = &rules[ids.iter().position(|&id| id == "sql-string-query").unwrap()];
    assert_eq!(sql_rule["name"], "SqlStringQuery");
    assert_eq!(sql_rule["properties"]["security-severity"], "8.0");
    assert_eq!(sql_rule["properties"]["precision"], "medium");
    assert_eq!(
        sql_rule["properties"]["tags"],
        serde_json::json!([
            "security",
            "external/cwe/cwe-89",
            "owasp-top10-2021/A03",
            "sql"
        ])
    );
    assert_eq!(
        sql_rule["helpUri"],
        "https://cuirass.dev/rules/sql-string-query"
    );

    let invocation = &run["invocations"][0];
    let notifications = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(
        notifications.len(),
        report.notices.len() + report.info.audits_not_run.len()
    );
    assert_eq!(notifications[0]["descriptor"]["id"], "audit-not-run");
    let levels: Vec<(&str, &str)> = notifications
        .iter()
        .map(|n| {
            (
                n["descriptor"]["id"].as_str().unwrap(),
                n["level"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(levels.contains(&("parse-error", "error")));
    assert!(levels.contains(&("binary-file", "warning")));
    assert_eq!(invocation["startTimeUtc"], "2026-01-01T00:00:00Z");
    assert_eq!(invocation["endTimeUtc"], "2026-01-01T00:00:01Z");
}

// ---- all formats ----

#[test]
fn no_format_prints_a_secret_beyond_its_mask() {
    let report = report();
    let mut outputs = vec![json(&report), sarif(&report)];
    for bits in 0..16u8 {
        let opts = TextOptions {
            color: bits & 1 != 0,
            frames: bits & 2 != 0,
            statistics: bits & 4 != 0,
            quiet: bits & 8 != 0,
        };
        outputs.push(text(&report, opts));
    }
    for out in &outputs {
        // The fixture keys its secret finding by the raw value; no writer may show the key.
        assert!(!out.contains(RAW_SECRET), "{out}");
        assert!(!out.contains(&RAW_SECRET[..8]), "{out}");
        assert!(
            !out.contains("key = hashlib"),
            "fingerprint keys are never shown"
        );
    }
}

#[test]
fn output_is_deterministic() {
    assert_eq!(json(&report()), json(&report()));
    assert_eq!(sarif(&report()), sarif(&report()));
    assert_eq!(text(&report(), FULL), text(&report(), FULL));
}
