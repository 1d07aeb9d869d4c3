use cuirass_diagnostics::Severity;
use cuirass_python::Ranged;

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::helpers::is_true;

declare_rule! {
    /// ## What it does
    /// Checks for the module function `ssl.wrap_socket(…)` (not `SSLContext.wrap_socket`).
    ///
    /// ## Why is this bad?
    /// `ssl.wrap_socket` is the pre-`SSLContext` API: deprecated since Python 3.7 and removed
    /// in 3.12. As a client it verifies nothing by default (`cert_reqs=CERT_NONE`) and never
    /// checks that the certificate belongs to the host it connects to, even with
    /// `cert_reqs=CERT_REQUIRED`: anyone on the network path can read and change the traffic.
    ///
    /// Bandit (B504) reports the call only when `ssl_version` is missing, on the grounds that
    /// the default version "could be insecure"; the real problems are the missing certificate
    /// and host checks, whatever the version (a broken version is `ssl-insecure-version`'s).
    /// A server-side call (`server_side=True`) does not verify clients by design and is
    /// reported at low severity, for the API's removal alone.
    ///
    /// ## Example
    /// ```python
    /// import socket
    /// import ssl
    ///
    /// sock = ssl.wrap_socket(socket.create_connection(("mail.example.com", 465)))
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import socket
    /// import ssl
    ///
    /// context = ssl.create_default_context()
    /// raw = socket.create_connection(("mail.example.com", 465))
    /// sock = context.wrap_socket(raw, server_hostname="mail.example.com")
    /// ```
    ///
    /// ## Fix
    /// Create a context with `ssl.create_default_context()` (it verifies certificates and
    /// host names) and call its `wrap_socket(sock, server_hostname=host)`; on a server, use
    /// `ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)` and `load_cert_chain`.
    ///
    /// ## References
    /// - [CWE-295: Improper Certificate Validation](https://cwe.mitre.org/data/definitions/295.html)
    /// - [CWE-297: Improper Validation of Certificate with Host Mismatch](https://cwe.mitre.org/data/definitions/297.html)
    /// - [Python docs: `ssl` security considerations](https://docs.python.org/3/library/ssl.html#ssl-security)
    pub(super) RULE = {
        name: "ssl-wrap-socket",
        audit: Code,
        kind: Pattern,
        severity: Medium,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [295, 297],
        owasp: A02CryptographicFailures,
        aliases: [Bandit("B504"), Ruff("S504")],
        tags: ["tls", "ssl", "deprecated"],
        interest: [Call],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    if call.name != Some("ssl.wrap_socket") {
        return;
    }
    // Positional order: sock, keyfile, certfile, server_side, cert_reqs, …
    if call.argument("server_side", 3).is_some_and(is_true) {
        if let Some(finding) = ctx.report(
            call.node.range(),
            "`ssl.wrap_socket` was removed in Python 3.12; create an `ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)` and call its `wrap_socket`",
        ) {
            finding.severity = Severity::Low;
        }
        return;
    }
    let verifies = call.argument("cert_reqs", 4).is_some_and(|value| {
        matches!(
            ctx.qualified_name(value).as_deref(),
            Some("ssl.CERT_REQUIRED" | "ssl.VerifyMode.CERT_REQUIRED")
        )
    });
    let message = if verifies {
        "`ssl.wrap_socket` never checks that the certificate belongs to the host (and was removed in Python 3.12); use `ssl.create_default_context().wrap_socket(sock, server_hostname=host)`"
    } else {
        "`ssl.wrap_socket` accepts any certificate by default and never checks the host name (and was removed in Python 3.12); use `ssl.create_default_context().wrap_socket(sock, server_hostname=host)`"
    };
    ctx.report(call.node.range(), message);
}
