use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::rules::config::django::helpers::{Needs, check_required_true};

declare_rule! {
    /// ## What it does
    /// Checks for `SESSION_COOKIE_HTTPONLY` set to a false literal in a Django settings module
    /// (Django's deployment checks `security.W013`–`W015`). Django's default is `True`, so a
    /// module that does not set it is fine.
    ///
    /// Values read from the environment are not reported, nor are settings named for
    /// development or tests.
    ///
    /// As Django's check does, the rule stays quiet when the module shows there are no sessions:
    /// `django.contrib.sessions` missing from a literal `INSTALLED_APPS` and `SessionMiddleware`
    /// missing from a literal `MIDDLEWARE`.
    ///
    /// ## Why is this bad?
    /// Without `HttpOnly`, JavaScript on the page can read the session cookie: one cross-site
    /// scripting bug is then enough to send it to an attacker, who can use the session from
    /// anywhere until it expires.
    ///
    /// ## Example
    /// ```python
    /// SESSION_COOKIE_HTTPONLY = False
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// SESSION_COOKIE_HTTPONLY = True  # the default; or leave it out
    /// ```
    ///
    /// ## Fix
    /// Remove the setting (the default is right). Scripts that need to know whether the user is
    /// signed in can call an endpoint instead of reading the cookie.
    ///
    /// ## References
    /// - [CWE-1004: Sensitive Cookie Without 'HttpOnly' Flag](https://cwe.mitre.org/data/definitions/1004.html)
    /// - [Django: `SESSION_COOKIE_HTTPONLY`](https://docs.djangoproject.com/en/stable/ref/settings/#session-cookie-httponly)
    pub(super) RULE = {
        name: "django-session-cookie-httponly-off",
        audit: Config,
        kind: Pattern,
        severity: Medium,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [1004],
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
        "SESSION_COOKIE_HTTPONLY",
        Needs::Sessions,
        || {
            "`SESSION_COOKIE_HTTPONLY` is off, so scripts on the page (and any XSS) can read the session cookie; remove the setting or set it to `True`".to_string()
        },
        None,
    );
}
