use cuirass_python::Ranged;

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::rules::config::helpers::{
    Purpose, TopLevel, Value, bool_literal, file_purpose, matches_any_origin, string_elements,
};

declare_rule! {
    /// ## What it does
    /// Checks django-cors-headers settings that let every origin make credentialed requests:
    /// `CORS_ALLOW_ALL_ORIGINS = True` (or its old name `CORS_ORIGIN_ALLOW_ALL`), or a
    /// `CORS_ALLOWED_ORIGIN_REGEXES` (`CORS_ORIGIN_REGEX_WHITELIST`) entry matching any origin
    /// (`.*`, `^https?://.*$`), together with `CORS_ALLOW_CREDENTIALS = True` in the same
    /// module.
    ///
    /// Any module is checked (the names are specific to django-cors-headers); values read from
    /// the environment or set in `if` blocks are not reported, nor are modules named for
    /// development or tests. Allowing every origin *without* credentials is how public APIs
    /// work and is not reported. When the two settings live in different modules (a base and a
    /// production module) this rule does not see them together.
    ///
    /// ## Why is this bad?
    /// With both, django-cors-headers answers every origin with
    /// `Access-Control-Allow-Origin: <that origin>` and `Access-Control-Allow-Credentials:
    /// true`: any web page a signed-in user visits can call the API with the user's cookies and
    /// read the answers — their data, their CSRF token.
    ///
    /// ## Example
    /// ```python
    /// CORS_ALLOW_ALL_ORIGINS = True
    /// CORS_ALLOW_CREDENTIALS = True
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    /// CORS_ALLOW_CREDENTIALS = True
    /// ```
    ///
    /// ## Fix
    /// List the origins that may make credentialed requests in `CORS_ALLOWED_ORIGINS`, or drop
    /// `CORS_ALLOW_CREDENTIALS` for a public API.
    ///
    /// ## References
    /// - [CWE-942: Permissive Cross-domain Policy with Untrusted Domains](https://cwe.mitre.org/data/definitions/942.html)
    /// - [django-cors-headers: settings](https://github.com/adamchainz/django-cors-headers#configuration)
    /// - [PortSwigger: CORS vulnerabilities](https://portswigger.net/web-security/cors)
    pub(super) RULE = {
        name: "django-cors-wildcard-credentials",
        audit: Config,
        kind: Pattern,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [942],
        owasp: A05SecurityMisconfiguration,
        aliases: [],
        tags: ["django", "cors"],
        interest: [Module],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Module(suite) = node else {
        return;
    };
    if file_purpose(ctx) == Purpose::Development {
        return;
    }
    let top = TopLevel::collect(ctx, suite);
    let credentials = ["CORS_ALLOW_CREDENTIALS"].iter().any(
        |name| matches!(top.value(name), Value::Set(a) if bool_literal(a.value) == Some(true)),
    );
    if !credentials {
        return;
    }
    let mut found = Vec::new();
    for name in ["CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL"] {
        if let Value::Set(assignment) = top.value(name)
            && bool_literal(assignment.value) == Some(true)
        {
            found.push((
                assignment.range(),
                format!(
                    "`{name} = True` with `CORS_ALLOW_CREDENTIALS = True` lets every website call this site with the user's cookies and read the responses; list trusted origins in `CORS_ALLOWED_ORIGINS`"
                ),
            ));
        }
    }
    for name in ["CORS_ALLOWED_ORIGIN_REGEXES", "CORS_ORIGIN_REGEX_WHITELIST"] {
        if let Value::Set(assignment) = top.value(name) {
            for (pattern, element) in string_elements(assignment.value).unwrap_or_default() {
                if matches_any_origin(&pattern, true) {
                    found.push((
                        element.range(),
                        format!(
                            "the `{name}` entry `{}` matches every origin and `CORS_ALLOW_CREDENTIALS = True`, so every website can call this site with the user's cookies and read the responses; list trusted origins instead",
                            pattern.escape_default()
                        ),
                    ));
                }
            }
        }
    }
    for (range, message) in found {
        ctx.report(range, message);
    }
}
