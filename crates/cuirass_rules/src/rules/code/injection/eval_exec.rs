use cuirass_python::ast::{self, Expr, Stmt};
use cuirass_python::semantic::SemanticModel;
use cuirass_python::{Ranged, TextRange};

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::helpers::{bound_value, is_constant, is_constant_value};

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
    /// Code that can only be one of the program's own literals is not reported either: an
    /// entry of a table of constants the module assigns once (`eval(HANDLERS[kind])`), or a
    /// name checked against literals just before (`if flag in ("True", "False"): eval(flag)`).
    /// Nor are test files (`test_*.py`, `*_test.py`, `conftest.py`, anything under `tests/`),
    /// where `eval(repr(x)) == x` round trips and generated-code checks run code the test
    /// built itself.
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
    if ctx.is_test_file()
        || is_constant_value(ctx.semantic, code)
        || is_constant_table_entry(ctx.semantic, code)
        || is_allow_listed(ctx, code, call.node.range())
    {
        return;
    }
    ctx.report(
        call.node.range(),
        format!(
            "`{builtin}` runs code built at run time with the full power of the process; use {instead}"
        ),
    );
}

/// `TABLE[key]` where `TABLE` is a name assigned once in its scope, to a dict, list or tuple
/// of constants: whatever the key, the code is one of the program's own strings.
fn is_constant_table_entry(semantic: &SemanticModel<'_>, expr: &Expr) -> bool {
    let Expr::Subscript(subscript) = expr else {
        return false;
    };
    let Expr::Name(table) = subscript.value.as_ref() else {
        return false;
    };
    let Some(id) = semantic.resolve_name(table) else {
        return false;
    };
    let assigned_once = semantic
        .scopes
        .get(semantic.binding(id).scope)
        .is_some_and(|scope| scope.get_all(table.id.as_str()).count() == 1);
    assigned_once
        && bound_value(semantic, table).is_some_and(|value| match value {
            Expr::Dict(dict) => dict
                .items
                .iter()
                .all(|item| item.key.as_ref().is_some_and(is_constant) && is_constant(&item.value)),
            Expr::List(_) | Expr::Tuple(_) => is_constant(value),
            _ => false,
        })
}

/// Whether `expr` is a name that an enclosing `if` checked against literals before the call
/// at `at` (`if name in ("a", "b"):`, `if name == "a":`), in the branch where the check holds.
/// The name must resolve to the same binding in the test and in the call, so a reassignment
/// in between defeats it.
fn is_allow_listed(ctx: &Context<'_>, expr: &Expr, at: TextRange) -> bool {
    let Expr::Name(name) = expr else {
        return false;
    };
    let Some(binding) = ctx.semantic.resolve_name(name) else {
        return false;
    };
    ctx.statements().iter().any(|stmt| {
        let Stmt::If(if_stmt) = stmt else {
            return false;
        };
        let (Some(first), Some(last)) = (if_stmt.body.first(), if_stmt.body.last()) else {
            return false;
        };
        if !(first.start() <= at.start() && at.end() <= last.end()) {
            return false;
        }
        let Expr::Compare(compare) = if_stmt.test.as_ref() else {
            return false;
        };
        let (Expr::Name(checked), [op], [against]) =
            (compare.left.as_ref(), &*compare.ops, &*compare.comparators)
        else {
            return false;
        };
        let literals = match (op, against) {
            (
                ast::CmpOp::In,
                Expr::Tuple(ast::ExprTuple { elts, .. })
                | Expr::List(ast::ExprList { elts, .. })
                | Expr::Set(ast::ExprSet { elts, .. }),
            ) => !elts.is_empty() && elts.iter().all(is_constant),
            (ast::CmpOp::Eq, other) => is_constant(other),
            _ => false,
        };
        literals && ctx.semantic.resolve_name(checked) == Some(binding)
    })
}
