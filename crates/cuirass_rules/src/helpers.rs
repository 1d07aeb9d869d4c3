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
    if text.is_ascii() {
        return ascii_identifier_words(text.as_bytes());
    }
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

/// Whether the last of [`identifier_words`] of `name` is one of `words` (lower-case). Rules ask
/// this of every name they meet: ASCII names are split without allocating.
pub fn last_identifier_word_in(name: &str, words: &[&str]) -> bool {
    if !name.is_ascii() {
        return identifier_words(name)
            .last()
            .is_some_and(|last| words.contains(&last.as_str()));
    }
    let mut last: &[u8] = &[];
    ascii_words(name.as_bytes(), |word| {
        last = word;
        false
    });
    words
        .iter()
        .any(|w| w.as_bytes().eq_ignore_ascii_case(last))
        && !last.is_empty()
}

/// Whether any of [`identifier_words`] of `name` is one of `words` (lower-case); ASCII names are
/// split without allocating.
pub fn any_identifier_word_in(name: &str, words: &[&str]) -> bool {
    if !name.is_ascii() {
        return identifier_words(name)
            .iter()
            .any(|word| words.contains(&word.as_str()));
    }
    ascii_words(name.as_bytes(), |word| {
        words
            .iter()
            .any(|w| w.as_bytes().eq_ignore_ascii_case(word))
    })
}

/// Calls `found` with each word of an ASCII identifier (original case), in order, until it
/// returns true; returns whether it did. The splitting rules of [`identifier_words`].
fn ascii_words<'b>(bytes: &'b [u8], mut found: impl FnMut(&'b [u8]) -> bool) -> bool {
    let mut start: Option<usize> = None;
    for (index, &c) in bytes.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if let Some(from) = start.take()
                && found(bytes.get(from..index).unwrap_or_default())
            {
                return true;
            }
            continue;
        }
        let Some(from) = start else {
            start = Some(index);
            continue;
        };
        let previous = bytes.get(index - 1).copied().unwrap_or(b' ');
        let next = bytes.get(index + 1).copied();
        let boundary = (previous.is_ascii_lowercase() && c.is_ascii_uppercase())
            || (previous.is_ascii_alphabetic() && c.is_ascii_digit())
            || (previous.is_ascii_digit() && c.is_ascii_alphabetic())
            || (previous.is_ascii_uppercase()
                && c.is_ascii_uppercase()
                && next.is_some_and(|n| n.is_ascii_lowercase()));
        if boundary {
            if found(bytes.get(from..index).unwrap_or_default()) {
                return true;
            }
            start = Some(index);
        }
    }
    start.is_some_and(|from| found(bytes.get(from..).unwrap_or_default()))
}

/// [`identifier_words`] for ASCII text (nearly every identifier), without decoding characters:
/// rules call it for every logger, host and path name they meet.
fn ascii_identifier_words(bytes: &[u8]) -> Vec<String> {
    let mut words = Vec::with_capacity(4);
    ascii_words(bytes, |word| {
        let mut lower = String::with_capacity(word.len());
        lower.extend(word.iter().map(|b| char::from(b.to_ascii_lowercase())));
        words.push(lower);
        false
    });
    words
}

// ---------------------------------------------------------------------------------------------
// Request input, secret-like names and strings built at run time (catalogue: code rules beyond
// Bandit — errors, paths, archives, injection patterns, crypto and tokens). Paths are written
// out in full so that this block adds no imports others could also add.

use crate::checker::Context as RuleContext;
use cuirass_python::ast::visitor::Visitor as _;

/// Which part of an HTTP request a value was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestPart {
    /// Query string, form or JSON body, uploaded files: what a link or a form can carry.
    Params,
    /// Headers and cookies: set by the client itself, not by a link it follows.
    Headers,
    /// A route parameter (`/files/<path:name>`, `/items/{item_id}`) or the path kwargs.
    Path,
}

