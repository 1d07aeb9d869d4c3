//! `docs/configuration.md` is written by hand; it must document every configuration key.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests fail loudly on setup errors.

#[test]
fn every_configuration_key_is_documented() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let docs = std::fs::read_to_string(root.join("docs/configuration.md")).unwrap();
    let missing: Vec<&str> = cuirass_workspace::Options::KEYS
        .iter()
        .copied()
        .filter(|key| !docs.contains(&format!("| `{key}` |")))
        .collect();
    assert!(missing.is_empty(), "undocumented keys: {missing:?}");
    let missing: Vec<&str> = cuirass_deps::DepsConfig::KEYS
        .iter()
        .copied()
        .filter(|key| !docs.contains(&format!("| `{key}` |")))
        .collect();
    assert!(missing.is_empty(), "undocumented `deps` keys: {missing:?}");
}
