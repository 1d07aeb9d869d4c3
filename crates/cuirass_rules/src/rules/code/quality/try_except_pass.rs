use cuirass_python::Ranged;
use cuirass_python::ast::{self, Expr, Stmt};

use crate::checker::{Context, Node};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks for exception handlers that catch everything and do nothing: a bare `except:`,
    /// `except Exception:` or `except BaseException:` (alone or in a tuple) whose body is only
    /// `pass`, `...` or `continue`.
    ///
    /// Handlers of a specific exception (`except KeyError: pass`) are deliberate and not
    /// reported; this matches Bandit's and Ruff's defaults (`check_typed_exception = false`).
    /// Test files (`test_*.py`, `*_test.py`, `conftest.py`, anything under `tests/`) are not
    /// checked: an error a test or fixture swallows fails no control in production.
    ///
    /// ## Why is this bad?
    /// A broad handler that ignores errors hides failures of security controls as well as
    /// bugs: a permission check that raised, a signature verification that crashed, a
    /// write of an audit log that failed. The program carries on as if all went well, and
    /// nothing is left to investigate afterwards.
    ///
    /// ## Example
    /// ```python
    /// def record_login(audit_log, user):
    ///     try:
    ///         audit_log.write(f"login {user.id}")
    ///     except Exception:
    ///         pass
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import logging
    ///
    /// logger = logging.getLogger(__name__)
    ///
    /// def record_login(audit_log, user):
    ///     try:
    ///         audit_log.write(f"login {user.id}")
    ///     except OSError:
    ///         logger.exception("could not write the audit log")
    /// ```
    ///
    /// ## Fix
    /// Catch the specific exceptions you expect, and log (or re-raise) what you cannot
    /// handle. When ignoring really is right, `contextlib.suppress(SpecificError)` says so.
    ///
    /// ## References
    /// - [CWE-703: Improper Check or Handling of Exceptional Conditions](https://cwe.mitre.org/data/definitions/703.html)
    /// - [Python docs: handling exceptions](https://docs.python.org/3/tutorial/errors.html#handling-exceptions)
    pub(super) RULE = {
        name: "try-except-pass",
        audit: Code,
        kind: Pattern,
        severity: Low,
        confidence: High,
        likelihood: Low,
        impact: Low,
        cwe: [703],
        owasp: None,
        aliases: [Bandit("B110"), Bandit("B112"), Ruff("S110"), Ruff("S112")],
        tags: ["quality", "exceptions"],
        interest: [Try],
        check: check,
    }
}

const BROAD: &[&str] = &["builtins.Exception", "builtins.BaseException"];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Stmt(Stmt::Try(try_stmt)) = node else {
        return;
    };
    if ctx.is_test_file() {
        return;
    }
    for handler in &try_stmt.handlers {
        let ast::ExceptHandler::ExceptHandler(handler) = handler;
        let caught = match handler.type_.as_deref() {
            None => "except:".to_string(),
            Some(type_) => {
                let Some(broad) = broad_type(ctx, type_) else {
                    continue;
                };
                format!("except {broad}:")
            }
        };
        let Some(action) = ignoring_action(&handler.body) else {
            continue;
        };
        ctx.report(
            handler.range(),
            format!(
                "`{caught} {action}` silently ignores every error, including failed security checks; catch the specific exceptions you expect and log the rest"
            ),
        );
    }
}

/// `Exception` or `BaseException`, alone or in a tuple; the name as written.
fn broad_type(ctx: &Context<'_>, type_: &Expr) -> Option<String> {
    let is_broad = |expr: &Expr| {
        ctx.qualified_name(expr)
            .is_some_and(|name| BROAD.contains(&name.as_str()))
    };
    match type_ {
        Expr::Tuple(tuple) => tuple
            .elts
            .iter()
            .find(|elt| is_broad(elt))
            .map(|elt| ctx.text(elt.range()).to_string()),
        _ => is_broad(type_).then(|| ctx.text(type_.range()).to_string()),
    }
}

/// `pass`, `...` or `continue` when that is all the body does.
fn ignoring_action(body: &[Stmt]) -> Option<&'static str> {
    let mut action = None;
    for stmt in body {
        match stmt {
            Stmt::Pass(_) => action = action.or(Some("pass")),
            Stmt::Expr(expr) if expr.value.is_ellipsis_literal_expr() => {
                action = action.or(Some("..."));
            }
            Stmt::Continue(_) => action = Some("continue"),
            _ => return None,
        }
    }
    action
}
