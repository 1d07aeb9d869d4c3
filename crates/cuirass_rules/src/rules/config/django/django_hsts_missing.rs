use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::rules::config::django::helpers::{Needs, Settings};
use crate::rules::config::helpers::{Value, int_literal};

declare_rule! {
    /// ## What it does
    /// Checks that a Django settings module turns on HTTP Strict Transport Security (Django's
    /// deployment check `security.W004`): reported when `SECURE_HSTS_SECONDS` is set to `0`
    /// (or `None`), and — at medium confidence, on the `INSTALLED_APPS` line — when a complete
    /// settings module never sets it (Django's default is `0`, no HSTS).
    ///
    /// Values read from the environment are not reported; nor are settings named for
    /// development or tests, and "missing" is only judged in a complete module. A short or
    /// partial HSTS policy is `django-hsts-incomplete`'s business.
    ///
    /// As Django's check does, the rule stays quiet when a literal `MIDDLEWARE` lacks
    /// `SecurityMiddleware`, which applies this setting (`django-security-middleware-missing`
    /// reports that).
    ///
    /// ## Why is this bad?
    /// Without HSTS, a browser tries `http://` whenever a user types the address or follows an
    /// old link, and an attacker on the network can answer that request and keep the user on
    /// plain HTTP (SSL stripping), even if the site redirects to HTTPS.
    ///
    /// ## Example
    /// ```python
    /// SECURE_HSTS_SECONDS = 0
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// SECURE_HSTS_SECONDS = 31536000  # one year
    /// SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    /// SECURE_HSTS_PRELOAD = True
    /// ```
    ///
    /// ## Fix
    /// Once the whole site (and, with `INCLUDE_SUBDOMAINS`, every subdomain) works over HTTPS,
    /// set `SECURE_HSTS_SECONDS` — start small (an hour), then raise it to a year. Browsers
    /// remember the policy for that long, so roll it out deliberately. `cuirass.web`'s
    /// security-headers middleware sends HSTS for other WSGI/ASGI apps.
    ///
    /// ## References
    /// - [CWE-319: Cleartext Transmission of Sensitive Information](https://cwe.mitre.org/data/definitions/319.html)
    /// - [Django: HTTP Strict Transport Security](https://docs.djangoproject.com/en/stable/ref/middleware/#http-strict-transport-security)
    /// - [OWASP HTTP Strict Transport Security Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/HTTP_Strict_Transport_Security_Cheat_Sheet.html)
    pub(super) RULE = {
        name: "django-hsts-missing",
        audit: Config,
        kind: Pattern,
        severity: Medium,
        confidence: High,
        likelihood: Low,
        impact: Medium,
        cwe: [319],
        owasp: A02CryptographicFailures,
        aliases: [],
        tags: ["django", "tls", "headers"],
        interest: [Module],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Some(settings) = Settings::of(ctx, node) else {
        return;
    };
    // Without the middleware the setting has no effect; the missing middleware is reported.
    if !settings.is_deployed() || !settings.matters(Needs::Middleware("SecurityMiddleware")) {
        return;
    }
    match settings.top.value("SECURE_HSTS_SECONDS") {
        Value::Set(assignment)
            if int_literal(assignment.value) == Some(0) || assignment.value.is_none_literal_expr() =>
        {
            settings.report(
                ctx,
                assignment.range(),
                "`SECURE_HSTS_SECONDS` turns HTTP Strict Transport Security off, so browsers keep trying plain HTTP first; set it (up to a year, 31536000) once the site is HTTPS-only".to_string(),
            );
        }
        Value::Unset => settings.report_missing(
            ctx,
            "this settings module never sets `SECURE_HSTS_SECONDS`, so the site sends no HTTP Strict Transport Security header and browsers keep trying plain HTTP first".to_string(),
        ),
        _ => {}
    }
}