/// A read of request data inside an expression, found by [`find_request_input`].
#[derive(Debug, Clone)]
pub struct RequestInput {
    pub range: TextRange,
    /// How the code reads it, for messages: `request.args`, `request.GET`, or
    /// ``route parameter `name` ``.
    pub source: String,
    pub part: RequestPart,
}

/// Attributes of Flask's (and Quart's) global `request` that carry client input.
const FLASK_REQUEST_ATTRIBUTES: &[(&str, RequestPart)] = &[
    ("args", RequestPart::Params),
    ("form", RequestPart::Params),
    ("values", RequestPart::Params),
    ("files", RequestPart::Params),
    ("json", RequestPart::Params),
    ("get_json", RequestPart::Params),
    ("data", RequestPart::Params),
    ("get_data", RequestPart::Params),
    ("stream", RequestPart::Params),
    ("headers", RequestPart::Headers),
    ("cookies", RequestPart::Headers),
    ("view_args", RequestPart::Path),
];

/// Attributes of a request object passed to a view (Django, Django REST framework, Starlette
/// and `FastAPI`, aiohttp, Sanic) that carry client input.
const REQUEST_OBJECT_ATTRIBUTES: &[(&str, RequestPart)] = &[
    ("GET", RequestPart::Params),
    ("POST", RequestPart::Params),
    ("FILES", RequestPart::Params),
    ("body", RequestPart::Params),
    ("data", RequestPart::Params),
    ("query_params", RequestPart::Params),
    ("query", RequestPart::Params),
    ("args", RequestPart::Params),
    ("form", RequestPart::Params),
    ("values", RequestPart::Params),
    ("files", RequestPart::Params),
    ("json", RequestPart::Params),
    ("get_json", RequestPart::Params),
    ("META", RequestPart::Headers),
    ("COOKIES", RequestPart::Headers),
    ("headers", RequestPart::Headers),
    ("cookies", RequestPart::Headers),
    ("path_params", RequestPart::Path),
    ("match_info", RequestPart::Path),
];

/// Global request objects of frameworks, by qualified name.
const GLOBAL_REQUESTS: &[&str] = &["flask.request", "quart.request"];

/// Parameter names a view's request object goes by.
const REQUEST_PARAMETER_NAMES: &[&str] = &["request", "req"];

/// Calls whose result cannot carry a path, URL or query out of what they were given:
/// conversions to numbers and booleans, file-name and path sanitisers.
const INPUT_SANITIZERS: &[&str] = &[
    "int",
    "float",
    "bool",
    "len",
    "hash",
    "isinstance",
    "UUID",
    "secure_filename",
    "basename",
    "safe_join",
    "get_valid_filename",
    "escape",
];

/// The first read of request data inside `expr`: an attribute of Flask's `request`
/// (`request.args`, `request.files[…].filename`, `request.get_json()`), an attribute of a
/// view's request parameter (`request.GET`, `request.query_params`, `self.request.POST`), or a
/// route parameter of the enclosing view (see [`route_parameters`]). The walk does not enter
/// comparisons, lambdas, calls to sanitisers (`int`, `secure_filename`, `os.path.basename`, …)
/// or calls for which `stop` says so.
pub fn find_request_input(
    ctx: &RuleContext<'_>,
    expr: &Expr,
    stop: &dyn Fn(&RuleContext<'_>, &ast::ExprCall) -> bool,
) -> Option<RequestInput> {
    let mut finder = RequestInputFinder {
        ctx,
        stop,
        route_parameters: ctx.function().map(route_parameters).unwrap_or_default(),
        found: None,
    };
    finder.visit_expr(expr);
    finder.found
}

struct RequestInputFinder<'c, 'a, 's> {
    ctx: &'c RuleContext<'a>,
    stop: &'s dyn Fn(&RuleContext<'_>, &ast::ExprCall) -> bool,
    route_parameters: Vec<String>,
    found: Option<RequestInput>,
}

