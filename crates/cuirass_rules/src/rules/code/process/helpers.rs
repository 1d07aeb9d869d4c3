//! What the process rules share: finding the program a call starts, and telling whether the
//! code fixed that program or something chose it at run time.
//!
//! A program is *fixed* when it is a literal, a name assigned only constants (or values from a
//! constant table), `sys.executable`, a configuration value imported from a module, an
//! environment variable (choosing a program through `$EDITOR` or `$PAGER` is the point of those
//! variables), or a call such as `shutil.which("tar")` or `os.path.join(BIN, "tool")` whose
//! arguments are all fixed. It is *dynamic* when a caller or an input chooses it: a parameter
//! (or an attribute of one, such as argparse's `args.program`), `input()`, `sys.argv`, a web
//! request. Anything else is *unknown* (an attribute of `self`, a method's result).

use cuirass_python::ast::{self, Expr, Stmt};
use cuirass_python::semantic::{BindingKind, SemanticModel};
use cuirass_python::{Ranged, TextRange};

use crate::checker::Context;
use crate::helpers::{is_constant, leading_literal};

/// How many assignments and calls deep a program is followed.
const MAX_DEPTH: u8 = 5;

/// Where the program a call starts comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Origin {
    /// A literal program, as written (the first word of a literal command line).
    Literal(String),
    /// Fixed by the code (see the module docs).
    Fixed,
    /// Chosen by a caller or an input.
    Dynamic,
    /// Neither can be told.
    Unknown,
}

impl Origin {
    /// The origin of a value made of two parts: dynamic wins, then unknown; literals become
    /// fixed (the combination is no longer one literal program).
    fn join(self, other: Origin) -> Origin {
        match (self, other) {
            (Origin::Dynamic, _) | (_, Origin::Dynamic) => Origin::Dynamic,
            (Origin::Unknown, _) | (_, Origin::Unknown) => Origin::Unknown,
            (Origin::Literal(a), Origin::Literal(b)) if a == b => Origin::Literal(a),
            _ => Origin::Fixed,
        }
    }

    /// The origin of a value that is one of several alternatives.
    fn join_all(origins: impl IntoIterator<Item = Origin>) -> Origin {
        origins
            .into_iter()
            .reduce(Origin::join)
            .unwrap_or(Origin::Unknown)
    }

    /// Whether the program was not fixed by the code.
    pub(super) fn is_chosen_at_run_time(&self) -> bool {
        matches!(self, Origin::Dynamic | Origin::Unknown)
    }
}

/// Qualified-name prefixes of values that come from outside the program.
const INPUTS: &[&str] = &[
    "builtins.input",
    "sys.argv",
    "sys.stdin",
    "flask.request",
    "bottle.request",
    "cherrypy.request",
];

/// Calls whose result is the environment's choice, which the process rules treat as fixed.
const ENVIRONMENT: &[&str] = &["os.getenv", "os.environ.get", "os.environ", "os.environb"];

fn is_input(name: &str) -> bool {
    INPUTS
        .iter()
        .any(|input| name == *input || name.starts_with(&format!("{input}.")))
}

/// What a local name was bound to, across every binding of it in its scope.
enum NameSource<'a> {
    /// A parameter of the enclosing function.
    Parameter,
    /// An import (a module, or a constant imported from configuration).
    Import,
    /// The values of its plain assignments (augmented assignments keep a command's head).
    Values(Vec<&'a Expr>),
    Unknown,
}

fn name_source<'a>(semantic: &SemanticModel<'a>, name: &ast::ExprName) -> NameSource<'a> {
    let Some(id) = semantic.resolve_name(name) else {
        return NameSource::Unknown;
    };
    let binding = semantic.binding(id);
    match binding.kind {
        BindingKind::Argument => return NameSource::Parameter,
        BindingKind::Import(_) | BindingKind::FromImport(_) | BindingKind::SubmoduleImport(_) => {
            return NameSource::Import;
        }
        _ => {}
    }
    let Some(scope) = semantic.scopes.get(binding.scope) else {
        return NameSource::Unknown;
    };
    let mut values = Vec::new();
    for other in scope.get_all(name.id.as_str()) {
        let other = semantic.binding(other);
        match (&other.kind, other.statement(semantic)) {
            (BindingKind::Argument, _) => return NameSource::Parameter,
            (BindingKind::Assignment, Some(Stmt::Assign(assign))) => {
                match assign
                    .targets
                    .iter()
                    .find_map(|target| value_for(target, &assign.value, other.range))
                {
                    Some(value) => values.push(value),
                    None => return NameSource::Unknown,
                }
            }
            (BindingKind::Assignment, Some(Stmt::AnnAssign(assign))) => {
                match assign
                    .value
                    .as_deref()
                    .and_then(|value| value_for(&assign.target, value, other.range))
                {
                    Some(value) => values.push(value),
                    None => return NameSource::Unknown,
                }
            }
            (BindingKind::Assignment, Some(Stmt::AugAssign(_))) => {}
            _ => return NameSource::Unknown,
        }
    }
    if values.is_empty() {
        NameSource::Unknown
    } else {
        NameSource::Values(values)
    }
}

