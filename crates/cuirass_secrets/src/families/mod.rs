//! The detector families: each file declares its rules (with their documentation) and the
//! detectors that report under them, side by side, plus any check code they need.

// Rule docs are user-facing Markdown full of product names (OpenAI, DigitalOcean, RubyGems)
// that must not be set in code style.
#![allow(clippy::doc_markdown)]

use cuirass_diagnostics::RuleMeta;

use crate::engine::{Detector, PostFn};

/// Declares a secret rule: the `///` lines are its documentation (sections *What it does*,
/// *Why is this bad?*, *Example*, *Use instead*, *Fix*, *References*), the block its metadata.
macro_rules! secret_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis $ident:ident = {
            name: $name:literal,
            kind: $kind:ident,
            severity: $severity:ident,
            confidence: $confidence:ident,
            likelihood: $likelihood:ident,
            impact: $impact:ident,
            cwe: [$($cwe:literal),* $(,)?],
            owasp: $owasp:ident,
            aliases: [$($alias_kind:ident($alias:literal)),* $(,)?],
            tags: [$($tag:literal),* $(,)?] $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        $vis static $ident: ::cuirass_diagnostics::RuleMeta = ::cuirass_diagnostics::RuleMeta {
            name: $name,
            audit: ::cuirass_diagnostics::Audit::Secrets,
            kind: ::cuirass_diagnostics::RuleKind::$kind,
            severity: ::cuirass_diagnostics::Severity::$severity,
            confidence: ::cuirass_diagnostics::Confidence::$confidence,
            likelihood: ::cuirass_diagnostics::Likelihood::$likelihood,
            impact: ::cuirass_diagnostics::Impact::$impact,
            cwe: &[$($cwe),*],
            owasp: Some(::cuirass_diagnostics::Owasp2021::$owasp),
            aliases: &[$(::cuirass_diagnostics::Alias::$alias_kind($alias)),*],
            tags: &["secret", $($tag),*],
            doc: concat!($($doc, "\n"),*),
            default_enabled: true,
            file: file!(),
            since: env!("CARGO_PKG_VERSION"),
        };
    };
}

pub(crate) mod ai;
pub(crate) mod chat;
pub(crate) mod cloud;
pub(crate) mod devtools;
pub(crate) mod frameworks;
pub(crate) mod generic;
pub(crate) mod keys;
pub(crate) mod messaging;
pub(crate) mod observability;
pub(crate) mod packages;
pub(crate) mod payments;
pub(crate) mod source_hosts;
pub(crate) mod urls;

/// Every family's detectors.
const FAMILIES: &[&[&Detector]] = &[
    cloud::DETECTORS,
    source_hosts::DETECTORS,
    chat::DETECTORS,
    payments::DETECTORS,
    messaging::DETECTORS,
    packages::DETECTORS,
    observability::DETECTORS,
    ai::DETECTORS,
    devtools::DETECTORS,
    keys::DETECTORS,
    urls::DETECTORS,
    frameworks::DETECTORS,
    generic::DETECTORS,
];

/// Every family's rules.
const RULES: &[&[&RuleMeta]] = &[
    cloud::RULES,
    source_hosts::RULES,
    chat::RULES,
    payments::RULES,
    messaging::RULES,
    packages::RULES,
    observability::RULES,
    ai::RULES,
    devtools::RULES,
    keys::RULES,
    urls::RULES,
    frameworks::RULES,
    generic::RULES,
];

/// Passes over a file's hits after every detector ran.
pub(crate) const POST_PASSES: &[PostFn] = &[cloud::pair_aws_keys];

pub(crate) fn detectors() -> impl Iterator<Item = &'static Detector> {
    FAMILIES.iter().flat_map(|family| family.iter().copied())
}

pub(crate) fn rules() -> impl Iterator<Item = &'static RuleMeta> {
    RULES.iter().flat_map(|family| family.iter().copied())
}

/// Shared regex fragments. Secrets are the group `s`.
pub(crate) mod rx {
    /// Separator between a key name and its value: `=`, `:`, `=>`, `:=`, with optional quotes
    /// around the name and spaces.
    macro_rules! assign {
        () => {
            r#"["']?\s*(?:[:=]|=>|:=)\s*[rbuRBU]{0,2}["'`]?"#
        };
    }
    pub(crate) use assign;
}

/// Checks shared by several families.
pub(crate) mod checks {
    use crate::engine::{Candidate, Grade};
    use crate::entropy::shannon_entropy;

    /// Accepts a match whose secret has at least `min` bits of entropy per character.
    pub(crate) fn entropy_at_least(c: &Candidate<'_>, min: f64) -> Option<Grade> {
        (shannon_entropy(c.secret) >= min).then(|| c.detector.grade())
    }

    /// The usual bar for a provider token: 3.0 bits per character (random base62 of 20+
    /// characters scores above 4).
    pub(crate) fn random_token(c: &Candidate<'_>) -> Option<Grade> {
        entropy_at_least(c, 3.0)
    }

    /// Mixed-case base64 of 40+ characters with real entropy (AWS secret keys and the like).
    pub(crate) fn random_base64(c: &Candidate<'_>) -> Option<Grade> {
        let s = c.secret;
        (s.bytes().any(|b| b.is_ascii_uppercase())
            && s.bytes().any(|b| b.is_ascii_lowercase())
            && s.bytes().any(|b| b.is_ascii_digit())
            && shannon_entropy(s) >= 4.0)
            .then(|| c.detector.grade())
    }
}
