use cuirass_python::Ranged;
use cuirass_python::ast::{self, Expr};

use crate::checker::{Call, Context, Node};
use crate::declare_rule;
use crate::helpers::constructed_by;

declare_rule! {
    /// ## What it does
    /// Checks for HTTP requests that can wait forever:
    /// - `requests.get/post/…/request(…)` without `timeout=`, and the same methods of a
    ///   `requests.Session()` created in sight;
    /// - `requests` and `httpx` calls, clients and session methods with `timeout=None`, or a
    ///   `(connect, read)` tuple whose read timeout is `None`.
    ///
    /// ## Why is this bad?
    /// `requests` has no default timeout: a server that accepts the connection and then sends
    /// nothing (or one byte a minute) holds the calling thread forever. A handful of such
    /// requests exhausts a worker pool, and a slow upstream becomes an outage. `httpx` waits
    /// five seconds by default, so only an explicit `timeout=None` is reported for it.
    ///
    /// Beyond Bandit (B113), which only sees module-level calls, session methods are checked
    /// too, and a `timeout=(5, None)` tuple counts as no read timeout. Calls that pass
    /// `**kwargs` (which may carry a timeout) and test files are not reported.
    ///
    /// ## Example
    /// ```python
    /// import requests
    ///
    /// def exchange_rate(currency):
    ///     return requests.get(f"https://rates.example.com/{currency}").json()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import requests
    ///
    /// def exchange_rate(currency):
    ///     return requests.get(f"https://rates.example.com/{currency}", timeout=(3.05, 10)).json()
    /// ```
    ///
    /// ## Fix
    /// Pass `timeout=` to every call: a number of seconds, or a `(connect, read)` tuple. With
    /// a session, wrap it once in a subclass or helper that sets a default.
    ///
    /// ## References
    /// - [CWE-1088: Synchronous Access of Remote Resource without Timeout](https://cwe.mitre.org/data/definitions/1088.html)
    /// - [CWE-400: Uncontrolled Resource Consumption](https://cwe.mitre.org/data/definitions/400.html)
    /// - [Requests docs: timeouts](https://requests.readthedocs.io/en/latest/user/advanced/#timeouts)
    /// - [HTTPX docs: timeouts](https://www.python-httpx.org/advanced/timeouts/)
    pub(super) RULE = {
        name: "request-without-timeout",
        audit: Code,
        kind: Pattern,
        severity: Medium,
        confidence: High,
        likelihood: Medium,
        impact: Medium,
        cwe: [1088, 400],
        owasp: A05SecurityMisconfiguration,
        aliases: [Bandit("B113"), Ruff("S113")],
        tags: ["requests", "httpx", "availability"],
        interest: [Call],
        check: check,
    }
}

/// HTTP verbs and `request`, as module functions and as session methods.
const VERBS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "head", "options", "request",
];

/// Sessions whose methods take `timeout=` per call (and have no default).
const REQUESTS_SESSIONS: &[&str] = &[
    "requests.Session",
    "requests.session",
    "requests.sessions.Session",
];
const HTTPX_CLIENTS: &[&str] = &["httpx.Client", "httpx.AsyncClient"];

/// Which library a call belongs to, and whether a missing timeout means "forever".
enum Library {
    /// `requests`: no default timeout.
    Requests,
    /// `httpx`: five seconds unless told otherwise.
    Httpx,
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    if ctx.is_test_file() {
        return;
    }
    let Some((library, what)) = classify(ctx, call) else {
        return;
    };
    match call.keyword("timeout") {
        Some(timeout) if waits_forever(timeout) => {
            ctx.report(
                call.node.range(),
                format!(
                    "{what} with `timeout=None` waits forever for a server that stops answering; pass a number of seconds"
                ),
            );
        }
        None if matches!(library, Library::Requests) && !call.has_kwargs_splat() => {
            ctx.report(
                call.node.range(),
                format!(
                    "{what} without `timeout=` waits forever for a server that stops answering; pass `timeout=` (seconds, or a `(connect, read)` tuple)"
                ),
            );
        }
        Some(_) | None => {}
    }
}

/// The library of an HTTP call and how to name it in a message.
fn classify(ctx: &Context<'_>, call: &Call<'_>) -> Option<(Library, String)> {
    if let Some(name) = call.name {
        let (module, function) = name.rsplit_once('.')?;
        return match module {
            "requests" | "requests.api" if VERBS.contains(&function) => {
                Some((Library::Requests, format!("`{name}`")))
            }
            "httpx" if VERBS.contains(&function) || function == "stream" => {
                Some((Library::Httpx, format!("`{name}`")))
            }
            _ if HTTPX_CLIENTS.contains(&name) => Some((Library::Httpx, format!("`{name}`"))),
            _ => None,
        };
    }
    let method = call.method()?;
    if !VERBS.contains(&method) && method != "stream" {
        return None;
    }
    let Expr::Attribute(attr) = call.node.func.as_ref() else {
        return None;
    };
    let created_by = constructed_by(ctx.semantic, &attr.value)?;
    if REQUESTS_SESSIONS.contains(&created_by.as_str()) && method != "stream" {
        Some((Library::Requests, format!("`{created_by}().{method}`")))
    } else if HTTPX_CLIENTS.contains(&created_by.as_str()) {
        Some((Library::Httpx, format!("`{created_by}().{method}`")))
    } else {
        None
    }
}

/// `None`, or a `(connect, read)` tuple whose read timeout is `None`.
fn waits_forever(timeout: &Expr) -> bool {
    match timeout {
        Expr::NoneLiteral(_) => true,
        Expr::Tuple(ast::ExprTuple { elts, .. }) => {
            matches!(elts.get(1), Some(Expr::NoneLiteral(_)))
        }
        _ => false,
    }
}
