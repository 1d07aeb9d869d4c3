use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::rules::config::django::helpers::check_middleware;

declare_rule! {
    /// ## What it does
    /// Checks that the `MIDDLEWARE` list of a Django settings module includes
    /// `django.middleware.security.SecurityMiddleware` (Django's deployment check
    /// `security.W001`).
    ///
    /// Only a list written out as a literal is judged: one built from other lists, changed
    /// with `append`/`insert`/`+=`, or assigned conditionally is not. Settings named for
    /// development or tests are skipped. A class of the same name from another module counts
    /// as present (a subclass).
    ///
    /// ## Why is this bad?
    /// `SecurityMiddleware` is what applies `SECURE_SSL_REDIRECT`, HSTS
    /// (`SECURE_HSTS_SECONDS`), `X-Content-Type-Options: nosniff`, `Referrer-Policy` and
    /// `Cross-Origin-Opener-Policy`. Without it, those settings have no effect, whatever their
    /// values.
    ///
    /// ## Example
    /// ```python
    /// MIDDLEWARE = [
    ///     "django.contrib.sessions.middleware.SessionMiddleware",
    ///     "django.middleware.common.CommonMiddleware",
    /// ]
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// MIDDLEWARE = [
    ///     "django.middleware.security.SecurityMiddleware",
    ///     "django.contrib.sessions.middleware.SessionMiddleware",
    ///     "django.middleware.common.CommonMiddleware",
    /// ]
    /// ```
    ///
    /// ## Fix
    /// Put `SecurityMiddleware` first in `MIDDLEWARE`, as `startproject` does.
    ///
    /// ## References
    /// - [CWE-693: Protection Mechanism Failure](https://cwe.mitre.org/data/definitions/693.html)
    /// - [Django: `SecurityMiddleware`](https://docs.djangoproject.com/en/stable/ref/middleware/#module-django.middleware.security)
    pub(super) RULE = {
        name: "django-security-middleware-missing",
        audit: Config,
        kind: Pattern,
        severity: Medium,
        confidence: Medium,
        likelihood: Low,
        impact: Medium,
        cwe: [693],
        owasp: A05SecurityMisconfiguration,
        aliases: [],
        tags: ["django", "headers", "tls"],
        interest: [Module],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    check_middleware(ctx, node, "SecurityMiddleware", |name| {
        format!(
            "`{name}` lacks `django.middleware.security.SecurityMiddleware`, so the HTTPS redirect, HSTS, nosniff and referrer-policy settings have no effect; add it first"
        )
    });
}
