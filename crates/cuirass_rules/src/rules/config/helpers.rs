//! What the configuration rules share: the module-level assignments of a settings module (in
//! order, each marked when it only runs sometimes), literal values, what a file or class is for
//! (production, a base to extend, development or tests), environment-variable fallbacks, and the
//! masking of secrets in messages and code frames.

use cuirass_diagnostics::Finding;
use cuirass_python::ast::{self, Expr, Stmt};
use cuirass_python::{Ranged, TextRange};

use crate::checker::Context;
use crate::helpers::identifier_words;

/// One assignment of a module-level (or class-level) name.
pub(crate) struct Assignment<'a> {
    pub(crate) name: &'a str,
    pub(crate) target: &'a Expr,
    /// The assigned value; for `X += v`, `v`.
    pub(crate) value: &'a Expr,
    /// `X += v`.
    pub(crate) augmented: bool,
    /// Inside an `if`/`match` branch, a loop or an `except` handler: it runs only sometimes,
    /// so its value depends on the environment.
    pub(crate) conditional: bool,
}

impl Assignment<'_> {
    /// From the target to the end of the value.
    pub(crate) fn range(&self) -> TextRange {
        self.target.range().cover(self.value.range())
    }
}

/// The value a name ends up with, as far as the module shows.
pub(crate) enum Value<'s, 'a> {
    /// Never assigned here.
    Unset,
    /// Assigned conditionally, augmented or changed in place: depends on more than this line.
    Dynamic,
    /// Its last assignment, which always runs and is the final word.
    Set(&'s Assignment<'a>),
}

/// Every assignment of the top of a module (descending into `if`, `try`, `with` and loops, not
/// into functions or classes), and what else feeds its names.
#[derive(Default)]
pub(crate) struct TopLevel<'a> {
    pub(crate) assignments: Vec<Assignment<'a>>,
    /// Names changed in place: `X.append(…)`, `X[0] = …`, `del X`.
    pub(crate) mutated: Vec<&'a str>,
    /// What `X.append(v)`, `X.insert(i, v)` and `X.extend(v)` add to a name, by name.
    pub(crate) added: Vec<(&'a str, &'a Expr)>,
    /// `from … import *`, django-split-settings' `include(…)` or `globals().update(…)`:
    /// names are also set by another module.
    pub(crate) imports_names: bool,
}

/// Methods that change a list or dict setting in place.
const MUTATING_METHODS: &[&str] = &[
    "append",
    "extend",
    "insert",
    "remove",
    "pop",
    "clear",
    "update",
    "setdefault",
];

impl<'a> TopLevel<'a> {
    pub(crate) fn collect(ctx: &Context<'_>, body: &'a [Stmt]) -> Self {
        let mut out = Self::default();
        out.visit(ctx, body, false);
        out
    }

