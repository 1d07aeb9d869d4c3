use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::helpers::str_value;
use crate::rules::config::django::helpers::{Needs, Settings};
use crate::rules::config::helpers::Value;

declare_rule! {
    /// ## What it does
    /// Checks for an `X_FRAME_OPTIONS` literal other than `"DENY"` or `"SAMEORIGIN"` in a
    /// Django settings module (an empty string, `"ALLOW-FROM …"`, which browsers ignore, or a
    /// typo, which they ignore too).
    ///
    /// Django's own check (`security.W019`) also asks for `"DENY"` rather than `"SAMEORIGIN"`;
    /// cuirass accepts both, since `SAMEORIGIN` only lets the site frame itself. Values read
    /// from the environment are not reported, nor are settings named for development or tests.
    /// A missing `XFrameOptionsMiddleware` is `django-clickjacking-middleware-missing`.
    ///
    /// As Django's check does, the rule stays quiet when a literal `MIDDLEWARE` lacks
    /// `XFrameOptionsMiddleware`, which is what sends the header.
    ///
    /// ## Why is this bad?
    /// Without a valid `X-Frame-Options` header any site can load the pages in an invisible
    /// frame and trick users into clicking buttons on them (clickjacking): changing settings,
    /// confirming payments, granting permissions.
    ///
    /// ## Example
    /// ```python
    /// X_FRAME_OPTIONS = "ALLOW-FROM https://partner.example"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// X_FRAME_OPTIONS = "DENY"
    /// ```
    ///
    /// ## Fix
    /// Use `"DENY"` (Django's default since 3.0), or `"SAMEORIGIN"` if the site frames its own
    /// pages. To allow specific partners, send a `Content-Security-Policy: frame-ancestors …`
    /// header instead (`cuirass.web`'s security-headers middleware can).
    ///
    /// ## References
    /// - [CWE-1021: Improper Restriction of Rendered UI Layers or Frames](https://cwe.mitre.org/data/definitions/1021.html)
    /// - [Django: clickjacking protection](https://docs.djangoproject.com/en/stable/ref/clickjacking/)
    pub(super) RULE = {
        name: "django-x-frame-options-weak",
        audit: Config,
        kind: Pattern,
        severity: Medium,
        confidence: High,
        likelihood: Low,
        impact: Medium,
        cwe: [1021],
        owasp: A05SecurityMisconfiguration,
        aliases: [],
        tags: ["django", "headers"],
        interest: [Module],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Some(settings) = Settings::of(ctx, node) else {
        return;
    };
    // Without the middleware the setting has no effect; the missing middleware is reported.
    if !settings.is_deployed() || !settings.matters(Needs::Middleware("XFrameOptionsMiddleware")) {
        return;
    }
    let Value::Set(assignment) = settings.top.value("X_FRAME_OPTIONS") else {
        return;
    };
    let Some(value) = str_value(assignment.value) else {
        return;
    };
    let normalized = value.trim().to_ascii_uppercase();
    if normalized == "DENY" || normalized == "SAMEORIGIN" {
        return;
    }
    settings.report(
        ctx,
        assignment.range(),
        format!(
            "`X_FRAME_OPTIONS = \"{}\"` is not a value browsers honour, so other sites can frame these pages (clickjacking); use \"DENY\" or \"SAMEORIGIN\"",
            value.escape_default()
        ),
    );
}
