use cuirass_diagnostics::Confidence;
use cuirass_python::ast::visitor::{self, Visitor};
use cuirass_python::ast::{self, Expr, Stmt};
use cuirass_python::semantic::BindingKind;
use cuirass_python::{Ranged, TextRange, with_stack};

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::helpers::route_decorator;

declare_rule! {
    /// ## What it does
    /// Checks for tracebacks and exception messages sent to the client:
    /// - `traceback.format_exc()`, `format_exception(…)`, `format_tb(…)`, `format_stack()` or
    ///   `sys.exc_info()` (high confidence), or the text of an exception caught by a broad
    ///   handler (`except Exception as e`, `except BaseException`, a bare `except`, or the
    ///   argument of an `errorhandler(Exception)` / `exception_handler(Exception)` /
    ///   `errorhandler(500)` handler) as `str(e)`, `repr(e)`, `f"{e}"`, `"%s" % e`,
    ///   `.format(e)` or `e.args` (medium confidence);
    /// - passed to a response: Flask's `jsonify`, `make_response`, `Response`,
    ///   `render_template(_string)` and `abort`, Django's `HttpResponse*`, `JsonResponse` and
    ///   `render`, Django REST framework's `Response`, Starlette / FastAPI responses and
    ///   `HTTPException(detail=…)`, aiohttp's `web.Response` / `json_response`;
    /// - or returned (also inside a tuple or dict) from a Flask / FastAPI route or error
    ///   handler.
    ///
    /// Messages of specific exceptions (`except ValueError as e`, a domain `CalcError`) are
    /// not reported: those are usually written for the user. Logging the exception is fine, and
    /// so is a traceback chosen only in debug mode (`format_exc() if settings.DEBUG else …`).
    ///
    /// ## Why is this bad?
    /// A traceback shows file paths, library versions, SQL, configuration values and
    /// sometimes secrets in local variables; the message of an arbitrary exception can hold a
    /// database error with table names, a file path or a connection string. Attackers use them
    /// to map the application and tune injection payloads.
    ///
    /// ## Example
    /// ```python
    /// import traceback
    ///
    /// from flask import Flask, jsonify
    ///
    /// app = Flask(__name__)
    ///
    /// @app.post("/import")
    /// def import_notes():
    ///     try:
    ///         run_import()
    ///     except Exception:
    ///         return jsonify(error=traceback.format_exc()), 500
    ///     return jsonify(ok=True)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import logging
    ///
    /// from flask import Flask, jsonify
    ///
    /// app = Flask(__name__)
    /// log = logging.getLogger(__name__)
    ///
    /// @app.post("/import")
    /// def import_notes():
    ///     try:
    ///         run_import()
    ///     except Exception:
    ///         log.exception("import failed")
    ///         return jsonify(error="the import failed; the error was logged"), 500
    ///     return jsonify(ok=True)
    /// ```
    ///
    /// ## Fix
    /// Log the exception (`logger.exception`) and send a generic message, ideally with a
    /// correlation id; `cuirass.web`'s error middleware does both and never shows a trace.
    ///
    /// ## References
    /// - [CWE-209: Generation of Error Message Containing Sensitive Information](https://cwe.mitre.org/data/definitions/209.html)
    /// - [OWASP Error Handling Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Error_Handling_Cheat_Sheet.html)
    pub(super) RULE = {
        name: "stack-trace-exposure",
        audit: Code,
        kind: Pattern,
        severity: Medium,
        confidence: Medium,
        likelihood: Medium,
        impact: Medium,
        cwe: [209],
        owasp: A04InsecureDesign,
        aliases: [],
        tags: ["errors", "information-disclosure", "flask", "django", "fastapi"],
        interest: [Call, FunctionDef],
        check: check,
    }
}

/// Calls that put their arguments into an HTTP response.
const RESPONSE_SINKS: &[&str] = &[
    "flask.jsonify",
    "flask.make_response",
    "flask.Response",
    "flask.render_template",
    "flask.render_template_string",
    "flask.abort",
    "werkzeug.wrappers.Response",
    "werkzeug.exceptions.abort",
    "django.http.HttpResponse",
    "django.http.HttpResponseBadRequest",
    "django.http.HttpResponseServerError",
    "django.http.JsonResponse",
    "django.http.response.HttpResponse",
    "django.http.response.JsonResponse",
    "django.shortcuts.render",
    "rest_framework.response.Response",
    "starlette.responses.Response",
    "starlette.responses.JSONResponse",
    "starlette.responses.PlainTextResponse",
    "starlette.responses.HTMLResponse",
    "starlette.exceptions.HTTPException",
    "fastapi.HTTPException",
    "fastapi.exceptions.HTTPException",
    "fastapi.responses.Response",
    "fastapi.responses.JSONResponse",
    "fastapi.responses.PlainTextResponse",
    "fastapi.responses.HTMLResponse",
    "aiohttp.web.Response",
    "aiohttp.web.json_response",
];

