//! Rule metadata: declared once per rule, read by the catalogue, `explain`, suppressions,
//! selection and every report format.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The error returned when a string names no variant of a metadata enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseEnumError {
    /// What was being parsed (`severity`, `confidence`, …).
    pub what: &'static str,
    /// The rejected input.
    pub value: String,
    /// The accepted spellings.
    pub expected: &'static [&'static str],
}

impl fmt::Display for ParseEnumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a {}; expected one of: {}",
            self.value,
            self.what,
            self.expected.join(", ")
        )
    }
}

impl std::error::Error for ParseEnumError {}

macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant ),+
        }

        impl $name {
            /// Every variant, in ascending order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The spelling used in configuration, flags and reports.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = ParseEnumError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let lower = s.trim().to_ascii_lowercase();
                match lower.as_str() {
                    $($text => Ok($name::$variant),)+
                    _ => Err(ParseEnumError {
                        what: $what,
                        value: s.to_string(),
                        expected: &[$($text),+],
                    }),
                }
            }
        }
    };
}

string_enum! {
    /// How bad a finding is if it is real. Ordered: `Info < Low < … < Critical`.
    Severity, "severity" {
        /// Worth knowing, never fails a run by default.
        Info => "info",
        Low => "low",
        Medium => "medium",
        High => "high",
        Critical => "critical",
    }
}

impl Severity {
    /// The `security-severity` number GitHub code scanning reads, in the middle of its bands
    /// (critical ≥ 9.0, high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9).
    pub const fn security_severity(self) -> &'static str {
        match self {
            Severity::Info => "0.0",
            Severity::Low => "3.0",
            Severity::Medium => "5.5",
            Severity::High => "8.0",
            Severity::Critical => "9.5",
        }
    }
}

string_enum! {
    /// How sure the analysis is that a finding is real.
    Confidence, "confidence" {
        Low => "low",
        Medium => "medium",
        High => "high",
    }
}

string_enum! {
    /// How likely a weakness is to be exploited (Semgrep's metadata field).
    Likelihood, "likelihood" {
        Low => "low",
        Medium => "medium",
        High => "high",
    }
}

string_enum! {
    /// How much damage an exploited weakness does (Semgrep's metadata field).
    Impact, "impact" {
        Low => "low",
        Medium => "medium",
        High => "high",
    }
}

string_enum! {
    /// The audits a `cuirass check` runs; `--only`/`--skip` and `select`/`ignore` accept these.
    Audit, "audit" {
        /// Python code rules (patterns and taint).
        Code => "code",
        /// Framework settings and template files.
        Config => "config",
        /// Secrets in any text file.
        Secrets => "secrets",
        /// Vulnerable, unpinned or unhashed dependencies.
        Dependencies => "dependencies",
        /// End-of-life Python interpreters.
        Interpreter => "interpreter",
    }
}

string_enum! {
    /// How a rule decides: a syntactic pattern, a proven data flow, a secret detector, an
    /// advisory match, or project hygiene.
    RuleKind, "rule kind" {
        Pattern => "pattern",
        Taint => "taint",
        Detector => "detector",
        Advisory => "advisory",
        Hygiene => "hygiene",
    }
}

/// The OWASP Top 10 (2021) categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Owasp2021 {
    #[serde(rename = "A01:2021")]
    A01BrokenAccessControl,
    #[serde(rename = "A02:2021")]
    A02CryptographicFailures,
    #[serde(rename = "A03:2021")]
    A03Injection,
    #[serde(rename = "A04:2021")]
    A04InsecureDesign,
    #[serde(rename = "A05:2021")]
    A05SecurityMisconfiguration,
    #[serde(rename = "A06:2021")]
    A06VulnerableComponents,
    #[serde(rename = "A07:2021")]
    A07AuthenticationFailures,
    #[serde(rename = "A08:2021")]
    A08IntegrityFailures,
    #[serde(rename = "A09:2021")]
    A09LoggingFailures,
    #[serde(rename = "A10:2021")]
    A10Ssrf,
}

