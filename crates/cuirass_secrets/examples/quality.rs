//! Prints the detectors' quality figure: per-detector recall on a generated corpus of fake
//! secrets (seeded, never real keys) and the false positives on the lookalike table and the
//! negatives corpus.
//!
//! ```text
//! cargo run -p cuirass_secrets --example quality [SAMPLES_PER_DETECTOR] [SEED]
//! ```

#![allow(clippy::print_stdout)]

#[path = "../tests/support/mod.rs"]
mod support;

fn main() {
    let mut args = std::env::args().skip(1);
    let per_detector = args.next().and_then(|a| a.parse().ok()).unwrap_or(200);
    let seed = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(0x0051_EC2E);
    let started = std::time::Instant::now();
    let quality = support::quality::measure(seed, per_detector);
    println!("{}", quality.markdown());
    println!(
        "(seed {seed:#x}, {per_detector} samples per detector, {:.2?})",
        started.elapsed()
    );
}
