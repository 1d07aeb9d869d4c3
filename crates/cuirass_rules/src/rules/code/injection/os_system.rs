use cuirass_python::Ranged;

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::helpers::is_constant_value;

declare_rule! {
    /// ## What it does
    /// Checks for `os.system`, `os.popen` and the other functions that hand one command string
    /// to the shell (`os.popen2/3/4`, `popen2.*`, `commands.getoutput`,
    /// `commands.getstatusoutput`, `platform.popen`) when the command is not a constant.
    ///
    /// ## Why is this bad?
    /// These functions run their argument through `/bin/sh -c`: any part of the command that
    /// comes from a variable can add `;`, `&&`, `|`, `$(…)` or backticks and run commands of an
    /// attacker's choosing. Quoting by hand is easy to get wrong. A constant command (a literal,
    /// or a name assigned a literal exactly once) is not reported, although Bandit reports it:
    /// there is nothing to inject into it.
    ///
    /// ## Example
    /// ```python
    /// import os
    ///
    /// def thumbnail(path):
    ///     os.system(f"convert {path} -resize 64x64 thumb.png")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import subprocess
    ///
    /// def thumbnail(path):
    ///     subprocess.run(["convert", path, "-resize", "64x64", "thumb.png"], check=True)
    /// ```
    ///
    /// ## Fix
    /// Call `subprocess.run` with a list of arguments (no shell), and read output with
    /// `capture_output=True` instead of `os.popen`. If a shell is unavoidable, quote every
    /// interpolated value with `shlex.quote`.
    ///
    /// ## References
    /// - [CWE-78: OS Command Injection](https://cwe.mitre.org/data/definitions/78.html)
    /// - [Python docs: `os.system`](https://docs.python.org/3/library/os.html#os.system)
    /// - [Python docs: replacing older functions with `subprocess`](https://docs.python.org/3/library/subprocess.html#replacing-older-functions-with-the-subprocess-module)
    pub(super) RULE = {
        name: "os-system",
        audit: Code,
        kind: Pattern,
        severity: High,
        confidence: High,
        likelihood: High,
        impact: High,
        cwe: [78],
        owasp: A03Injection,
        aliases: [Bandit("B605"), Ruff("S605")],
        tags: ["shell", "os"],
        interest: [Call],
        check: check,
    }
}

/// Functions that pass one command string to the shell.
const SHELL_FUNCTIONS: &[&str] = &[
    "os.system",
    "os.popen",
    "os.popen2",
    "os.popen3",
    "os.popen4",
    "posix.system",
    "posix.popen",
    "popen2.popen2",
    "popen2.popen3",
    "popen2.popen4",
    "popen2.Popen3",
    "popen2.Popen4",
    "commands.getoutput",
    "commands.getstatusoutput",
    "platform.popen",
];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let Some(name) = call.name else {
        return;
    };
    if !SHELL_FUNCTIONS.contains(&name) {
        return;
    }
    let Some(command) = call
        .keyword("command")
        .or_else(|| call.keyword("cmd"))
        .or_else(|| call.arg(0))
    else {
        return;
    };
    if is_constant_value(ctx.semantic, command) {
        return;
    }
    ctx.report(
        call.node.range(),
        format!(
            "`{name}` runs a command built at run time through the shell; call `subprocess.run` with a list of arguments instead"
        ),
    );
}
