//! Payments: Stripe, Square, Braintree/PayPal and Shopify.

use cuirass_diagnostics::{Confidence, RuleMeta, Severity};

use super::checks::random_token;
use crate::engine::{Candidate, Detector, Grade, PRIORITY_PROVIDER, Placeholders, Scope};

secret_rule! {
    /// ## What it does
    /// Finds Stripe secret keys (`sk_live_`), restricted keys (`rk_live_`) and webhook signing
    /// secrets (`whsec_`). Test-mode keys (`sk_test_`, `rk_test_`) are reported at **info**:
    /// they cannot move money, but they read and change your test data and a test key in code
    /// usually means the live key is handled the same way.
    ///
    /// ## Why is this bad?
    /// A live secret key is full API access to the Stripe account: charges, refunds, payouts to
    /// new bank accounts, customer data. A webhook secret lets an attacker forge events your
    /// server trusts ("payment succeeded").
    ///
    /// ## Example
    /// ```python
    /// import stripe
    ///
    /// stripe.api_key = "sk_live_<24+ characters>"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// import stripe
    ///
    /// stripe.api_key = os.environ["STRIPE_SECRET_KEY"]
    /// ```
    ///
    /// ## Fix
    /// Roll the key in the Dashboard (Developers → API keys → Roll key), prefer restricted keys
    /// with only the permissions the service needs, and load them from the environment.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [Stripe: Keeping your API keys safe](https://docs.stripe.com/keys-best-practices)
    pub(crate) STRIPE = {
        name: "stripe-secret-key",
        kind: Detector,
        severity: Critical,
        confidence: High,
        likelihood: High,
        impact: High,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [Other("StripeDetector")],
        tags: ["stripe", "payments"],
    }
}

secret_rule! {
    /// ## What it does
    /// Finds Square credentials: production access tokens (`EAAA` + 60 characters), legacy
    /// access tokens (`sq0atp-` + 22) and OAuth application secrets (`sq0csp-` + 43).
    ///
    /// ## Why is this bad?
    /// An access token takes payments, issues refunds and reads customer and order data for
    /// the seller account.
    ///
    /// ## Example
    /// ```python
    /// SQUARE_ACCESS_TOKEN = "EAAA<60 characters>"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// SQUARE_ACCESS_TOKEN = os.environ["SQUARE_ACCESS_TOKEN"]
    /// ```
    ///
    /// ## Fix
    /// Replace the token in the Developer Dashboard (Credentials → Replace), revoke OAuth
    /// tokens issued with a leaked application secret, and load credentials from the
    /// environment.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [Square: Access tokens](https://developer.squareup.com/docs/build-basics/access-tokens)
    pub(crate) SQUARE = {
        name: "square-access-token",
        kind: Detector,
        severity: Critical,
        confidence: High,
        likelihood: High,
        impact: High,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [Other("SquareOAuthDetector")],
        tags: ["square", "payments"],
    }
}

secret_rule! {
    /// ## What it does
    /// Finds Braintree (PayPal) access tokens, `access_token$production$<16>$<32 hex>` (sandbox
    /// tokens at info), and PayPal REST client secrets assigned to a name containing `paypal`
    /// and `secret`.
    ///
    /// ## Why is this bad?
    /// These credentials create and refund transactions and read buyer data for the merchant
    /// account.
    ///
    /// ## Example
    /// ```python
    /// PAYPAL_CLIENT_SECRET = "<80 characters>"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// PAYPAL_CLIENT_SECRET = os.environ["PAYPAL_CLIENT_SECRET"]
    /// ```
    ///
    /// ## Fix
    /// Revoke the token or regenerate the app's secret in the PayPal/Braintree developer
    /// dashboard, and load credentials from the environment.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [PayPal: REST API authentication](https://developer.paypal.com/api/rest/authentication/)
    pub(crate) PAYPAL = {
        name: "paypal-braintree-credential",
        kind: Detector,
        severity: Critical,
        confidence: High,
        likelihood: High,
        impact: High,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [],
        tags: ["paypal", "braintree", "payments"],
    }
}

