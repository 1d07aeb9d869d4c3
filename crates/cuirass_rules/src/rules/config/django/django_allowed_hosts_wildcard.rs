use cuirass_python::Ranged;

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::rules::config::django::helpers::Settings;
use crate::rules::config::helpers::string_elements;

declare_rule! {
    /// ## What it does
    /// Checks for `"*"` in a Django settings module's `ALLOWED_HOSTS` (as a list or tuple
    /// element, also in `ALLOWED_HOSTS += ["*"]`).
    ///
    /// Assignments inside `if` blocks depend on the environment and are not reported, nor are
    /// settings named for development or tests. Patterns such as `".example.com"` (the domain
    /// and its subdomains) are what `ALLOWED_HOSTS` is for and are fine. (Django's own check
    /// `security.W020` is about an *empty* list, which makes Django refuse every request rather
    /// than weakening anything.)
    ///
    /// ## Why is this bad?
    /// `ALLOWED_HOSTS` is Django's validation of the `Host` header. With `"*"`, any host name
    /// is accepted and `request.get_host()` returns whatever the client sent: password-reset
    /// and activation e-mails then carry links to the attacker's domain (the token goes with
    /// them), and caches can be poisoned with pages built for a forged host.
    ///
    /// ## Example
    /// ```python
    /// ALLOWED_HOSTS = ["*"]
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// ALLOWED_HOSTS = ["example.com", ".example.com"]
    /// ```
    ///
    /// ## Fix
    /// List the host names the site is served under (a leading dot allows subdomains), or read
    /// them from the environment for each deployment.
    ///
    /// ## References
    /// - [CWE-20: Improper Input Validation](https://cwe.mitre.org/data/definitions/20.html)
    /// - [Django: `ALLOWED_HOSTS`](https://docs.djangoproject.com/en/stable/ref/settings/#allowed-hosts)
    /// - [Django security: host header validation](https://docs.djangoproject.com/en/stable/topics/security/#host-header-validation)
    pub(super) RULE = {
        name: "django-allowed-hosts-wildcard",
        audit: Config,
        kind: Pattern,
        severity: Medium,
        confidence: High,
        likelihood: Medium,
        impact: Medium,
        cwe: [20],
        owasp: A05SecurityMisconfiguration,
        aliases: [],
        tags: ["django"],
        interest: [Module],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Some(settings) = Settings::of(ctx, node) else {
        return;
    };
    if !settings.is_deployed() {
        return;
    }
    let mut wildcards = Vec::new();
    for assignment in settings.top.of("ALLOWED_HOSTS") {
        if assignment.conditional {
            continue;
        }
        for (host, element) in string_elements(assignment.value).unwrap_or_default() {
            if host.trim() == "*" {
                wildcards.push(element.range());
            }
        }
    }
    for range in wildcards {
        settings.report(
            ctx,
            range,
            "`ALLOWED_HOSTS` accepts any `Host` header, so links Django builds (password resets) can point at an attacker's domain; list the site's host names".to_string(),
        );
    }
}
