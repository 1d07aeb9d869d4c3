use cuirass_diagnostics::{Confidence, Severity};
use cuirass_python::Ranged;
use cuirass_python::ast::{Expr, Stmt};
use cuirass_python::semantic::{Modules, SemanticModel};

use crate::checker::{Call, Context, Node};
use crate::declare_rule;
use crate::helpers::{bound_value, built_string, dynamic_parts, is_constant_value, terminal_name};

declare_rule! {
    /// ## What it does
    /// Checks for Django's raw SQL escape hatches given SQL that is not a constant:
    /// - `Model.objects.raw(sql)` (a receiver chain through `objects`, `_default_manager` or
    ///   `_base_manager`) and `RawSQL(sql, params)` whose SQL comes from elsewhere — a
    ///   parameter, an attribute, a call, a name we cannot follow — at low confidence: it may
    ///   well be a constant defined elsewhere;
    /// - `QuerySet.extra(select=…, where=…, tables=…, order_by=…)` with any fragment that is
    ///   not a constant, at high confidence when the fragment is built in place with an
    ///   f-string, `%`, `.format()` or `+`. Fragments built only from identifiers quoted with
    ///   `quote_name` (also through the usual `qn = connection.ops.quote_name`) or numbers
    ///   are fine.
    ///
    /// SQL built at run time in sight (`raw(f"… {name}")`, or a local variable assigned such
    /// a string, or grown with `+=`) and passed to `raw()` or `RawSQL()` is reported by
    /// `sql-string-query` instead, so one place gets one finding. Constant SQL — a literal or a
    /// name assigned one — is fine, with values passed as `params`.
    ///
    /// ## Why is this bad?
    /// These APIs paste their text into the query as is: the ORM's escaping does not apply.
    /// Any request value that reaches the text changes the query (SQL injection). `extra()` is
    /// also slated for deprecation: nearly everything it does has an ORM expression.
    ///
    /// ## Example
    /// ```python
    /// from myapp.models import Person
    ///
    /// def people(order):
    ///     return Person.objects.extra(order_by=[order])
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from myapp.models import Person
    ///
    /// ALLOWED_ORDERS = {"name", "-name", "age", "-age"}
    ///
    /// def people(order):
    ///     if order not in ALLOWED_ORDERS:
    ///         order = "name"
    ///     return Person.objects.order_by(order)
    /// ```
    ///
    /// ## Fix
    /// Use ORM expressions (`annotate`, `F`, `Func`, `order_by`); where raw SQL is needed, keep
    /// its text constant and pass values in `params` (`raw("… WHERE id = %s", [pk])`,
    /// `RawSQL("… %s", (value,))`), choosing identifiers from an allow-list.
    ///
    /// ## References
    /// - [CWE-89: SQL Injection](https://cwe.mitre.org/data/definitions/89.html)
    /// - [Django docs: performing raw SQL queries](https://docs.djangoproject.com/en/stable/topics/db/sql/)
    /// - [Django docs: `extra()`](https://docs.djangoproject.com/en/stable/ref/models/querysets/#extra)
    pub(super) RULE = {
        name: "django-raw-sql",
        audit: Code,
        kind: Pattern,
        severity: Medium,
        confidence: Low,
        likelihood: Medium,
        impact: High,
        cwe: [89],
        owasp: A03Injection,
        aliases: [Bandit("B610"), Bandit("B611"), Ruff("S610"), Ruff("S611")],
        tags: ["sql", "django"],
        interest: [Call],
        check: check,
    }
}

const RAW_SQL: &[&str] = &[
    "django.db.models.RawSQL",
    "django.db.models.expressions.RawSQL",
];

/// Attributes that make a receiver chain a Django manager.
const MANAGERS: &[&str] = &["objects", "_default_manager", "_base_manager"];

/// `extra()` keywords holding SQL fragments.
const EXTRA_FRAGMENTS: &[&str] = &["select", "where", "tables", "order_by"];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    if let Some(name) = call.name.filter(|name| RAW_SQL.contains(name)) {
        check_raw(ctx, call, &format!("`{name}`"), call.argument("sql", 0));
        return;
    }
    let Expr::Attribute(attr) = call.node.func.as_ref() else {
        return;
    };
    match attr.attr.as_str() {
        "raw" if is_manager(&attr.value) => {
            check_raw(ctx, call, "`.raw()`", call.argument("raw_query", 0));
        }
        "extra" if is_manager(&attr.value) || ctx.semantic.seen_module(Modules::DJANGO) => {
            check_extra(ctx, call);
        }
        _ => {}
    }
}

