use cuirass_python::Ranged;
use cuirass_python::ast::Expr;

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::helpers::{is_constant, is_truthy_literal};

declare_rule! {
    /// ## What it does
    /// Checks for `subprocess` calls with `shell=True` whose command is not a literal string.
    ///
    /// ## Why is this bad?
    /// With `shell=True` the command is interpreted by `/bin/sh`: any part of it that comes from a
    /// variable can add `;`, `&&`, `$(…)` or backticks and run commands of an attacker's choosing.
    /// A constant command is reported by nothing here (Bandit flags it anyway): there is nothing to
    /// inject. `shell=True` with a computed command is the classic OS command injection.
    ///
    /// ## Example
    /// ```python
    /// import subprocess
    ///
    /// def archive(name):
    ///     subprocess.run(f"tar czf {name}.tgz data/", shell=True)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import subprocess
    ///
    /// def archive(name):
    ///     subprocess.run(["tar", "czf", f"{name}.tgz", "data/"], check=True)
    /// ```
    ///
    /// ## Fix
    /// Pass the program and its arguments as a list and drop `shell=True`. If a shell is truly
    /// needed, quote every interpolated value with `shlex.quote`.
    ///
    /// ## References
    /// - [CWE-78: OS Command Injection](https://cwe.mitre.org/data/definitions/78.html)
    /// - [Python docs: security considerations for `subprocess`](https://docs.python.org/3/library/subprocess.html#security-considerations)
    pub(super) RULE = {
        name: "subprocess-shell-true",
        audit: Code,
        kind: Pattern,
        severity: High,
        confidence: High,
        likelihood: High,
        impact: High,
        cwe: [78],
        owasp: A03Injection,
        aliases: [Bandit("B602"), Ruff("S602")],
        tags: ["subprocess", "shell"],
        interest: [Call],
        check: check,
    }
}

const POPEN_FAMILY: &[&str] = &[
    "subprocess.Popen",
    "subprocess.call",
    "subprocess.check_call",
    "subprocess.check_output",
    "subprocess.run",
    "subprocess.getoutput",
    "subprocess.getstatusoutput",
    "asyncio.create_subprocess_shell",
];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let Some(name) = call.name else {
        return;
    };
    if !POPEN_FAMILY.contains(&name) {
        return;
    }
    // These always use a shell.
    let always_shell = matches!(
        name,
        "subprocess.getoutput" | "subprocess.getstatusoutput" | "asyncio.create_subprocess_shell"
    );
    let shell = call.keyword("shell");
    if !always_shell && !shell.is_some_and(is_truthy_literal_or_unknown) {
        return;
    }
    let Some(command) = call.argument("args", 0) else {
        return;
    };
    if is_constant(command) {
        return;
    }
    ctx.report(
        call.node.range(),
        format!("`{name}` runs a command built at run time through the shell; pass a list of arguments without `shell=True`"),
    );
}

/// `shell=True`, `shell=1`, or a non-literal that may be true (`shell=use_shell`).
fn is_truthy_literal_or_unknown(expr: &Expr) -> bool {
    is_truthy_literal(expr) || !is_constant(expr)
}
