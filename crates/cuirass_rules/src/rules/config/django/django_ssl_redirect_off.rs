use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::rules::config::django::helpers::{Needs, check_required_true};

declare_rule! {
    /// ## What it does
    /// Checks that a Django settings module turns on `SECURE_SSL_REDIRECT` (Django's
    /// deployment check `security.W008`): reported when it is set to a false literal, and — at
    /// medium confidence, on the `INSTALLED_APPS` line — when a complete settings module never
    /// sets it (Django's default is `False`).
    ///
    /// Values read from the environment are not reported; nor are settings named for
    /// development or tests, and "missing" is only judged in a complete module. If a load
    /// balancer or reverse proxy redirects HTTP to HTTPS for the site, the finding can be
    /// suppressed with that reason.
    ///
    /// As Django's check does, the rule stays quiet when a literal `MIDDLEWARE` lacks
    /// `SecurityMiddleware`, which applies this setting (`django-security-middleware-missing`
    /// reports that).
    ///
    /// ## Why is this bad?
    /// A site that also answers over plain HTTP serves its pages, forms and cookies (unless
    /// they are `Secure`) where anyone on the network can read and change them, and the first
    /// request a user types without `https://` is one of those.
    ///
    /// ## Example
    /// ```python
    /// SECURE_SSL_REDIRECT = False
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// SECURE_SSL_REDIRECT = True
    /// SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # behind a proxy
    /// ```
    ///
    /// ## Fix
    /// Set `SECURE_SSL_REDIRECT = True` (with `SECURE_PROXY_SSL_HEADER` behind a TLS-terminating
    /// proxy), or redirect at the proxy; add HSTS so browsers stop trying HTTP at all.
    /// `cuirass.web` provides an HTTPS-redirect middleware for WSGI and ASGI apps.
    ///
    /// ## References
    /// - [CWE-319: Cleartext Transmission of Sensitive Information](https://cwe.mitre.org/data/definitions/319.html)
    /// - [Django: `SECURE_SSL_REDIRECT`](https://docs.djangoproject.com/en/stable/ref/settings/#secure-ssl-redirect)
    pub(super) RULE = {
        name: "django-ssl-redirect-off",
        audit: Config,
        kind: Pattern,
        severity: Low,
        confidence: High,
        likelihood: Low,
        impact: Medium,
        cwe: [319],
        owasp: A02CryptographicFailures,
        aliases: [],
        tags: ["django", "tls"],
        interest: [Module],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    check_required_true(
        ctx,
        node,
        "SECURE_SSL_REDIRECT",
        Needs::Middleware("SecurityMiddleware"),
        || {
            "`SECURE_SSL_REDIRECT` is off, so the site keeps answering over plain HTTP; set it to `True` (or redirect at the proxy)".to_string()
        },
        Some(&|| {
            "this settings module never sets `SECURE_SSL_REDIRECT` (Django's default is `False`), so the site also answers over plain HTTP; set it to `True` (or redirect at the proxy)".to_string()
        }),
    );
}