/// Calls whose result is a traceback.
const TRACEBACKS: &[&str] = &[
    "traceback.format_exc",
    "traceback.format_exception",
    "traceback.format_tb",
    "traceback.format_stack",
    "traceback.extract_tb",
    "traceback.extract_stack",
    "sys.exc_info",
];

/// Calls that turn their arguments into text (or JSON) without hiding them.
const TEXT_CALLS: &[&str] = &[
    "builtins.str",
    "builtins.repr",
    "builtins.format",
    "json.dumps",
];

/// Decorator methods registering an error handler (Flask, Quart, `FastAPI` / Starlette).
const ERROR_HANDLERS: &[&str] = &[
    "errorhandler",
    "exception_handler",
    "register_error_handler",
];

/// Exception text found in an expression.
struct Exposed {
    range: TextRange,
    what: String,
    confidence: Confidence,
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let mut found: Vec<(Exposed, String)> = Vec::new();
    match node {
        // The checker resolved the callee once for every rule; only response builders matter.
        Node::Call(call) => {
            let Some(name) = call.name.filter(|name| RESPONSE_SINKS.contains(name)) else {
                return;
            };
            let handler = ctx.function().and_then(error_handler_parameter);
            let exposed = call
                .node
                .arguments
                .args
                .iter()
                .chain(call.node.arguments.keywords.iter().map(|k| &k.value))
                .find_map(|argument| exposed(ctx, handler, argument));
            if let Some(exposed) = exposed {
                let message = format!(
                    "{} goes into the response built by `{name}`; log it and send a generic message",
                    exposed.what
                );
                found.push((exposed, message));
            }
        }
        // What a view or a broad error handler returns is the response.
        Node::Stmt(Stmt::FunctionDef(function)) => {
            let handler = error_handler_parameter(function);
            if handler.is_none() && route_decorator(function).is_none() {
                return;
            }
            let mut returns = Returns::default();
            returns.visit_body(&function.body);
            for value in returns.values {
                if let Some(exposed) = exposed(ctx, handler, value) {
                    let message = format!(
                        "{} is returned to the client by `{}`; log it and return a generic message",
                        exposed.what, function.name
                    );
                    found.push((exposed, message));
                }
            }
        }
        _ => {}
    }
    for (exposed, message) in found {
        if let Some(finding) = ctx.report(exposed.range, message) {
            finding.confidence = exposed.confidence;
        }
    }
}

/// The values of a function's own `return` statements (not those of nested functions and
/// classes, which return elsewhere).
#[derive(Default)]
struct Returns<'s> {
    values: Vec<&'s Expr>,
}

impl<'s> Visitor<'s> for Returns<'s> {
    fn visit_stmt(&mut self, stmt: &'s Stmt) {
        match stmt {
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
            Stmt::Return(ast::StmtReturn {
                value: Some(value), ..
            }) => self.values.push(value),
            _ => with_stack(|| visitor::walk_stmt(self, stmt)),
        }
    }

    // Expressions hold no `return`.
    fn visit_expr(&mut self, _expr: &'s Expr) {}
}

/// Exception text in `expr`, given the exception parameter of the enclosing broad error
/// handler, if any.
fn exposed(ctx: &Context<'_>, handler_parameter: Option<&str>, expr: &Expr) -> Option<Exposed> {
    let mut finder = Finder {
        ctx,
        handler_parameter,
        found: None,
    };
    finder.visit(expr, 0);
    finder.found
}

struct Finder<'c, 'a> {
    ctx: &'c Context<'a>,
    /// The exception parameter of the enclosing broad error handler, if any.
    handler_parameter: Option<&'c str>,
    found: Option<Exposed>,
}

impl Finder<'_, '_> {
    fn visit(&mut self, expr: &Expr, depth: u32) {
        if self.found.is_some() || depth > 32 {
            return;
        }
        with_stack(|| self.visit_inner(expr, depth));
    }

