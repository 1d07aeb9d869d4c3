use cuirass_diagnostics::Confidence;
use cuirass_python::ast::visitor::{self, Visitor};
use cuirass_python::ast::{Expr, Stmt};
use cuirass_python::{Ranged, with_stack};

use crate::checker::{Call, Context, Node};
use crate::declare_rule;
use crate::helpers::{constructed_by, is_false, str_value};

declare_rule! {
    /// ## What it does
    /// Checks for HTTPS clients told not to verify the server's certificate:
    /// - `requests.get/post/…/request(…, verify=False)` and the same `httpx` functions,
    ///   `httpx.Client(verify=False)` and `httpx.AsyncClient(verify=False)`;
    /// - `.get/.post/…(…, verify=False)` on a session object: at high confidence when it was
    ///   created by `requests.Session()` / `httpx.Client()` in sight, at medium confidence
    ///   otherwise (the receiver is an unknown object with an HTTP verb method);
    /// - `urllib3.PoolManager`, `ProxyManager`, `HTTPSConnectionPool` and
    ///   `connection_from_url` with `cert_reqs="CERT_NONE"` or `ssl.CERT_NONE`;
    /// - `ssl._create_unverified_context()` and `ssl._create_stdlib_context()` (Bandit reports
    ///   the first separately as B323), the global
    ///   `ssl._create_default_https_context = ssl._create_unverified_context` patch, and
    ///   `context.verify_mode = ssl.CERT_NONE`;
    /// - `context.check_hostname = False`, at medium confidence (the host may be checked by
    ///   hand), unless the same function (or module) also sets that context's `verify_mode` to
    ///   `CERT_NONE` — Python requires turning off the host name check first, and the two lines
    ///   are one problem, reported once where `CERT_NONE` is. Not reported either: server-side
    ///   contexts (`PROTOCOL_TLS_SERVER`, `Purpose.CLIENT_AUTH`), code under a test of the
    ///   host name (`if not server_hostname:`), and `self.check_hostname` (a wrapper's own
    ///   attribute);
    /// - aiohttp: `ssl=False` or `verify_ssl=False` passed to `aiohttp.TCPConnector`,
    ///   `aiohttp.request`, or a request method of a session (high confidence when the
    ///   session is an `aiohttp.ClientSession()` in sight, medium otherwise).
    ///
    /// ## Why is this bad?
    /// Without certificate verification TLS still encrypts, but to whoever answers: anyone on
    /// the network path (public Wi-Fi, a compromised router, a malicious proxy) can present
    /// their own certificate, then read and change the traffic, including credentials and
    /// tokens sent with it. `verify=False` added "just for testing" tends to ship.
    ///
    /// ## Example
    /// ```python
    /// import requests
    ///
    /// def fetch_invoice(invoice_id):
    ///     return requests.get(f"https://billing.internal/invoices/{invoice_id}", verify=False)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import requests
    ///
    /// def fetch_invoice(invoice_id):
    ///     return requests.get(
    ///         f"https://billing.internal/invoices/{invoice_id}",
    ///         verify="/etc/ssl/certs/internal-ca.pem",
    ///     )
    /// ```
    ///
    /// ## Fix
    /// Remove `verify=False`. For a private certificate authority, pass its bundle to
    /// `verify=` (or set `REQUESTS_CA_BUNDLE`); for `urllib3`, keep `cert_reqs="CERT_REQUIRED"`
    /// and pass `ca_certs=`; for `ssl`, use `ssl.create_default_context(cafile=…)`.
    ///
    /// ## References
    /// - [CWE-295: Improper Certificate Validation](https://cwe.mitre.org/data/definitions/295.html)
    /// - [CWE-297: Improper Validation of Certificate with Host Mismatch](https://cwe.mitre.org/data/definitions/297.html)
    /// - [Requests docs: SSL certificate verification](https://requests.readthedocs.io/en/latest/user/advanced/#ssl-cert-verification)
    /// - [Python docs: `ssl` security considerations](https://docs.python.org/3/library/ssl.html#ssl-security)
    pub(super) RULE = {
        name: "requests-verify-disabled",
        audit: Code,
        kind: Pattern,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [295, 297],
        owasp: A02CryptographicFailures,
        aliases: [Bandit("B501"), Bandit("B323"), Ruff("S501"), Ruff("S323")],
        tags: ["tls", "requests", "httpx", "aiohttp"],
        interest: [Call, Assign],
        check: check,
    }
}

