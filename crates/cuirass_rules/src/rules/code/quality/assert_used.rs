use cuirass_python::Ranged;
use cuirass_python::ast::{Expr, Stmt};

use crate::checker::{Context, Node};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks for `assert` statements outside test files (`test_*.py`, `*_test.py`,
    /// `conftest.py`, anything under a `tests/` directory), where asserts are how pytest
    /// works and are not reported. Asserts under `if TYPE_CHECKING:` (or an `elif` of it) are
    /// not reported either: that code never runs, so `-O` takes nothing away (they narrow
    /// types for the type checker only).
    ///
    /// ## Why is this bad?
    /// Python removes `assert` statements when it runs with `-O` or `PYTHONOPTIMIZE` set, as
    /// some deployments do. An `assert` that guards a permission, a state or an input is then
    /// silently gone, and the code behind it runs unchecked. Asserts are for invariants that
    /// only a bug can break, never for checks that must hold in production.
    ///
    /// ## Example
    /// ```python
    /// def delete_project(user, project):
    ///     assert user.is_admin, "admins only"
    ///     project.delete()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// def delete_project(user, project):
    ///     if not user.is_admin:
    ///         raise PermissionError("admins only")
    ///     project.delete()
    /// ```
    ///
    /// ## Fix
    /// Raise an exception (`PermissionError`, `ValueError`, a domain error) for any check that
    /// must hold in production. Keep `assert` for internal invariants and type narrowing, and
    /// suppress this rule where that is the intent.
    ///
    /// ## References
    /// - [CWE-703: Improper Check or Handling of Exceptional Conditions](https://cwe.mitre.org/data/definitions/703.html)
    /// - [Python docs: the `assert` statement](https://docs.python.org/3/reference/simple_stmts.html#the-assert-statement)
    pub(super) RULE = {
        name: "assert-used",
        audit: Code,
        kind: Pattern,
        severity: Low,
        confidence: High,
        likelihood: Low,
        impact: Low,
        cwe: [703],
        owasp: None,
        aliases: [Bandit("B101"), Ruff("S101")],
        tags: ["quality"],
        interest: [Assert],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Stmt(Stmt::Assert(assert)) = node else {
        return;
    };
    if ctx.is_test_file() || under_type_checking(ctx, assert.range()) {
        return;
    }
    ctx.report(
        assert.range(),
        "`assert` is removed when Python runs with `-O`; raise an exception for checks that must hold in production",
    );
}

/// Whether `range` lies in the body of an enclosing `if TYPE_CHECKING:` or
/// `elif TYPE_CHECKING:` branch (never in an `else`, which does run).
fn under_type_checking(ctx: &Context<'_>, range: cuirass_python::TextRange) -> bool {
    let holds = |body: &[Stmt]| {
        let (Some(first), Some(last)) = (body.first(), body.last()) else {
            return false;
        };
        first.start() <= range.start() && range.end() <= last.end()
    };
    ctx.statements().iter().any(|stmt| {
        let Stmt::If(if_stmt) = stmt else {
            return false;
        };
        (holds(&if_stmt.body) && is_type_checking(ctx, &if_stmt.test))
            || if_stmt.elif_else_clauses.iter().any(|clause| {
                clause
                    .test
                    .as_ref()
                    .is_some_and(|test| holds(&clause.body) && is_type_checking(ctx, test))
            })
    })
}

/// `TYPE_CHECKING`, `typing.TYPE_CHECKING` or an alias of it. As in Ruff, the name alone is
/// enough, wherever it was defined (projects re-export it from a compatibility module).
fn is_type_checking(ctx: &Context<'_>, test: &Expr) -> bool {
    match test {
        Expr::Name(name) => {
            name.id.as_str() == "TYPE_CHECKING"
                || ctx
                    .qualified_name(test)
                    .is_some_and(|qualified| qualified.ends_with(".TYPE_CHECKING"))
        }
        Expr::Attribute(attr) => attr.attr.as_str() == "TYPE_CHECKING",
        _ => false,
    }
}
