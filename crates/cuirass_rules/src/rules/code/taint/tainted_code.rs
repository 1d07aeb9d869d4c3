use cuirass_taint::Vuln;

use crate::checker::{Context, Node};
use crate::declare_rule;

use super::helpers::report_flows;

declare_rule! {
    /// ## What it does
    /// Checks for input that reaches `eval()` or `exec()`.
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
    /// `eval` and `exec` run their argument as Python with the application's privileges: input
    /// there is remote code execution (`__import__('os').system(…)`). No filtering of the string
    /// makes it safe.
    ///
    /// ## Example
    /// ```python
    /// from flask import request
    ///
    /// def calculate():
    ///     return str(eval(request.args["expr"]))
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import ast
    /// from flask import request
    ///
    /// def calculate():
    ///     return str(ast.literal_eval(request.args["expr"]))
    /// ```
    ///
    /// ## Fix
    /// Never evaluate input. Parse data with `json.loads` or `ast.literal_eval` (literals only),
    /// and map names the client may choose to functions through a dictionary.
    ///
    /// ## References
    /// - [CWE-95: Eval Injection](https://cwe.mitre.org/data/definitions/95.html)
    /// - [Python docs: `ast.literal_eval`](https://docs.python.org/3/library/ast.html#ast.literal_eval)
    pub(super) RULE = {
        name: "tainted-code",
        audit: Code,
        kind: Taint,
        severity: Critical,
        confidence: High,
        likelihood: High,
        impact: High,
        cwe: [95],
        owasp: A03Injection,
        aliases: [],
        tags: ["taint", "eval", "exec"],
        interest: [Module],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    report_flows(ctx, node, Vuln::Code, |sink, source| {
        format!(
            "{sink} evaluates code built from {source}; never evaluate input, parse it instead (`json.loads`, `ast.literal_eval`)"
        )
    });
}