/// `X.objects…`, `X._default_manager…`, `self.model.objects.filter(…)`.
fn is_manager(receiver: &Expr) -> bool {
    let mut current = receiver;
    loop {
        match current {
            Expr::Attribute(attr) => {
                if MANAGERS.contains(&attr.attr.as_str()) {
                    return true;
                }
                current = &attr.value;
            }
            Expr::Call(call) => current = &call.func,
            _ => return false,
        }
    }
}

fn check_raw(ctx: &mut Context<'_>, call: &Call<'_>, what: &str, sql: Option<&Expr>) {
    let Some(sql) = sql else {
        return;
    };
    if is_constant_value(ctx.semantic, sql) || built_in_sight(ctx.semantic, sql) {
        return;
    }
    let text = ctx.text(sql.range());
    let shown = if text.len() <= 40 && !text.contains('\n') {
        format!("`{text}`")
    } else {
        "its SQL".to_string()
    };
    ctx.report(
        call.node.range(),
        format!("{what} runs {shown} as raw SQL, and its text comes from elsewhere; keep the SQL constant and pass values in `params`"),
    );
}

/// SQL built at run time where we can see it: `sql-string-query`'s to report.
fn built_in_sight(semantic: &SemanticModel<'_>, sql: &Expr) -> bool {
    if built_string(semantic, sql).is_some() {
        return true;
    }
    let Expr::Name(name) = sql else {
        return false;
    };
    semantic
        .resolve_name(name)
        .and_then(|id| semantic.binding(id).statement(semantic))
        .is_some_and(|statement| matches!(statement, Stmt::AugAssign(_)))
}

fn check_extra(ctx: &mut Context<'_>, call: &Call<'_>) {
    let mut fragments: Vec<&Expr> = Vec::new();
    for keyword in EXTRA_FRAGMENTS {
        match call.keyword(keyword) {
            Some(Expr::Dict(dict)) => fragments.extend(dict.items.iter().map(|item| &item.value)),
            Some(Expr::List(list)) => fragments.extend(list.elts.iter()),
            Some(Expr::Tuple(tuple)) => fragments.extend(tuple.elts.iter()),
            Some(Expr::DictComp(comprehension)) => fragments.push(&comprehension.value),
            Some(Expr::ListComp(comprehension)) => fragments.push(&comprehension.elt),
            Some(Expr::Generator(comprehension)) => fragments.push(&comprehension.elt),
            Some(other) => fragments.push(other),
            None => {}
        }
    }
    let Some(fragment) = fragments.into_iter().find(|fragment| {
        !is_constant_value(ctx.semantic, fragment) && !is_quoted_sql(ctx.semantic, fragment)
    }) else {
        return;
    };
    let built = built_string(ctx.semantic, fragment).is_some();
    let message = if built {
        "`.extra()` pastes an SQL fragment built at run time into the query; use ORM expressions, or constant SQL with `params`"
    } else {
        "`.extra()` pastes an SQL fragment that is not a constant into the query; use ORM expressions, or constant SQL with `params`"
    };
    if let Some(finding) = ctx.report(call.node.range(), message) {
        if built {
            finding.severity = Severity::High;
            finding.confidence = Confidence::High;
        } else {
            finding.confidence = Confidence::Medium;
        }
    }
}

/// Identifier quoting and numeric conversion: what a built fragment may safely paste.
const QUOTERS: &[&str] = &[
    "quote_name",
    "qn",
    "quote_ident",
    "quote_identifier",
    "Identifier",
    "int",
    "float",
];

/// A fragment built only from constants and quoted identifiers
/// (`"%s.%s" % (qn(table), qn(column))`, with `qn = connection.ops.quote_name`).
fn is_quoted_sql(semantic: &SemanticModel<'_>, fragment: &Expr) -> bool {
    let Some(built) = built_string(semantic, fragment) else {
        return false;
    };
    dynamic_parts(built).into_iter().all(|part| {
        let Expr::Call(call) = part else {
            return is_constant_value(semantic, part);
        };
        let quoter = |expr: &Expr| terminal_name(expr).is_some_and(|n| QUOTERS.contains(&n));
        quoter(&call.func)
            || matches!(call.func.as_ref(), Expr::Name(name)
                if bound_value(semantic, name).is_some_and(quoter))
    })
}