/// Functions and clients that take `verify=`.
const VERIFY_CALLS: &[&str] = &[
    "requests.get",
    "requests.post",
    "requests.put",
    "requests.patch",
    "requests.delete",
    "requests.head",
    "requests.options",
    "requests.request",
    "requests.api.get",
    "requests.api.post",
    "requests.api.put",
    "requests.api.patch",
    "requests.api.delete",
    "requests.api.head",
    "requests.api.options",
    "requests.api.request",
    "httpx.get",
    "httpx.post",
    "httpx.put",
    "httpx.patch",
    "httpx.delete",
    "httpx.head",
    "httpx.options",
    "httpx.request",
    "httpx.stream",
    "httpx.Client",
    "httpx.AsyncClient",
];

/// `urllib3` constructors that take `cert_reqs=`.
const CERT_REQS_CALLS: &[&str] = &[
    "urllib3.PoolManager",
    "urllib3.ProxyManager",
    "urllib3.HTTPSConnectionPool",
    "urllib3.connection_from_url",
    "urllib3.proxy_from_url",
    "urllib3.poolmanager.PoolManager",
    "urllib3.poolmanager.ProxyManager",
    "urllib3.connectionpool.HTTPSConnectionPool",
];

/// Session constructors whose methods take `verify=`.
const SESSIONS: &[&str] = &[
    "requests.Session",
    "requests.session",
    "requests.sessions.Session",
    "httpx.Client",
    "httpx.AsyncClient",
];

/// Methods of a session object that send a request.
const HTTP_METHODS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "head", "options", "request", "stream",
];

const UNVERIFIED_CONTEXT: &str = "ssl._create_unverified_context";

/// Context factories that verify nothing.
const UNVERIFIED_CONTEXTS: &[&str] = &[UNVERIFIED_CONTEXT, "ssl._create_stdlib_context"];

/// aiohttp functions and constructors that take `ssl=` / `verify_ssl=`.
const AIOHTTP_CALLS: &[&str] = &[
    "aiohttp.TCPConnector",
    "aiohttp.connector.TCPConnector",
    "aiohttp.request",
    "aiohttp.client.request",
];

/// aiohttp session constructors.
const AIOHTTP_SESSIONS: &[&str] = &["aiohttp.ClientSession", "aiohttp.client.ClientSession"];

/// Request methods of an aiohttp session (`ws_connect` takes `ssl=` too).
const AIOHTTP_METHODS: &[&str] = &[
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "head",
    "options",
    "request",
    "ws_connect",
];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    match node {
        Node::Call(call) => check_call(ctx, call),
        Node::Stmt(Stmt::Assign(assign)) => {
            for target in &assign.targets {
                check_assignment(ctx, target, &assign.value);
            }
        }
        Node::Stmt(Stmt::AnnAssign(assign)) => {
            if let Some(value) = &assign.value {
                check_assignment(ctx, &assign.target, value);
            }
        }
        _ => {}
    }
}

