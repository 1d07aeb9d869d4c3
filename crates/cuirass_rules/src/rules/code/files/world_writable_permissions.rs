use cuirass_diagnostics::Confidence;
use cuirass_python::Ranged;
use cuirass_python::ast::{self, Expr};

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::helpers::{bound_value, str_value};

declare_rule! {
    /// ## What it does
    /// Checks for `os.chmod`, `os.lchmod`, `os.fchmod`, and `.chmod(…)` methods (`pathlib`,
    /// SFTP clients), that make a file or directory writable by every user: a mode with the
    /// "others may write" bit (`0o002`, `stat.S_IWOTH`), such as `0o777` or `0o666`. The
    /// mode is evaluated: octal, hexadecimal and decimal numbers, `stat` constants combined
    /// with `|`, `+`, `&` and `~`, names assigned a mode, and `os.stat(p).st_mode | S_IWOTH`
    /// (only the bits that are certainly set count).
    ///
    /// ## Why is this bad?
    /// Any local user, or any compromised service on the machine, can then change the file:
    /// rewrite a script or configuration that this program (or root) later runs or trusts,
    /// plant data, or replace a file in a world-writable directory.
    ///
    /// Bandit (B103) also reports group-writable modes and any execute bit for group or
    /// others, so `0o755`, the normal mode of every directory and script, is reported. Here
    /// only world-writable modes are reported; group write access is an administrator's
    /// decision, and execute bits do not let anyone change anything. A world-writable
    /// directory with the sticky bit (`0o1777`, like `/tmp`) is a deliberate shared directory
    /// and is not reported. `os.open`, `os.mkdir` and `os.makedirs` modes are filtered by the
    /// umask and are not checked. A `.chmod` method on an object that is not known to be a
    /// path is reported at medium confidence.
    ///
    /// ## Example
    /// ```python
    /// import os
    ///
    /// os.chmod("/srv/app/config.yaml", 0o777)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// os.chmod("/srv/app/config.yaml", 0o640)
    /// ```
    ///
    /// ## Fix
    /// Give write access to the owner only (`0o600`/`0o644` for files, `0o700`/`0o755` for
    /// directories); share access through a group (`0o660`, `0o770`) rather than with
    /// everyone.
    ///
    /// ## References
    /// - [CWE-732: Incorrect Permission Assignment for Critical Resource](https://cwe.mitre.org/data/definitions/732.html)
    /// - [Python docs: `os.chmod`](https://docs.python.org/3/library/os.html#os.chmod)
    pub(super) RULE = {
        name: "world-writable-permissions",
        audit: Code,
        kind: Pattern,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [732],
        owasp: A01BrokenAccessControl,
        aliases: [Bandit("B103"), Ruff("S103")],
        tags: ["permissions", "os"],
        interest: [Call],
        check: check,
    }
}

const WORLD_WRITABLE: u64 = 0o002;
const STICKY: u64 = 0o1000;

/// `stat` permission constants.
const STAT_BITS: &[(&str, u64)] = &[
    ("stat.S_ISUID", 0o4000),
    ("stat.S_ISGID", 0o2000),
    ("stat.S_ISVTX", 0o1000),
    ("stat.S_IRWXU", 0o700),
    ("stat.S_IRUSR", 0o400),
    ("stat.S_IWUSR", 0o200),
    ("stat.S_IXUSR", 0o100),
    ("stat.S_IREAD", 0o400),
    ("stat.S_IWRITE", 0o200),
    ("stat.S_IEXEC", 0o100),
    ("stat.S_IRWXG", 0o070),
    ("stat.S_IRGRP", 0o040),
    ("stat.S_IWGRP", 0o020),
    ("stat.S_IXGRP", 0o010),
    ("stat.S_IRWXO", 0o007),
    ("stat.S_IROTH", 0o004),
    ("stat.S_IWOTH", 0o002),
    ("stat.S_IXOTH", 0o001),
];