    fn visit(&mut self, ctx: &Context<'_>, body: &'a [Stmt], conditional: bool) {
        for stmt in body {
            match stmt {
                Stmt::Assign(assign) => {
                    for target in &assign.targets {
                        self.target(target, &assign.value, conditional);
                    }
                }
                Stmt::AnnAssign(assign) => {
                    if let Some(value) = &assign.value {
                        self.target(&assign.target, value, conditional);
                    }
                }
                Stmt::AugAssign(assign) => match assign.target.as_ref() {
                    Expr::Name(name) => self.assignments.push(Assignment {
                        name: name.id.as_str(),
                        target: &assign.target,
                        value: &assign.value,
                        augmented: true,
                        conditional,
                    }),
                    other => self.mutate(other),
                },
                Stmt::Delete(delete) => {
                    for target in &delete.targets {
                        self.mutate(target);
                    }
                }
                Stmt::Expr(expr) => self.expression(ctx, &expr.value),
                Stmt::ImportFrom(import)
                    if import.names.iter().any(|alias| alias.name.as_str() == "*") =>
                {
                    self.imports_names = true;
                }
                Stmt::If(stmt_if) => {
                    self.visit(ctx, &stmt_if.body, true);
                    for clause in &stmt_if.elif_else_clauses {
                        self.visit(ctx, &clause.body, true);
                    }
                }
                Stmt::Try(stmt_try) => {
                    self.visit(ctx, &stmt_try.body, conditional);
                    for handler in &stmt_try.handlers {
                        let ast::ExceptHandler::ExceptHandler(handler) = handler;
                        self.visit(ctx, &handler.body, true);
                    }
                    self.visit(ctx, &stmt_try.orelse, true);
                    self.visit(ctx, &stmt_try.finalbody, conditional);
                }
                Stmt::With(with) => self.visit(ctx, &with.body, conditional),
                Stmt::For(stmt_for) => {
                    self.visit(ctx, &stmt_for.body, true);
                    self.visit(ctx, &stmt_for.orelse, true);
                }
                Stmt::While(stmt_while) => {
                    self.visit(ctx, &stmt_while.body, true);
                    self.visit(ctx, &stmt_while.orelse, true);
                }
                Stmt::Match(stmt_match) => {
                    for case in &stmt_match.cases {
                        self.visit(ctx, &case.body, true);
                    }
                }
                _ => {}
            }
        }
    }

    fn target(&mut self, target: &'a Expr, value: &'a Expr, conditional: bool) {
        match (target, value) {
            (Expr::Name(name), _) => self.assignments.push(Assignment {
                name: name.id.as_str(),
                target,
                value,
                augmented: false,
                conditional,
            }),
            (
                Expr::Tuple(ast::ExprTuple { elts: targets, .. })
                | Expr::List(ast::ExprList { elts: targets, .. }),
                Expr::Tuple(ast::ExprTuple { elts: values, .. })
                | Expr::List(ast::ExprList { elts: values, .. }),
            ) if targets.len() == values.len() && !values.iter().any(Expr::is_starred_expr) => {
                for (target, value) in targets.iter().zip(values) {
                    self.target(target, value, conditional);
                }
            }
            (
                Expr::Tuple(ast::ExprTuple { elts: targets, .. })
                | Expr::List(ast::ExprList { elts: targets, .. }),
                _,
            ) => {
                for target in targets {
                    self.mutate(target);
                }
            }
            (Expr::Starred(starred), _) => self.mutate(&starred.value),
            (other, _) => self.mutate(other),
        }
    }

    /// Records the base name of `X`, `X[…]` or `X.attr` as changed in place.
    fn mutate(&mut self, expr: &'a Expr) {
        let mut base = expr;
        loop {
            match base {
                Expr::Subscript(sub) => base = &sub.value,
                Expr::Attribute(attr) => base = &attr.value,
                Expr::Starred(starred) => base = &starred.value,
                _ => break,
            }
        }
        if let Expr::Name(name) = base {
            self.mutated.push(name.id.as_str());
        }
    }

    fn expression(&mut self, ctx: &Context<'_>, expr: &'a Expr) {
        let Expr::Call(call) = expr else {
            return;
        };
        if let Expr::Attribute(attr) = call.func.as_ref() {
            if MUTATING_METHODS.contains(&attr.attr.as_str()) {
                // `globals().update(…)` sets any name.
                if let Expr::Call(inner) = attr.value.as_ref()
                    && ctx.qualified_name(&inner.func).as_deref() == Some("builtins.globals")
                {
                    self.imports_names = true;
                    return;
                }
                self.mutate(&attr.value);
                if let Expr::Name(name) = attr.value.as_ref()
                    && matches!(attr.attr.as_str(), "append" | "insert" | "extend")
                    && let Some(added) = call.arguments.args.last()
                {
                    self.added.push((name.id.as_str(), added));
                }
            }
            return;
        }
        if ctx.qualified_name(&call.func).as_deref() == Some("split_settings.tools.include") {
            self.imports_names = true;
        }
    }

