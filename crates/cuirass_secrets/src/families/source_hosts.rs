//! Source hosts: GitHub, GitLab, Bitbucket and Atlassian.

use cuirass_diagnostics::RuleMeta;

use super::checks::random_token;
use crate::codec::base62_crc32_ok;
use crate::engine::{Candidate, Detector, Grade, PRIORITY_PROVIDER, Placeholders, Scope};

secret_rule! {
    /// ## What it does
    /// Finds GitHub tokens: classic personal access tokens (`ghp_`), OAuth access tokens
    /// (`gho_`), GitHub App user-to-server (`ghu_`), server-to-server (`ghs_`) and refresh
    /// tokens (`ghr_`) — each 36 base62 characters whose last six are a base62 CRC-32 of the
    /// thirty before them, which is verified, so made-up lookalikes are not reported — and
    /// fine-grained personal access tokens (`github_pat_`, 22 + 59 characters).
    ///
    /// ## Why is this bad?
    /// Anyone who reads the file — every clone, fork, CI log and backup, and the git history
    /// forever — acts as the token's owner with its scopes: reading private repositories,
    /// pushing code, publishing packages, changing workflows.
    ///
    /// ## Example
    /// ```python
    /// GITHUB_TOKEN = "ghp_<36 characters>"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// GITHUB_TOKEN = os.environ["GITHUB_TOKEN"]
    /// ```
    ///
    /// ## Fix
    /// Revoke the token (Settings → Developer settings → Personal access tokens, or the
    /// OAuth/GitHub App settings), create one with the narrowest scopes and an expiry, and load
    /// it from the environment; in Actions use the built-in `GITHUB_TOKEN` secret.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [GitHub: Behind GitHub's new authentication token formats](https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/)
    /// - [GitHub: Token expiration and revocation](https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/token-expiration-and-revocation)
    pub(crate) GITHUB = {
        name: "github-token",
        kind: Detector,
        severity: Critical,
        confidence: High,
        likelihood: High,
        impact: High,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [Other("GitHubTokenDetector")],
        tags: ["github", "source-host"],
    }
}

secret_rule! {
    /// ## What it does
    /// Finds GitLab tokens: personal, project and group access tokens (`glpat-`), deploy tokens
    /// (`gldt-`), runner authentication tokens (`glrt-`) and pipeline trigger tokens
    /// (`glptt-` + 40 hex digits).
    ///
    /// ## Why is this bad?
    /// An access token acts as its user or bot with its scopes (`api` is full read-write access
    /// to every project the user can reach); a runner token lets an attacker register a runner
    /// and receive your CI jobs and their secrets.
    ///
    /// ## Example
    /// ```python
    /// GITLAB_TOKEN = "glpat-<20 characters>"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// GITLAB_TOKEN = os.environ["GITLAB_TOKEN"]
    /// ```
    ///
    /// ## Fix
    /// Revoke the token (User settings → Access tokens, or the project's Settings → Access
    /// tokens / CI/CD), create a scoped one with an expiry and keep it in a masked CI/CD
    /// variable or the environment.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [GitLab: Token overview](https://docs.gitlab.com/security/tokens/)
    pub(crate) GITLAB = {
        name: "gitlab-token",
        kind: Detector,
        severity: Critical,
        confidence: High,
        likelihood: High,
        impact: High,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [Other("GitLabTokenDetector")],
        tags: ["gitlab", "source-host"],
    }
}

secret_rule! {
    /// ## What it does
    /// Finds Bitbucket app passwords: `ATBB` followed by 32 alphanumeric characters (and an
    /// optional 8-hex-digit checksum).
    ///
    /// ## Why is this bad?
    /// An app password authenticates as the user over HTTPS and the API with its permissions:
    /// cloning and pushing to every repository the user can reach.
    ///
    /// ## Example
    /// ```python
    /// BITBUCKET_APP_PASSWORD = "ATBB<32 characters>"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// BITBUCKET_APP_PASSWORD = os.environ["BITBUCKET_APP_PASSWORD"]
    /// ```
    ///
    /// ## Fix
    /// Revoke the app password (Personal settings → App passwords), replace it with a scoped
    /// API token or access token, and load it from the environment or a secured repository
    /// variable.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [Bitbucket: App passwords](https://support.atlassian.com/bitbucket-cloud/docs/app-passwords/)
    pub(crate) BITBUCKET = {
        name: "bitbucket-app-password",
        kind: Detector,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [],
        tags: ["bitbucket", "atlassian", "source-host"],
    }
}