/// The part of `value` that an assignment to `target` puts in the name at `range`.
fn value_for<'a>(target: &'a Expr, value: &'a Expr, range: TextRange) -> Option<&'a Expr> {
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
                .find_map(|(target, value)| value_for(target, value, range))
        }
        _ => None,
    }
}

/// Whether `name` is the conventional receiver of a method (`self`, `cls`).
fn is_receiver(name: &ast::ExprName) -> bool {
    matches!(name.id.as_str(), "self" | "cls" | "mcs")
}

/// The origin of the program of a command: an argument list, a command line or a name bound
/// to either.
pub(super) fn command_program(ctx: &Context<'_>, command: &Expr) -> Origin {
    command_origin(ctx, command, 0)
}

/// The origin of a single value used as a program path.
pub(super) fn program_origin(ctx: &Context<'_>, value: &Expr) -> Origin {
    value_origin(ctx, value, 0)
}

fn command_origin(ctx: &Context<'_>, command: &Expr, depth: u8) -> Origin {
    if depth > MAX_DEPTH {
        return Origin::Unknown;
    }
    match command {
        Expr::List(ast::ExprList { elts, .. }) | Expr::Tuple(ast::ExprTuple { elts, .. }) => {
            match elts.first() {
                // Built up later by `append`/`extend`: nothing here says what runs.
                None => Origin::Fixed,
                Some(Expr::Starred(starred)) => command_origin(ctx, &starred.value, depth + 1),
                Some(first) => value_origin(ctx, first, depth + 1),
            }
        }
        Expr::StringLiteral(literal) => first_word(literal.value.to_str())
            .map_or(Origin::Fixed, |word| Origin::Literal(word.to_string())),
        Expr::FString(_) | Expr::BinOp(_) | Expr::Call(_) if leading_program(command).is_some() => {
            leading_program(command).map_or(Origin::Unknown, Origin::Literal)
        }
        Expr::BinOp(ast::ExprBinOp {
            left,
            op: ast::Operator::Add,
            ..
        }) if matches!(left.as_ref(), Expr::List(_) | Expr::Tuple(_)) => {
            command_origin(ctx, left, depth + 1)
        }
        Expr::Name(name) => match name_source(ctx.semantic, name) {
            NameSource::Parameter if is_receiver(name) => Origin::Unknown,
            NameSource::Parameter => Origin::Dynamic,
            NameSource::Import => Origin::Fixed,
            NameSource::Values(values) => Origin::join_all(
                values
                    .into_iter()
                    .map(|value| command_origin(ctx, value, depth + 1)),
            ),
            NameSource::Unknown => Origin::Unknown,
        },
        Expr::Call(call) => {
            let name = ctx.qualified_name(&call.func);
            match (name.as_deref(), call.func.as_ref()) {
                // `shlex.split(line)`, `line.split()`: the program is the line's first word.
                (Some("shlex.split"), _) => call
                    .arguments
                    .args
                    .first()
                    .map_or(Origin::Unknown, |line| command_origin(ctx, line, depth + 1)),
                (None, Expr::Attribute(attr)) if attr.attr.as_str() == "split" => {
                    command_origin(ctx, &attr.value, depth + 1)
                }
                _ => value_origin(ctx, command, depth + 1),
            }
        }
        _ => value_origin(ctx, command, depth + 1),
    }
}

/// The first word of a command line built from a literal head (`f"git {args}"` → `git`), when
/// that word is complete before the first interpolation.
fn leading_program(command: &Expr) -> Option<String> {
    let head = leading_literal(command)?;
    // `leading_literal` writes each interpolation as ` ? `; the head ends at the first one.
    let head = head.split(" ? ").next().unwrap_or("");
    let word = first_word(head)?;
    let rest = head.trim_start().get(word.len()..)?;
    rest.starts_with(char::is_whitespace)
        .then(|| word.to_string())
}

