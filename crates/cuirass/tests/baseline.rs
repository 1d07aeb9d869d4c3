//! The baseline workflow: record today's findings, then report only new ones; fingerprints
//! survive code moving and unrelated edits.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)] // Tests fail loudly and say why they skip.

use std::path::Path;
use std::process::{Command, Output};

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cuirass"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("XDG_CACHE_HOME", "/nonexistent/cuirass-test-cache")
        .args(args)
        .output()
        .unwrap()
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

const ORIGINAL: &str = "\
import pickle
import subprocess


def load(blob):
    return pickle.loads(blob)


def archive(name):
    subprocess.run(\"tar czf \" + name, shell=True)


def again(blob):
    return pickle.loads(blob)
";

#[test]
fn only_new_findings_are_reported_and_fixed_ones_counted() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("app.py"), ORIGINAL).unwrap();
    let output = run(root, &["baseline", "."]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let baseline: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join(".cuirass-baseline.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(baseline["entries"].as_array().unwrap().len(), 3);

    // Unchanged code: nothing new, exit 0.
    let output = run(
        root,
        &[
            "check",
            ".",
            "--baseline",
            ".cuirass-baseline.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(output.status.code(), Some(0));
    let value = json(&output);
    assert_eq!(value["findings"].as_array().unwrap().len(), 0);
    assert_eq!(value["run"]["baseline"]["matched"], 3);
    assert_eq!(value["run"]["baseline"]["fixed"], 0);

    // Lines inserted above, functions renamed, code re-indented: still nothing new.
    let moved = format!(
        "\"\"\"A module docstring.\"\"\"\n\n# A comment.\n{}",
        ORIGINAL
            .replace("def load(", "def load_profile(")
            .replace("def again(", "def load_again(")
    );
    std::fs::write(root.join("app.py"), &moved).unwrap();
    let output = run(
        root,
        &[
            "check",
            ".",
            "--baseline",
            ".cuirass-baseline.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );

    // A new problem, and one old problem fixed.
    let changed = moved.replace(
        "    subprocess.run(\"tar czf \" + name, shell=True)\n",
        "    subprocess.run([\"tar\", \"czf\", name])\n",
    ) + "\n\ndef evaluate(expr):\n    return eval(expr)\n";
    std::fs::write(root.join("app.py"), changed).unwrap();
    let output = run(
        root,
        &[
            "check",
            ".",
            "--baseline",
            ".cuirass-baseline.json",
            "--format",
            "json",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let value = json(&output);
    let rules: Vec<&str> = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, vec!["eval-exec"]);
    assert_eq!(value["run"]["baseline"]["matched"], 2);
    assert_eq!(value["run"]["baseline"]["fixed"], 1);

    // The text report says so too.
    let output = run(
        root,
        &["check", ".", "--baseline", ".cuirass-baseline.json"],
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("eval-exec"), "{text}");
    assert!(text.to_lowercase().contains("baseline"), "{text}");
}

#[test]
fn a_broken_baseline_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.py"), "x = 1\n").unwrap();
    std::fs::write(dir.path().join("base.json"), "{\"nope\": 1}").unwrap();
    let output = run(dir.path(), &["check", ".", "--baseline", "base.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("base.json"));
}