impl Owasp2021 {
    /// The category id, e.g. `A03:2021`.
    pub const fn id(self) -> &'static str {
        match self {
            Owasp2021::A01BrokenAccessControl => "A01:2021",
            Owasp2021::A02CryptographicFailures => "A02:2021",
            Owasp2021::A03Injection => "A03:2021",
            Owasp2021::A04InsecureDesign => "A04:2021",
            Owasp2021::A05SecurityMisconfiguration => "A05:2021",
            Owasp2021::A06VulnerableComponents => "A06:2021",
            Owasp2021::A07AuthenticationFailures => "A07:2021",
            Owasp2021::A08IntegrityFailures => "A08:2021",
            Owasp2021::A09LoggingFailures => "A09:2021",
            Owasp2021::A10Ssrf => "A10:2021",
        }
    }

    /// The category title as OWASP writes it.
    pub const fn title(self) -> &'static str {
        match self {
            Owasp2021::A01BrokenAccessControl => "Broken Access Control",
            Owasp2021::A02CryptographicFailures => "Cryptographic Failures",
            Owasp2021::A03Injection => "Injection",
            Owasp2021::A04InsecureDesign => "Insecure Design",
            Owasp2021::A05SecurityMisconfiguration => "Security Misconfiguration",
            Owasp2021::A06VulnerableComponents => "Vulnerable and Outdated Components",
            Owasp2021::A07AuthenticationFailures => "Identification and Authentication Failures",
            Owasp2021::A08IntegrityFailures => "Software and Data Integrity Failures",
            Owasp2021::A09LoggingFailures => "Security Logging and Monitoring Failures",
            Owasp2021::A10Ssrf => "Server-Side Request Forgery",
        }
    }
}

impl fmt::Display for Owasp2021 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.id(), self.title())
    }
}

/// Another tool's id for the same check; suppressions and selection accept it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Alias {
    /// A Bandit test id such as `B602`.
    Bandit(&'static str),
    /// A Ruff `flake8-bandit` code such as `S602`.
    Ruff(&'static str),
    /// A detect-secrets plugin or other tool id.
    Other(&'static str),
}

impl Alias {
    /// The id as the other tool writes it.
    pub const fn id(self) -> &'static str {
        match self {
            Alias::Bandit(id) | Alias::Ruff(id) | Alias::Other(id) => id,
        }
    }

    /// The other tool's name.
    pub const fn tool(self) -> &'static str {
        match self {
            Alias::Bandit(_) => "bandit",
            Alias::Ruff(_) => "ruff",
            Alias::Other(_) => "other",
        }
    }
}

impl Serialize for Alias {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

/// Everything known about a rule before it runs. Declared once, beside the rule's code and
/// documentation.
#[derive(Debug)]
pub struct RuleMeta {
    /// Kebab-case identity, e.g. `pickle-load`.
    pub name: &'static str,
    pub audit: Audit,
    pub kind: RuleKind,
    pub severity: Severity,
    pub confidence: Confidence,
    pub likelihood: Likelihood,
    pub impact: Impact,
    /// Most specific CWE first.
    pub cwe: &'static [u16],
    pub owasp: Option<Owasp2021>,
    pub aliases: &'static [Alias],
    pub tags: &'static [&'static str],
    /// Markdown documentation with the sections *What it does*, *Why is this bad?*, *Example*,
    /// *Use instead*, *Fix* and *References*.
    pub doc: &'static str,
    /// Whether the rule runs unless selected explicitly.
    pub default_enabled: bool,
    /// Source file of the declaration, for the registry's completeness test.
    pub file: &'static str,
    pub since: &'static str,
}

