use cuirass_python::Ranged;
use cuirass_python::ast::Expr;

use crate::checker::{Call, Context, Node};
use crate::declare_rule;
use crate::helpers::{constructed_by, find_request_input, leading_literal};

declare_rule! {
    /// ## What it does
    /// Checks for outgoing HTTP requests whose URL reads request data directly: `requests`
    /// and `httpx` functions (`get`, `post`, …, `request`, `stream`), `aiohttp.request`, and
    /// the request methods of a `requests.Session`, `httpx.Client` / `AsyncClient`,
    /// `aiohttp.ClientSession` or `urllib3.PoolManager` built in sight, given a URL that
    /// itself reads the query string, form, JSON body, headers or cookies
    /// (`request.args["url"]`, `request.GET.get("callback")`, `f"http://{request.args['host']}/x"`)
    /// or is a text route parameter of the view.
    ///
    /// Not reported: URLs whose literal start fixes scheme and host
    /// (`f"https://api.acme.io/items/{…}"`: the value only picks a path on a known host), and
    /// functions that check the host first (a parse of the URL's `netloc` / `hostname`, or
    /// an allow-list named `ALLOWED_HOSTS`). `urllib.request.urlopen` is
    /// `urlopen-dynamic-url`'s. This is a pattern rule, at medium confidence; flows through
    /// variables are the taint analysis's.
    ///
    /// ## Why is this bad?
    /// The server makes the request from inside your network, with its own credentials:
    /// a URL chosen by the client reaches internal admin pages, databases with HTTP
    /// interfaces, and the cloud metadata service (`http://169.254.169.254/`), whose
    /// temporary keys give access to the whole account.
    ///
    /// ## Example
    /// ```python
    /// import requests
    /// from flask import Flask, request
    ///
    /// app = Flask(__name__)
    ///
    /// @app.get("/preview")
    /// def preview():
    ///     return requests.get(request.args["url"], timeout=5).text
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from urllib.parse import urlsplit
    ///
    /// import requests
    /// from flask import Flask, abort, request
    ///
    /// app = Flask(__name__)
    /// ALLOWED_HOSTS = {"images.acme.io"}
    ///
    /// @app.get("/preview")
    /// def preview():
    ///     url = request.args["url"]
    ///     parts = urlsplit(url)
    ///     if parts.scheme != "https" or parts.hostname not in ALLOWED_HOSTS:
    ///         abort(400)
    ///     return requests.get(url, timeout=5, allow_redirects=False).text
    /// ```
    ///
    /// ## Fix
    /// Allow only known hosts (and `https`), checked on the parsed URL with
    /// `cuirass.validation`'s URL validators; refuse private and link-local addresses after
    /// resolving the name, and do not follow redirects blindly.
    ///
    /// ## References
    /// - [CWE-918: Server-Side Request Forgery (SSRF)](https://cwe.mitre.org/data/definitions/918.html)
    /// - [OWASP Server-Side Request Forgery Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html)
    pub(super) RULE = {
        name: "ssrf-request-url",
        audit: Code,
        kind: Pattern,
        severity: High,
        confidence: Medium,
        likelihood: Medium,
        impact: High,
        cwe: [918],
        owasp: A10Ssrf,
        aliases: [],
        tags: ["ssrf", "requests", "httpx"],
        interest: [Call],
        check: check,
    }
}

/// Client functions, with the position of their URL argument.
const FUNCTIONS: &[(&str, usize)] = &[
    ("requests.get", 0),
    ("requests.post", 0),
    ("requests.put", 0),
    ("requests.patch", 0),
    ("requests.delete", 0),
    ("requests.head", 0),
    ("requests.options", 0),
    ("requests.request", 1),
    ("requests.api.get", 0),
    ("requests.api.post", 0),
    ("requests.api.request", 1),
    ("httpx.get", 0),
    ("httpx.post", 0),
    ("httpx.put", 0),
    ("httpx.patch", 0),
    ("httpx.delete", 0),
    ("httpx.head", 0),
    ("httpx.options", 0),
    ("httpx.request", 1),
    ("httpx.stream", 1),
    ("aiohttp.request", 1),
    ("urllib3.request", 1),
];

/// Session constructors whose methods take a URL.
const SESSIONS: &[&str] = &[
    "requests.Session",
    "requests.session",
    "requests.sessions.Session",
    "httpx.Client",
    "httpx.AsyncClient",
    "aiohttp.ClientSession",
    "urllib3.PoolManager",
    "urllib3.poolmanager.PoolManager",
];

/// Session methods, with the position of their URL argument.
const METHODS: &[(&str, usize)] = &[
    ("get", 0),
    ("post", 0),
    ("put", 0),
    ("patch", 0),
    ("delete", 0),
    ("head", 0),
    ("options", 0),
    ("request", 1),
    ("stream", 1),
    ("urlopen", 1),
];

/// Text showing that the function checks the host first.
const HOST_CHECKS: &[&str] = &[
    "netloc",
    ".hostname",
    "ALLOWED_HOSTS",
    "allowed_hosts",
    "is_safe_url",
];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let Some((callee, position)) = client_call(ctx, call) else {
        return;
    };
    let Some(url) = call.argument("url", position) else {
        return;
    };
    if has_fixed_host(url) {
        return;
    }
    let Some(input) = find_request_input(ctx, url, &|_, _| false) else {
        return;
    };
    if checks_host(ctx) {
        return;
    }
    let source = if input.source.starts_with("route parameter") {
        input.source.clone()
    } else {
        format!("`{}`", input.source)
    };
    ctx.report(
        call.node.range(),
        format!("{callee} fetches a URL taken from {source}, so the client chooses which host the server calls (internal services, cloud metadata); allow only known hosts"),
    );
}

/// The callee and URL position of an HTTP client call.
fn client_call(ctx: &Context<'_>, call: &Call<'_>) -> Option<(String, usize)> {
    if let Some(name) = call.name {
        let (_, position) = FUNCTIONS.iter().find(|(n, _)| *n == name)?;
        return Some((format!("`{name}`"), *position));
    }
    let method = call.method()?;
    let (_, position) = METHODS.iter().find(|(m, _)| *m == method)?;
    let Expr::Attribute(attr) = call.node.func.as_ref() else {
        return None;
    };
    let session = constructed_by(ctx.semantic, &attr.value)?;
    SESSIONS
        .contains(&session.as_str())
        .then(|| (format!("`{session}(…).{method}`"), *position))
}

/// A URL whose literal start fixes scheme and host: `https://host/` before any placeholder.
fn has_fixed_host(url: &Expr) -> bool {
    let Some(text) = leading_literal(url) else {
        return false;
    };
    let Some((_, after_scheme)) = text.split_once("://") else {
        return false;
    };
    let before_placeholder = after_scheme.split(" ? ").next().unwrap_or("");
    before_placeholder.contains('/') && !text.starts_with(" ? ")
}

/// Whether the enclosing function (or the file, at top level) checks the host.
fn checks_host(ctx: &Context<'_>) -> bool {
    let text = match ctx.function() {
        Some(function) => ctx.text(function.range()),
        None => ctx.source.text.as_str(),
    };
    HOST_CHECKS.iter().any(|check| text.contains(check))
}
