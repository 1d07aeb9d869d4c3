use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::rules::config::django::helpers::check_middleware;

declare_rule! {
    /// ## What it does
    /// Checks that the `MIDDLEWARE` list of a Django settings module includes
    /// `django.middleware.csrf.CsrfViewMiddleware` (Django's deployment check `security.W003`).
    ///
    /// Only a list written out as a literal is judged: one built from other lists, changed
    /// with `append`/`insert`/`+=`, or assigned conditionally is not. Settings named for
    /// development or tests are skipped. A class of the same name from another module counts
    /// as present (a subclass). A pure token-authenticated API without cookies does not need
    /// CSRF protection; suppress the finding with that reason.
    ///
    /// ## Why is this bad?
    /// Without the middleware, no view checks the CSRF token (unless each is decorated with
    /// `csrf_protect`): any site a signed-in user visits can make the browser submit forms to
    /// this one with the user's cookies — change the e-mail address, the password, transfer
    /// money.
    ///
    /// ## Example
    /// ```python
    /// MIDDLEWARE = [
    ///     "django.middleware.security.SecurityMiddleware",
    ///     "django.contrib.sessions.middleware.SessionMiddleware",
    ///     "django.contrib.auth.middleware.AuthenticationMiddleware",
    /// ]
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// MIDDLEWARE = [
    ///     "django.middleware.security.SecurityMiddleware",
    ///     "django.contrib.sessions.middleware.SessionMiddleware",
    ///     "django.middleware.csrf.CsrfViewMiddleware",
    ///     "django.contrib.auth.middleware.AuthenticationMiddleware",
    /// ]
    /// ```
    ///
    /// ## Fix
    /// Add `CsrfViewMiddleware` back (before any middleware that assumes the request is
    /// legitimate), and put `{% csrf_token %}` in forms.
    ///
    /// ## References
    /// - [CWE-352: Cross-Site Request Forgery (CSRF)](https://cwe.mitre.org/data/definitions/352.html)
    /// - [Django: Cross Site Request Forgery protection](https://docs.djangoproject.com/en/stable/ref/csrf/)
    pub(super) RULE = {
        name: "django-csrf-middleware-missing",
        audit: Config,
        kind: Pattern,
        severity: Medium,
        confidence: Medium,
        likelihood: Medium,
        impact: High,
        cwe: [352],
        owasp: A01BrokenAccessControl,
        aliases: [],
        tags: ["django", "csrf"],
        interest: [Module],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    check_middleware(ctx, node, "CsrfViewMiddleware", |name| {
        format!(
            "`{name}` lacks `django.middleware.csrf.CsrfViewMiddleware`, so no view checks CSRF tokens and other sites can submit forms as the signed-in user; add it"
        )
    });
}
