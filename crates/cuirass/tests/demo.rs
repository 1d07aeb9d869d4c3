//! The demo is the README's first command: the vulnerable twin must report exactly the sites
//! listed in `demo/EXPECTED.md`, and the safe twin nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)] // Tests fail loudly and say why they skip.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn check(path: &str) -> (Option<i32>, serde_json::Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_cuirass"))
        .current_dir(repo_root())
        .env("XDG_CACHE_HOME", "/nonexistent/cuirass-test-cache")
        .args(["check", path, "--format", "json"])
        .output()
        .unwrap();
    let value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code(), value)
}

/// `(rule, path, line)` rows of the "must fire" table.
fn expected() -> BTreeSet<(String, String, u64)> {
    let text = std::fs::read_to_string(repo_root().join("demo/EXPECTED.md")).unwrap();
    let mut rows = BTreeSet::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | # | rule | location | code | …
        let (Some(number), Some(rule), Some(location)) = (cells.get(1), cells.get(2), cells.get(3))
        else {
            continue;
        };
        if number.parse::<u32>().is_err() {
            continue;
        }
        let location = location.trim_matches('`');
        let (path, line) = location.rsplit_once(':').unwrap();
        rows.insert((
            rule.trim_matches('`').to_string(),
            format!("demo/{path}"),
            line.parse().unwrap(),
        ));
    }
    rows
}

#[test]
fn vulnerable_twin_reports_exactly_the_expected_sites() {
    let (code, value) = check("demo/vulnerable");
    assert_eq!(code, Some(1));
    let actual: BTreeSet<(String, String, u64)> = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["location"]["path"].as_str().unwrap().to_string(),
                f["location"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected = expected();
    assert!(expected.len() >= 20, "EXPECTED.md table not parsed");
    let missing: Vec<_> = expected.difference(&actual).collect();
    let extra: Vec<_> = actual.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing: {missing:#?}\nunexpected: {extra:#?}"
    );
    let rules: BTreeSet<&str> = expected.iter().map(|(rule, _, _)| rule.as_str()).collect();
    assert!(
        rules.len() >= 10,
        "the demo must exercise at least 10 rules"
    );
}

#[test]
fn safe_twin_reports_nothing() {
    let (code, value) = check("demo/safe");
    assert_eq!(value["findings"], serde_json::json!([]), "{value:#}");
    assert_eq!(value["notices"], serde_json::json!([]));
    assert_eq!(code, Some(0));
}
