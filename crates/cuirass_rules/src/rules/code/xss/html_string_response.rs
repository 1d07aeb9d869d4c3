use cuirass_python::Ranged;
use cuirass_python::ast::{self, Expr, Stmt};
use cuirass_python::semantic::Modules;

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::helpers::{built_string, leading_literal, route_decorator, str_value};
use crate::rules::code::xss::helpers::{
    Made, describe_parts, first_argument, how_made, looks_like_html,
};

declare_rule! {
    /// ## What it does
    /// Checks for HTML responses whose body is a string built at run time with markup in its
    /// literal parts and values that can carry text of the user's pasted in: an f-string,
    /// `%`, `.format()`, `+` or `"<br>".join(…)` passed to Django's `HttpResponse`, Flask's
    /// `make_response`/`Response`, Werkzeug's `Response`, Starlette's and FastAPI's
    /// `HTMLResponse`/`Response`, aiohttp's `web.Response(text=…, content_type="text/html")`, or
    /// returned as a string from a Flask view (`@app.route`).
    ///
    /// Values that cannot carry markup — escaped (`escape(x)`, `html.escape(x)`), sanitised, or
    /// numbers (`int(x)`, `len(x)`) — are not counted, and a response given a non-HTML
    /// `mimetype`/`content_type`/`media_type` is not reported. Whether a pasted value comes
    /// from the user is not followed (that is the taint analysis's job), so findings have low
    /// confidence.
    ///
    /// ## Why is this bad?
    /// Nothing escapes HTML built by hand: a name, a search term or an error message holding
    /// `<script>` runs in the browser of whoever sees the page (cross-site scripting).
    ///
    /// ## Example
    /// ```python
    /// from django.http import HttpResponse
    ///
    /// def search(request):
    ///     q = request.GET.get("q", "")
    ///     return HttpResponse(f"<h1>Results for {q}</h1>")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from django.shortcuts import render
    ///
    /// def search(request):
    ///     return render(request, "search.html", {"q": request.GET.get("q", "")})
    /// ```
    ///
    /// ## Fix
    /// Render a template (Django, Jinja2 with autoescape), or build the fragment with
    /// `format_html` / `Markup("…").format(…)`, which escape; at the least escape each value
    /// (`html.escape`, `cuirass.validation.escape_html`).
    ///
    /// ## References
    /// - [CWE-79: Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')](https://cwe.mitre.org/data/definitions/79.html)
    /// - [OWASP Cross Site Scripting Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Cross_Site_Scripting_Prevention_Cheat_Sheet.html)
    pub(super) RULE = {
        name: "html-string-response",
        audit: Code,
        kind: Pattern,
        severity: Medium,
        confidence: Low,
        likelihood: Medium,
        impact: High,
        cwe: [79],
        owasp: A03Injection,
        aliases: [],
        tags: ["xss"],
        interest: [Call, FunctionDef],
        check: check,
    }
}

/// Response constructors whose body is served as HTML unless told otherwise.
const HTML_RESPONSES: &[&str] = &[
    "django.http.HttpResponse",
    "django.http.response.HttpResponse",
    "flask.make_response",
    "flask.helpers.make_response",
    "flask.Response",
    "flask.wrappers.Response",
    "werkzeug.Response",
    "werkzeug.wrappers.Response",
    "werkzeug.wrappers.response.Response",
    "quart.make_response",
    "quart.Response",
    "starlette.responses.HTMLResponse",
    "starlette.responses.Response",
    "fastapi.Response",
    "fastapi.responses.HTMLResponse",
    "fastapi.responses.Response",
];

/// aiohttp's `web.Response` defaults to `text/plain`: only with an HTML content type.
const AIOHTTP_RESPONSES: &[&str] = &["aiohttp.web.Response", "aiohttp.web_response.Response"];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    match node {
        Node::Call(call) => {
            let body = if call.is_any(HTML_RESPONSES) {
                first_argument(call.node, &["content", "response", "body"])
            } else if call.is_any(AIOHTTP_RESPONSES) {
                let html = call
                    .keyword("content_type")
                    .and_then(str_value)
                    .is_some_and(|t| t.contains("html"));
                if !html {
                    return;
                }
                call.keyword("text").or_else(|| call.keyword("body"))
            } else {
                return;
            };
            let not_html = ["mimetype", "content_type", "media_type"].iter().any(|k| {
                call.keyword(k)
                    .and_then(str_value)
                    .is_some_and(|t| !t.contains("html"))
            });
            if let Some(body) = body
                && !not_html
            {
                report_if_html(ctx, body, "served as the response");
            }
        }
        Node::Stmt(Stmt::FunctionDef(function)) => {
            if !ctx.semantic.seen_module(Modules::FLASK) || route_decorator(function).is_none() {
                return;
            }
            let mut returned = Vec::new();
            collect_returns(&function.body, &mut returned);
            for value in returned {
                report_if_html(
                    ctx,
                    value,
                    "returned from a Flask view, which serves it as HTML",
                );
            }
        }
        _ => {}
    }
}

fn report_if_html(ctx: &mut Context<'_>, body: &Expr, how: &str) {
    let Made::Built(parts) = how_made(ctx, body) else {
        return;
    };
    let literal = match body {
        Expr::Call(call) => match call.func.as_ref() {
            Expr::Attribute(attr) if attr.attr.as_str() == "join" => str_value(&attr.value),
            _ => None,
        },
        _ => built_string(ctx.semantic, body).and_then(leading_literal),
    };
    if !literal.as_deref().is_some_and(looks_like_html) {
        return;
    }
    let parts = describe_parts(ctx, &parts);
    ctx.report(
        body.range(),
        format!(
            "HTML built from {parts} without escaping is {how} (XSS if any of it is user text); render a template or escape each value"
        ),
    );
}

/// The values of the `return` statements of a function body (the first element of a returned
/// tuple), not entering nested functions or classes.
fn collect_returns<'a>(body: &'a [Stmt], out: &mut Vec<&'a Expr>) {
    for stmt in body {
        match stmt {
            Stmt::Return(ret) => {
                if let Some(value) = &ret.value {
                    match value.as_ref() {
                        Expr::Tuple(ast::ExprTuple { elts, .. }) => out.extend(elts.first()),
                        other => out.push(other),
                    }
                }
            }
            Stmt::If(stmt_if) => {
                collect_returns(&stmt_if.body, out);
                for clause in &stmt_if.elif_else_clauses {
                    collect_returns(&clause.body, out);
                }
            }
            Stmt::For(stmt_for) => {
                collect_returns(&stmt_for.body, out);
                collect_returns(&stmt_for.orelse, out);
            }
            Stmt::While(stmt_while) => {
                collect_returns(&stmt_while.body, out);
                collect_returns(&stmt_while.orelse, out);
            }
            Stmt::With(with) => collect_returns(&with.body, out),
            Stmt::Try(stmt_try) => {
                collect_returns(&stmt_try.body, out);
                for handler in &stmt_try.handlers {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    collect_returns(&handler.body, out);
                }
                collect_returns(&stmt_try.orelse, out);
                collect_returns(&stmt_try.finalbody, out);
            }
            Stmt::Match(stmt_match) => {
                for case in &stmt_match.cases {
                    collect_returns(&case.body, out);
                }
            }
            _ => {}
        }
    }
}
