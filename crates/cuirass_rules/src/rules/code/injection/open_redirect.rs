use cuirass_python::Ranged;
use cuirass_python::ast::{self, Expr};

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::helpers::{RequestPart, find_request_input, leading_literal, terminal_name};

declare_rule! {
    /// ## What it does
    /// Checks for redirects to a URL read straight from the request: Flask / Werkzeug
    /// `redirect(…)`, Django `redirect(…)`, `HttpResponseRedirect(…)` and
    /// `HttpResponsePermanentRedirect(…)`, Starlette / FastAPI `RedirectResponse(…)`, whose
    /// target itself reads the query string or form (`request.args.get("next")`,
    /// `request.GET["next"]`, `request.query_params["url"]`), or is a text route parameter of
    /// the view.
    ///
    /// Not reported: targets built on a fixed path or origin (`f"/notes/{…}"`,
    /// `"https://acme.io/" + …`), values through `url_for` / `reverse`, headers such as the
    /// `Referer` (a victim's browser sets those, not the attacker's link), and functions that
    /// check the target (`url_has_allowed_host_and_scheme`, `is_safe_url`, or a parse of its
    /// `netloc`). This is a pattern rule, at medium confidence; flows through variables are
    /// the taint analysis's.
    ///
    /// ## Why is this bad?
    /// A link to `https://your.site/login?next=https://evil.example` looks like your site;
    /// after logging in, the victim lands on the attacker's copy of it and types their
    /// password again, or hands over an OAuth code. The trusted domain is what makes phishing
    /// work.
    ///
    /// ## Example
    /// ```python
    /// from flask import Flask, redirect, request
    ///
    /// app = Flask(__name__)
    ///
    /// @app.post("/login")
    /// def login():
    ///     ...
    ///     return redirect(request.args.get("next", "/"))
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from flask import Flask, redirect, request, url_for
    ///
    /// from cuirass.validation import is_safe_redirect
    ///
    /// app = Flask(__name__)
    ///
    /// @app.post("/login")
    /// def login():
    ///     ...
    ///     target = request.args.get("next", "")
    ///     return redirect(target if is_safe_redirect(target) else url_for("index"))
    /// ```
    ///
    /// ## Fix
    /// Redirect only to relative paths of your own site or an allow-list of hosts: check the
    /// target with `cuirass.validation`'s URL validators, Django's
    /// `url_has_allowed_host_and_scheme`, or map a key to a URL you choose.
    ///
    /// ## References
    /// - [CWE-601: URL Redirection to Untrusted Site ('Open Redirect')](https://cwe.mitre.org/data/definitions/601.html)
    /// - [OWASP Unvalidated Redirects and Forwards Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html)
    pub(super) RULE = {
        name: "open-redirect",
        audit: Code,
        kind: Pattern,
        severity: Medium,
        confidence: Medium,
        likelihood: High,
        impact: Medium,
        cwe: [601],
        owasp: A01BrokenAccessControl,
        aliases: [],
        tags: ["redirect", "flask", "django", "fastapi"],
        interest: [Call],
        check: check,
    }
}

/// Redirects, with the keyword of their target.
const REDIRECTS: &[(&str, &str)] = &[
    ("flask.redirect", "location"),
    ("flask.helpers.redirect", "location"),
    ("werkzeug.utils.redirect", "location"),
    ("django.shortcuts.redirect", "to"),
    ("django.http.HttpResponseRedirect", "redirect_to"),
    ("django.http.HttpResponsePermanentRedirect", "redirect_to"),
    ("django.http.response.HttpResponseRedirect", "redirect_to"),
    (
        "django.http.response.HttpResponsePermanentRedirect",
        "redirect_to",
    ),
    ("starlette.responses.RedirectResponse", "url"),
    ("fastapi.responses.RedirectResponse", "url"),
];

/// Functions whose result is a URL of the application itself.
const OWN_URLS: &[&str] = &[
    "url_for",
    "reverse",
    "reverse_lazy",
    "resolve_url",
    "url_path_for",
];

/// Text showing that the function checks the target first.
const TARGET_CHECKS: &[&str] = &[
    "url_has_allowed_host_and_scheme",
    "is_safe_url",
    "is_safe_redirect",
    "netloc",
    ".hostname",
];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let Some(name) = call.name else {
        return;
    };
    let Some((_, keyword)) = REDIRECTS.iter().find(|(n, _)| *n == name) else {
        return;
    };
    let Some(target) = call.argument(keyword, 0) else {
        return;
    };
    if has_fixed_origin(target) {
        return;
    }
    let stop = |_: &Context<'_>, inner: &ast::ExprCall| {
        terminal_name(&inner.func).is_some_and(|n| OWN_URLS.contains(&n))
    };
    let Some(input) =
        find_request_input(ctx, target, &stop).filter(|input| input.part != RequestPart::Headers)
    else {
        return;
    };
    if checks_target(ctx) {
        return;
    }
    let source = if input.source.starts_with("route parameter") {
        input.source.clone()
    } else {
        format!("`{}`", input.source)
    };
    ctx.report(
        call.node.range(),
        format!("`{name}` sends the browser to a URL taken from {source}, which can point to any site; allow only your own paths or hosts"),
    );
}

/// A target whose literal start fixes where it goes: a path (`/notes/…`, not `//…`) or an
/// origin (`https://host/…`).
fn has_fixed_origin(target: &Expr) -> bool {
    let Some(text) = leading_literal(target) else {
        return false;
    };
    if matches!(target, Expr::StringLiteral(_)) {
        return true;
    }
    if let Some(rest) = text.strip_prefix('/') {
        return !rest.starts_with(['/', '\\', ' ']);
    }
    let Some((_, after_scheme)) = text.split_once("://") else {
        return false;
    };
    // The host ends at a `/` before the first placeholder.
    let before_placeholder = after_scheme.split(" ? ").next().unwrap_or("");
    before_placeholder.contains('/')
}

/// Whether the enclosing function (or the file, at top level) checks the target.
fn checks_target(ctx: &Context<'_>) -> bool {
    let text = match ctx.function() {
        Some(function) => ctx.text(function.range()),
        None => ctx.source.text.as_str(),
    };
    TARGET_CHECKS.iter().any(|check| text.contains(check))
}
