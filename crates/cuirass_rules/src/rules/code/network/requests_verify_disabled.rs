use cuirass_diagnostics::Confidence;
use cuirass_python::Ranged;
use cuirass_python::ast::{Expr, Stmt};

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
    /// - `ssl._create_unverified_context()` (Bandit reports it separately as B323), the global
    ///   `ssl._create_default_https_context = ssl._create_unverified_context` patch, and
    ///   `context.verify_mode = ssl.CERT_NONE`.
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
        cwe: [295],
        owasp: A02CryptographicFailures,
        aliases: [Bandit("B501"), Bandit("B323"), Ruff("S501"), Ruff("S323")],
        tags: ["tls", "requests", "httpx"],
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
        if name == UNVERIFIED_CONTEXT {
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
    }
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
