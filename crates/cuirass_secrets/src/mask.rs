//! Masking: the only form in which a secret ever leaves this crate.
//!
//! A mask keeps at most four leading characters — fewer for short values, a quarter of the
//! length at most, so an eight-character password shows two — followed by `****`. No length is
//! shown: it would narrow down a short password. [`SecretValue`] carries a raw value inside the
//! crate and prints only its mask through `Debug` and `Display`.

use std::fmt;

use sha2::{Digest, Sha256};

/// What replaces the hidden part of a secret.
pub const MASK: &str = "****";

/// The masked form of a secret: at most the first four characters (at most a quarter of the
/// value), then `****`.
pub fn mask(value: &str) -> String {
    let len = value.chars().count();
    let keep = (len / 4).min(4);
    let mut out: String = value.chars().take(keep).collect();
    out.push_str(MASK);
    out
}

/// Lower-case hex SHA-256 of a value: what baselines and fingerprints store instead of it.
pub fn sha256_hex(value: &str) -> String {
    let digest = Sha256::digest(value.as_bytes());
    let mut out = String::with_capacity(64);
    for byte in &digest {
        use fmt::Write as _;
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// A secret value that cannot be printed by accident: `Debug` and `Display` show its mask.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SecretValue(String);

impl SecretValue {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The raw value. Call only to compare or hash it, never to print it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The masked form (see [`mask`]).
    pub fn masked(&self) -> String {
        mask(&self.0)
    }

    /// Hex SHA-256 of the value.
    pub fn sha256(&self) -> String {
        sha256_hex(&self.0)
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretValue({})", self.masked())
    }
}

impl fmt::Display for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_at_most_four_characters() {
        assert_eq!(mask("ghp_R8fQ2kLmZ0vXa9TbC3dE7gH1jK5nP6sUwY4z"), "ghp_****");
        assert_eq!(mask("hunter22"), "hu****");
        assert_eq!(mask("abc"), "****");
        assert_eq!(mask(""), "****");
        assert_eq!(mask("ééééééééééééééééé"), "éééé****");
    }

    #[test]
    fn secret_value_never_prints_itself() {
        let value = SecretValue::new("sk_live_4242424242abcdefghijkl");
        assert_eq!(format!("{value}"), "sk_l****");
        assert_eq!(format!("{value:?}"), "SecretValue(sk_l****)");
        assert!(!format!("{value:?}{value}").contains("4242"));
        assert_eq!(value.sha256().len(), 64);
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
