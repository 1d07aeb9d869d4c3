//! Scans files or directories with the secret detectors and prints each finding (masked) —
//! for reading through what the detectors report on a real code base.
//!
//! ```text
//! cargo run --release -p cuirass_secrets --example scan -- PATH... [--history]
//! ```
//! Directories are walked recursively (skipping `.git`, `target`, `node_modules` and
//! binary files); `--history` scans the git history of each PATH instead.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::time::Instant;

use cuirass_secrets::{ScanOptions, TextKind, scan_git_history, scan_text};

fn walk(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if matches!(
            name.as_str(),
            ".git" | "target" | "node_modules" | "__pycache__"
        ) {
            return;
        }
        let Ok(entries) = std::fs::read_dir(path) else {
            return;
        };
        let mut children: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        children.sort();
        for child in children {
            walk(&child, out);
        }
    } else if path.is_file() {
        out.push(path.to_path_buf());
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let history = args.iter().any(|a| a == "--history");
    let options = ScanOptions::default();
    let started = Instant::now();
    for root in args.iter().filter(|a| !a.starts_with("--")) {
        if history {
            match scan_git_history(Path::new(root), &options) {
                Ok(scan) => {
                    for f in &scan.findings {
                        let finding = &f.finding;
                        println!(
                            "{}:{}: {} [{}] {}",
                            finding.location.path,
                            finding.location.span.start.line,
                            finding.rule.name,
                            finding.severity,
                            finding.message
                        );
                    }
                    eprintln!(
                        "{} commits, {} blobs scanned, {} skipped, {} findings",
                        scan.commits_walked,
                        scan.blobs_scanned,
                        scan.blobs_skipped,
                        scan.findings.len()
                    );
                }
                Err(error) => eprintln!("error: {error}"),
            }
            continue;
        }
        let mut files = Vec::new();
        walk(Path::new(root), &mut files);
        let (mut bytes, mut count) = (0usize, 0usize);
        for file in &files {
            let Ok(data) = std::fs::read(file) else {
                continue;
            };
            if data.len() > 1 << 20 || data.iter().take(8192).any(|&b| b == 0) {
                continue;
            }
            bytes += data.len();
            let text = String::from_utf8_lossy(&data);
            let display = file.display().to_string();
            for finding in scan_text(&text, &display, TextKind::for_path(file), &options) {
                count += 1;
                println!(
                    "{}:{}: {} [{}] {}",
                    finding.location.path,
                    finding.location.span.start.line,
                    finding.rule.name,
                    finding.severity,
                    finding.message
                );
            }
        }
        eprintln!(
            "{root}: {} files, {} KB, {count} findings",
            files.len(),
            bytes / 1000
        );
    }
    eprintln!("{:.2?}", started.elapsed());
}