fn check_call(ctx: &mut Context<'_>, call: &Call<'_>) {
    if let Some(name) = call.name {
        if UNVERIFIED_CONTEXTS.contains(&name) {
            ctx.report(
                call.node.range(),
                format!(
                    "`{name}()` makes a TLS context that accepts any certificate; use `ssl.create_default_context()` (with `cafile=` for a private CA)"
                ),
            );
        } else if VERIFY_CALLS.contains(&name) {
            if call.keyword("verify").is_some_and(is_false) {
                ctx.report(call.node.range(), verify_message(&format!("`{name}`")));
            }
        } else if AIOHTTP_CALLS.contains(&name) {
            if aiohttp_unverified(call) {
                ctx.report(call.node.range(), aiohttp_message(&format!("`{name}`")));
            }
        } else if CERT_REQS_CALLS.contains(&name)
            && call
                .keyword("cert_reqs")
                .is_some_and(|v| is_cert_none(ctx, v))
        {
            ctx.report(
                    call.node.range(),
                    format!(
                        "`{name}` with `cert_reqs` set to `CERT_NONE` accepts any TLS certificate; keep `CERT_REQUIRED` and pass `ca_certs=` for a private CA"
                    ),
                );
        }
        return;
    }
    // A method on a local object: `session.get(url, verify=False)`.
    if aiohttp_unverified(call) {
        check_aiohttp_method(ctx, call);
        return;
    }
    let Some(method) = call.method().filter(|m| HTTP_METHODS.contains(m)) else {
        return;
    };
    if !call.keyword("verify").is_some_and(is_false) {
        return;
    }
    let Expr::Attribute(attr) = call.node.func.as_ref() else {
        return;
    };
    let created_by = constructed_by(ctx.semantic, &attr.value);
    let is_session = created_by
        .as_deref()
        .is_some_and(|name| SESSIONS.contains(&name));
    if created_by.is_some() && !is_session {
        // Something else we can name, with a `get` of its own.
        return;
    }
    let callee = ctx.text(call.node.func.range());
    let callee = if callee.len() <= 40 && !callee.contains('\n') {
        format!("`{callee}`")
    } else {
        format!("`.{method}()`")
    };
    if let Some(finding) = ctx.report(call.node.range(), verify_message(&callee))
        && !is_session
    {
        finding.confidence = Confidence::Medium;
    }
}

/// `session.get(url, ssl=False)` on an aiohttp session (or an unknown object).
fn check_aiohttp_method(ctx: &mut Context<'_>, call: &Call<'_>) {
    let Some(method) = call.method().filter(|m| AIOHTTP_METHODS.contains(m)) else {
        return;
    };
    let Expr::Attribute(attr) = call.node.func.as_ref() else {
        return;
    };
    let created_by = constructed_by(ctx.semantic, &attr.value);
    let is_session = created_by
        .as_deref()
        .is_some_and(|name| AIOHTTP_SESSIONS.contains(&name));
    if created_by.is_some() && !is_session {
        return;
    }
    let callee = ctx.text(call.node.func.range());
    let callee = if callee.len() <= 40 && !callee.contains('\n') {
        format!("`{callee}`")
    } else {
        format!("`.{method}()`")
    };
    if let Some(finding) = ctx.report(call.node.range(), aiohttp_message(&callee))
        && !is_session
    {
        finding.confidence = Confidence::Medium;
    }
}

/// `ssl=False` or `verify_ssl=False`.
fn aiohttp_unverified(call: &Call<'_>) -> bool {
    call.keyword("ssl").is_some_and(is_false) || call.keyword("verify_ssl").is_some_and(is_false)
}

fn aiohttp_message(callee: &str) -> String {
    format!(
        "{callee} with `ssl=False` accepts any TLS certificate, so anyone on the network path can read and change the traffic; remove it (pass an `ssl.SSLContext` with your CA for a private CA)"
    )
}

fn verify_message(callee: &str) -> String {
    format!(
        "{callee} with `verify=False` accepts any TLS certificate, so anyone on the network path can read and change the traffic; remove it (pass a CA bundle to `verify=` for a private CA)"
    )
}