impl RequestInputFinder<'_, '_, '_> {
    fn request_read(&self, expr: &Expr) -> Option<RequestInput> {
        match expr {
            Expr::Attribute(attr) => {
                let attribute = attr.attr.as_str();
                let global = qualified_name_of(self.ctx.semantic, &attr.value)
                    .is_some_and(|name| GLOBAL_REQUESTS.contains(&name.as_str()));
                let table = if global {
                    FLASK_REQUEST_ATTRIBUTES
                } else if is_request_object(self.ctx, &attr.value) {
                    REQUEST_OBJECT_ATTRIBUTES
                } else {
                    return None;
                };
                let (_, part) = table.iter().find(|(name, _)| *name == attribute)?;
                let call = if matches!(attribute, "get_json" | "get_data") {
                    "()"
                } else {
                    ""
                };
                Some(RequestInput {
                    range: expr.range(),
                    source: format!("request.{attribute}{call}"),
                    part: *part,
                })
            }
            Expr::Name(name) if self.route_parameters.iter().any(|p| p == name.id.as_str()) => {
                let binding = self
                    .ctx
                    .semantic
                    .binding(self.ctx.semantic.resolve_name(name)?);
                let function = self.ctx.function()?;
                (matches!(binding.kind, BindingKind::Argument)
                    && function.parameters.range.contains_range(binding.range))
                .then(|| RequestInput {
                    range: expr.range(),
                    source: format!("route parameter `{}`", name.id),
                    part: RequestPart::Path,
                })
            }
            _ => None,
        }
    }
}

impl<'e> cuirass_python::ast::visitor::Visitor<'e> for RequestInputFinder<'_, '_, '_> {
    fn visit_expr(&mut self, expr: &'e Expr) {
        if self.found.is_some() {
            return;
        }
        if let Some(found) = self.request_read(expr) {
            self.found = Some(found);
            return;
        }
        match expr {
            Expr::Compare(_) | Expr::Lambda(_) => {}
            Expr::Call(call)
                if terminal_name(&call.func).is_some_and(|n| INPUT_SANITIZERS.contains(&n))
                    || (self.stop)(self.ctx, call) => {}
            _ => cuirass_python::with_stack(|| cuirass_python::ast::visitor::walk_expr(self, expr)),
        }
    }
}

/// `request`/`req` bound as a parameter of the enclosing function, or `self.request`.
fn is_request_object(ctx: &RuleContext<'_>, expr: &Expr) -> bool {
    match expr {
        Expr::Name(name) if REQUEST_PARAMETER_NAMES.contains(&name.id.as_str()) => ctx
            .semantic
            .resolve_name(name)
            .is_some_and(|id| matches!(ctx.semantic.binding(id).kind, BindingKind::Argument)),
        Expr::Attribute(attr) => {
            attr.attr.as_str() == "request"
                && matches!(attr.value.as_ref(), Expr::Name(n) if n.id.as_str() == "self")
        }
        _ => false,
    }
}

/// Methods of an application or router object that register a route.
const ROUTE_DECORATORS: &[&str] = &[
    "route",
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "head",
    "options",
    "api_route",
    "websocket",
];

/// The route decorator of a web handler (`@app.route("/…")`, `@router.get("/…")`): a call of a
/// route method whose path (first argument, `rule=` or `path=`) is a literal starting with `/`.
pub fn route_decorator(function: &ast::StmtFunctionDef) -> Option<&ast::ExprCall> {
    function.decorator_list.iter().find_map(|decorator| {
        let Expr::Call(call) = &decorator.expression else {
            return None;
        };
        let Expr::Attribute(attr) = call.func.as_ref() else {
            return None;
        };
        if !ROUTE_DECORATORS.contains(&attr.attr.as_str()) {
            return None;
        }
        let path = call
            .arguments
            .find_argument_value("rule", 0)
            .or_else(|| call.arguments.find_keyword("path").map(|k| &k.value))
            .and_then(str_value)?;
        path.starts_with('/').then_some(call)
    })
}