fn first_word(line: &str) -> Option<&str> {
    line.split_whitespace().next()
}

fn value_origin(ctx: &Context<'_>, value: &Expr, depth: u8) -> Origin {
    if depth > MAX_DEPTH {
        return Origin::Unknown;
    }
    match value {
        Expr::StringLiteral(literal) => Origin::Literal(literal.value.to_str().to_string()),
        _ if is_constant(value) => Origin::Fixed,
        Expr::Name(name) => match name_source(ctx.semantic, name) {
            NameSource::Parameter if is_receiver(name) => Origin::Unknown,
            NameSource::Parameter => Origin::Dynamic,
            NameSource::Import => Origin::Fixed,
            NameSource::Values(values) => Origin::join_all(
                values
                    .into_iter()
                    .map(|value| value_origin(ctx, value, depth + 1)),
            ),
            NameSource::Unknown => Origin::Unknown,
        },
        Expr::Attribute(attr) => {
            if let Some(name) = ctx.qualified_name(value) {
                return if is_input(&name) {
                    Origin::Dynamic
                } else {
                    // `sys.executable`, `settings.FFMPEG_BINARY`: fixed by the program.
                    Origin::Fixed
                };
            }
            base_origin(ctx, &attr.value)
        }
        Expr::Subscript(subscript) => subscript_origin(ctx, subscript, depth),
        Expr::Call(call) => call_origin(ctx, call, depth),
        Expr::BinOp(ast::ExprBinOp { left, right, .. }) => {
            value_origin(ctx, left, depth + 1).join(value_origin(ctx, right, depth + 1))
        }
        Expr::FString(fstring) => Origin::join_all(
            fstring
                .value
                .elements()
                .filter_map(|element| element.as_interpolation())
                .map(|element| value_origin(ctx, &element.expression, depth + 1)),
        ),
        Expr::If(ast::ExprIf { body, orelse, .. }) => {
            value_origin(ctx, body, depth + 1).join(value_origin(ctx, orelse, depth + 1))
        }
        Expr::BoolOp(ast::ExprBoolOp { values, .. }) => Origin::join_all(
            values
                .iter()
                .map(|value| value_origin(ctx, value, depth + 1)),
        ),
        _ => Origin::Unknown,
    }
}

/// The origin of `base.attr` or `base[key]` judged by its base: an attribute of a parameter
/// (`args.program`, `options["cmd"]`) is the caller's choice.
fn base_origin(ctx: &Context<'_>, base: &Expr) -> Origin {
    let mut head = base;
    loop {
        match head {
            Expr::Attribute(attr) => head = &attr.value,
            Expr::Subscript(subscript) => head = &subscript.value,
            _ => break,
        }
    }
    if let Some(name) = ctx.qualified_name(head)
        && is_input(&name)
    {
        return Origin::Dynamic;
    }
    match head {
        Expr::Name(name) if !is_receiver(name) => match name_source(ctx.semantic, name) {
            NameSource::Parameter => Origin::Dynamic,
            _ => Origin::Unknown,
        },
        _ => Origin::Unknown,
    }
}

fn subscript_origin(ctx: &Context<'_>, subscript: &ast::ExprSubscript, depth: u8) -> Origin {
    if let Some(name) = ctx.qualified_name(&subscript.value) {
        if is_input(&name) {
            return Origin::Dynamic;
        }
        if ENVIRONMENT.contains(&name.as_str()) {
            return Origin::Fixed;
        }
    }
    // `TOOLS[name]` where `TOOLS` is a table of constants: one of those constants.
    if let Expr::Name(table) = subscript.value.as_ref()
        && let NameSource::Values(values) = name_source(ctx.semantic, table)
        && values
            .iter()
            .all(|value| is_constant_table(ctx, value, depth))
    {
        return Origin::Fixed;
    }
    base_origin(ctx, &subscript.value)
}

/// A dict, list or tuple display whose values are all fixed.
fn is_constant_table(ctx: &Context<'_>, value: &Expr, depth: u8) -> bool {
    let fixed = |value: &Expr| !value_origin(ctx, value, depth + 1).is_chosen_at_run_time();
    match value {
        Expr::Dict(dict) => dict.items.iter().all(|item| fixed(&item.value)),
        Expr::List(ast::ExprList { elts, .. }) | Expr::Tuple(ast::ExprTuple { elts, .. }) => {
            elts.iter().all(fixed)
        }
        _ => false,
    }
}

