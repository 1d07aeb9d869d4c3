use cuirass_diagnostics::Confidence;

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::rules::config::flask::helpers::flask_settings;
use crate::rules::config::helpers::bool_literal;

declare_rule! {
    /// ## What it does
    /// Checks for Flask-WTF's CSRF protection turned off in Flask configuration:
    /// `WTF_CSRF_ENABLED = False`, and (at low confidence) `WTF_CSRF_CHECK_DEFAULT = False`,
    /// which leaves `CSRFProtect` checking only the views that ask for it.
    ///
    /// Configuration is found wherever Flask applications set it (see `flask-secret-key-literal`).
    /// Test configuration is where CSRF is routinely switched off, so classes and files named
    /// for tests or development (`TestingConfig`, `tests/conftest.py`), and blocks that also set
    /// `TESTING = True`, are skipped. Only the literal `False` counts.
    ///
    /// ## Why is this bad?
    /// Without CSRF tokens, any site a signed-in user visits can submit the application's
    /// forms in the user's name: change their password or e-mail address, post, delete,
    /// pay.
    ///
    /// ## Example
    /// ```python
    /// class ProductionConfig(Config):
    ///     WTF_CSRF_ENABLED = False
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// class TestingConfig(Config):
    ///     TESTING = True
    ///     WTF_CSRF_ENABLED = False  # tests only
    /// ```
    ///
    /// ## Fix
    /// Leave `WTF_CSRF_ENABLED` at its default (`True`) outside tests, and protect the whole
    /// app with `CSRFProtect(app)`. For a JSON API authenticated by a token header (not a
    /// cookie), exempt only its blueprint with `csrf.exempt(api)`.
    ///
    /// ## References
    /// - [CWE-352: Cross-Site Request Forgery (CSRF)](https://cwe.mitre.org/data/definitions/352.html)
    /// - [Flask-WTF: CSRF protection](https://flask-wtf.readthedocs.io/en/stable/csrf/)
    pub(super) RULE = {
        name: "flask-wtf-csrf-disabled",
        audit: Config,
        kind: Pattern,
        severity: Medium,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [352],
        owasp: A01BrokenAccessControl,
        aliases: [],
        tags: ["flask", "csrf"],
        interest: [Assign, Call],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    for setting in flask_settings(ctx, node) {
        if setting.is_for_development() || bool_literal(setting.value) != Some(false) {
            continue;
        }
        let (message, confidence) = match setting.key.as_str() {
            "WTF_CSRF_ENABLED" => (
                "`WTF_CSRF_ENABLED = False` turns Flask-WTF's CSRF protection off, so other sites can submit the app's forms as the signed-in user; keep it on outside tests",
                setting.confidence,
            ),
            "WTF_CSRF_CHECK_DEFAULT" => (
                "`WTF_CSRF_CHECK_DEFAULT = False` makes `CSRFProtect` check only the views that call `csrf.protect()`, so every other form can be forged; keep the default",
                Confidence::Low,
            ),
            _ => continue,
        };
        if let Some(finding) = ctx.report(setting.range, message.to_string()) {
            finding.confidence = confidence;
        }
    }
}