/// Converters and annotations that make a route parameter a number, a UUID or a date.
const NON_TEXT_TYPES: &[&str] = &[
    "int", "float", "bool", "uuid", "UUID", "date", "datetime", "time", "Decimal",
];

/// The parameters of a web handler that carry request input as text: those named in its route
/// pattern (`<name>`, `<path:name>`, `{name}`, `{name:path}`) unless a converter or annotation
/// makes them numeric, plus, for `get`/`post`/… routes, parameters annotated `str` (`FastAPI`
/// query parameters).
pub fn route_parameters(function: &ast::StmtFunctionDef) -> Vec<String> {
    let Some(decorator) = route_decorator(function) else {
        return Vec::new();
    };
    let pattern = decorator
        .arguments
        .find_argument_value("rule", 0)
        .or_else(|| decorator.arguments.find_keyword("path").map(|k| &k.value))
        .and_then(str_value)
        .unwrap_or_default();
    let mut in_pattern = Vec::new();
    for (open, close) in [('<', '>'), ('{', '}')] {
        for segment in pattern.split(open).skip(1) {
            let Some((inner, _)) = segment.split_once(close) else {
                continue;
            };
            // `<converter:name>` (Werkzeug) or `{name:converter}` (Starlette).
            let (name, converter) = match inner.split_once(':') {
                Some((first, second)) if open == '<' => (second, Some(first)),
                Some((first, second)) => (first, Some(second)),
                None => (inner, None),
            };
            let converter = converter.map(|c| c.split('(').next().unwrap_or(c).trim());
            if !converter.is_some_and(|c| NON_TEXT_TYPES.contains(&c)) {
                in_pattern.push(name.trim().to_string());
            }
        }
    }
    function
        .parameters
        .iter_non_variadic_params()
        .filter_map(|parameter| {
            let name = parameter.parameter.name.as_str();
            let annotation = parameter.parameter.annotation.as_deref();
            let annotated = annotation.and_then(annotation_type);
            if annotated.is_some_and(|t| NON_TEXT_TYPES.contains(&t)) {
                return None;
            }
            (in_pattern.iter().any(|p| p == name) || annotated == Some("str"))
                .then(|| name.to_string())
        })
        .collect()
}

/// The type an annotation names: `str`, `Optional[str]`, `str | None`, `Annotated[str, …]`.
fn annotation_type(annotation: &Expr) -> Option<&str> {
    match annotation {
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Attribute(attr) => Some(attr.attr.as_str()),
        Expr::Subscript(sub) => match sub.slice.as_ref() {
            Expr::Tuple(tuple) => tuple.elts.first().and_then(annotation_type),
            other => annotation_type(other),
        },
        Expr::BinOp(ast::ExprBinOp { left, right, .. }) => annotation_type(left)
            .filter(|t| *t != "None")
            .or_else(|| annotation_type(right)),
        _ => None,
    }
}

/// First words that make a secret-like name a flag, a count or a derived value
/// (`is_password`, `require_token`, `min_password`, `hashed_password`, `masked_token`).
const NOT_SECRET_PREFIXES: &[&str] = &[
    "is",
    "has",
    "no",
    "use",
    "uses",
    "require",
    "requires",
    "required",
    "check",
    "validate",
    "verify",
    "show",
    "hide",
    "enable",
    "enabled",
    "disable",
    "disabled",
    "allow",
    "need",
    "needs",
    "min",
    "max",
    "num",
    "len",
    "length",
    "count",
    "hashed",
    "hash",
    "encrypted",
    "masked",
    "redacted",
    "obfuscated",
    "get",
    "set",
    "fetch",
    "load",
];

/// Trailing words that still denote the value itself (`password_value`, `token_str`).
const SECRET_VALUE_SUFFIXES: &[&str] = &[
    "value",
    "val",
    "str",
    "string",
    "text",
    "plain",
    "plaintext",
    "raw",
    "bytes",
];

