use cuirass_diagnostics::Confidence;
use cuirass_python::Ranged;
use cuirass_python::ast::Expr;

use super::helpers::{imports_package, is_shell_quoted};
use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::helpers::constructed_by;

declare_rule! {
    /// ## What it does
    /// Checks for Paramiko's `exec_command` (on an `SSHClient` or a `Channel`) with a command
    /// that is not a constant.
    ///
    /// ## Why is this bad?
    /// `exec_command` sends one command line to the SSH server, which runs it through the
    /// remote user's shell: any part of it that comes from a variable can add `;`, `&&` or
    /// `$(…)` and run commands of an attacker's choosing on the remote host.
    ///
    /// Bandit (B601) reports every `exec_command` call in a file that imports Paramiko, even
    /// with a constant command. Here a constant command (a literal, or a name assigned one
    /// literal) and a command whose every interpolated value goes through `shlex.quote` (or
    /// `shlex.join`) are not reported; the call is reported at high confidence when the receiver was
    /// built by `paramiko.SSHClient()` in sight, at medium confidence when it is some other
    /// object in a file that imports Paramiko, and not at all otherwise.
    ///
    /// ## Example
    /// ```python
    /// import paramiko
    ///
    /// def disk_usage(host, directory):
    ///     client = paramiko.SSHClient()
    ///     client.load_system_host_keys()
    ///     client.connect(host)
    ///     _, out, _ = client.exec_command(f"du -sh {directory}")
    ///     return out.read()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import shlex
    ///
    /// import paramiko
    ///
    /// def disk_usage(host, directory):
    ///     client = paramiko.SSHClient()
    ///     client.load_system_host_keys()
    ///     client.connect(host)
    ///     _, out, _ = client.exec_command(f"du -sh -- {shlex.quote(directory)}")
    ///     return out.read()
    /// ```
    ///
    /// ## Fix
    /// Quote every interpolated value with `shlex.quote` (the remote side is a POSIX shell),
    /// validate values against an allow-list first, or run a fixed script on the remote host
    /// that takes its input on standard input.
    ///
    /// ## References
    /// - [CWE-78: OS Command Injection](https://cwe.mitre.org/data/definitions/78.html)
    /// - [Paramiko docs: `SSHClient.exec_command`](https://docs.paramiko.org/en/stable/api/client.html#paramiko.client.SSHClient.exec_command)
    pub(super) RULE = {
        name: "paramiko-exec-command",
        audit: Code,
        kind: Pattern,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [78],
        owasp: A03Injection,
        aliases: [Bandit("B601"), Ruff("S601")],
        tags: ["paramiko", "ssh", "shell"],
        interest: [Call],
        check: check,
    }
}

const CLIENTS: &[&str] = &["paramiko.SSHClient", "paramiko.client.SSHClient"];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    if call.method() != Some("exec_command") {
        return;
    }
    let Expr::Attribute(attr) = call.node.func.as_ref() else {
        return;
    };
    let Some(command) = call.argument("command", 0) else {
        return;
    };
    if is_shell_quoted(ctx, command) {
        return;
    }
    let confidence = match constructed_by(ctx.semantic, &attr.value).as_deref() {
        Some(name) if CLIENTS.contains(&name) => Confidence::High,
        None if imports_package(ctx.semantic, "paramiko") => Confidence::Medium,
        Some(_) | None => return,
    };
    if let Some(finding) = ctx.report(
        call.node.range(),
        "`exec_command` runs a command built at run time through the remote shell; quote every value with `shlex.quote` or validate it against an allow-list",
    ) {
        finding.confidence = confidence;
    }
}
