//! Developer platforms with a distinctive token format: HashiCorp Vault and Terraform Cloud,
//! Doppler, Linear, Postman, RubyGems.

use cuirass_diagnostics::RuleMeta;

use super::checks::random_token;
use crate::engine::{Detector, PRIORITY_PROVIDER, Placeholders, Scope};

secret_rule! {
    /// ## What it does
    /// Finds tokens of developer platforms that have a distinctive format: HashiCorp Vault
    /// service and batch tokens (`hvs.`, `hvb.`), Terraform Cloud/Enterprise API tokens
    /// (`….atlasv1.…`), Doppler tokens (`dp.pt.`, `dp.st.`, `dp.sa.`, `dp.ct.`), Linear API
    /// keys (`lin_api_` + 40), Postman API keys (`PMAK-` + 24 + 34 hex digits) and RubyGems API
    /// keys (`rubygems_` + 48 hex digits).
    ///
    /// ## Why is this bad?
    /// Each is a bearer credential to a system that holds other secrets or ships code: a Vault
    /// token reads secrets, a Terraform token runs plans against your cloud accounts, a
    /// RubyGems key publishes gems.
    ///
    /// ## Example
    /// ```python
    /// VAULT_TOKEN = "hvs.<90+ characters>"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// VAULT_TOKEN = os.environ["VAULT_TOKEN"]
    /// ```
    ///
    /// ## Fix
    /// Revoke the token in the platform (`vault token revoke`, Terraform user/team token
    /// settings, Doppler access page, Linear/Postman/RubyGems API key settings), and load its
    /// replacement from the environment or a workload identity.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [HashiCorp Vault: Tokens](https://developer.hashicorp.com/vault/docs/concepts/tokens)
    /// - [Doppler: Token formats](https://docs.doppler.com/reference/auth-token-formats)
    pub(crate) PLATFORM = {
        name: "developer-platform-token",
        kind: Detector,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [],
        tags: ["vault", "terraform", "doppler", "linear", "postman", "rubygems"],
    }
}

pub(crate) static RULES: &[&RuleMeta] = &[&PLATFORM];

macro_rules! platform {
    ($id:literal, $label:literal, [$($pre:literal),+], $pattern:literal) => {
        &Detector {
            id: $id,
            rule: &PLATFORM,
            label: $label,
            prefilter: &[$($pre),+],
            pattern: $pattern,
            scope: Scope::Line,
            check: Some(random_token),
            placeholders: Placeholders::Token,
            priority: PRIORITY_PROVIDER,
            heuristic: false,
        }
    };
}

pub(crate) static DETECTORS: &[&Detector] = &[
    platform!(
        "vault-token",
        "HashiCorp Vault token",
        ["hvs.", "hvb."],
        r"(?-u:\b)(?P<s>hv[sb]\.[A-Za-z0-9_\-]{24,})(?:[^A-Za-z0-9_\-]|$)"
    ),
    platform!(
        "terraform-cloud-token",
        "Terraform Cloud API token",
        [".atlasv1."],
        r"(?-u:\b)(?P<s>[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=\-]{60,70})(?:[^A-Za-z0-9_=\-]|$)"
    ),
    platform!(
        "doppler-token",
        "Doppler token",
        [
            "dp.pt.",
            "dp.st.",
            "dp.sa.",
            "dp.ct.",
            "dp.scim.",
            "dp.audit."
        ],
        r"(?-u:\b)(?P<s>dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44})(?-u:\b)"
    ),
    platform!(
        "linear-api-key",
        "Linear API key",
        ["lin_api_"],
        r"(?-u:\b)(?P<s>lin_api_[A-Za-z0-9]{40})(?-u:\b)"
    ),
    platform!(
        "postman-api-key",
        "Postman API key",
        ["PMAK-"],
        r"(?-u:\b)(?P<s>PMAK-[a-f0-9]{24}-[a-f0-9]{34})(?-u:\b)"
    ),
    platform!(
        "rubygems-api-key",
        "RubyGems API key",
        ["rubygems_"],
        r"(?-u:\b)(?P<s>rubygems_[a-f0-9]{48})(?-u:\b)"
    ),
];
