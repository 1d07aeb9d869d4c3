use cuirass_diagnostics::Related;
use cuirass_python::ast::{self, Expr, Stmt};
use cuirass_python::semantic::SemanticModel;
use cuirass_python::{Ranged, TextRange};

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::helpers::{bound_value, is_constant, is_constant_value, leading_literal, terminal_name};

declare_rule! {
    /// ## What it does
    /// Checks for SQL text built from values at run time (an f-string with placeholders, `%`
    /// or `.format()` with non-constant arguments, or `+` with a non-constant part) that reaches
    /// a query sink: the first argument of `.execute()`, `.executemany()`, `.executescript()`,
    /// `.mogrify()` or `.raw()` on any object, `sqlalchemy.text()`, `pandas.read_sql()`,
    /// `pandas.read_sql_query()` or Django's `RawSQL()`.
    ///
    /// ## Why is this bad?
    /// A value pasted into SQL text is parsed as SQL: a name like `x' OR '1'='1` changes the
    /// query, and a stacked `; DROP TABLE …` may run too. Drivers bind parameters separately
    /// from the text, so no value can change the query's structure.
    ///
    /// Only strings whose literal text reads as SQL (`SELECT … FROM`, `INSERT … INTO`,
    /// `UPDATE … SET`, `DELETE … FROM`, `WITH … AS`, `CREATE`/`DROP`/`ALTER`/`TRUNCATE TABLE` …)
    /// and that reach a sink are reported; Bandit reports any SQL-looking string, used or not.
    /// The query may be built directly in the call or in a local variable assigned earlier
    /// (also through `query += …`); the finding is then reported at the sink, with a related
    /// location where the query is built. Parameterised queries (`execute("… %s", (v,))`) are
    /// fine: the `%` there is inside the literal, not an operator. Values passed through
    /// identifier quoting (`quote_name(…)`, `quote_ident(…)`, `sql.Identifier(…)`) or numeric
    /// conversion (`int(…)`, `float(…)`), directly, through a local variable or as the values
    /// of a `%` mapping (`"… %(table)s" % {"table": quote_name(t)}`), are treated as safe.
    ///
    /// ## Example
    /// ```python
    /// def find_user(cursor, name):
    ///     cursor.execute(f"SELECT * FROM users WHERE name = '{name}'")
    ///     return cursor.fetchone()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// def find_user(cursor, name):
    ///     cursor.execute("SELECT * FROM users WHERE name = %s", (name,))
    ///     return cursor.fetchone()
    /// ```
    ///
    /// ## Fix
    /// Pass values as query parameters (`%s`, `?` or `:name`, depending on the driver) or use
    /// the ORM's query builder. Identifiers (table or column names) cannot be parameters:
    /// choose them from an allow-list, or quote them with the driver's identifier quoting
    /// (`psycopg.sql.Identifier`).
    ///
    /// ## References
    /// - [CWE-89: SQL Injection](https://cwe.mitre.org/data/definitions/89.html)
    /// - [OWASP Query Parameterization Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Query_Parameterization_Cheat_Sheet.html)
    /// - [PEP 249: `execute` parameters](https://peps.python.org/pep-0249/#id15)
    pub(super) RULE = {
        name: "sql-string-query",
        audit: Code,
        kind: Pattern,
        severity: High,
        confidence: Medium,
        likelihood: High,
        impact: High,
        cwe: [89],
        owasp: A03Injection,
        aliases: [Bandit("B608"), Ruff("S608")],
        tags: ["sql"],
        interest: [Call],
        check: check,
    }
}

/// Methods that run their first argument as SQL, whatever the receiver.
const METHOD_SINKS: &[&str] = &["execute", "executemany", "executescript", "mogrify", "raw"];

/// Functions that take SQL text as their first argument.
const FUNCTION_SINKS: &[&str] = &[
    "sqlalchemy.text",
    "sqlalchemy.sql.text",
    "sqlalchemy.sql.expression.text",
    "pandas.read_sql",
    "pandas.read_sql_query",
    "django.db.models.RawSQL",
    "django.db.models.expressions.RawSQL",
];

