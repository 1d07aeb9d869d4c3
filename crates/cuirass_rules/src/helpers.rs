//! Small AST predicates shared by many rules.

use cuirass_python::ast::{self, Expr};

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
