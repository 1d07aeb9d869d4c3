use cuirass_python::Ranged;

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::helpers::is_constant_value;

declare_rule! {
    /// ## What it does
    /// Checks for the builtins `eval` and `exec` called with code that is not a constant.
    ///
    /// ## Why is this bad?
    /// `eval` and `exec` run their argument as Python with the full power of the process. When
    /// any part of that string comes from outside (a request, a file, a config value), an
    /// attacker can run arbitrary code: `__import__("os").system(...)` fits in any field.
    /// Restricting `globals`/`__builtins__` does not make it safe; sandbox escapes through
    /// object attributes are well known. A constant argument is not reported, and neither is a
    /// local function that happens to be named `eval`: only the builtins are matched.
    ///
    /// ## Example
    /// ```python
    /// def parse_setting(text):
    ///     return eval(text)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import ast
    ///
    /// def parse_setting(text):
    ///     return ast.literal_eval(text)
    /// ```
    ///
    /// ## Fix
    /// To read Python literals (numbers, strings, lists, dicts), use `ast.literal_eval`; for
    /// data, use `json.loads`. Replace `exec` of generated code with a lookup table of
    /// functions chosen by name, or `getattr` on an allow-listed object.
    ///
    /// ## References
    /// - [CWE-95: Eval Injection](https://cwe.mitre.org/data/definitions/95.html)
    /// - [Python docs: `eval`](https://docs.python.org/3/library/functions.html#eval)
    /// - [Python docs: `ast.literal_eval`](https://docs.python.org/3/library/ast.html#ast.literal_eval)
    pub(super) RULE = {
        name: "eval-exec",
        audit: Code,
        kind: Pattern,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [95],
        owasp: A03Injection,
        aliases: [Bandit("B307"), Bandit("B102"), Ruff("S307"), Ruff("S102")],
        tags: ["eval", "exec"],
        interest: [Call],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let (builtin, instead) = match call.name {
        Some("builtins.eval") => (
            "eval",
            "`ast.literal_eval` for literals or `json.loads` for data",
        ),
        Some("builtins.exec") => ("exec", "a table of functions chosen by name"),
        _ => return,
    };
    // `source` is positional-only; `**kwargs` cannot pass it.
    let Some(code) = call.arg(0) else {
        return;
    };
    if is_constant_value(ctx.semantic, code) {
        return;
    }
    ctx.report(
        call.node.range(),
        format!(
            "`{builtin}` runs code built at run time with the full power of the process; use {instead}"
        ),
    );
}