/// Keyword names drivers give the SQL argument.
const SQL_KEYWORDS: &[&str] = &["sql", "query", "operation", "statement"];

/// How far to follow `a = b` and `a += …` chains back from the sink.
const MAX_DEPTH: u32 = 8;

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let sink = if let Some(name) = call.name.filter(|name| FUNCTION_SINKS.contains(name)) {
        format!("`{name}`")
    } else if let Some(method) = call.method().filter(|m| METHOD_SINKS.contains(m)) {
        let callee = ctx.text(call.node.func.range());
        if callee.len() <= 40 && !callee.contains('\n') {
            format!("`{callee}`")
        } else {
            format!("`.{method}()`")
        }
    } else {
        return;
    };
    let Some(query) = SQL_KEYWORDS
        .iter()
        .find_map(|keyword| call.keyword(keyword))
        .or_else(|| call.arg(0))
    else {
        return;
    };
    let Some(origin) = origin(ctx.semantic, query, 0) else {
        return;
    };
    let Some(how) = origin.dynamic else {
        return;
    };
    if !looks_like_sql(&origin.text) {
        return;
    }
    let built_at = origin.built_at.map(|range| ctx.source.location(range));
    let message = if let Some(location) = &built_at {
        format!(
            "{sink} runs SQL built with {how} on line {}; pass values as query parameters instead",
            location.span.start.line
        )
    } else {
        format!("{sink} runs SQL built with {how}; pass values as query parameters instead")
    };
    if let Some(finding) = ctx.report(call.node.range(), message)
        && let Some(location) = built_at
    {
        finding.related.push(Related {
            location,
            message: format!("the query is built here with {how}"),
        });
    }
}

/// What is known of a string expression: its literal text (placeholders as ` ? `), how it
/// became dynamic (if it did), and where, when that happened in an earlier assignment.
struct Origin {
    text: String,
    dynamic: Option<&'static str>,
    built_at: Option<TextRange>,
}

impl Origin {
    fn literal(text: String) -> Self {
        Self {
            text,
            dynamic: None,
            built_at: None,
        }
    }
}

fn origin(semantic: &SemanticModel<'_>, expr: &Expr, depth: u32) -> Option<Origin> {
    if depth > MAX_DEPTH {
        return None;
    }
    match expr {
        Expr::StringLiteral(_) => leading_literal(expr).map(Origin::literal),
        Expr::FString(fstring) => {
            let mut origin = Origin::literal(leading_literal(expr)?);
            if fstring.value.elements().any(|element| {
                element
                    .as_interpolation()
                    .is_some_and(|field| !is_safe_part(semantic, &field.expression))
            }) {
                origin.dynamic = Some("an f-string");
            }
            Some(origin)
        }
        Expr::BinOp(ast::ExprBinOp {
            left,
            op: ast::Operator::Mod,
            right,
            ..
        }) => {
            let mut origin = origin(semantic, left, depth + 1)?;
            if origin.dynamic.is_none() && !is_safe_part(semantic, right) {
                origin.dynamic = Some("`%` formatting");
            }
            Some(origin)
        }
        Expr::BinOp(ast::ExprBinOp {
            left,
            op: ast::Operator::Add,
            right,
            ..
        }) => {
            let left_origin = origin(semantic, left, depth + 1);
            let right_origin = origin(semantic, right, depth + 1);
            if left_origin.is_none() && right_origin.is_none() {
                return None;
            }
            let part_is_dynamic = |part: Option<&Origin>, expr: &Expr| match part {
                Some(part) => part.dynamic.is_some(),
                None => !is_safe_part(semantic, expr),
            };
            let concatenated = (part_is_dynamic(left_origin.as_ref(), left)
                || part_is_dynamic(right_origin.as_ref(), right))
            .then_some("string concatenation");
            let mut text = String::new();
            let mut dynamic = None;
            let mut built_at = None;
            for part in [left_origin, right_origin] {
                match part {
                    Some(part) => {
                        text.push_str(&part.text);
                        dynamic = dynamic.or(part.dynamic);
                        built_at = built_at.or(part.built_at);
                    }
                    None => text.push_str(" ? "),
                }
            }
            Some(Origin {
                text,
                // A dynamic part names its own construction; otherwise `+` made it dynamic.
                dynamic: dynamic.or(concatenated),
                built_at,
            })
        }
        Expr::Call(call) => {
            let Expr::Attribute(attr) = call.func.as_ref() else {
                return None;
            };
            if attr.attr.as_str() != "format" {
                return None;
            }
            let mut origin = origin(semantic, &attr.value, depth + 1)?;
            let safe_arguments = call
                .arguments
                .args
                .iter()
                .all(|arg| is_safe_part(semantic, arg))
                && call
                    .arguments
                    .keywords
                    .iter()
                    .all(|keyword| is_safe_part(semantic, &keyword.value));
            if origin.dynamic.is_none() && !safe_arguments {
                origin.dynamic = Some("`str.format`");
            }
            Some(origin)
        }
        Expr::Name(name) => name_origin(semantic, name, depth),
        _ => None,
    }
}

