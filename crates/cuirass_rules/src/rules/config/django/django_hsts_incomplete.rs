use cuirass_diagnostics::{Confidence, Severity};
use cuirass_python::{Ranged, TextRange};

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::rules::config::django::helpers::{Needs, Settings};
use crate::rules::config::helpers::{Purpose, Value, bool_literal, int_literal};

declare_rule! {
    /// ## What it does
    /// Checks the HSTS policy of a Django settings module that turns HSTS on
    /// (`SECURE_HSTS_SECONDS` set and not `0`): a `SECURE_HSTS_SECONDS` literal shorter than a
    /// year (31536000 seconds); `SECURE_HSTS_INCLUDE_SUBDOMAINS` off or not set (Django's
    /// deployment check `security.W005`); `SECURE_HSTS_PRELOAD` off or not set (`security.W021`,
    /// reported at low severity: preloading is a commitment some sites cannot make).
    ///
    /// A setting that is not set is only reported, at medium confidence, when the module
    /// imports no settings from another module (which might set it); values read from the
    /// environment are not reported, nor are settings named for development or tests.
    ///
    /// As Django's check does, the rule stays quiet when a literal `MIDDLEWARE` lacks
    /// `SecurityMiddleware`, which applies this setting (`django-security-middleware-missing`
    /// reports that).
    ///
    /// ## Why is this bad?
    /// A short `max-age` lapses between visits, leaving users to the first-request downgrade
    /// HSTS exists to prevent. Without `includeSubDomains`, an attacker can use a plain-HTTP
    /// subdomain (real or spoofed on the network) to set cookies for the whole domain. Without
    /// `preload`, the very first visit is unprotected.
    ///
    /// ## Example
    /// ```python
    /// SECURE_HSTS_SECONDS = 3600
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// SECURE_HSTS_SECONDS = 31536000
    /// SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    /// SECURE_HSTS_PRELOAD = True
    /// ```
    ///
    /// ## Fix
    /// Raise `SECURE_HSTS_SECONDS` to a year once a short policy has worked for a while, and add
    /// `SECURE_HSTS_INCLUDE_SUBDOMAINS` when every subdomain is HTTPS-only. Submit the domain to
    /// the browsers' preload list only when you are sure (removal takes months).
    ///
    /// ## References
    /// - [CWE-319: Cleartext Transmission of Sensitive Information](https://cwe.mitre.org/data/definitions/319.html)
    /// - [Django: `SECURE_HSTS_INCLUDE_SUBDOMAINS`](https://docs.djangoproject.com/en/stable/ref/settings/#secure-hsts-include-subdomains)
    /// - [Django: `SECURE_HSTS_PRELOAD`](https://docs.djangoproject.com/en/stable/ref/settings/#secure-hsts-preload)
    /// - [hstspreload.org](https://hstspreload.org/)
    pub(super) RULE = {
        name: "django-hsts-incomplete",
        audit: Config,
        kind: Pattern,
        severity: Low,
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

/// One year, the `max-age` HSTS preload lists and most guides ask for.
const ONE_YEAR: i64 = 31_536_000;

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Some(settings) = Settings::of(ctx, node) else {
        return;
    };
    // Without the middleware the setting has no effect; the missing middleware is reported.
    if !settings.is_deployed() || !settings.matters(Needs::Middleware("SecurityMiddleware")) {
        return;
    }
    // Only a policy that is on can be incomplete; an unknown value (environment) counts as on.
    let seconds: TextRange = match settings.top.value("SECURE_HSTS_SECONDS") {
        Value::Set(assignment) => {
            let value = int_literal(assignment.value);
            if value == Some(0) || assignment.value.is_none_literal_expr() {
                return;
            }
            if let Some(seconds) = value
                && seconds < ONE_YEAR
            {
                settings.report(
                    ctx,
                    assignment.range(),
                    format!(
                        "`SECURE_HSTS_SECONDS = {seconds}` lets browsers forget the HSTS policy between visits; use a year (31536000) once a short policy has worked"
                    ),
                );
            }
            assignment.target.range()
        }
        Value::Dynamic => match settings.top.of("SECURE_HSTS_SECONDS").last() {
            Some(assignment) => assignment.target.range(),
            None => return,
        },
        Value::Unset => return,
    };
    flag(
        ctx,
        &settings,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        seconds,
        "subdomains are not covered, so a plain-HTTP subdomain can still set cookies for the site",
        Severity::Low,
    );
    flag(
        ctx,
        &settings,
        "SECURE_HSTS_PRELOAD",
        seconds,
        "the domain cannot be preloaded into browsers, so first visits stay unprotected",
        Severity::Low,
    );
}

fn flag(
    ctx: &mut Context<'_>,
    settings: &Settings<'_>,
    name: &str,
    seconds: TextRange,
    consequence: &str,
    severity: Severity,
) {
    match settings.top.value(name) {
        Value::Set(assignment) if bool_literal(assignment.value) == Some(false) => {
            settings.report(
                ctx,
                assignment.range(),
                format!("`{name}` is off: {consequence}; set it to `True` when that is safe"),
            );
        }
        Value::Unset if settings.purpose == Purpose::Production && !settings.top.imports_names => {
            if let Some(finding) = ctx.report(
                seconds,
                format!("HSTS is on but `{name}` is never set: {consequence}; set it to `True` when that is safe"),
            ) {
                finding.severity = severity;
                finding.confidence = Confidence::Medium;
            }
        }
        _ => {}
    }
}
