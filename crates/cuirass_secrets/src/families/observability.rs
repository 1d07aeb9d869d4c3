//! Observability: Datadog, New Relic, Sentry, Grafana.

use cuirass_diagnostics::{RuleMeta, Severity};

use super::checks::random_token;
use super::rx::assign;
use crate::engine::{Detector, PRIORITY_PROVIDER, Placeholders, Scope};

secret_rule! {
    /// ## What it does
    /// Finds Datadog API keys (32 hex digits) and application keys (40 hex digits) assigned to
    /// names such as `DD_API_KEY`, `datadog_app_key`, or passed as `api_key=`/`app_key=` on a
    /// line that mentions Datadog.
    ///
    /// ## Why is this bad?
    /// An API key submits metrics, logs and events into your account (poisoning dashboards
    /// and alerts); an application key reads everything in it, including logs that often
    /// hold personal data.
    ///
    /// ## Example
    /// ```python
    /// DD_API_KEY = "<32 hex digits>"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// DD_API_KEY = os.environ["DD_API_KEY"]
    /// ```
    ///
    /// ## Fix
    /// Revoke the key (Organization Settings → API/Application Keys), create a new one and
    /// provide it through the environment or the agent's secrets backend.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [Datadog: API and application keys](https://docs.datadoghq.com/account_management/api-app-keys/)
    pub(crate) DATADOG = {
        name: "datadog-api-key",
        kind: Detector,
        severity: High,
        confidence: Medium,
        likelihood: Medium,
        impact: High,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [],
        tags: ["datadog", "observability"],
    }
}

secret_rule! {
    /// ## What it does
    /// Finds New Relic keys: user API keys (`NRAK-` + 27), insert keys (`NRII-` + 32) and
    /// license keys (36 hex digits ending in `NRAL`).
    ///
    /// ## Why is this bad?
    /// A user key queries all account data (NerdGraph) and changes configuration; insert and
    /// license keys let anyone write telemetry into the account.
    ///
    /// ## Example
    /// ```python
    /// NEW_RELIC_API_KEY = "NRAK-<27 characters>"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// NEW_RELIC_API_KEY = os.environ["NEW_RELIC_API_KEY"]
    /// ```
    ///
    /// ## Fix
    /// Delete or rotate the key (API keys UI), and load it from the environment.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [New Relic: API keys](https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/)
    pub(crate) NEW_RELIC = {
        name: "new-relic-key",
        kind: Detector,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [],
        tags: ["newrelic", "observability"],
    }
}

secret_rule! {
    /// ## What it does
    /// Finds Sentry DSNs: `https://<32 hex>@o<org>.ingest.sentry.io/<project>`, and the legacy
    /// form with a secret, `https://<32 hex>:<32 hex>@sentry.io/<project>` (medium).
    ///
    /// ## Why is this bad?
    /// A DSN only lets its holder send events, and Sentry considers browser DSNs public, hence
    /// the low severity; but a leaked server DSN lets anyone flood the project (spending the
    /// quota) or plant misleading errors. The legacy secret part is a real credential.
    ///
    /// ## Example
    /// ```python
    /// sentry_sdk.init(dsn="https://<32 hex>@o123.ingest.sentry.io/456")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// sentry_sdk.init()  # reads SENTRY_DSN from the environment
    /// ```
    ///
    /// ## Fix
    /// Rotate the client key (Project Settings → Client Keys), remove legacy secrets, and set
    /// `SENTRY_DSN` in the environment.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [Sentry: Data Source Name](https://docs.sentry.io/concepts/key-terms/dsn-explainer/)
    pub(crate) SENTRY_DSN = {
        name: "sentry-dsn",
        kind: Detector,
        severity: Low,
        confidence: High,
        likelihood: Low,
        impact: Medium,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [],
        tags: ["sentry", "observability"],
    }
}

secret_rule! {
    /// ## What it does
    /// Finds Sentry auth tokens: organization tokens (`sntrys_`) and user tokens (`sntryu_` +
    /// 64 hex digits).
    ///
    /// ## Why is this bad?
    /// Auth tokens call the Sentry API: read events (stack traces with local variables,
    /// request data), upload source maps and releases, change projects.
    ///
    /// ## Example
    /// ```python
    /// SENTRY_AUTH_TOKEN = "sntryu_<64 hex digits>"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// SENTRY_AUTH_TOKEN = os.environ["SENTRY_AUTH_TOKEN"]
    /// ```
    ///
    /// ## Fix
    /// Revoke the token (Settings → Auth Tokens), create an organization token with minimal
    /// scopes, and keep it in the CI's secret store.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [Sentry: Auth tokens](https://docs.sentry.io/account/auth-tokens/)
    pub(crate) SENTRY_TOKEN = {
        name: "sentry-auth-token",
        kind: Detector,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [],
        tags: ["sentry", "observability"],
    }
}

