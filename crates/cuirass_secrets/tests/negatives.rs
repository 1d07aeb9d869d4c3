//! The lookalike corpus (`test-data/negatives/`): files full of values that sit where secrets
//! would — placeholders, environment lookups, templates, hashes, UUIDs, data URIs, public keys,
//! documented example keys — in every supported syntax. It must stay clean.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use cuirass_diagnostics::Severity;
use cuirass_secrets::{ScanOptions, TextKind, scan_text};

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-data/negatives");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    files
}

#[test]
fn the_lookalike_corpus_stays_clean() {
    let files = corpus();
    assert!(files.len() >= 10, "the corpus shrank: {files:?}");
    let mut noise = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(path).unwrap();
        let findings = scan_text(
            &text,
            &name,
            TextKind::for_path(path),
            &ScanOptions::default(),
        );
        let allowed_info = name == "documented-examples.md";
        for finding in findings {
            if allowed_info && finding.severity == Severity::Info {
                continue;
            }
            noise.push(format!(
                "{name}:{}: {} {}",
                finding.location.span.start.line, finding.rule.name, finding.message
            ));
        }
    }
    assert!(noise.is_empty(), "false positives:\n{}", noise.join("\n"));
}

#[test]
fn documented_examples_are_info_not_silence() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("test-data/negatives/documented-examples.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let findings = scan_text(
        &text,
        "documented-examples.md",
        TextKind::Other,
        &ScanOptions::default(),
    );
    let rules: Vec<&str> = findings.iter().map(|f| f.rule.name).collect();
    assert_eq!(rules, ["aws-access-key", "jwt"], "{findings:?}");
    assert!(findings.iter().all(|f| f.severity == Severity::Info));
    // The pair is one finding: the id was merged into the secret.
    assert!(findings[0].message.contains("AWS documentation"));
}
