use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::rules::config::django::helpers::{Needs, check_required_true};

declare_rule! {
    /// ## What it does
    /// Checks that a Django settings module does not leave `SESSION_COOKIE_SECURE` off
    /// (Django's deployment checks `security.W010`–`W012`): reported when it is set to a false
    /// literal, and — at medium confidence, on the `INSTALLED_APPS` line — when a complete
    /// settings module never sets it (Django's default is `False`).
    ///
    /// Values read from the environment are not reported; nor are settings named for
    /// development or tests, and "missing" is only judged in a complete module (one that sets
    /// `INSTALLED_APPS` and imports no settings from another module).
    ///
    /// As Django's check does, the rule stays quiet when the module shows there are no sessions:
    /// `django.contrib.sessions` missing from a literal `INSTALLED_APPS` and `SessionMiddleware`
    /// missing from a literal `MIDDLEWARE`.
    ///
    /// ## Why is this bad?
    /// Without the `Secure` attribute the browser also sends the session cookie over plain
    /// HTTP — to an `http://` link, a redirect, or a request an attacker on the network
    /// provokes — where anyone on the path can copy it and take over the session.
    ///
    /// ## Example
    /// ```python
    /// SESSION_COOKIE_SECURE = False
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// SESSION_COOKIE_SECURE = True
    /// ```
    ///
    /// ## Fix
    /// Set `SESSION_COOKIE_SECURE = True` in the deployed settings (and serve the site over
    /// HTTPS only: `SECURE_SSL_REDIRECT`, HSTS). `cuirass.web.DjangoSecurityMiddleware` adds
    /// `Secure`, `HttpOnly` and `SameSite` to any cookie that lacks them.
    ///
    /// ## References
    /// - [CWE-614: Sensitive Cookie in HTTPS Session Without 'Secure' Attribute](https://cwe.mitre.org/data/definitions/614.html)
    /// - [Django: `SESSION_COOKIE_SECURE`](https://docs.djangoproject.com/en/stable/ref/settings/#session-cookie-secure)
    pub(super) RULE = {
        name: "django-session-cookie-secure-off",
        audit: Config,
        kind: Pattern,
        severity: Medium,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [614],
        owasp: A05SecurityMisconfiguration,
        aliases: [],
        tags: ["django", "cookies"],
        interest: [Module],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    check_required_true(
        ctx,
        node,
        "SESSION_COOKIE_SECURE",
        Needs::Sessions,
        || {
            "`SESSION_COOKIE_SECURE` is off, so the session cookie is also sent over plain HTTP where it can be stolen; set it to `True`".to_string()
        },
        Some(&|| {
            "this settings module never sets `SESSION_COOKIE_SECURE` (Django's default is `False`), so the session cookie is also sent over plain HTTP; set it to `True`".to_string()
        }),
    );
}