/// `ssl._create_default_https_context = ssl._create_unverified_context` and
/// `context.verify_mode = ssl.CERT_NONE`.
fn check_assignment(ctx: &mut Context<'_>, target: &Expr, value: &Expr) {
    let Expr::Attribute(attr) = target else {
        return;
    };
    if ctx.qualified_name(target).as_deref() == Some("ssl._create_default_https_context")
        && ctx.qualified_name(value).as_deref() == Some(UNVERIFIED_CONTEXT)
    {
        ctx.report(
            target.range(),
            "replacing `ssl._create_default_https_context` with `ssl._create_unverified_context` turns off certificate checks for every `urllib` request in the process; remove it",
        );
    } else if attr.attr.as_str() == "verify_mode" && is_cert_none(ctx, value) {
        ctx.report(
            target.range(),
            "setting `verify_mode` to `CERT_NONE` makes this TLS context accept any certificate; keep `ssl.CERT_REQUIRED`",
        );
    } else if attr.attr.as_str() == "check_hostname"
        && is_false(value)
        && !hostname_check_irrelevant(ctx, &attr.value)
        && !sets_cert_none(ctx, ctx.text(attr.value.range()))
        && let Some(finding) = ctx.report(
            target.range(),
            "setting `check_hostname` to `False` makes this TLS context accept a valid certificate issued for any other host; keep it on and pass `server_hostname=`",
        )
    {
        // The host name may still be checked by hand (certificate pinning, `match_hostname`).
        finding.confidence = Confidence::Medium;
    }
}

/// `self.check_hostname = False` (an object's own attribute), a context under a test of the
/// host name (`if not server_hostname:`), or a server-side context (`PROTOCOL_TLS_SERVER`,
/// `Purpose.CLIENT_AUTH`), where there is no host name to check.
fn hostname_check_irrelevant(ctx: &Context<'_>, receiver: &Expr) -> bool {
    if matches!(receiver, Expr::Name(name) if name.id.as_str() == "self") {
        return true;
    }
    let under_hostname_test = ctx.statements().iter().any(|statement| {
        matches!(statement, Stmt::If(if_stmt) if ctx.text(if_stmt.test.range()).contains("hostname"))
    });
    if under_hostname_test {
        return true;
    }
    let server_side = |call: &cuirass_python::ast::ExprCall| {
        let arguments = ctx.text(call.arguments.range());
        arguments.contains("SERVER") || arguments.contains("CLIENT_AUTH")
    };
    match receiver {
        Expr::Call(call) => server_side(call),
        Expr::Name(name) => {
            matches!(crate::helpers::bound_value(ctx.semantic, name), Some(Expr::Call(call)) if server_side(call))
        }
        _ => false,
    }
}

/// Whether the enclosing function (or the module, at top level) also sets
/// `<receiver>.verify_mode = CERT_NONE`, which is reported instead.
fn sets_cert_none(ctx: &Context<'_>, receiver: &str) -> bool {
    let body = match ctx.function() {
        Some(function) => &function.body[..],
        None => ctx.semantic.definitions.python_ast().unwrap_or(&[]),
    };
    let mut finder = CertNoneFinder {
        ctx,
        receiver,
        found: false,
    };
    finder.visit_body(body);
    finder.found
}

struct CertNoneFinder<'c, 'a> {
    ctx: &'c Context<'a>,
    receiver: &'c str,
    found: bool,
}

impl<'x> Visitor<'x> for CertNoneFinder<'_, '_> {
    fn visit_stmt(&mut self, stmt: &'x Stmt) {
        if self.found {
            return;
        }
        match stmt {
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
            Stmt::Assign(assign) => {
                self.found = assign.targets.iter().any(|target| {
                    matches!(target, Expr::Attribute(attr)
                        if attr.attr.as_str() == "verify_mode"
                            && self.ctx.text(attr.value.range()) == self.receiver)
                }) && is_cert_none(self.ctx, &assign.value);
            }
            _ => with_stack(|| visitor::walk_stmt(self, stmt)),
        }
    }

    fn visit_expr(&mut self, _: &'x Expr) {}
}

/// `ssl.CERT_NONE`, `ssl.VerifyMode.CERT_NONE`, or urllib3's strings `"CERT_NONE"`/`"NONE"`.
fn is_cert_none(ctx: &Context<'_>, value: &Expr) -> bool {
    if let Some(text) = str_value(value) {
        return matches!(text.as_str(), "CERT_NONE" | "NONE");
    }
    matches!(
        ctx.qualified_name(value).as_deref(),
        Some("ssl.CERT_NONE" | "ssl.VerifyMode.CERT_NONE")
    )
}
