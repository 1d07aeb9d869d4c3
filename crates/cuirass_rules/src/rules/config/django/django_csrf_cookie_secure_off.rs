use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::rules::config::django::helpers::{Needs, check_required_true};

declare_rule! {
    /// ## What it does
    /// Checks that a Django settings module does not leave `CSRF_COOKIE_SECURE` off (Django's
    /// deployment check `security.W016`): reported when it is set to a false literal, and — at
    /// medium confidence, on the `INSTALLED_APPS` line — when a complete settings module never
    /// sets it (Django's default is `False`).
    ///
    /// Values read from the environment are not reported; nor are settings named for
    /// development or tests, and "missing" is only judged in a complete module.
    ///
    /// As Django's check does, the rule stays quiet when a literal `MIDDLEWARE` lacks
    /// `CsrfViewMiddleware` (no CSRF cookie is set; `django-csrf-middleware-missing` reports
    /// that).
    ///
    /// ## Why is this bad?
    /// Without `Secure`, the CSRF cookie also travels over plain HTTP, where someone on the
    /// network can read it — or set it, which is enough to forge requests that pass Django's
    /// CSRF check.
    ///
    /// ## Example
    /// ```python
    /// CSRF_COOKIE_SECURE = False
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// CSRF_COOKIE_SECURE = True
    /// ```
    ///
    /// ## Fix
    /// Set `CSRF_COOKIE_SECURE = True` in the deployed settings, together with
    /// `SESSION_COOKIE_SECURE` and an HTTPS-only site.
    ///
    /// ## References
    /// - [CWE-614: Sensitive Cookie in HTTPS Session Without 'Secure' Attribute](https://cwe.mitre.org/data/definitions/614.html)
    /// - [Django: `CSRF_COOKIE_SECURE`](https://docs.djangoproject.com/en/stable/ref/settings/#csrf-cookie-secure)
    pub(super) RULE = {
        name: "django-csrf-cookie-secure-off",
        audit: Config,
        kind: Pattern,
        severity: Low,
        confidence: High,
        likelihood: Low,
        impact: Medium,
        cwe: [614],
        owasp: A05SecurityMisconfiguration,
        aliases: [],
        tags: ["django", "cookies", "csrf"],
        interest: [Module],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    check_required_true(
        ctx,
        node,
        "CSRF_COOKIE_SECURE",
        Needs::Middleware("CsrfViewMiddleware"),
        || {
            "`CSRF_COOKIE_SECURE` is off, so the CSRF cookie is also sent over plain HTTP; set it to `True`".to_string()
        },
        Some(&|| {
            "this settings module never sets `CSRF_COOKIE_SECURE` (Django's default is `False`), so the CSRF cookie is also sent over plain HTTP; set it to `True`".to_string()
        }),
    );
}