/// What a secret-like identifier (variable, attribute, parameter or dict key) holds, judged by
/// its last words: `"password"` (`password`, `new_pwd`, `user_passphrase`), `"secret"`,
/// `"token"`, `"API key"`, `"secret key"`, `"private key"`, `"key"` (`signing_key`,
/// `encryption_key`), `"credential"`, `"session id"`. `None` when a later word makes it name
/// something else (`password_hash`, `token_type`, `secret_name`) or a first word makes it a
/// flag or derived value (`is_password`, `hashed_password`).
pub fn secret_kind(name: &str) -> Option<&'static str> {
    let mut words = identifier_words(name);
    while words
        .last()
        .is_some_and(|w| w.chars().all(|c| c.is_ascii_digit()))
    {
        words.pop();
    }
    if words.len() > 1
        && words
            .last()
            .is_some_and(|w| SECRET_VALUE_SUFFIXES.contains(&w.as_str()))
    {
        words.pop();
    }
    if words.len() > 1
        && words
            .first()
            .is_some_and(|w| NOT_SECRET_PREFIXES.contains(&w.as_str()))
    {
        return None;
    }
    let last = words.last()?.as_str();
    let before = words
        .len()
        .checked_sub(2)
        .and_then(|i| words.get(i))
        .map(String::as_str);
    Some(match (before, last) {
        (Some("api"), "key") | (_, "apikey") => "API key",
        (Some("private"), "key") | (_, "privatekey") => "private key",
        (Some("secret"), "key") | (_, "secretkey") => "secret key",
        (_, "key") if words.iter().any(|w| w == "secret") => "secret key",
        (
            Some(
                "signing" | "encryption" | "decryption" | "hmac" | "aes" | "master" | "auth"
                | "crypto" | "cipher" | "session",
            ),
            "key",
        ) => "key",
        (_, "password" | "passwd" | "pwd" | "pass" | "passphrase" | "passcode" | "pw") => {
            "password"
        }
        (_, "secret" | "clientsecret") => "secret",
        (_, "token" | "authtoken" | "accesstoken" | "refreshtoken" | "jwt") => "token",
        (_, "credentials" | "credential" | "creds") => "credential",
        (Some("session"), "id") | (_, "sessionid" | "sessid") => "session id",
        _ => return None,
    })
}

/// The name a value goes by, for secret-name checks: a variable, the last attribute
/// (`self.password`), a literal subscript (`form["password"]`) or the literal key of a
/// `.get("password")` / `.getlist(…)` call.
pub fn value_name(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Call(call) => {
            let Expr::Attribute(attr) = call.func.as_ref() else {
                return None;
            };
            if !matches!(attr.attr.as_str(), "get" | "getlist" | "pop") {
                return None;
            }
            match call.arguments.args.first() {
                Some(Expr::StringLiteral(s)) => Some(s.value.to_str()),
                _ => None,
            }
        }
        other => terminal_name(other),
    }
}

/// The string built at run time behind `expr`: `expr` itself when it is built in place (see
/// [`is_dynamic_string`]), or the value a local name was assigned when that is one (followed
/// through a few `a = b` hops).
pub fn built_string<'x>(semantic: &'x SemanticModel<'_>, expr: &'x Expr) -> Option<&'x Expr> {
    let mut current = expr;
    for _ in 0..8 {
        if is_dynamic_string(current) {
            return Some(current);
        }
        let Expr::Name(name) = current else {
            return None;
        };
        current = bound_value(semantic, name)?;
    }
    None
}

/// The non-constant values pasted into a string built at run time: f-string placeholders, the
/// right side of `%` (each element of a tuple), `.format()` arguments and the non-literal
/// operands of `+`.
pub fn dynamic_parts(expr: &Expr) -> Vec<&Expr> {
    let mut parts = Vec::new();
    collect_dynamic_parts(expr, &mut parts);
    parts
}