impl RuleMeta {
    /// The body of a `## Heading` section of the documentation, trimmed.
    pub fn doc_section(&self, heading: &str) -> Option<&'static str> {
        doc_section(self.doc, heading)
    }

    /// The first sentence of *What it does*, for one-line descriptions.
    pub fn summary(&self) -> &'static str {
        let what = self.doc_section("What it does").unwrap_or(self.doc).trim();
        let end = what
            .char_indices()
            .find(|&(i, c)| {
                c == '.' && what[i + 1..].chars().next().is_none_or(char::is_whitespace)
            })
            .map_or(what.len(), |(i, _)| i + 1);
        what[..end].trim()
    }

    /// The *Fix* section: what to do, naming the `cuirass` primitive where one exists.
    pub fn fix(&self) -> Option<&'static str> {
        self.doc_section("Fix")
    }

    /// Whether `id` names this rule, by name or by any alias (case-insensitive for aliases).
    pub fn is_named(&self, id: &str) -> bool {
        self.name == id || self.aliases.iter().any(|a| a.id().eq_ignore_ascii_case(id))
    }

    /// The aliases of the given tool (`bandit`, `ruff`).
    pub fn aliases_of<'a>(&'a self, tool: &'a str) -> impl Iterator<Item = &'static str> + 'a {
        self.aliases
            .iter()
            .filter(move |a| a.tool() == tool)
            .map(|a| a.id())
    }
}

/// Removes the one leading space that `///` doc comments leave on every line, so the
/// documentation reads as plain Markdown.
pub fn dedent_doc(doc: &str) -> String {
    let mut out = String::with_capacity(doc.len());
    for line in doc.split_inclusive('\n') {
        out.push_str(line.strip_prefix(' ').unwrap_or(line));
    }
    out
}

/// Finds a `## heading` section in markdown and returns its body.
pub(crate) fn doc_section<'a>(doc: &'a str, heading: &str) -> Option<&'a str> {
    let mut start = None;
    let mut offset = 0;
    for line in doc.split_inclusive('\n') {
        let trimmed = line.trim();
        if let Some(title) = trimmed.strip_prefix("## ") {
            if let Some(begin) = start {
                return Some(doc[begin..offset].trim());
            }
            if title
                .trim()
                .trim_end_matches('?')
                .eq_ignore_ascii_case(heading.trim_end_matches('?'))
            {
                start = Some(offset + line.len());
            }
        }
        offset += line.len();
    }
    start.map(|begin| doc[begin..].trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "## What it does\nChecks for `pickle.load`. Really.\n\n## Why is this bad?\nCode runs.\n\n## Fix\nUse `cuirass.signing`.\n";

    #[test]
    fn sections_and_summary() {
        let meta = RuleMeta {
            name: "pickle-load",
            audit: Audit::Code,
            kind: RuleKind::Pattern,
            severity: Severity::High,
            confidence: Confidence::High,
            likelihood: Likelihood::Medium,
            impact: Impact::High,
            cwe: &[502],
            owasp: Some(Owasp2021::A08IntegrityFailures),
            aliases: &[Alias::Bandit("B301"), Alias::Ruff("S301")],
            tags: &[],
            doc: DOC,
            default_enabled: true,
            file: file!(),
            since: "0.1.0",
        };
        assert_eq!(meta.summary(), "Checks for `pickle.load`.");
        assert_eq!(meta.doc_section("Why is this bad"), Some("Code runs."));
        assert_eq!(meta.fix(), Some("Use `cuirass.signing`."));
        assert!(meta.is_named("s301"));
        assert!(meta.is_named("pickle-load"));
        assert!(!meta.is_named("B302"));
    }

    #[test]
    fn enums_parse_and_order() {
        assert_eq!("HIGH".parse::<Severity>(), Ok(Severity::High));
        assert!(Severity::Critical > Severity::Low);
        assert!(Severity::Info < Severity::Low);
        let err = "severe".parse::<Severity>().unwrap_err();
        assert!(err.to_string().contains("expected one of: info, low"));
        assert_eq!("dependencies".parse::<Audit>(), Ok(Audit::Dependencies));
    }
}