/// How far names and expressions are followed.
const MAX_DEPTH: u8 = 8;

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let (mode, confidence) = match call.name {
        Some("os.chmod" | "os.lchmod" | "os.fchmod" | "posix.chmod" | "posix.fchmod") => {
            (call.argument("mode", 1), Confidence::High)
        }
        None if call.method() == Some("chmod") => {
            // `path.chmod(mode)` (pathlib) or `sftp.chmod(path, mode)`.
            let mode = call
                .keyword("mode")
                .or_else(|| match call.node.arguments.args.len() {
                    1 => call.arg(0),
                    _ => call.arg(1),
                });
            (mode, method_confidence(ctx, call.node))
        }
        Some(_) | None => return,
    };
    let Some(mode) = mode else {
        return;
    };
    let bits = definite_bits(ctx, mode, 0);
    if bits & WORLD_WRITABLE == 0 || bits & STICKY != 0 {
        return;
    }
    let shown = evaluate(ctx, mode, 0).map_or_else(
        || "this mode sets the others-write bit, which".to_string(),
        |value| format!("mode `0o{:03o}`", value & 0o7777),
    );
    if let Some(finding) = ctx.report(
        call.node.range(),
        format!(
            "{shown} lets every user on the machine write this file; give write access to the owner (or a group) only"
        ),
    ) {
        finding.confidence = confidence;
    }
}

/// High for `Path(…).chmod`, medium for the `chmod` method of anything else.
fn method_confidence(ctx: &Context<'_>, call: &ast::ExprCall) -> Confidence {
    let Expr::Attribute(attr) = call.func.as_ref() else {
        return Confidence::Medium;
    };
    match crate::helpers::constructed_by(ctx.semantic, &attr.value) {
        Some(name) if name.starts_with("pathlib.") => Confidence::High,
        _ => Confidence::Medium,
    }
}

/// The bits certainly set in a mode: all of them when it evaluates, and for `a | b` the bits
/// certainly set on either side (`os.stat(p).st_mode | stat.S_IWOTH`).
fn definite_bits(ctx: &Context<'_>, mode: &Expr, depth: u8) -> u64 {
    if let Some(value) = evaluate(ctx, mode, depth) {
        return value;
    }
    match mode {
        Expr::BinOp(ast::ExprBinOp {
            left,
            op: ast::Operator::BitOr,
            right,
            ..
        }) if depth < MAX_DEPTH => {
            definite_bits(ctx, left, depth + 1) | definite_bits(ctx, right, depth + 1)
        }
        _ => 0,
    }
}

/// The value of a constant mode expression.
fn evaluate(ctx: &Context<'_>, expr: &Expr, depth: u8) -> Option<u64> {
    if depth > MAX_DEPTH {
        return None;
    }
    match expr {
        Expr::NumberLiteral(number) => match &number.value {
            ast::Number::Int(int) => int.as_u64(),
            _ => None,
        },
        Expr::Name(name) => {
            if let Some(value) = stat_constant(ctx, expr) {
                return Some(value);
            }
            evaluate(ctx, bound_value(ctx.semantic, name)?, depth + 1)
        }
        Expr::Attribute(_) => stat_constant(ctx, expr),
        Expr::BinOp(ast::ExprBinOp {
            left, op, right, ..
        }) => {
            let (left, right) = (
                evaluate(ctx, left, depth + 1)?,
                evaluate(ctx, right, depth + 1)?,
            );
            match op {
                ast::Operator::BitOr => Some(left | right),
                ast::Operator::BitAnd => Some(left & right),
                ast::Operator::BitXor => Some(left ^ right),
                ast::Operator::Add => left.checked_add(right),
                ast::Operator::Sub => left.checked_sub(right),
                _ => None,
            }
        }
        Expr::UnaryOp(ast::ExprUnaryOp {
            op: ast::UnaryOp::Invert,
            operand,
            ..
        }) => evaluate(ctx, operand, depth + 1).map(|value| !value & 0o7777),
        // `int("777", 8)`
        Expr::Call(call)
            if ctx.qualified_name(&call.func).as_deref() == Some("builtins.int")
                && call.arguments.keywords.is_empty() =>
        {
            let [text, base] = &call.arguments.args[..] else {
                return None;
            };
            let base = u32::try_from(evaluate(ctx, base, depth + 1)?)
                .ok()
                .filter(|base| (2..=36).contains(base))?;
            u64::from_str_radix(str_value(text)?.trim(), base).ok()
        }
        _ => None,
    }
}

fn stat_constant(ctx: &Context<'_>, expr: &Expr) -> Option<u64> {
    let name = ctx.qualified_name(expr)?;
    STAT_BITS
        .iter()
        .find(|(constant, _)| *constant == name)
        .map(|&(_, bits)| bits)
}
