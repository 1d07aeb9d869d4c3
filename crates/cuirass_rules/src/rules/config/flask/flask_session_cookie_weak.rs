use cuirass_diagnostics::{Confidence, Severity};

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::helpers::str_value;
use crate::rules::config::flask::helpers::flask_settings;
use crate::rules::config::helpers::bool_literal;

declare_rule! {
    /// ## What it does
    /// Checks Flask configuration that weakens the session cookie (and Flask-Login's
    /// remember-me cookie): `SESSION_COOKIE_SECURE` or `REMEMBER_COOKIE_SECURE` set to `False`
    /// (CWE-614), `SESSION_COOKIE_HTTPONLY` or `REMEMBER_COOKIE_HTTPONLY` set to `False`
    /// (CWE-1004), and `SESSION_COOKIE_SAMESITE` / `REMEMBER_COOKIE_SAMESITE` set to `"None"`
    /// (CWE-1275; the Python value `None`, which leaves the attribute out, at low confidence).
    ///
    /// Configuration is found wherever Flask applications set it (see `flask-secret-key-literal`).
    /// Only literals count — `SESSION_COOKIE_SECURE = not app.debug` depends on the environment
    /// — and classes or files named for development or tests (`DevelopmentConfig`, where plain
    /// HTTP on localhost needs `Secure` off) are skipped. Flask's defaults (not `Secure`, no
    /// `SameSite`) are not reported when nothing is set: the rule reports an explicit
    /// weakening.
    ///
    /// ## Why is this bad?
    /// Without `Secure`, the session cookie also travels over plain HTTP, where anyone on the
    /// network can copy it. Without `HttpOnly`, a cross-site scripting bug can read it. With
    /// `SameSite=None`, the browser sends it on requests other sites make, which CSRF attacks
    /// rely on.
    ///
    /// ## Example
    /// ```python
    /// class ProductionConfig(Config):
    ///     SESSION_COOKIE_SECURE = False
    ///     SESSION_COOKIE_SAMESITE = "None"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// class ProductionConfig(Config):
    ///     SESSION_COOKIE_SECURE = True
    ///     SESSION_COOKIE_HTTPONLY = True
    ///     SESSION_COOKIE_SAMESITE = "Lax"
    /// ```
    ///
    /// ## Fix
    /// Set `SESSION_COOKIE_SECURE = True` and `SESSION_COOKIE_SAMESITE = "Lax"` in the deployed
    /// configuration and leave `SESSION_COOKIE_HTTPONLY` at its default. `cuirass.sessions`
    /// keeps sessions server-side behind an opaque id, and `cuirass.web`'s middleware adds
    /// `Secure`, `HttpOnly` and `SameSite` to any cookie that lacks them.
    ///
    /// ## References
    /// - [CWE-614: Sensitive Cookie in HTTPS Session Without 'Secure' Attribute](https://cwe.mitre.org/data/definitions/614.html)
    /// - [CWE-1004: Sensitive Cookie Without 'HttpOnly' Flag](https://cwe.mitre.org/data/definitions/1004.html)
    /// - [CWE-1275: Sensitive Cookie with Improper SameSite Attribute](https://cwe.mitre.org/data/definitions/1275.html)
    /// - [Flask: security considerations, set-cookie options](https://flask.palletsprojects.com/en/stable/web-security/#set-cookie-options)
    pub(super) RULE = {
        name: "flask-session-cookie-weak",
        audit: Config,
        kind: Pattern,
        severity: Medium,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [614, 1004, 1275],
        owasp: A05SecurityMisconfiguration,
        aliases: [],
        tags: ["flask", "cookies"],
        interest: [Assign, Call],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    for setting in flask_settings(ctx, node) {
        if setting.is_for_development() {
            continue;
        }
        let key = setting.key.as_str();
        let (message, severity, confidence) = match key {
            "SESSION_COOKIE_SECURE" | "REMEMBER_COOKIE_SECURE"
                if bool_literal(setting.value) == Some(false) =>
            {
                (
                    format!(
                        "`{key} = False` lets the browser send the cookie over plain HTTP, where it can be stolen; set it to `True` in production"
                    ),
                    None,
                    None,
                )
            }
            "SESSION_COOKIE_HTTPONLY" | "REMEMBER_COOKIE_HTTPONLY"
                if bool_literal(setting.value) == Some(false) =>
            {
                (
                    format!(
                        "`{key} = False` lets scripts on the page (and any XSS) read the cookie; leave it at `True`"
                    ),
                    None,
                    None,
                )
            }
            "SESSION_COOKIE_SAMESITE" | "REMEMBER_COOKIE_SAMESITE" => {
                if str_value(setting.value).is_some_and(|v| v.eq_ignore_ascii_case("none")) {
                    (
                        format!(
                            "`{key} = \"None\"` sends the cookie on requests other sites make, which cross-site request forgery relies on; use \"Lax\""
                        ),
                        Some(Severity::Low),
                        None,
                    )
                } else if setting.value.is_none_literal_expr() {
                    (
                        format!(
                            "`{key} = None` leaves `SameSite` to each browser's default; set it to \"Lax\""
                        ),
                        Some(Severity::Low),
                        Some(Confidence::Low),
                    )
                } else {
                    continue;
                }
            }
            _ => continue,
        };
        if let Some(finding) = ctx.report(setting.range, message) {
            finding.confidence = confidence.unwrap_or(setting.confidence);
            if let Some(severity) = severity {
                finding.severity = severity;
            }
        }
    }
}
