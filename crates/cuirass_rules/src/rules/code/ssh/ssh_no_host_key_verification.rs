use cuirass_python::Ranged;
use cuirass_python::ast::Expr;

use crate::checker::{Context, Node};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks for paramiko clients told to accept unknown host keys:
    /// `client.set_missing_host_key_policy(paramiko.AutoAddPolicy())` or `WarningPolicy()`
    /// (also the classes passed uncalled, and `paramiko.client.*`). `RejectPolicy` and custom
    /// policies are not reported; the policy must resolve to paramiko's, so a local class of
    /// the same name is not mistaken for it.
    ///
    /// ## Why is this bad?
    /// The host key is how an SSH client knows it reached the right server. `AutoAddPolicy`
    /// trusts and saves whatever key the first answer presents, and `WarningPolicy` only logs
    /// it, so anyone between the client and the server can impersonate the server, capture
    /// the password or key exchange, and read or alter the session.
    ///
    /// ## Example
    /// ```python
    /// import paramiko
    ///
    /// client = paramiko.SSHClient()
    /// client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    /// client.connect("backup.internal", username="deploy")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import paramiko
    ///
    /// client = paramiko.SSHClient()
    /// client.load_system_host_keys()
    /// client.load_host_keys("/etc/deploy/known_hosts")
    /// client.set_missing_host_key_policy(paramiko.RejectPolicy())
    /// client.connect("backup.internal", username="deploy")
    /// ```
    ///
    /// ## Fix
    /// Load known host keys (`load_system_host_keys`, `load_host_keys`) provisioned out of
    /// band, and keep the default `RejectPolicy`.
    ///
    /// ## References
    /// - [CWE-322: Key Exchange without Entity Authentication](https://cwe.mitre.org/data/definitions/322.html)
    /// - [CWE-295: Improper Certificate Validation](https://cwe.mitre.org/data/definitions/295.html)
    /// - [paramiko docs: host key policies](https://docs.paramiko.org/en/stable/api/client.html#paramiko.client.MissingHostKeyPolicy)
    pub(super) RULE = {
        name: "ssh-no-host-key-verification",
        audit: Code,
        kind: Pattern,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [322, 295],
        owasp: A02CryptographicFailures,
        aliases: [Bandit("B507"), Ruff("S507")],
        tags: ["ssh", "paramiko", "tls"],
        interest: [Call],
        check: check,
    }
}

const ACCEPTING_POLICIES: &[&str] = &[
    "paramiko.AutoAddPolicy",
    "paramiko.WarningPolicy",
    "paramiko.client.AutoAddPolicy",
    "paramiko.client.WarningPolicy",
];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    if call.method() != Some("set_missing_host_key_policy") {
        return;
    }
    let Some(policy) = call.argument("policy", 0) else {
        return;
    };
    let class = match policy {
        Expr::Call(inner) => inner.func.as_ref(),
        other => other,
    };
    let Some(name) = ctx
        .qualified_name(class)
        .filter(|name| ACCEPTING_POLICIES.contains(&name.as_str()))
    else {
        return;
    };
    let short = name.rsplit('.').next().unwrap_or(&name).to_string();
    ctx.report(
        call.node.range(),
        format!("`{short}` accepts any host key the server presents, so anyone on the path can impersonate it; load known hosts and keep `RejectPolicy`"),
    );
}