fn collect_dynamic_parts<'a>(expr: &'a Expr, parts: &mut Vec<&'a Expr>) {
    cuirass_python::with_stack(|| match expr {
        Expr::FString(f) => {
            for element in f.value.elements() {
                if let Some(field) = element.as_interpolation() {
                    parts.push(&field.expression);
                }
            }
        }
        Expr::BinOp(ast::ExprBinOp {
            left,
            op: ast::Operator::Mod,
            right,
            ..
        }) => {
            collect_dynamic_parts(left, parts);
            match right.as_ref() {
                Expr::Tuple(tuple) => parts.extend(tuple.elts.iter().filter(|e| !is_constant(e))),
                Expr::Dict(dict) => {
                    parts.extend(
                        dict.items
                            .iter()
                            .map(|i| &i.value)
                            .filter(|e| !is_constant(e)),
                    );
                }
                other if !is_constant(other) => parts.push(other),
                _ => {}
            }
        }
        Expr::BinOp(ast::ExprBinOp {
            left,
            op: ast::Operator::Add,
            right,
            ..
        }) => {
            for side in [left.as_ref(), right.as_ref()] {
                if is_stringish(side) {
                    collect_dynamic_parts(side, parts);
                } else if !is_constant(side) {
                    parts.push(side);
                }
            }
        }
        Expr::Call(call) => {
            if let Expr::Attribute(attr) = call.func.as_ref()
                && attr.attr.as_str() == "format"
            {
                collect_dynamic_parts(&attr.value, parts);
                parts.extend(
                    call.arguments
                        .args
                        .iter()
                        .chain(call.arguments.keywords.iter().map(|k| &k.value))
                        .filter(|e| !is_constant(e)),
                );
            }
        }
        _ => {}
    });
}

// ---------------------------------------------------------------------------------------------
// Framework configuration, XSS, cookies and templates (catalogue: config family, code/xss,
// code/cookies).

/// Whether the file imports a module whose top-level package is `root` (`starlette`,
/// `aiohttp`), by any form of import. For packages the semantic model has no flag for.
pub fn imports_module(semantic: &SemanticModel<'_>, root: &str) -> bool {
    semantic.bindings.iter().any(|binding| {
        let name = match &binding.kind {
            BindingKind::Import(import) => &import.qualified_name,
            BindingKind::FromImport(import) => &import.qualified_name,
            BindingKind::SubmoduleImport(import) => &import.qualified_name,
            _ => return false,
        };
        name.segments().first() == Some(&root)
    })
}

#[cfg(test)]
mod tests {
    use super::{any_identifier_word_in, identifier_words, last_identifier_word_in};

    #[test]
    fn identifier_words_split_snake_camel_and_digits() {
        assert_eq!(identifier_words("DB_PASSWORD"), ["db", "password"]);
        assert_eq!(identifier_words("dbPassword2"), ["db", "password", "2"]);
        assert_eq!(identifier_words("HTTPServer"), ["http", "server"]);
        assert_eq!(identifier_words("X-Auth-Token"), ["x", "auth", "token"]);
        assert_eq!(identifier_words("apikey"), ["apikey"]);
        assert!(identifier_words("__").is_empty());
        assert!(last_identifier_word_in("audit_logger_", &["log", "logger"]));
        assert!(last_identifier_word_in("_LOG", &["log", "logger"]));
        assert!(!last_identifier_word_in("catalog", &["log", "logger"]));
        assert!(!last_identifier_word_in("log_level", &["log", "logger"]));
        assert!(any_identifier_word_in("CACHE_PATH_2", &["path"]));
        assert!(!any_identifier_word_in("xpathy", &["path"]));
        assert!(!any_identifier_word_in("name", &["path"]));
        // The ASCII path and the general one agree.
        assert_eq!(identifier_words("héPassword_x"), ["hé", "password", "x"]);
        for text in [
            "getHTTPResponse2xx",
            "_LOG",
            "audit_logger",
            "a1B2c3",
            "ABC",
            "tmp_dir",
        ] {
            // A non-ASCII separator sends the same words down the general path.
            let expected = identifier_words(&format!("{text}\u{b7}"));
            assert_eq!(identifier_words(text), expected, "{text}");
        }
    }
}
