//! The classes of vulnerability a taint flow can end in, and small sets of them.
//!
//! A tainted value carries the set of classes it is still dangerous for: `shlex.quote` removes
//! `command` and nothing else, `int()` removes everything. Sinks ask for one class.

use serde::Deserialize;

/// What arriving at a sink would allow. The kebab-case names are the `vuln` values of the
/// specification and of `[tool.cuirass.taint]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Vuln {
    Sql,
    Command,
    Code,
    Path,
    Ssrf,
    Redirect,
    Xss,
    Deserialization,
    Xxe,
    Ldap,
    Xpath,
    Header,
    Log,
    TrustBoundary,
}

impl Vuln {
    /// Every class, in declaration order.
    pub const ALL: [Vuln; 14] = [
        Vuln::Sql,
        Vuln::Command,
        Vuln::Code,
        Vuln::Path,
        Vuln::Ssrf,
        Vuln::Redirect,
        Vuln::Xss,
        Vuln::Deserialization,
        Vuln::Xxe,
        Vuln::Ldap,
        Vuln::Xpath,
        Vuln::Header,
        Vuln::Log,
        Vuln::TrustBoundary,
    ];

    /// The name used in the specification (`sql`, `trust-boundary`).
    pub fn name(self) -> &'static str {
        match self {
            Vuln::Sql => "sql",
            Vuln::Command => "command",
            Vuln::Code => "code",
            Vuln::Path => "path",
            Vuln::Ssrf => "ssrf",
            Vuln::Redirect => "redirect",
            Vuln::Xss => "xss",
            Vuln::Deserialization => "deserialization",
            Vuln::Xxe => "xxe",
            Vuln::Ldap => "ldap",
            Vuln::Xpath => "xpath",
            Vuln::Header => "header",
            Vuln::Log => "log",
            Vuln::TrustBoundary => "trust-boundary",
        }
    }

    const fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl std::fmt::Display for Vuln {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of [`Vuln`]s (a bit set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct VulnSet(u16);

impl VulnSet {
    pub const EMPTY: VulnSet = VulnSet(0);
    pub const ALL: VulnSet = VulnSet((1 << 14) - 1);

    pub fn of(vulns: &[Vuln]) -> Self {
        Self(vulns.iter().fold(0, |bits, v| bits | v.bit()))
    }

    pub fn contains(self, vuln: Vuln) -> bool {
        self.0 & vuln.bit() != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    #[must_use]
    pub fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    #[must_use]
    pub fn intersect(self, other: Self) -> Self {
        Self(self.0 & other.0)
    }

    #[must_use]
    pub fn without(self, other: Self) -> Self {
        Self(self.0 & !other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_add_and_remove_classes() {
        let set = VulnSet::of(&[Vuln::Sql, Vuln::Xss]);
        assert!(set.contains(Vuln::Sql) && set.contains(Vuln::Xss));
        assert!(!set.contains(Vuln::Command));
        assert_eq!(
            set.without(VulnSet::of(&[Vuln::Sql])),
            VulnSet::of(&[Vuln::Xss])
        );
        assert!(VulnSet::ALL.contains(Vuln::TrustBoundary));
        assert!(VulnSet::ALL.without(VulnSet::ALL).is_empty());
        assert_eq!(Vuln::ALL.len(), 14);
        for vuln in Vuln::ALL {
            assert!(VulnSet::ALL.contains(vuln), "{vuln}");
        }
    }
}
