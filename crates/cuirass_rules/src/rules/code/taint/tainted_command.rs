use cuirass_taint::Vuln;

use crate::checker::{Context, Node};
use crate::declare_rule;

use super::helpers::report_flows;

declare_rule! {
    /// ## What it does
    /// Checks for input that reaches an operating-system command: `os.system()`,
    /// `os.popen()`, `subprocess.*` with `shell=True` (or a command string), the program of
    /// `subprocess.*`, `os.exec*`/`os.spawn*` and `asyncio.create_subprocess_*`, and paramiko's
    /// `exec_command()`. Without a shell, only the program (the first element of an argument list)
    /// counts: `subprocess.run(["grep", pattern, path])` passes input as an argument, not a command.
    ///
    /// The taint analysis follows input from where it enters — Flask/Werkzeug `request.*` and route
    /// parameters, Django and other views' `request` (`GET`, `POST`, `COOKIES`, `META`, `headers`,
    /// `body`, `FILES`), FastAPI/Starlette parameters and `Request`, aiohttp `match_info`/`query`/
    /// `post()`, `sys.argv`, `input()`, socket reads, and `os.environ` (at medium confidence) —
    /// through assignments, string building, containers, function calls (in this module and, in a
    /// second phase, the project's other modules), `self` attributes, branches and loops, to this
    /// sink. Each finding carries that path. Sources, sinks and sanitisers are data: add your own in
    /// `[tool.cuirass.taint]`.
    ///
    /// ## Why is this bad?
    /// A shell reads `;`, `|`, `$(…)` and backticks in the string as more commands, so input in
    /// a command line runs whatever the client wants, as the server's user.
    ///
    /// ## Example
    /// ```python
    /// import subprocess
    /// from flask import request
    ///
    /// def ping():
    ///     host = request.args["host"]
    ///     return subprocess.check_output(f"ping -c 1 {host}", shell=True)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import subprocess
    /// from flask import request
    ///
    /// def ping():
    ///     host = request.args["host"]
    ///     return subprocess.check_output(["ping", "-c", "1", "--", host])
    /// ```
    ///
    /// ## Fix
    /// Pass an argument list without `shell=True`, so no shell parses the input; end options
    /// with `--`. When a shell is unavoidable, quote each value with `shlex.quote` (recognised as a
    /// sanitiser), or choose the command from an allow-list.
    ///
    /// ## References
    /// - [CWE-78: OS Command Injection](https://cwe.mitre.org/data/definitions/78.html)
    /// - [Python docs: security considerations of `subprocess`](https://docs.python.org/3/library/subprocess.html#security-considerations)
    pub(super) RULE = {
        name: "tainted-command",
        audit: Code,
        kind: Taint,
        severity: Critical,
        confidence: High,
        likelihood: High,
        impact: High,
        cwe: [78],
        owasp: A03Injection,
        aliases: [],
        tags: ["taint", "shell", "subprocess"],
        interest: [Module],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    report_flows(ctx, node, Vuln::Command, |sink, source| {
        format!(
            "{sink} runs a command built from {source}; pass an argument list without a shell, or quote the value with `shlex.quote`"
        )
    });
}
