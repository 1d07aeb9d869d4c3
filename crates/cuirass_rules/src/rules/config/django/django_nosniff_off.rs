use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::rules::config::django::helpers::{Needs, check_required_true};

declare_rule! {
    /// ## What it does
    /// Checks for `SECURE_CONTENT_TYPE_NOSNIFF` set to a false literal in a Django settings
    /// module (Django's deployment check `security.W006`). Django's default has been `True`
    /// since 3.0, so a module that does not set it is fine.
    ///
    /// Values read from the environment are not reported, nor are settings named for
    /// development or tests.
    ///
    /// As Django's check does, the rule stays quiet when a literal `MIDDLEWARE` lacks
    /// `SecurityMiddleware`, which applies this setting (`django-security-middleware-missing`
    /// reports that).
    ///
    /// ## Why is this bad?
    /// Without `X-Content-Type-Options: nosniff`, browsers may guess a response's type from its
    /// content: an uploaded "image" or a JSON response holding HTML can then run as a page or
    /// script in the site's origin.
    ///
    /// ## Example
    /// ```python
    /// SECURE_CONTENT_TYPE_NOSNIFF = False
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// SECURE_CONTENT_TYPE_NOSNIFF = True  # the default; or leave it out
    /// ```
    ///
    /// ## Fix
    /// Remove the setting, and keep `SecurityMiddleware` in `MIDDLEWARE`. For other WSGI/ASGI
    /// apps, `cuirass.web`'s security-headers middleware sends `nosniff`.
    ///
    /// ## References
    /// - [CWE-693: Protection Mechanism Failure](https://cwe.mitre.org/data/definitions/693.html)
    /// - [Django: `SECURE_CONTENT_TYPE_NOSNIFF`](https://docs.djangoproject.com/en/stable/ref/settings/#secure-content-type-nosniff)
    pub(super) RULE = {
        name: "django-nosniff-off",
        audit: Config,
        kind: Pattern,
        severity: Low,
        confidence: High,
        likelihood: Low,
        impact: Medium,
        cwe: [693],
        owasp: A05SecurityMisconfiguration,
        aliases: [],
        tags: ["django", "headers"],
        interest: [Module],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    check_required_true(
        ctx,
        node,
        "SECURE_CONTENT_TYPE_NOSNIFF",
        Needs::Middleware("SecurityMiddleware"),
        || {
            "`SECURE_CONTENT_TYPE_NOSNIFF` is off, so browsers may run uploads and JSON as HTML; remove the setting (the default is on)".to_string()
        },
        None,
    );
}
