// cuirass-fixture: fake secrets
//! The quality figure: per-detector recall on the generated corpus, and false positives on the
//! lookalike table and the negatives corpus (`test-data/negatives/`).

#![allow(dead_code, unreachable_pub)]

use std::fmt::Write as _;
use std::path::Path;

use cuirass_diagnostics::Severity;
use cuirass_secrets::{ScanOptions, TextKind, detectors, find_secrets, scan_text};

use super::{corpus, lookalikes};

pub struct DetectorQuality {
    pub id: &'static str,
    pub rule: &'static str,
    pub samples: usize,
    pub found: usize,
    /// Lookalikes of this detector it reported.
    pub false_positives: usize,
    pub lookalikes: usize,
}

pub struct Quality {
    pub detectors: Vec<DetectorQuality>,
    /// Findings above info in the negatives corpus, as `file:line rule`.
    pub corpus_noise: Vec<String>,
    pub corpus_files: usize,
}

impl Quality {
    pub fn recall(&self) -> f64 {
        let found: usize = self.detectors.iter().map(|d| d.found).sum();
        let samples: usize = self.detectors.iter().map(|d| d.samples).sum();
        found as f64 / samples as f64
    }

    pub fn false_positives(&self) -> usize {
        self.detectors
            .iter()
            .map(|d| d.false_positives)
            .sum::<usize>()
            + self.corpus_noise.len()
    }

    pub fn markdown(&self) -> String {
        let mut out = String::from(
            "| detector | rule | recall | lookalikes reported |\n| --- | --- | --- | --- |\n",
        );
        for d in &self.detectors {
            let _ = writeln!(
                out,
                "| `{}` | `{}` | {}/{} | {}/{} |",
                d.id, d.rule, d.found, d.samples, d.false_positives, d.lookalikes
            );
        }
        let samples: usize = self.detectors.iter().map(|d| d.samples).sum();
        let found: usize = self.detectors.iter().map(|d| d.found).sum();
        let lookalikes: usize = self.detectors.iter().map(|d| d.lookalikes).sum();
        let _ = writeln!(
            out,
            "\n{} detectors; recall {found}/{samples} ({:.2}%); false positives: {} of {lookalikes} lookalikes, {} in {} negative-corpus files",
            self.detectors.len(),
            self.recall() * 100.0,
            self.detectors
                .iter()
                .map(|d| d.false_positives)
                .sum::<usize>(),
            self.corpus_noise.len(),
            self.corpus_files
        );
        for noise in &self.corpus_noise {
            let _ = writeln!(out, "- noise: {noise}");
        }
        out
    }
}

/// Measures every detector on `per_detector` generated samples (seeded) and every lookalike.
pub fn measure(seed: u64, per_detector: usize) -> Quality {
    let samples = corpus::positives(seed, per_detector);
    let negatives = lookalikes::negatives();
    let mut rows = Vec::new();
    for detector in detectors() {
        let mine: Vec<_> = samples
            .iter()
            .filter(|s| s.detector == detector.id)
            .collect();
        let found = mine
            .iter()
            .filter(|s| {
                find_secrets(&s.text, s.kind)
                    .iter()
                    .any(|d| d.detector == detector.id && d.value.expose() == s.secret)
            })
            .count();
        let theirs: Vec<_> = negatives
            .iter()
            .filter(|(id, _, _)| *id == detector.id)
            .collect();
        let false_positives = theirs
            .iter()
            .filter(|(id, kind, text)| find_secrets(text, *kind).iter().any(|d| d.detector == *id))
            .count();
        rows.push(DetectorQuality {
            id: detector.id,
            rule: detector.rule.name,
            samples: mine.len(),
            found,
            false_positives,
            lookalikes: theirs.len(),
        });
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-data/negatives");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    let mut corpus_noise = Vec::new();
    for path in &files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(path).unwrap_or_default();
        for finding in scan_text(
            &text,
            &name,
            TextKind::for_path(path),
            &ScanOptions::default(),
        ) {
            if finding.severity > Severity::Info {
                corpus_noise.push(format!(
                    "{name}:{} {}",
                    finding.location.span.start.line, finding.rule.name
                ));
            }
        }
    }
    Quality {
        detectors: rows,
        corpus_noise,
        corpus_files: files.len(),
    }
}
