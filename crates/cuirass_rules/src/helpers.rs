//! Small AST predicates shared by many rules, and the few questions rules ask the semantic
//! model (what a local name was bound to).

use cuirass_python::Ranged;
use cuirass_python::ast::{self, Expr, Stmt};
use cuirass_python::semantic::{BindingKind, SemanticModel};
use cuirass_python::{TextRange, qualified_name_of};

/// Whether `expr` is a string literal (plain or implicitly concatenated; not an f-string).
pub fn is_str_literal(expr: &Expr) -> bool {
    matches!(expr, Expr::StringLiteral(_))
}

/// The value of a string literal, if `expr` is one.
pub fn str_value(expr: &Expr) -> Option<String> {
    match expr {
        Expr::StringLiteral(s) => Some(s.value.to_str().to_string()),
        _ => None,
    }
}

/// Whether `expr` is a constant: a literal string, bytes, number, bool or None, or a tuple or
/// list of constants. Concatenations of constants are constant too.
pub fn is_constant(expr: &Expr) -> bool {
    match expr {
        Expr::StringLiteral(_)
        | Expr::BytesLiteral(_)
        | Expr::NumberLiteral(_)
        | Expr::BooleanLiteral(_)
        | Expr::NoneLiteral(_)
        | Expr::EllipsisLiteral(_) => true,
        Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
            elts.iter().all(is_constant)
        }
        Expr::BinOp(ast::ExprBinOp { left, right, .. }) => is_constant(left) && is_constant(right),
        Expr::FString(f) => f
            .value
            .elements()
            .all(|element| element.as_literal().is_some()),
        _ => false,
    }
}

/// Whether `expr` is the literal `True`.
pub fn is_true(expr: &Expr) -> bool {
    matches!(expr, Expr::BooleanLiteral(b) if b.value)
}

/// Whether `expr` is the literal `False`.
pub fn is_false(expr: &Expr) -> bool {
    matches!(expr, Expr::BooleanLiteral(b) if !b.value)
}

/// Whether `expr` is truthy at a glance: `True` or a non-zero number literal.
pub fn is_truthy_literal(expr: &Expr) -> bool {
    match expr {
        Expr::BooleanLiteral(b) => b.value,
        Expr::NumberLiteral(n) => match &n.value {
            ast::Number::Int(i) => i.as_u64() != Some(0),
            _ => false,
        },
        _ => false,
    }
}

/// Whether a string is built dynamically from non-constant parts: an f-string with a
/// placeholder, `"…" % x`, `"…".format(x)` or `"…" + x`.
pub fn is_dynamic_string(expr: &Expr) -> bool {
    match expr {
        Expr::FString(f) => f
            .value
            .elements()
            .any(|element| element.as_interpolation().is_some()),
        Expr::BinOp(ast::ExprBinOp {
            left, op, right, ..
        }) => match op {
            ast::Operator::Mod => is_stringish(left) && !is_constant(right),
            ast::Operator::Add => {
                (is_stringish(left) || is_stringish(right))
                    && !(is_constant(left) && is_constant(right))
            }
            _ => false,
        },
        Expr::Call(call) => match call.func.as_ref() {
            Expr::Attribute(attr) if attr.attr.as_str() == "format" => {
                is_stringish(&attr.value)
                    && !(call.arguments.args.iter().all(is_constant)
                        && call
                            .arguments
                            .keywords
                            .iter()
                            .all(|k| is_constant(&k.value)))
            }
            _ => false,
        },
        _ => false,
    }
}

/// Whether `expr` is, or is built from, a string literal (so `+` and `%` are string operations).
pub fn is_stringish(expr: &Expr) -> bool {
    match expr {
        Expr::StringLiteral(_) | Expr::FString(_) => true,
        Expr::BinOp(ast::ExprBinOp { left, right, .. }) => {
            is_stringish(left) || is_stringish(right)
        }
        Expr::Call(call) => matches!(
            call.func.as_ref(),
            Expr::Attribute(attr) if attr.attr.as_str() == "format" && is_stringish(&attr.value)
        ),
        _ => false,
    }
}

/// The text of the leading string literal of a (possibly dynamic) string expression, for
/// keyword sniffing (`"SELECT … " + x` → `"SELECT … "`).
pub fn leading_literal(expr: &Expr) -> Option<String> {
    match expr {
        Expr::StringLiteral(s) => Some(s.value.to_str().to_string()),
        Expr::FString(f) => {
            let mut out = String::new();
            for element in f.value.elements() {
                if let Some(literal) = element.as_literal() {
                    out.push_str(&literal.value);
                } else {
                    out.push_str(" ? ");
                }
            }
            Some(out)
        }
        Expr::BinOp(ast::ExprBinOp { left, right, .. }) => {
            let mut out = leading_literal(left).unwrap_or_default();
            if let Some(right) = leading_literal(right) {
                out.push_str(" ? ");
                out.push_str(&right);
            }
            Some(out)
        }
        Expr::Call(call) => match call.func.as_ref() {
            Expr::Attribute(attr) if attr.attr.as_str() == "format" => leading_literal(&attr.value),
            _ => None,
        },
        _ => None,
    }
}

/// The last segment of a name or attribute chain (`self.db.password` → `password`).
pub fn terminal_name(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Attribute(attr) => Some(attr.attr.as_str()),
        Expr::Subscript(sub) => match sub.slice.as_ref() {
            Expr::StringLiteral(s) => Some(s.value.to_str()),
            _ => None,
        },
        _ => None,
    }
}

