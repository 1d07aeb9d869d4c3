//! PEP 503 package-name normalisation: `Django`, `django_`, `zope.interface` and
//! `Zope_Interface` name the same project only once lower-cased with every run of `-`, `_` and
//! `.` collapsed to one `-`. Every lookup (advisories, conflicts, fixes) goes through this.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A normalised package name (PEP 503).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PackageName(String);

impl PackageName {
    /// Normalises `name`. Lenient on purpose: a name that PEP 508 would reject still gets a key,
    /// so a bad line is reported by its reader rather than lost here.
    pub fn new(name: &str) -> Self {
        let mut out = String::with_capacity(name.len());
        let mut pending_dash = false;
        for c in name.trim().chars() {
            if matches!(c, '-' | '_' | '.') {
                pending_dash = !out.is_empty();
            } else {
                if pending_dash {
                    out.push('-');
                    pending_dash = false;
                }
                out.extend(c.to_lowercase());
            }
        }
        Self(out)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PackageName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for PackageName {
    fn from(name: &str) -> Self {
        Self::new(name)
    }
}

#[cfg(test)]
mod tests {
    use super::PackageName;

    #[test]
    fn pep_503_examples() {
        for name in [
            "friendly-bard",
            "Friendly-Bard",
            "FRIENDLY-BARD",
            "friendly.bard",
            "friendly_bard",
            "friendly--bard",
            "FrIeNdLy-._.-bArD",
        ] {
            assert_eq!(PackageName::new(name).as_str(), "friendly-bard", "{name}");
        }
        assert_eq!(PackageName::new(" Django ").as_str(), "django");
        assert_eq!(PackageName::new("_private_").as_str(), "private");
    }
}