    /// The assignments of `name`, in order.
    pub(crate) fn of<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Assignment<'a>> + 's {
        self.assignments.iter().filter(move |a| a.name == name)
    }

    /// Whether `name` is assigned or changed anywhere here.
    pub(crate) fn is_set(&self, name: &str) -> bool {
        self.of(name).next().is_some() || self.mutated.contains(&name)
    }

    /// Every string literal the module puts into the list `name` — in any assignment
    /// (conditional ones too), `+=`, `append`/`insert`/`extend` or `[…] + name` — or `None`
    /// when it never assigns a list with literal entries. Good for "is X in it at all?", not
    /// for "is this the whole list?".
    pub(crate) fn literal_entries(&self, name: &str) -> Option<Vec<String>> {
        let mut found = false;
        let mut out = Vec::new();
        let values = self.of(name).map(|a| a.value).chain(
            self.added
                .iter()
                .filter(|(n, _)| *n == name)
                .map(|(_, v)| *v),
        );
        for value in values {
            found |= collect_strings(value, &mut out);
        }
        found.then_some(out)
    }

    /// What `name` ends up as: see [`Value`].
    pub(crate) fn value<'s>(&'s self, name: &'s str) -> Value<'s, 'a> {
        let all: Vec<&Assignment<'a>> = self.of(name).collect();
        if all.is_empty() {
            return if self.mutated.contains(&name) {
                Value::Dynamic
            } else {
                Value::Unset
            };
        }
        let Some(last) = all.iter().rposition(|a| !a.conditional) else {
            return Value::Dynamic;
        };
        match all.get(last) {
            Some(assignment)
                if last + 1 == all.len()
                    && !assignment.augmented
                    && !self.mutated.contains(&name) =>
            {
                Value::Set(assignment)
            }
            _ => Value::Dynamic,
        }
    }
}

/// Collects the string literals of a list, tuple or string display, or of a `+` chain of them
/// (skipping other operands); whether any list or string was seen.
fn collect_strings(expr: &Expr, out: &mut Vec<String>) -> bool {
    match expr {
        Expr::StringLiteral(s) => {
            out.push(s.value.to_str().to_string());
            true
        }
        Expr::List(ast::ExprList { elts, .. })
        | Expr::Tuple(ast::ExprTuple { elts, .. })
        | Expr::Set(ast::ExprSet { elts, .. }) => {
            for element in elts {
                if let Expr::StringLiteral(s) = element {
                    out.push(s.value.to_str().to_string());
                }
            }
            true
        }
        Expr::BinOp(binop) if matches!(binop.op, ast::Operator::Add) => {
            let left = collect_strings(&binop.left, out);
            collect_strings(&binop.right, out) || left
        }
        _ => false,
    }
}

/// What a settings module or configuration class is for, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// Anything not named otherwise: treated as what is deployed.
    Production,
    /// `base.py`, `common.py`, `BaseConfig`: meant to be extended by the deployed settings,
    /// which may override what it sets.
    Base,
    /// `dev.py`, `local_settings.py`, `test_settings.py`, `TestingConfig`, an example file, or
    /// any file under a tests folder: never deployed.
    Development,
}

const DEVELOPMENT_WORDS: &[&str] = &[
    "dev",
    "devel",
    "develop",
    "development",
    "local",
    "test",
    "tests",
    "testing",
    "ci",
    "example",
    "examples",
    "sample",
    "demo",
];

const BASE_WORDS: &[&str] = &["base", "common", "default", "defaults", "shared", "global"];

/// The purpose a name announces (`settings_dev`, `TestingConfig`, `base`).
pub(crate) fn purpose_of_name(name: &str) -> Purpose {
    let words = identifier_words(name);
    if words
        .iter()
        .any(|w| DEVELOPMENT_WORDS.contains(&w.as_str()))
    {
        Purpose::Development
    } else if words.iter().any(|w| BASE_WORDS.contains(&w.as_str())) {
        Purpose::Base
    } else {
        Purpose::Production
    }
}