/// Follows a local name back to the assignment (or `+=` chain) that built it.
fn name_origin(semantic: &SemanticModel<'_>, name: &ast::ExprName, depth: u32) -> Option<Origin> {
    if let Some(value) = bound_value(semantic, name) {
        let mut origin = origin(semantic, value, depth + 1)?;
        if origin.dynamic.is_some() && origin.built_at.is_none() {
            origin.built_at = Some(value.range());
        }
        return Some(origin);
    }
    // `query += …`: the binder resolved the target as a load of the previous binding.
    let binding = semantic.binding(semantic.resolve_name(name)?);
    let Some(Stmt::AugAssign(augmented)) = binding.statement(semantic) else {
        return None;
    };
    let (Expr::Name(target), ast::Operator::Add) = (augmented.target.as_ref(), augmented.op) else {
        return None;
    };
    let mut origin = name_origin(semantic, target, depth + 1)?;
    let added = self::origin(semantic, &augmented.value, depth + 1);
    if let Some(added) = &added {
        origin.text.push_str(&added.text);
    } else {
        origin.text.push_str(" ? ");
    }
    if origin.dynamic.is_none() {
        let how = match &added {
            Some(added) => added.dynamic,
            None if !is_safe_part(semantic, &augmented.value) => Some("string concatenation"),
            None => None,
        };
        if how.is_some() {
            origin.dynamic = how;
            origin.built_at = Some(augmented.range());
        }
    }
    Some(origin)
}

/// Calls whose result is safe inside SQL text: identifier quoting and numeric conversion.
const SANITIZERS: &[&str] = &[
    "quote_name",
    "quote_ident",
    "quote_identifier",
    "quote_table",
    "quote_column",
    "escape_identifier",
    "Identifier",
    "int",
    "float",
];

/// Whether a value pasted into SQL cannot change the query: a constant, a call to an
/// identifier quoting or numeric conversion function, a name bound to one, or a tuple or
/// dict of those (the right side of `%`).
fn is_safe_part(semantic: &SemanticModel<'_>, expr: &Expr) -> bool {
    is_safe_part_at(semantic, expr, 0)
}

fn is_safe_part_at(semantic: &SemanticModel<'_>, expr: &Expr, depth: u32) -> bool {
    let is_sanitizer = |expr: &Expr| {
        let Expr::Call(call) = expr else {
            return false;
        };
        terminal_name(&call.func).is_some_and(|name| SANITIZERS.contains(&name))
    };
    if is_constant_value(semantic, expr) || is_sanitizer(expr) {
        return true;
    }
    match expr {
        Expr::Tuple(tuple) => tuple
            .elts
            .iter()
            .all(|elt| is_safe_part_at(semantic, elt, depth)),
        // `"… %(table)s" % {"table": quote_name(t)}`: the mapping's values are what is pasted.
        Expr::Dict(dict) => dict
            .items
            .iter()
            .all(|item| item.key.is_some() && is_safe_part_at(semantic, &item.value, depth)),
        Expr::Name(name) if depth < MAX_DEPTH => bound_value(semantic, name)
            .is_some_and(|value| is_safe_part_at(semantic, value, depth + 1)),
        Expr::Call(call) => is_placeholder_list(call),
        _ => false,
    }
}

