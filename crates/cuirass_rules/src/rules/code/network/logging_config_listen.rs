use cuirass_python::Ranged;

use crate::checker::{Context, Node};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks for `logging.config.listen(…)` without a `verify` function (or with
    /// `verify=None`).
    ///
    /// ## Why is this bad?
    /// `listen` opens a socket that accepts a new logging configuration from anyone who can
    /// connect, and applies it. A configuration names classes to instantiate and, in the
    /// `fileConfig` format, expressions that are evaluated, so a connection is enough to run
    /// code in the process. The socket only binds to the local host, but any local user,
    /// container neighbour or server-side request forgery can reach it.
    ///
    /// ## Example
    /// ```python
    /// import logging.config
    ///
    /// listener = logging.config.listen(9999)
    /// listener.start()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import hashlib
    /// import hmac
    /// import logging.config
    ///
    /// def verify(data: bytes) -> bytes | None:
    ///     signature, config = data[:32], data[32:]
    ///     expected = hmac.new(LOGGING_KEY, config, hashlib.sha256).digest()
    ///     return config if hmac.compare_digest(signature, expected) else None
    ///
    /// listener = logging.config.listen(9999, verify=verify)
    /// listener.start()
    /// ```
    ///
    /// ## Fix
    /// Do not change logging configuration over a socket; reload it from a file the process
    /// owns. If a listener is needed, pass `verify=` a function that checks an HMAC
    /// signature (`cuirass.signing`) and returns `None` for anything else.
    ///
    /// ## References
    /// - [CWE-94: Improper Control of Generation of Code ('Code Injection')](https://cwe.mitre.org/data/definitions/94.html)
    /// - [Python docs: `logging.config.listen`](https://docs.python.org/3/library/logging.config.html#logging.config.listen)
    pub(super) RULE = {
        name: "logging-config-listen",
        audit: Code,
        kind: Pattern,
        severity: Medium,
        confidence: High,
        likelihood: Low,
        impact: High,
        cwe: [94],
        owasp: A03Injection,
        aliases: [Bandit("B612"), Ruff("S612")],
        tags: ["logging"],
        interest: [Call],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    if call.name != Some("logging.config.listen") {
        return;
    }
    // Positional order: port, verify.
    let verified = call
        .argument("verify", 1)
        .is_some_and(|verify| !verify.is_none_literal_expr());
    if verified || call.has_kwargs_splat() {
        return;
    }
    ctx.report(
        call.node.range(),
        "`logging.config.listen` applies any logging configuration sent to its socket, which can run code; pass `verify=` a function that checks a signature",
    );
}