    fn visit_inner(&mut self, expr: &Expr, depth: u32) {
        match expr {
            Expr::Call(call) => {
                let name = self.ctx.qualified_name(&call.func);
                if let Some(name) = name.as_deref().filter(|n| TRACEBACKS.contains(n)) {
                    self.found = Some(Exposed {
                        range: expr.range(),
                        what: format!("the traceback from `{name}()`"),
                        confidence: Confidence::High,
                    });
                    return;
                }
                let text_call = name.as_deref().is_some_and(|n| TEXT_CALLS.contains(&n))
                    || matches!(call.func.as_ref(), Expr::Attribute(attr)
                        if matches!(attr.attr.as_str(), "join" | "format"));
                if text_call {
                    if let Expr::Attribute(attr) = call.func.as_ref() {
                        self.visit(&attr.value, depth + 1);
                    }
                    for argument in call
                        .arguments
                        .args
                        .iter()
                        .chain(call.arguments.keywords.iter().map(|k| &k.value))
                    {
                        self.visit(argument, depth + 1);
                    }
                }
            }
            Expr::Name(name) if self.is_broad_exception(name) => {
                self.found = Some(Exposed {
                    range: expr.range(),
                    what: format!("the message of the exception `{}`", name.id),
                    confidence: Confidence::Medium,
                });
            }
            Expr::Attribute(attr)
                if matches!(attr.attr.as_str(), "args" | "message" | "strerror") =>
            {
                self.visit(&attr.value, depth + 1);
            }
            Expr::FString(fstring) => {
                for element in fstring.value.elements() {
                    if let Some(field) = element.as_interpolation() {
                        self.visit(&field.expression, depth + 1);
                    }
                }
            }
            Expr::BinOp(binop) => {
                self.visit(&binop.left, depth + 1);
                self.visit(&binop.right, depth + 1);
            }
            Expr::BoolOp(boolop) => {
                for value in &boolop.values {
                    self.visit(value, depth + 1);
                }
            }
            Expr::If(ifexp) => {
                // `traceback.format_exc() if settings.DEBUG else "Internal Server Error"`.
                let debug_only = self.ctx.text(ifexp.test.range()).contains("DEBUG");
                if !debug_only {
                    self.visit(&ifexp.body, depth + 1);
                }
                self.visit(&ifexp.orelse, depth + 1);
            }
            Expr::Tuple(ast::ExprTuple { elts, .. })
            | Expr::List(ast::ExprList { elts, .. })
            | Expr::Set(ast::ExprSet { elts, .. }) => {
                for element in elts {
                    self.visit(element, depth + 1);
                }
            }
            Expr::Dict(dict) => {
                for item in &dict.items {
                    self.visit(&item.value, depth + 1);
                }
            }
            _ => {}
        }
    }

    /// A name bound by a broad `except` clause, or the parameter of a broad error handler.
    fn is_broad_exception(&self, name: &ast::ExprName) -> bool {
        let semantic = self.ctx.semantic;
        let Some(binding) = semantic.resolve_name(name).map(|id| semantic.binding(id)) else {
            return false;
        };
        match binding.kind {
            BindingKind::BoundException => {
                let Some(Stmt::Try(try_stmt)) = binding.statement(semantic) else {
                    return false;
                };
                try_stmt.handlers.iter().any(|handler| {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    handler
                        .name
                        .as_ref()
                        .is_some_and(|n| n.range() == binding.range)
                        && handler
                            .type_
                            .as_deref()
                            .is_none_or(|type_| self.is_broad_type(type_))
                })
            }
            BindingKind::Argument => self.handler_parameter == Some(name.id.as_str()),
            _ => false,
        }
    }

    /// `Exception`, `BaseException`, or a tuple holding one.
    fn is_broad_type(&self, type_: &Expr) -> bool {
        match type_ {
            Expr::Tuple(tuple) => tuple.elts.iter().any(|t| self.is_broad_type(t)),
            other => matches!(
                self.ctx.qualified_name(other).as_deref(),
                Some("builtins.Exception" | "builtins.BaseException")
            ),
        }
    }
}

/// The exception parameter of a handler registered for every error
/// (`@app.errorhandler(Exception)`, `@app.errorhandler(500)`,
/// `@app.exception_handler(Exception)`): its last positional parameter.
fn error_handler_parameter(function: &ast::StmtFunctionDef) -> Option<&str> {
    let broad = function.decorator_list.iter().any(|decorator| {
        let Expr::Call(call) = &decorator.expression else {
            return false;
        };
        let Expr::Attribute(attr) = call.func.as_ref() else {
            return false;
        };
        if !ERROR_HANDLERS.contains(&attr.attr.as_str()) {
            return false;
        }
        match call.arguments.args.first() {
            Some(Expr::Name(name)) => matches!(name.id.as_str(), "Exception" | "BaseException"),
            Some(Expr::NumberLiteral(number)) => {
                matches!(&number.value, ast::Number::Int(i) if i.as_u64() == Some(500))
            }
            _ => false,
        }
    });
    if !broad {
        return None;
    }
    function
        .parameters
        .posonlyargs
        .iter()
        .chain(function.parameters.args.iter())
        .last()
        .map(|parameter| parameter.parameter.name.as_str())
}
