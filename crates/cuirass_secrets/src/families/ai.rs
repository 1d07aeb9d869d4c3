//! AI APIs: OpenAI, Anthropic, Hugging Face.

use cuirass_diagnostics::RuleMeta;

use super::checks::random_token;
use crate::engine::{Candidate, Detector, Grade, PRIORITY_PROVIDER, Placeholders, Scope};
use crate::entropy::shannon_entropy;

secret_rule! {
    /// ## What it does
    /// Finds OpenAI API keys: `sk-`, `sk-proj-`, `sk-svcacct-` or `sk-admin-` keys, recognised
    /// by the `T3BlbkFJ` marker (base64 of "OpenAI") in their middle.
    ///
    /// ## Why is this bad?
    /// Anyone with the key spends your credit (stolen keys are resold), and project keys can
    /// read your files, assistants and fine-tuned models.
    ///
    /// ## Example
    /// ```python
    /// client = OpenAI(api_key="sk-proj-<…>T3BlbkFJ<…>")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// client = OpenAI()  # reads OPENAI_API_KEY from the environment
    /// ```
    ///
    /// ## Fix
    /// Revoke the key on the platform's API keys page, create a project key with restricted
    /// permissions, and set `OPENAI_API_KEY` in the environment.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [OpenAI: Best practices for API key safety](https://help.openai.com/en/articles/5112595-best-practices-for-api-key-safety)
    pub(crate) OPENAI = {
        name: "openai-api-key",
        kind: Detector,
        severity: High,
        confidence: High,
        likelihood: High,
        impact: Medium,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [Other("OpenAIDetector")],
        tags: ["openai", "ai"],
    }
}

secret_rule! {
    /// ## What it does
    /// Finds Anthropic API keys (`sk-ant-api03-`) and admin keys (`sk-ant-admin01-`): 93
    /// characters ending in `AA`.
    ///
    /// ## Why is this bad?
    /// The key spends the organization's credit and, for admin keys, manages its members and
    /// keys.
    ///
    /// ## Example
    /// ```python
    /// client = anthropic.Anthropic(api_key="sk-ant-api03-<95 characters>")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// client = anthropic.Anthropic()  # reads ANTHROPIC_API_KEY from the environment
    /// ```
    ///
    /// ## Fix
    /// Disable the key in the Console (Settings → API keys), create a new one and set
    /// `ANTHROPIC_API_KEY` in the environment.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [Anthropic: API key best practices](https://support.anthropic.com/en/articles/9767949-api-key-best-practices-keeping-your-keys-safe-and-secure)
    pub(crate) ANTHROPIC = {
        name: "anthropic-api-key",
        kind: Detector,
        severity: High,
        confidence: High,
        likelihood: High,
        impact: Medium,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [],
        tags: ["anthropic", "ai"],
    }
}

secret_rule! {
    /// ## What it does
    /// Finds Hugging Face user access tokens (`hf_` + 34 letters) and legacy organization API
    /// tokens (`api_org_` + 34 letters).
    ///
    /// ## Why is this bad?
    /// A write token pushes to every model, dataset and Space of the user and their
    /// organizations — a poisoned model is a supply-chain attack on whoever loads it; a read
    /// token exposes private and gated repositories.
    ///
    /// ## Example
    /// ```python
    /// login(token="hf_<34 letters>")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// login()  # reads HF_TOKEN from the environment or the cached login
    /// ```
    ///
    /// ## Fix
    /// Invalidate the token (Settings → Access Tokens), create a fine-grained one, and set
    /// `HF_TOKEN` in the environment.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [Hugging Face: User access tokens](https://huggingface.co/docs/hub/security-tokens)
    pub(crate) HUGGINGFACE = {
        name: "huggingface-token",
        kind: Detector,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [],
        tags: ["huggingface", "ai", "supply-chain"],
    }
}

pub(crate) static RULES: &[&RuleMeta] = &[&OPENAI, &ANTHROPIC, &HUGGINGFACE];

/// Hugging Face tokens are 34 letters of mixed case; identifiers that happen to start with
/// `hf_` are not.
fn mixed_case_letters(c: &Candidate<'_>) -> Option<Grade> {
    let body = c.secret.rsplit('_').next()?;
    (body.bytes().any(|b| b.is_ascii_uppercase())
        && body.bytes().any(|b| b.is_ascii_lowercase())
        && shannon_entropy(body) >= 3.5)
        .then(|| c.detector.grade())
}

pub(crate) static DETECTORS: &[&Detector] = &[
    &Detector {
        id: "openai-api-key",
        rule: &OPENAI,
        label: "OpenAI API key",
        prefilter: &["T3BlbkFJ"],
        pattern: r"(?-u:\b)(?P<s>sk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_\-]{20,}T3BlbkFJ[A-Za-z0-9_\-]{20,})(?:[^A-Za-z0-9_\-]|$)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "anthropic-api-key",
        rule: &ANTHROPIC,
        label: "Anthropic API key",
        prefilter: &["sk-ant-"],
        pattern: r"(?-u:\b)(?P<s>sk-ant-(?:api03|admin01)-[A-Za-z0-9_\-]{93}AA)(?:[^A-Za-z0-9_\-]|$)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "huggingface-token",
        rule: &HUGGINGFACE,
        label: "Hugging Face access token",
        prefilter: &["hf_", "api_org_"],
        pattern: r"(?-u:\b)(?P<s>(?:hf_|api_org_)[A-Za-z]{34})(?-u:\b)",
        scope: Scope::Line,
        check: Some(mixed_case_letters),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
];