/// The purpose of the file being checked, from its name and its folder's name (a test file is
/// always for development).
pub(crate) fn file_purpose(ctx: &Context<'_>) -> Purpose {
    if ctx.is_test_file() {
        return Purpose::Development;
    }
    let path = ctx.source.display.replace('\\', "/");
    let mut parts = path.rsplit('/');
    let file = parts.next().unwrap_or("");
    let stem = file.split('.').next().unwrap_or(file);
    let parent = parts.next().unwrap_or("");
    match purpose_of_name(stem) {
        Purpose::Production => match purpose_of_name(parent) {
            // A folder named `dev/` or `tests/` holds no production settings; a folder named
            // `common/` says nothing about the file.
            Purpose::Development => Purpose::Development,
            _ => Purpose::Production,
        },
        other => other,
    }
}

/// The file stem and the name of its folder.
pub(crate) fn stem_and_parent(ctx: &Context<'_>) -> (String, String) {
    let path = ctx.source.display.replace('\\', "/");
    let mut parts = path.rsplit('/');
    let file = parts.next().unwrap_or("");
    let stem = file.split('.').next().unwrap_or(file).to_string();
    (stem, parts.next().unwrap_or("").to_string())
}

/// `True`/`False`, `1`/`0` and `None` (false) as booleans.
pub(crate) fn bool_literal(expr: &Expr) -> Option<bool> {
    match expr {
        Expr::BooleanLiteral(b) => Some(b.value),
        Expr::NoneLiteral(_) => Some(false),
        Expr::NumberLiteral(n) => match &n.value {
            ast::Number::Int(i) => i.as_u64().map(|v| v != 0),
            _ => None,
        },
        _ => None,
    }
}

