use cuirass_python::Ranged;
use cuirass_python::ast::{Expr, Operator};

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::helpers::{bound_value, is_constant_value, leading_literal};

declare_rule! {
    /// ## What it does
    /// Checks for `urllib.request.urlopen`, `urlretrieve` and `Request` (and their Python 2
    /// and `six.moves` spellings) given a URL whose scheme the code does not fix: a parameter
    /// or any other value that does not start with a literal `scheme://`.
    ///
    /// ## Why is this bad?
    /// `urllib` follows whatever scheme the URL names. Besides `http` and `https` it opens
    /// `file://` (any local file the process can read), `ftp://` and `data:` URLs, so a URL
    /// that comes from a user or another service can read `/etc/passwd` or the application's
    /// own secrets, or reach internal hosts (server-side request forgery).
    ///
    /// Bandit (B310) reports every call. Here a literal URL, or one built from a literal
    /// `https://host/…` head (an f-string, `+` or `.format`), is not reported: its scheme is
    /// in plain sight. `urlopen(request)` on a `Request` built in sight is left to that
    /// `Request`, and a function that checks the scheme first (a `startswith("https://")`
    /// or `urlparse(url).scheme` test) is trusted.
    ///
    /// ## Example
    /// ```python
    /// from urllib.request import urlopen
    ///
    /// def fetch_avatar(url):
    ///     with urlopen(url, timeout=10) as response:
    ///         return response.read()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from urllib.parse import urlsplit
    /// from urllib.request import urlopen
    ///
    /// def fetch_avatar(url):
    ///     if urlsplit(url).scheme != "https":
    ///         raise ValueError("avatars are fetched over https only")
    ///     with urlopen(url, timeout=10) as response:
    ///         return response.read()
    /// ```
    ///
    /// ## Fix
    /// Check the scheme (and, for user-supplied URLs, the host) before opening it, with the
    /// URL validators of `cuirass.validation`, or use an HTTP client that only speaks HTTP
    /// (`requests`, `httpx`).
    ///
    /// ## References
    /// - [CWE-918: Server-Side Request Forgery (SSRF)](https://cwe.mitre.org/data/definitions/918.html)
    /// - [Python docs: `urllib.request.urlopen`](https://docs.python.org/3/library/urllib.request.html#urllib.request.urlopen)
    pub(super) RULE = {
        name: "urlopen-dynamic-url",
        audit: Code,
        kind: Pattern,
        severity: Medium,
        confidence: Medium,
        likelihood: Medium,
        impact: Medium,
        cwe: [918],
        owasp: A10Ssrf,
        aliases: [Bandit("B310"), Ruff("S310")],
        tags: ["urllib", "ssrf"],
        interest: [Call],
        check: check,
    }
}

/// Functions that open a URL (or build a request for one) as their first argument.
const OPENERS: &[&str] = &[
    "urllib.request.urlopen",
    "urllib.request.urlretrieve",
    "urllib.request.Request",
    "urllib.urlopen",
    "urllib.urlretrieve",
    "urllib2.urlopen",
    "urllib2.Request",
    "six.moves.urllib.request.urlopen",
    "six.moves.urllib.request.urlretrieve",
    "six.moves.urllib.request.Request",
];

/// Constructors of request objects, which `urlopen` accepts instead of a URL.
const REQUESTS: &[&str] = &[
    "urllib.request.Request",
    "urllib2.Request",
    "six.moves.urllib.request.Request",
];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let Some(name) = call.name.filter(|name| OPENERS.contains(name)) else {
        return;
    };
    let Some(url) = call.argument("url", 0).or_else(|| call.keyword("fullurl")) else {
        return;
    };
    if scheme_is_fixed(ctx, url, 0) || is_request_object(ctx, url) || checks_scheme(ctx) {
        return;
    }
    ctx.report(
        call.node.range(),
        format!(
            "`{name}` opens a URL whose scheme is not fixed: a `file://` URL reads local files; check that the scheme is `https` (and the host expected) first"
        ),
    );
}

/// A constant URL, or one whose literal head names its scheme (`f"https://{host}/x"`).
fn scheme_is_fixed(ctx: &Context<'_>, url: &Expr, depth: u8) -> bool {
    if is_constant_value(ctx.semantic, url) {
        return true;
    }
    if leading_literal(url).is_some_and(|head| has_scheme(&head)) {
        return true;
    }
    if depth >= 4 {
        return false;
    }
    match url {
        Expr::Name(name) => bound_value(ctx.semantic, name)
            .is_some_and(|value| scheme_is_fixed(ctx, value, depth + 1)),
        // `BASE + "/v1/" + path`, `BASE % path`: the head decides.
        Expr::BinOp(binop) if matches!(binop.op, Operator::Add | Operator::Mod) => {
            scheme_is_fixed(ctx, &binop.left, depth + 1)
        }
        _ => false,
    }
}

/// Whether a literal URL head starts with `scheme:`.
fn has_scheme(head: &str) -> bool {
    let Some((scheme, _)) = head.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// `urlopen(Request(…))` or `urlopen(req)` with `req = Request(…)`: the `Request` call is
/// checked on its own.
fn is_request_object(ctx: &Context<'_>, url: &Expr) -> bool {
    let value = match url {
        Expr::Name(name) => bound_value(ctx.semantic, name),
        other => Some(other),
    };
    value.is_some_and(|value| match value {
        Expr::Call(call) => ctx
            .qualified_name(&call.func)
            .is_some_and(|name| REQUESTS.contains(&name.as_str())),
        _ => false,
    })
}

/// Whether the enclosing function checks a URL's scheme somewhere.
fn checks_scheme(ctx: &Context<'_>) -> bool {
    let Some(function) = ctx.function() else {
        return false;
    };
    let text = ctx.text(function.range());
    text.contains(".scheme")
        || text.contains("startswith((\"http")
        || text.contains("startswith(('http")
        || text.contains("startswith(\"http")
        || text.contains("startswith('http")
}
