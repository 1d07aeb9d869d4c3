//! The quality figure as a test: every detector finds (nearly) all of its generated samples,
//! and nothing in the lookalike table or the negatives corpus is reported. Run with
//! `--nocapture` (or `cargo run -p cuirass_secrets --example quality`) to see the table.

#![allow(clippy::print_stdout)]

mod support;

#[test]
fn recall_and_false_positives() {
    let quality = support::quality::measure(0x0051_EC2E, 50);
    println!("{}", quality.markdown());
    for detector in &quality.detectors {
        assert!(detector.samples >= 50, "{}", detector.id);
        assert!(
            detector.found * 100 >= detector.samples * 96,
            "{}: recall {}/{}",
            detector.id,
            detector.found,
            detector.samples
        );
    }
    assert_eq!(quality.false_positives(), 0, "{}", quality.markdown());
}