/// `", ".join(["%s"] * len(values))`: a list of placeholders for `IN (…)`.
fn is_placeholder_list(call: &ast::ExprCall) -> bool {
    let Expr::Attribute(attr) = call.func.as_ref() else {
        return false;
    };
    if attr.attr.as_str() != "join" || !attr.value.is_string_literal_expr() {
        return false;
    }
    let [items] = &*call.arguments.args else {
        return false;
    };
    let items = match items {
        Expr::BinOp(ast::ExprBinOp {
            left,
            op: ast::Operator::Mult,
            ..
        }) => left.as_ref(),
        other => other,
    };
    matches!(items, Expr::List(_) | Expr::Tuple(_)) && is_constant(items)
}

/// Whether text reads as an SQL statement: it starts (after comments and placeholders) with
/// a verb, followed later by the word that verb needs (`SELECT … FROM`, `INSERT … INTO`).
fn looks_like_sql(text: &str) -> bool {
    let words: Vec<String> = strip_sql_comments(text)
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let mut words = words.as_slice();
    if let [first, rest @ ..] = words
        && first == "explain"
    {
        words = rest;
        while let [modifier, rest @ ..] = words {
            if !matches!(modifier.as_str(), "analyze" | "verbose" | "query" | "plan") {
                break;
            }
            words = rest;
        }
    }
    let Some((verb, rest)) = words.split_first() else {
        return false;
    };
    let has = |wanted: &[&str], within: usize| {
        rest.iter()
            .take(within)
            .any(|w| wanted.contains(&w.as_str()))
    };
    match verb.as_str() {
        "select" | "delete" => has(&["from"], usize::MAX),
        "insert" | "replace" => has(&["into"], 3),
        "update" => has(&["set"], usize::MAX),
        "with" => has(&["as"], 4) && has(&["select", "insert", "update", "delete"], usize::MAX),
        "create" | "drop" | "alter" | "truncate" => has(
            &[
                "table",
                "index",
                "view",
                "database",
                "schema",
                "trigger",
                "sequence",
                "function",
                "procedure",
            ],
            4,
        ),
        _ => false,
    }
}

/// The text without leading `-- …` and `/* … */` comments.
fn strip_sql_comments(text: &str) -> &str {
    let mut rest = text.trim_start_matches(|c: char| c.is_whitespace() || c == '(' || c == '?');
    loop {
        if let Some(comment) = rest.strip_prefix("--") {
            rest = comment.split_once('\n').map_or("", |(_, after)| after);
        } else if let Some(comment) = rest.strip_prefix("/*") {
            rest = comment.split_once("*/").map_or("", |(_, after)| after);
        } else {
            return rest;
        }
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '(' || c == '?');
    }
}

#[cfg(test)]
mod tests {
    use super::looks_like_sql;

    #[test]
    fn sql_shapes() {
        assert!(looks_like_sql("SELECT name FROM users WHERE id = ? "));
        assert!(looks_like_sql("insert or replace into t values (?)"));
        assert!(looks_like_sql("UPDATE users SET name = ? "));
        assert!(looks_like_sql("DELETE FROM sessions WHERE user = ?"));
        assert!(looks_like_sql(
            "WITH recent AS (SELECT 1) SELECT * FROM recent"
        ));
        assert!(looks_like_sql("DROP TABLE IF EXISTS ? "));
        assert!(looks_like_sql("create unique index ? on t"));
        assert!(!looks_like_sql("return document.title"));
        assert!(!looks_like_sql("select an option"));
        assert!(!looks_like_sql("please update your profile"));
        assert!(!looks_like_sql("selected_from the list"));
        assert!(!looks_like_sql("could not select from ? "));
        assert!(looks_like_sql(
            "-- users\n/* by name */ SELECT * FROM users"
        ));
        assert!(looks_like_sql("EXPLAIN ANALYZE SELECT * FROM t"));
        assert!(looks_like_sql(" ? SELECT * FROM t"));
    }
}