secret_rule! {
    /// ## What it does
    /// Finds Grafana service-account tokens (`glsa_` + 32 + `_` + 8 hex) and Grafana Cloud
    /// access-policy tokens (`glc_` + base64).
    ///
    /// ## Why is this bad?
    /// A token acts with its role on the Grafana instance or stack: reading dashboards and data
    /// sources (and their stored credentials), or writing metrics and logs.
    ///
    /// ## Example
    /// ```python
    /// GRAFANA_TOKEN = "glsa_<32 characters>_<8 hex>"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// GRAFANA_TOKEN = os.environ["GRAFANA_TOKEN"]
    /// ```
    ///
    /// ## Fix
    /// Delete the token (Administration → Service accounts, or Cloud Portal → Access
    /// Policies), create a new one with an expiry, and load it from the environment.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [Grafana: Service account tokens](https://grafana.com/docs/grafana/latest/administration/service-accounts/)
    pub(crate) GRAFANA = {
        name: "grafana-token",
        kind: Detector,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [],
        tags: ["grafana", "observability"],
    }
}

pub(crate) static RULES: &[&RuleMeta] =
    &[&DATADOG, &NEW_RELIC, &SENTRY_DSN, &SENTRY_TOKEN, &GRAFANA];

pub(crate) static DETECTORS: &[&Detector] = &[
    &Detector {
        id: "datadog-api-key",
        rule: &DATADOG,
        label: "Datadog API key",
        prefilter: &[
            "datadog", "dd_api", "dd_app", "dd-api", "dd-app", "ddapi", "ddapp", "dd.api",
        ],
        pattern: concat!(
            r"(?:(?i:(?:datadog|dd)[_\-.]?(?:api|app(?:lication)?)[_\-.]?key)",
            assign!(),
            r#"(?P<s1>[a-f0-9]{40}|[a-f0-9]{32})(?-u:\b)|(?i:datadog)[^\n]*?(?i:api_key|app_key)\s*=\s*["'](?P<s2>[a-f0-9]{40}|[a-f0-9]{32})["'])"#
        ),
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "new-relic-user-key",
        rule: &NEW_RELIC,
        label: "New Relic user API key",
        prefilter: &["NRAK-"],
        pattern: r"(?-u:\b)(?P<s>NRAK-[A-Z0-9]{27})(?-u:\b)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "new-relic-insert-key",
        rule: &NEW_RELIC,
        label: "New Relic insert key",
        prefilter: &["NRII-"],
        pattern: r"(?-u:\b)(?P<s>NRII-[A-Za-z0-9_\-]{32})(?:[^A-Za-z0-9_\-]|$)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "new-relic-license-key",
        rule: &NEW_RELIC,
        label: "New Relic license key",
        prefilter: &["NRAL"],
        pattern: r"(?-u:\b)(?P<s>[a-f0-9]{36}NRAL)(?-u:\b)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "sentry-dsn",
        rule: &SENTRY_DSN,
        label: "Sentry DSN",
        prefilter: &["sentry.io/"],
        pattern: r"(?P<s>https://[0-9a-f]{32}(?P<legacy>:[0-9a-f]{32})?@(?:[a-z0-9\-]+\.)*sentry\.io/[0-9]+)(?-u:\b)",
        scope: Scope::Line,
        check: Some(|c| {
            let grade = random_token(c)?;
            Some(if c.group("legacy").is_some() {
                grade
                    .with_severity(Severity::Medium)
                    .with_note("the DSN carries a legacy secret key")
            } else {
                grade
            })
        }),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "sentry-org-token",
        rule: &SENTRY_TOKEN,
        label: "Sentry organization auth token",
        prefilter: &["sntrys_"],
        pattern: r"(?-u:\b)(?P<s>sntrys_[A-Za-z0-9+/=_\-]{80,})(?:[^A-Za-z0-9+/=_\-]|$)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "sentry-user-token",
        rule: &SENTRY_TOKEN,
        label: "Sentry user auth token",
        prefilter: &["sntryu_"],
        pattern: r"(?-u:\b)(?P<s>sntryu_[a-f0-9]{64})(?-u:\b)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "grafana-service-account-token",
        rule: &GRAFANA,
        label: "Grafana service account token",
        prefilter: &["glsa_"],
        pattern: r"(?-u:\b)(?P<s>glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})(?-u:\b)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "grafana-cloud-token",
        rule: &GRAFANA,
        label: "Grafana Cloud access policy token",
        prefilter: &["glc_"],
        pattern: r"(?-u:\b)(?P<s>glc_[A-Za-z0-9+/]{32,}={0,2})(?:[^A-Za-z0-9+/=]|$)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
];