fn call_origin(ctx: &Context<'_>, call: &ast::ExprCall, depth: u8) -> Origin {
    let name = ctx.qualified_name(&call.func);
    if let Some(name) = name.as_deref() {
        if is_input(name) {
            return Origin::Dynamic;
        }
        if ENVIRONMENT.contains(&name) {
            return Origin::Fixed;
        }
    } else if let Expr::Attribute(attr) = call.func.as_ref() {
        // A method of an input (`request.args.get("tool")`) or of a parameter.
        if base_origin(ctx, &attr.value) == Origin::Dynamic {
            return Origin::Dynamic;
        }
    }
    let arguments: Vec<&Expr> = call
        .arguments
        .args
        .iter()
        .map(|arg| match arg {
            Expr::Starred(starred) => starred.value.as_ref(),
            other => other,
        })
        .chain(call.arguments.keywords.iter().map(|keyword| &keyword.value))
        .collect();
    if arguments.is_empty() {
        // `get_tool()`: the function decides; nothing here says what.
        return Origin::Unknown;
    }
    // `shutil.which("tar")`, `os.path.join(BIN, "tool")`, `_executable("ping")`: a program
    // derived from its arguments.
    match Origin::join_all(
        arguments
            .into_iter()
            .map(|argument| value_origin(ctx, argument, depth + 1)),
    ) {
        Origin::Literal(_) => Origin::Fixed,
        other => other,
    }
}

/// A short rendering of an expression for messages: its source text when it is one short line.
pub(super) fn describe(ctx: &Context<'_>, expr: &Expr) -> Option<String> {
    let text = ctx.text(expr.range());
    (text.chars().count() <= 40 && !text.contains('\n')).then(|| format!("`{text}`"))
}

/// Whether any module in this file imports `package` (or something under it), anywhere.
pub(super) fn imports_package(semantic: &SemanticModel<'_>, package: &str) -> bool {
    semantic.bindings.iter().any(|binding| {
        let qualified = match &binding.kind {
            BindingKind::Import(import) => &import.qualified_name,
            BindingKind::FromImport(import) => &import.qualified_name,
            BindingKind::SubmoduleImport(import) => &import.qualified_name,
            _ => return false,
        };
        qualified.segments().first() == Some(&package)
    })
}

/// Whether a command line is a constant or built only from constants and values quoted for a
/// POSIX shell (`shlex.quote`, `shlex.join`): nothing in it can break out of its word.
pub(super) fn is_shell_quoted(ctx: &Context<'_>, command: &Expr) -> bool {
    quoted(ctx, command, 0)
}

fn quoted(ctx: &Context<'_>, expr: &Expr, depth: u8) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    if crate::helpers::is_constant_value(ctx.semantic, expr) {
        return true;
    }
    match expr {
        Expr::FString(fstring) => all_quoted(
            ctx,
            fstring
                .value
                .elements()
                .filter_map(|element| element.as_interpolation())
                .map(|element| element.expression.as_ref()),
            depth,
        ),
        Expr::BinOp(ast::ExprBinOp { left, right, .. }) => {
            quoted(ctx, left, depth + 1) && quoted(ctx, right, depth + 1)
        }
        Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
            all_quoted(ctx, elts.iter(), depth)
        }
        Expr::Call(call) => {
            let name = ctx.qualified_name(&call.func);
            if matches!(
                name.as_deref(),
                Some("shlex.quote" | "shlex.join" | "pipes.quote")
            ) {
                return true;
            }
            let Expr::Attribute(attr) = call.func.as_ref() else {
                return false;
            };
            match attr.attr.as_str() {
                // `"… {} …".format(a, b)`
                "format" if crate::helpers::is_stringish(&attr.value) => all_quoted(
                    ctx,
                    call.arguments
                        .args
                        .iter()
                        .chain(call.arguments.keywords.iter().map(|k| &k.value)),
                    depth,
                ),
                // `" ".join(shlex.quote(a) for a in args)`
                "join" if crate::helpers::is_str_literal(&attr.value) => call
                    .arguments
                    .args
                    .first()
                    .is_some_and(|items| match items {
                        Expr::Generator(generator) => quoted(ctx, &generator.elt, depth + 1),
                        Expr::ListComp(comp) => quoted(ctx, &comp.elt, depth + 1),
                        other => quoted(ctx, other, depth + 1),
                    }),
                _ => false,
            }
        }
        _ => false,
    }
}

fn all_quoted<'e>(ctx: &Context<'_>, mut exprs: impl Iterator<Item = &'e Expr>, depth: u8) -> bool {
    exprs.all(|expr| quoted(ctx, expr, depth + 1))
}
