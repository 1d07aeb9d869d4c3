use cuirass_python::ast::{self, Expr};
use cuirass_python::{Ranged, TextRange};

use crate::checker::{Call, Context, Node};
use crate::declare_rule;
use crate::helpers::str_value;
use crate::rules::config::helpers::{bool_literal, matches_any_origin};

declare_rule! {
    /// ## What it does
    /// Checks Flask-CORS calls that let every origin make credentialed requests:
    /// `CORS(app, …)` or `@cross_origin(…)` with `supports_credentials=True` and origins that
    /// match any site — `origins="*"`, a list holding `"*"` or a match-everything regex
    /// (`".*"`), or no `origins` at all (Flask-CORS's default is `"*"`). Per-resource options
    /// (`resources={r"/api/*": {"origins": "*", "supports_credentials": True}}`) are checked
    /// resource by resource, inheriting the call's options.
    ///
    /// Names are resolved through imports (`flask_cors.CORS`, `flask_cors.cross_origin`).
    /// `send_wildcard=True` (a literal `*` header, which browsers refuse with credentials) and
    /// origins that are not literals are not reported; nor is every origin *without*
    /// credentials, which is how public APIs work. Options set through `app.config`
    /// (`CORS_SUPPORTS_CREDENTIALS`) are not seen.
    ///
    /// ## Why is this bad?
    /// For a wildcard, Flask-CORS echoes the request's `Origin` back in
    /// `Access-Control-Allow-Origin`; with `Access-Control-Allow-Credentials: true` as well, any
    /// web page a signed-in user visits can call the API with the user's cookies and read the
    /// answers.
    ///
    /// ## Example
    /// ```python
    /// from flask_cors import CORS
    ///
    /// CORS(app, supports_credentials=True)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from flask_cors import CORS
    ///
    /// CORS(app, origins=["https://app.example.com"], supports_credentials=True)
    /// ```
    ///
    /// ## Fix
    /// List the origins allowed to make credentialed requests, or drop `supports_credentials`
    /// for a public API.
    ///
    /// ## References
    /// - [CWE-942: Permissive Cross-domain Policy with Untrusted Domains](https://cwe.mitre.org/data/definitions/942.html)
    /// - [Flask-CORS: API](https://flask-cors.readthedocs.io/en/latest/api.html)
    /// - [PortSwigger: CORS vulnerabilities](https://portswigger.net/web-security/cors)
    pub(super) RULE = {
        name: "flask-cors-wildcard-credentials",
        audit: Config,
        kind: Pattern,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [942],
        owasp: A05SecurityMisconfiguration,
        aliases: [],
        tags: ["flask", "cors"],
        interest: [Call],
        check: check,
    }
}

const CORS_CALLS: &[&str] = &[
    "flask_cors.CORS",
    "flask_cors.extension.CORS",
    "flask_cors.cross_origin",
    "flask_cors.decorator.cross_origin",
];

/// Whether an `origins` option allows any site; `None` is Flask-CORS's default, `"*"`.
fn any_origin(origins: Option<&Expr>) -> bool {
    let Some(origins) = origins else {
        return true;
    };
    let wildcard = |pattern: &str| pattern.trim() == "*" || matches_any_origin(pattern, true);
    match origins {
        Expr::StringLiteral(_) => str_value(origins).is_some_and(|o| wildcard(&o)),
        Expr::List(ast::ExprList { elts, .. }) | Expr::Tuple(ast::ExprTuple { elts, .. }) => elts
            .iter()
            .any(|e| str_value(e).is_some_and(|o| wildcard(&o))),
        _ => false,
    }
}

/// The value of `key` in a dict display with string keys.
fn dict_get<'a>(dict: &'a ast::ExprDict, key: &str) -> Option<&'a Expr> {
    dict.items
        .iter()
        .find(|item| item.key.as_ref().and_then(str_value).as_deref() == Some(key))
        .map(|item| &item.value)
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    if !call.is_any(CORS_CALLS) || call.has_kwargs_splat() {
        return;
    }
    if call.keyword("send_wildcard").and_then(bool_literal) == Some(true) {
        return;
    }
    let credentials = call.keyword("supports_credentials").and_then(bool_literal);
    let origins = call.keyword("origins");
    let mut found: Vec<TextRange> = Vec::new();
    match call.keyword("resources") {
        Some(Expr::Dict(resources)) => {
            for item in &resources.items {
                let Expr::Dict(options) = &item.value else {
                    continue;
                };
                let credentials =
                    dict_get(options, "supports_credentials").map_or(credentials, bool_literal);
                let origins = dict_get(options, "origins").or(origins);
                if credentials == Some(true) && any_origin(origins) {
                    found.push(item.value.range());
                }
            }
        }
        _ => {
            if credentials == Some(true) && any_origin(origins) {
                found.push(call.node.range());
            }
        }
    }
    report(ctx, call, &found);
}

fn report(ctx: &mut Context<'_>, call: &Call<'_>, found: &[TextRange]) {
    let what = if call.name.is_some_and(|n| n.ends_with("cross_origin")) {
        "`cross_origin`"
    } else {
        "`CORS`"
    };
    for range in found {
        ctx.report(
            *range,
            format!(
                "{what} allows every origin together with `supports_credentials=True`: Flask-CORS echoes any site's origin, so every website can call this app with the user's cookies and read the responses; list trusted origins"
            ),
        );
    }
}
