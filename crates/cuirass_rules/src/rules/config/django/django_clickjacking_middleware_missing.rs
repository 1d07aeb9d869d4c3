use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::rules::config::django::helpers::check_middleware;

declare_rule! {
    /// ## What it does
    /// Checks that the `MIDDLEWARE` list of a Django settings module includes
    /// `django.middleware.clickjacking.XFrameOptionsMiddleware` (Django's deployment check
    /// `security.W002`).
    ///
    /// Only a list written out as a literal is judged: one built from other lists, changed
    /// with `append`/`insert`/`+=`, or assigned conditionally is not. Settings named for
    /// development or tests are skipped. A class of the same name from another module counts
    /// as present (a subclass). If the site sends `Content-Security-Policy: frame-ancestors`
    /// by other means, suppress the finding with that reason.
    ///
    /// ## Why is this bad?
    /// Without an `X-Frame-Options` (or `frame-ancestors`) header, any site can load the
    /// pages in an invisible frame and trick users into clicking on them (clickjacking).
    ///
    /// ## Example
    /// ```python
    /// MIDDLEWARE = [
    ///     "django.middleware.security.SecurityMiddleware",
    ///     "django.middleware.csrf.CsrfViewMiddleware",
    /// ]
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// MIDDLEWARE = [
    ///     "django.middleware.security.SecurityMiddleware",
    ///     "django.middleware.csrf.CsrfViewMiddleware",
    ///     "django.middleware.clickjacking.XFrameOptionsMiddleware",
    /// ]
    /// ```
    ///
    /// ## Fix
    /// Add `XFrameOptionsMiddleware` (with `X_FRAME_OPTIONS = "DENY"`, the default), or send
    /// `Content-Security-Policy: frame-ancestors 'none'` (`cuirass.web`'s security-headers
    /// middleware can).
    ///
    /// ## References
    /// - [CWE-1021: Improper Restriction of Rendered UI Layers or Frames](https://cwe.mitre.org/data/definitions/1021.html)
    /// - [Django: clickjacking protection](https://docs.djangoproject.com/en/stable/ref/clickjacking/)
    pub(super) RULE = {
        name: "django-clickjacking-middleware-missing",
        audit: Config,
        kind: Pattern,
        severity: Low,
        confidence: Medium,
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
    check_middleware(ctx, node, "XFrameOptionsMiddleware", |name| {
        format!(
            "`{name}` lacks `django.middleware.clickjacking.XFrameOptionsMiddleware`, so pages carry no `X-Frame-Options` header and other sites can frame them (clickjacking); add it"
        )
    });
}
