use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::helpers::str_value;
use crate::rules::config::django::helpers::{Needs, Settings};
use crate::rules::config::helpers::Value;

declare_rule! {
    /// ## What it does
    /// Checks for `SECURE_REFERRER_POLICY` set to `None` (no `Referrer-Policy` header: Django's
    /// deployment check `security.W022`), `""`, `"unsafe-url"` or `"no-referrer-when-downgrade"`
    /// in a Django settings module. Django's default since 3.1 is `"same-origin"`, so a module
    /// that does not set it is fine.
    ///
    /// Values read from the environment are not reported, nor are settings named for
    /// development or tests.
    ///
    /// As Django's check does, the rule stays quiet when a literal `MIDDLEWARE` lacks
    /// `SecurityMiddleware`, which applies this setting (`django-security-middleware-missing`
    /// reports that).
    ///
    /// ## Why is this bad?
    /// These policies send the full URL of the page — path and query string — to every other
    /// site the page links to or loads from. URLs often carry what should stay private:
    /// password-reset and invitation tokens, search terms, record ids.
    ///
    /// ## Example
    /// ```python
    /// SECURE_REFERRER_POLICY = "unsafe-url"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
    /// ```
    ///
    /// ## Fix
    /// Use `"same-origin"` (the default), `"strict-origin-when-cross-origin"` or `"no-referrer"`.
    /// `cuirass.web`'s security-headers middleware sets a referrer policy for other WSGI/ASGI
    /// apps.
    ///
    /// ## References
    /// - [CWE-200: Exposure of Sensitive Information to an Unauthorized Actor](https://cwe.mitre.org/data/definitions/200.html)
    /// - [Django: Referrer-Policy](https://docs.djangoproject.com/en/stable/ref/middleware/#referrer-policy)
    /// - [MDN: Referrer-Policy](https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Referrer-Policy)
    pub(super) RULE = {
        name: "django-referrer-policy-unsafe",
        audit: Config,
        kind: Pattern,
        severity: Low,
        confidence: High,
        likelihood: Low,
        impact: Low,
        cwe: [200],
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
    if !settings.is_deployed() || !settings.matters(Needs::Middleware("SecurityMiddleware")) {
        return;
    }
    let Value::Set(assignment) = settings.top.value("SECURE_REFERRER_POLICY") else {
        return;
    };
    let message = if assignment.value.is_none_literal_expr() {
        "`SECURE_REFERRER_POLICY = None` sends no `Referrer-Policy` header, so browsers may send full URLs (with their tokens) to other sites; use \"same-origin\" or \"strict-origin-when-cross-origin\"".to_string()
    } else {
        let Some(value) = str_value(assignment.value) else {
            return;
        };
        let policies: Vec<String> = value
            .split(',')
            .map(|p| p.trim().to_ascii_lowercase())
            .collect();
        // The browser uses the last policy it understands.
        let last = policies.last().map_or("", String::as_str);
        if !matches!(last, "" | "unsafe-url" | "no-referrer-when-downgrade") {
            return;
        }
        format!(
            "`SECURE_REFERRER_POLICY = \"{}\"` sends full URLs (with their tokens) to other sites; use \"same-origin\" or \"strict-origin-when-cross-origin\"",
            value.escape_default()
        )
    };
    settings.report(ctx, assignment.range(), message);
}