secret_rule! {
    /// ## What it does
    /// Finds Atlassian API tokens (Jira, Confluence, Bitbucket): `ATATT3` followed by 186
    /// characters.
    ///
    /// ## Why is this bad?
    /// The token authenticates as its user on every Atlassian Cloud product of the account:
    /// reading and changing issues, pages and repositories.
    ///
    /// ## Example
    /// ```python
    /// JIRA_API_TOKEN = "ATATT3<186 characters>"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// JIRA_API_TOKEN = os.environ["JIRA_API_TOKEN"]
    /// ```
    ///
    /// ## Fix
    /// Revoke the token at id.atlassian.com (Security → API tokens), create a new one with an
    /// expiry, and load it from the environment.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [Atlassian: Manage API tokens](https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-atlassian-account/)
    pub(crate) ATLASSIAN = {
        name: "atlassian-api-token",
        kind: Detector,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [],
        tags: ["atlassian", "jira", "confluence"],
    }
}

pub(crate) static RULES: &[&RuleMeta] = &[&GITHUB, &GITLAB, &BITBUCKET, &ATLASSIAN];

/// Rejects a prefixed GitHub or npm token whose checksum does not match.
pub(crate) fn checksummed(c: &Candidate<'_>) -> Option<Grade> {
    let body = c.secret.get(4..)?;
    base62_crc32_ok(body).then(|| c.detector.grade())
}

macro_rules! github_classic {
    ($id:literal, $prefix:literal, $label:literal) => {
        &Detector {
            id: $id,
            rule: &GITHUB,
            label: $label,
            prefilter: &[$prefix],
            pattern: concat!(r"(?-u:\b)(?P<s>", $prefix, r"[A-Za-z0-9]{36})(?-u:\b)"),
            scope: Scope::Line,
            check: Some(checksummed),
            placeholders: Placeholders::Token,
            priority: PRIORITY_PROVIDER,
            heuristic: false,
        }
    };
}

pub(crate) static DETECTORS: &[&Detector] = &[
    github_classic!("github-pat-classic", "ghp_", "GitHub personal access token"),
    github_classic!("github-oauth-token", "gho_", "GitHub OAuth access token"),
    github_classic!(
        "github-user-to-server-token",
        "ghu_",
        "GitHub App user-to-server token"
    ),
    github_classic!(
        "github-server-to-server-token",
        "ghs_",
        "GitHub App installation token"
    ),
    github_classic!("github-refresh-token", "ghr_", "GitHub refresh token"),
    &Detector {
        id: "github-fine-grained-pat",
        rule: &GITHUB,
        label: "GitHub fine-grained personal access token",
        prefilter: &["github_pat_"],
        pattern: r"(?-u:\b)(?P<s>github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})(?-u:\b)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "gitlab-pat",
        rule: &GITLAB,
        label: "GitLab access token",
        prefilter: &["glpat-"],
        pattern: r"(?-u:\b)(?P<s>glpat-[0-9A-Za-z_\-]{20,}(?:\.[0-9a-z]{2}\.[0-9a-z]{7,9})?)(?:[^0-9A-Za-z_\-]|$)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "gitlab-deploy-token",
        rule: &GITLAB,
        label: "GitLab deploy token",
        prefilter: &["gldt-"],
        pattern: r"(?-u:\b)(?P<s>gldt-[0-9A-Za-z_\-]{20,})(?:[^0-9A-Za-z_\-]|$)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "gitlab-runner-token",
        rule: &GITLAB,
        label: "GitLab runner authentication token",
        prefilter: &["glrt-"],
        pattern: r"(?-u:\b)(?P<s>glrt-[0-9A-Za-z_\-]{20,}(?:\.[0-9a-z]{2}\.[0-9a-z]{7,9})?)(?:[^0-9A-Za-z_\-]|$)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "gitlab-pipeline-trigger-token",
        rule: &GITLAB,
        label: "GitLab pipeline trigger token",
        prefilter: &["glptt-"],
        pattern: r"(?-u:\b)(?P<s>glptt-[0-9a-f]{40})(?-u:\b)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "bitbucket-app-password",
        rule: &BITBUCKET,
        label: "Bitbucket app password",
        prefilter: &["ATBB"],
        pattern: r"(?-u:\b)(?P<s>ATBB[A-Za-z0-9]{32}(?:[A-F0-9]{8})?)(?-u:\b)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "atlassian-api-token",
        rule: &ATLASSIAN,
        label: "Atlassian API token",
        prefilter: &["ATATT3"],
        pattern: r"(?-u:\b)(?P<s>ATATT3[A-Za-z0-9_\-=]{186})(?:[^A-Za-z0-9_\-=]|$)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
];