/// An integer literal, or arithmetic on them (`60 * 60 * 24 * 365`).
pub(crate) fn int_literal(expr: &Expr) -> Option<i64> {
    match expr {
        Expr::NumberLiteral(n) => match &n.value {
            ast::Number::Int(i) => i.as_i64(),
            _ => None,
        },
        Expr::UnaryOp(unary) if matches!(unary.op, ast::UnaryOp::USub) => {
            int_literal(&unary.operand)?.checked_neg()
        }
        Expr::BinOp(binop) => {
            let (left, right) = (int_literal(&binop.left)?, int_literal(&binop.right)?);
            match binop.op {
                ast::Operator::Add => left.checked_add(right),
                ast::Operator::Sub => left.checked_sub(right),
                ast::Operator::Mult => left.checked_mul(right),
                ast::Operator::FloorDiv => left.checked_div(right),
                ast::Operator::Pow => u32::try_from(right).ok().and_then(|r| left.checked_pow(r)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The string literals of a list, tuple or set display (or of `[…] + […]`), with their
/// expressions; `None` when any element is something else (a name, a starred list).
pub(crate) fn string_elements(expr: &Expr) -> Option<Vec<(String, &Expr)>> {
    match expr {
        Expr::List(ast::ExprList { elts, .. })
        | Expr::Tuple(ast::ExprTuple { elts, .. })
        | Expr::Set(ast::ExprSet { elts, .. }) => elts
            .iter()
            .map(|e| match e {
                Expr::StringLiteral(s) => Some((s.value.to_str().to_string(), e)),
                _ => None,
            })
            .collect(),
        Expr::BinOp(binop) if matches!(binop.op, ast::Operator::Add) => {
            let mut left = string_elements(&binop.left)?;
            left.extend(string_elements(&binop.right)?);
            Some(left)
        }
        _ => None,
    }
}

/// Calls that read an environment variable or a configuration value: `os.environ.get`,
/// `os.getenv`, django-environ's `env(…)`/`env.str(…)`, python-decouple's `config(…)`.
fn is_environment_lookup(ctx: &Context<'_>, call: &ast::ExprCall) -> bool {
    if let Some(name) = ctx.qualified_name(&call.func)
        && matches!(
            name.as_str(),
            "os.environ.get"
                | "os.getenv"
                | "os.environ.setdefault"
                | "decouple.config"
                | "environs.env"
        )
    {
        return true;
    }
    let receiver = match call.func.as_ref() {
        Expr::Name(name) => name.id.as_str(),
        Expr::Attribute(attr) => match attr.value.as_ref() {
            Expr::Name(name) => name.id.as_str(),
            Expr::Attribute(inner) => inner.attr.as_str(),
            _ => return false,
        },
        _ => return false,
    };
    let receiver = receiver.to_ascii_lowercase();
    matches!(
        receiver.as_str(),
        "env" | "environ" | "config" | "getenv" | "get_env" | "get_env_variable" | "get_secret"
    )
}

/// The literal used when an environment lookup finds nothing:
/// `os.environ.get("KEY", "fallback")`, `env("KEY", default="fallback")`,
/// `os.getenv("KEY") or "fallback"`.
pub(crate) fn environment_fallback<'a>(ctx: &Context<'_>, expr: &'a Expr) -> Option<&'a Expr> {
    match expr {
        Expr::Call(call) if is_environment_lookup(ctx, call) => call
            .arguments
            .find_keyword("default")
            .map(|k| &k.value)
            .or_else(|| call.arguments.find_positional(1))
            .filter(|value| value.is_string_literal_expr()),
        Expr::BoolOp(boolop) if matches!(boolop.op, ast::BoolOp::Or) => {
            let (last, rest) = boolop.values.split_last()?;
            let looks_up = rest
                .iter()
                .any(|v| matches!(v, Expr::Call(call) if is_environment_lookup(ctx, call)));
            (looks_up && last.is_string_literal_expr()).then_some(last)
        }
        _ => None,
    }
}

/// At most four characters of a secret, and never more than half of it (as
/// `hardcoded-password` shows them).
pub(crate) fn masked_prefix(secret: &str) -> String {
    let count = secret.chars().count();
    secret
        .chars()
        .take((count / 2).min(4))
        .map(|c| if c.is_control() || c == '`' { '?' } else { c })
        .collect()
}

/// The literal's source with its content replaced by `shown…`, quotes and prefix kept.
pub(crate) fn masked_literal(source: &str, shown: &str) -> String {
    let Some(start) = source.find(['"', '\'']) else {
        return format!("{shown}…");
    };
    let quote = source[start..].chars().next().unwrap_or('"');
    let triple: String = std::iter::repeat_n(quote, 3).collect();
    let quotes = if source[start..].starts_with(&triple) {
        triple
    } else {
        quote.to_string()
    };
    format!("{}{quotes}{shown}…{quotes}", &source[..start])
}

/// Reports a secret held by `literal` (a string literal): the message gets the masked value
/// through `describe`, and the code frame shows only the reported lines with the literal masked.
pub(crate) fn report_secret<'c>(
    ctx: &'c mut Context<'_>,
    literal: &Expr,
    report_range: TextRange,
    describe: impl FnOnce(&str) -> String,
) -> Option<&'c mut Finding> {
    let Expr::StringLiteral(string) = literal else {
        return None;
    };
    let value = string.value.to_str();
    let prefix = masked_prefix(value);
    let masked = masked_literal(ctx.text(literal.range()), &prefix);
    let frame = ctx.masked_frame(report_range, &[(literal.range(), masked.as_str())]);
    let message = describe(&format!("`{prefix}…`"));
    let finding = ctx.report(report_range, message)?;
    finding.frame = Some(frame);
    Some(finding)
}

/// Why a secret key value is weak, in Django's terms (`security.W009`): shorter than 50
/// characters, fewer than 5 distinct characters, or Django's `django-insecure-` prefix.
pub(crate) fn weak_key_reason(value: &str) -> Option<&'static str> {
    let mut unique: Vec<char> = value.chars().collect();
    unique.sort_unstable();
    unique.dedup();
    if value.starts_with("django-insecure-") {
        Some("it carries the `django-insecure-` prefix of a generated development key")
    } else if value.chars().count() < 50 {
        Some("it is shorter than 50 characters")
    } else if unique.len() < 5 {
        Some("it has fewer than 5 distinct characters")
    } else {
        None
    }
}

/// Whether a regular expression of allowed origins matches every origin: `.*`, `^https?://.*$`,
/// `.+`. With `prefix_match` (the pattern is applied with `re.match`, as django-cors-headers
/// and flask-cors do), a pattern that is only a scheme (`https://`) matches every origin too.
pub(crate) fn matches_any_origin(pattern: &str, prefix_match: bool) -> bool {
    let mut rest = pattern.trim();
    rest = rest.strip_prefix('^').unwrap_or(rest);
    let anchored = rest.ends_with('$');
    rest = rest.strip_suffix('$').unwrap_or(rest);
    for scheme in [
        "(https?://)?",
        "(http|https)://",
        "https?://",
        r"https?:\/\/",
        "https://",
        r"https:\/\/",
        "http://",
        r"http:\/\/",
    ] {
        if let Some(stripped) = rest.strip_prefix(scheme) {
            rest = stripped;
            break;
        }
    }
    matches!(
        rest,
        ".*" | ".+" | ".*?" | "(.*)" | "(.+)" | r"[^/]*" | r"[^/]+" | r"\S*" | r"\S+"
    ) || (rest.is_empty() && prefix_match && !anchored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purposes() {
        assert_eq!(purpose_of_name("settings"), Purpose::Production);
        assert_eq!(purpose_of_name("production"), Purpose::Production);
        assert_eq!(purpose_of_name("settings_dev"), Purpose::Development);
        assert_eq!(purpose_of_name("local_settings"), Purpose::Development);
        assert_eq!(purpose_of_name("TestingConfig"), Purpose::Development);
        assert_eq!(purpose_of_name("DevelopmentConfig"), Purpose::Development);
        assert_eq!(purpose_of_name("base"), Purpose::Base);
        assert_eq!(purpose_of_name("BaseConfig"), Purpose::Base);
        assert_eq!(purpose_of_name("latest"), Purpose::Production);
        assert_eq!(purpose_of_name("ProductionConfig"), Purpose::Production);
    }

    #[test]
    fn weak_keys() {
        assert!(
            weak_key_reason("django-insecure-abcdefghijklmnopqrstuvwxyz0123456789abcdefghij")
                .is_some()
        );
        assert!(weak_key_reason("short").is_some());
        assert!(weak_key_reason(&"ab".repeat(30)).is_some());
        assert!(
            weak_key_reason("k3#v9!qz@x7$w2^m8&p4*r6(t1)y5_u0+s-d=f[g]h{j}l;c:b'n,e.").is_none()
        );
    }

    #[test]
    fn any_origin() {
        for pattern in [".*", "^.*$", r"^https?://.*$", "https://.+", "(.*)"] {
            assert!(matches_any_origin(pattern, false), "{pattern}");
        }
        assert!(matches_any_origin("https://", true));
        assert!(!matches_any_origin("https://", false));
        assert!(!matches_any_origin("^$", true));
        assert!(!matches_any_origin(r"^https://\w+\.example\.com$", true));
    }

    #[test]
    fn masking() {
        assert_eq!(masked_prefix("django-insecure-xyz"), "djan");
        assert_eq!(masked_prefix("abc"), "a");
        assert_eq!(masked_literal("'django-insecure-x'", "djan"), "'djan…'");
    }
}
