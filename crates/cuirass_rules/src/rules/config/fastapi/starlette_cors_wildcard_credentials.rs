use cuirass_python::Ranged;
use cuirass_python::ast::{self, Expr};

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::helpers::str_value;
use crate::rules::config::helpers::{bool_literal, matches_any_origin};

declare_rule! {
    /// ## What it does
    /// Checks Starlette's (and FastAPI's) `CORSMiddleware` configured to let every origin make
    /// credentialed requests: `allow_credentials=True` together with `allow_origins=["*"]` or an
    /// `allow_origin_regex` that matches any origin (`".*"`, `"https?://.*"`). All three ways
    /// of adding the middleware are recognised: `app.add_middleware(CORSMiddleware, …)`,
    /// `Middleware(CORSMiddleware, …)` in a middleware list, and `CORSMiddleware(app, …)`.
    ///
    /// Names are resolved through imports (`starlette.middleware.cors.CORSMiddleware`,
    /// `fastapi.middleware.cors.CORSMiddleware`). Options that are not literals, or passed as
    /// `**kwargs`, are not judged; every origin *without* credentials is how public APIs work
    /// and is not reported.
    ///
    /// ## Why is this bad?
    /// With `allow_origins=["*"]` and credentials, Starlette answers a request that carries
    /// cookies with `Access-Control-Allow-Origin: <the request's origin>` and
    /// `Access-Control-Allow-Credentials: true`: any web page a signed-in user visits can call
    /// the API with the user's cookies and read the answers.
    ///
    /// ## Example
    /// ```python
    /// from fastapi import FastAPI
    /// from fastapi.middleware.cors import CORSMiddleware
    ///
    /// app = FastAPI()
    /// app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from fastapi import FastAPI
    /// from fastapi.middleware.cors import CORSMiddleware
    ///
    /// app = FastAPI()
    /// app.add_middleware(
    ///     CORSMiddleware,
    ///     allow_origins=["https://app.example.com"],
    ///     allow_credentials=True,
    /// )
    /// ```
    ///
    /// ## Fix
    /// List the origins allowed to make credentialed requests (from configuration per
    /// deployment), or drop `allow_credentials` for a public API.
    ///
    /// ## References
    /// - [CWE-942: Permissive Cross-domain Policy with Untrusted Domains](https://cwe.mitre.org/data/definitions/942.html)
    /// - [Starlette: CORSMiddleware](https://www.starlette.io/middleware/#corsmiddleware)
    /// - [FastAPI: CORS](https://fastapi.tiangolo.com/tutorial/cors/)
    pub(super) RULE = {
        name: "starlette-cors-wildcard-credentials",
        audit: Config,
        kind: Pattern,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [942],
        owasp: A05SecurityMisconfiguration,
        aliases: [],
        tags: ["fastapi", "starlette", "cors"],
        interest: [Call],
        check: check,
    }
}

const CORS_MIDDLEWARE: &[&str] = &[
    "starlette.middleware.cors.CORSMiddleware",
    "fastapi.middleware.cors.CORSMiddleware",
];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    // `CORSMiddleware(app, …)`, or `add_middleware(CORSMiddleware, …)` / `Middleware(CORSMiddleware, …)`.
    let configures = call.is_any(CORS_MIDDLEWARE)
        || call.arg(0).is_some_and(|first| {
            ctx.qualified_name(first)
                .is_some_and(|name| CORS_MIDDLEWARE.contains(&name.as_str()))
        });
    if !configures || call.has_kwargs_splat() {
        return;
    }
    if call.keyword("allow_credentials").and_then(bool_literal) != Some(true) {
        return;
    }
    let origins = call
        .keyword("allow_origins")
        .filter(|origins| match origins {
            Expr::List(ast::ExprList { elts, .. }) | Expr::Tuple(ast::ExprTuple { elts, .. }) => {
                elts.iter().any(|e| str_value(e).as_deref() == Some("*"))
            }
            other => str_value(other).is_some_and(|o| o.contains('*')),
        });
    let regex = call
        .keyword("allow_origin_regex")
        .filter(|regex| str_value(regex).is_some_and(|r| matches_any_origin(&r, false)));
    let Some(option) = origins.or(regex) else {
        return;
    };
    let which = if origins.is_some() {
        "`allow_origins` holds \"*\""
    } else {
        "`allow_origin_regex` matches every origin"
    };
    ctx.report(
        option.range(),
        format!(
            "{which} and `allow_credentials=True`: Starlette then echoes any site's origin, so every website can call this API with the user's cookies and read the responses; list trusted origins"
        ),
    );
}
