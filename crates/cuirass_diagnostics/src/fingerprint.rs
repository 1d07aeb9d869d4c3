//! Stable fingerprints: the identity of a finding across unrelated edits, for baselines and
//! SARIF `partialFingerprints`.
//!
//! A fingerprint hashes the rule, the file's project-relative path, the *content* of the
//! reported code with whitespace normalised (never its line number), and the occurrence index
//! among identical findings in the same file. Lines moving, code being re-indented or other
//! functions changing leave it alone; changing the offending code itself gives a new one.

use std::fmt;

use sha2::{Digest, Sha256};

/// A hex-encoded, 128-bit prefix of a SHA-256.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fingerprint(pub String);

impl Fingerprint {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Collapses every run of whitespace to one space and trims, so indentation changes and
/// reflowed spacing keep the fingerprint.
pub fn normalize_for_fingerprint(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Computes the fingerprint of a finding from its parts.
pub fn fingerprint(rule: &str, path: &str, key: &str, occurrence: u32) -> Fingerprint {
    let mut hasher = Sha256::new();
    for part in [rule.as_bytes(), path.as_bytes(), key.as_bytes()] {
        hasher.update(part);
        hasher.update([0u8]);
    }
    hasher.update(occurrence.to_le_bytes());
    let digest = hasher.finalize();
    let mut hex = String::with_capacity(32);
    for byte in digest.iter().take(16) {
        use fmt::Write as _;
        let _ = write!(hex, "{byte:02x}");
    }
    Fingerprint(hex)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_does_not_matter_content_does() {
        let a = fingerprint(
            "r",
            "a.py",
            &normalize_for_fingerprint("  x = eval( y )"),
            0,
        );
        let b = fingerprint(
            "r",
            "a.py",
            &normalize_for_fingerprint("x = eval( y )\n"),
            0,
        );
        let c = fingerprint("r", "a.py", &normalize_for_fingerprint("x = eval(z)"), 0);
        let d = fingerprint("r", "a.py", &normalize_for_fingerprint("x = eval( y )"), 1);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
        assert_eq!(a.as_str().len(), 32);
    }
}
