use cuirass_python::Ranged;
use cuirass_python::ast::{self, Expr};

use super::helpers::{describe, is_shell_quoted};
use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::helpers::is_truthy_literal;

declare_rule! {
    /// ## What it does
    /// Checks for calls of functions other than `subprocess`'s and `os`'s (a project's own
    /// `run()` wrapper, a library helper) that pass `shell=True`, or the path of a shell, with
    /// a command that is not a constant.
    ///
    /// ## Why is this bad?
    /// `shell=True` on a wrapper almost always travels down to `subprocess` with the command,
    /// where `/bin/sh` interprets it: any part of the command that comes from a variable can
    /// add `;`, `&&` or `$(…)` and run commands of an attacker's choosing.
    ///
    /// Bandit (B604) reports every call with `shell=True`, whatever the command. A constant
    /// command, or one whose every interpolated value goes through `shlex.quote`, is not
    /// reported here: there is nothing to inject. `subprocess` functions are
    /// left to `subprocess-shell-true`, the `os` shell functions to `os-system`.
    ///
    /// ## Example
    /// ```python
    /// from deploy.utils import run
    ///
    /// def restart(service):
    ///     run(f"systemctl restart {service}", shell=True)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from deploy.utils import run
    ///
    /// def restart(service):
    ///     run(["systemctl", "restart", "--", service])
    /// ```
    ///
    /// ## Fix
    /// Pass the program and its arguments as a list and drop `shell=True`; if the wrapper
    /// needs a shell, quote every interpolated value with `shlex.quote`.
    ///
    /// ## References
    /// - [CWE-78: OS Command Injection](https://cwe.mitre.org/data/definitions/78.html)
    /// - [Python docs: security considerations for `subprocess`](https://docs.python.org/3/library/subprocess.html#security-considerations)
    pub(super) RULE = {
        name: "call-with-shell-true",
        audit: Code,
        kind: Pattern,
        severity: Medium,
        confidence: Medium,
        likelihood: Medium,
        impact: High,
        cwe: [78],
        owasp: A03Injection,
        aliases: [Bandit("B604"), Ruff("S604")],
        tags: ["shell"],
        interest: [Call],
        check: check,
    }
}

/// Module prefixes whose shell functions other rules report.
const OWNED_ELSEWHERE: &[&str] = &[
    "subprocess.",
    "os.",
    "asyncio.",
    "posix.",
    "popen2.",
    "commands.",
];

/// Keyword names a wrapper may use for its command.
const COMMAND_KEYWORDS: &[&str] = &["cmd", "command", "args", "cmdline", "command_line"];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    if call.name.is_some_and(|name| {
        OWNED_ELSEWHERE
            .iter()
            .any(|prefix| name.starts_with(prefix))
    }) {
        return;
    }
    if !call.keyword("shell").is_some_and(is_shell_on) {
        return;
    }
    let Some(command) = call.arg(0).or_else(|| {
        COMMAND_KEYWORDS
            .iter()
            .find_map(|keyword| call.keyword(keyword))
    }) else {
        return;
    };
    if is_shell_quoted(ctx, command) {
        return;
    }
    let callee = describe(ctx, &call.node.func).unwrap_or_else(|| "this function".to_string());
    ctx.report(
        call.node.range(),
        format!(
            "{callee} is called with `shell=True` and a command built at run time; pass a list of arguments without a shell, or quote every value with `shlex.quote`"
        ),
    );
}

/// `shell=True`, a non-zero number, or a non-empty string (the path of a shell to use).
fn is_shell_on(value: &Expr) -> bool {
    match value {
        Expr::StringLiteral(ast::ExprStringLiteral { value, .. }) => !value.to_str().is_empty(),
        other => is_truthy_literal(other),
    }
}
