//! The checked-in generated docs must match the code.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on setup errors.

#[test]
fn generated_docs_are_current() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let problems = cuirass_dev::check(&root);
    assert!(
        problems.is_empty(),
        "generated docs are stale (run `cargo run -p cuirass_dev -- generate`):\n{}",
        problems.join("\n")
    );
}