secret_rule! {
    /// ## What it does
    /// Finds Shopify access tokens and secrets: admin API access tokens (`shpat_`), custom app
    /// (`shpca_`) and private app (`shppa_`) tokens, and shared secrets (`shpss_`), each with 32
    /// hex digits.
    ///
    /// ## Why is this bad?
    /// An admin token reads and changes the store: orders, customers and their addresses,
    /// products, and the store's themes (a place to inject card skimmers).
    ///
    /// ## Example
    /// ```python
    /// SHOPIFY_TOKEN = "shpat_<32 hex digits>"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// SHOPIFY_TOKEN = os.environ["SHOPIFY_ACCESS_TOKEN"]
    /// ```
    ///
    /// ## Fix
    /// Uninstall/reinstall the app or rotate its credentials in the Shopify admin or Partner
    /// dashboard, and load them from the environment.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [Shopify: About authentication](https://shopify.dev/docs/apps/build/authentication-authorization)
    pub(crate) SHOPIFY = {
        name: "shopify-access-token",
        kind: Detector,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [],
        tags: ["shopify", "payments"],
    }
}

pub(crate) static RULES: &[&RuleMeta] = &[&STRIPE, &SQUARE, &PAYPAL, &SHOPIFY];

/// Test-mode and sandbox credentials: info, never a failure.
fn test_mode(c: &Candidate<'_>) -> Option<Grade> {
    random_token(c).map(|grade| {
        grade
            .with_severity(Severity::Info)
            .with_confidence(Confidence::High)
            .with_note("a test-mode credential; it cannot move money, but keep it out of code too")
    })
}

pub(crate) static DETECTORS: &[&Detector] = &[
    &Detector {
        id: "stripe-live-secret-key",
        rule: &STRIPE,
        label: "Stripe live secret key",
        prefilter: &["sk_live_"],
        pattern: r"(?-u:\b)(?P<s>sk_live_[0-9A-Za-z]{24,})(?-u:\b)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "stripe-restricted-key",
        rule: &STRIPE,
        label: "Stripe live restricted key",
        prefilter: &["rk_live_"],
        pattern: r"(?-u:\b)(?P<s>rk_live_[0-9A-Za-z]{24,})(?-u:\b)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "stripe-test-key",
        rule: &STRIPE,
        label: "Stripe test-mode key",
        prefilter: &["sk_test_", "rk_test_"],
        pattern: r"(?-u:\b)(?P<s>[sr]k_test_[0-9A-Za-z]{24,})(?-u:\b)",
        scope: Scope::Line,
        check: Some(test_mode),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "stripe-webhook-secret",
        rule: &STRIPE,
        label: "Stripe webhook signing secret",
        prefilter: &["whsec_"],
        pattern: r"(?-u:\b)(?P<s>whsec_[A-Za-z0-9]{32,64})(?-u:\b)",
        scope: Scope::Line,
        check: Some(|c| random_token(c).map(|g| g.with_severity(Severity::High))),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "square-access-token",
        rule: &SQUARE,
        label: "Square access token",
        prefilter: &["EAAA", "sq0atp-"],
        pattern: r"(?-u:\b)(?P<s>EAAA[A-Za-z0-9_\-]{60}|sq0atp-[0-9A-Za-z_\-]{22})(?:[^A-Za-z0-9_\-]|$)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "square-oauth-secret",
        rule: &SQUARE,
        label: "Square OAuth application secret",
        prefilter: &["sq0csp-"],
        pattern: r"(?-u:\b)(?P<s>sq0csp-[0-9A-Za-z_\-]{43})(?:[^0-9A-Za-z_\-]|$)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "braintree-access-token",
        rule: &PAYPAL,
        label: "Braintree access token",
        prefilter: &["access_token$production$", "access_token$sandbox$"],
        pattern: r"(?P<s>access_token\$(?P<env>production|sandbox)\$[0-9a-z]{16}\$[0-9a-f]{32})(?-u:\b)",
        scope: Scope::Line,
        check: Some(|c| {
            if c.group("env") == Some("sandbox") {
                test_mode(c)
            } else {
                random_token(c)
            }
        }),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "paypal-client-secret",
        rule: &PAYPAL,
        label: "PayPal client secret",
        prefilter: &["paypal"],
        pattern: concat!(
            r"(?i:paypal)[A-Za-z0-9_.\-]{0,20}(?i:secret)[A-Za-z0-9_.\-]{0,10}",
            super::rx::assign!(),
            r"(?P<s>[A-Za-z0-9_\-]{60,90})(?:[^A-Za-z0-9_\-]|$)"
        ),
        scope: Scope::Line,
        check: Some(|c| super::checks::entropy_at_least(c, 4.0)),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "shopify-access-token",
        rule: &SHOPIFY,
        label: "Shopify access token",
        prefilter: &["shpat_", "shpss_", "shpca_", "shppa_"],
        pattern: r"(?-u:\b)(?P<s>shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32})(?-u:\b)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
];