/// The expression a name was bound to where it is used, when the binding says so plainly:
/// `name = value`, `name: T = value`, `a, name = x, value` or `with value as name`. `None`
/// for parameters, loop variables, imports, augmented assignments and anything unresolved.
pub fn bound_value<'a>(semantic: &SemanticModel<'a>, name: &ast::ExprName) -> Option<&'a Expr> {
    let binding = semantic.binding(semantic.resolve_name(name)?);
    let statement = binding.statement(semantic)?;
    match (&binding.kind, statement) {
        (BindingKind::Assignment, Stmt::Assign(assign)) => assign
            .targets
            .iter()
            .find_map(|target| value_for_target(target, &assign.value, binding.range)),
        (BindingKind::Assignment, Stmt::AnnAssign(assign)) => {
            value_for_target(&assign.target, assign.value.as_deref()?, binding.range)
        }
        (BindingKind::WithItemVar, Stmt::With(with)) => with.items.iter().find_map(|item| {
            item.optional_vars
                .as_deref()
                .filter(|vars| vars.is_name_expr() && vars.range() == binding.range)
                .map(|_| &item.context_expr)
        }),
        _ => None,
    }
}

/// The part of `value` that lands in the name at `range` when assigned to `target`.
fn value_for_target<'a>(target: &'a Expr, value: &'a Expr, range: TextRange) -> Option<&'a Expr> {
    match (target, value) {
        (Expr::Name(name), _) => (name.range == range).then_some(value),
        (
            Expr::Tuple(ast::ExprTuple { elts: targets, .. })
            | Expr::List(ast::ExprList { elts: targets, .. }),
            Expr::Tuple(ast::ExprTuple { elts: values, .. })
            | Expr::List(ast::ExprList { elts: values, .. }),
        ) if targets.len() == values.len()
            && !targets
                .iter()
                .chain(values.iter())
                .any(Expr::is_starred_expr) =>
        {
            targets
                .iter()
                .zip(values.iter())
                .find_map(|(target, value)| value_for_target(target, value, range))
        }
        _ => None,
    }
}

/// The qualified name of what built `receiver`: the callee of `X(…)` itself, or of the value
/// of a name bound by `x = X(…)` / `with X(…) as x`. `None` when that is unknown, or when the
/// callee is a function or class defined in this file (an app factory may return anything).
pub fn constructed_by(semantic: &SemanticModel<'_>, receiver: &Expr) -> Option<String> {
    let func = match receiver {
        Expr::Call(call) => call.func.as_ref(),
        Expr::Name(name) => match bound_value(semantic, name)? {
            Expr::Call(call) => call.func.as_ref(),
            _ => return None,
        },
        _ => return None,
    };
    let mut head = func;
    while let Expr::Attribute(attr) = head {
        head = &attr.value;
    }
    if let Expr::Name(name) = head {
        let local = semantic.resolve_name(name).is_some_and(|id| {
            matches!(
                semantic.binding(id).kind,
                BindingKind::FunctionDefinition(_) | BindingKind::ClassDefinition(_)
            )
        });
        if local {
            return None;
        }
    }
    qualified_name_of(semantic, func)
}

/// Whether `expr` is a constant, or a name assigned exactly once in its scope, to a constant
/// (`CMD = "uptime"` … `os.system(CMD)`): nothing can be injected into either.
pub fn is_constant_value(semantic: &SemanticModel<'_>, expr: &Expr) -> bool {
    if is_constant(expr) {
        return true;
    }
    let Expr::Name(name) = expr else {
        return false;
    };
    let Some(id) = semantic.resolve_name(name) else {
        return false;
    };
    let binding = semantic.binding(id);
    let assigned_once = semantic
        .scopes
        .get(binding.scope)
        .is_some_and(|scope| scope.get_all(name.id.as_str()).count() == 1);
    assigned_once && bound_value(semantic, name).is_some_and(is_constant)
}

/// The words of an identifier or label, lower-cased: split on anything not alphanumeric, on
/// camel-case humps and between letters and digits (`dbPassword2` → `db`, `password`, `2`;
/// `HTTPServer` → `http`, `server`).
pub fn identifier_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    for part in text.split(|c: char| !c.is_alphanumeric()) {
        let chars: Vec<char> = part.chars().collect();
        let mut current = String::new();
        for (index, &c) in chars.iter().enumerate() {
            let previous = index.checked_sub(1).and_then(|i| chars.get(i));
            let next = chars.get(index + 1);
            let boundary = previous.is_some_and(|&p| {
                (p.is_lowercase() && c.is_uppercase())
                    || (p.is_alphabetic() && c.is_numeric())
                    || (p.is_numeric() && c.is_alphabetic())
                    || (p.is_uppercase()
                        && c.is_uppercase()
                        && next.is_some_and(|n| n.is_lowercase()))
            });
            if boundary && !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            current.extend(c.to_lowercase());
        }
        if !current.is_empty() {
            words.push(current);
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::identifier_words;

    #[test]
    fn identifier_words_split_snake_camel_and_digits() {
        assert_eq!(identifier_words("DB_PASSWORD"), ["db", "password"]);
        assert_eq!(identifier_words("dbPassword2"), ["db", "password", "2"]);
        assert_eq!(identifier_words("HTTPServer"), ["http", "server"]);
        assert_eq!(identifier_words("X-Auth-Token"), ["x", "auth", "token"]);
        assert_eq!(identifier_words("apikey"), ["apikey"]);
        assert!(identifier_words("__").is_empty());
    }
}
