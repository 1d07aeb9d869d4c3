use cuirass_diagnostics::Confidence;
use cuirass_python::ast::{Expr, Stmt};
use cuirass_python::semantic::Modules;
use cuirass_python::{Ranged, TextRange};

use crate::checker::{Call, Context, Node};
use crate::declare_rule;
use crate::helpers::{constructed_by, is_true, str_value};

declare_rule! {
    /// ## What it does
    /// Checks for Flask applications run with the debugger on: `app.run(debug=True)`,
    /// `app.debug = True`, `app.config["DEBUG"] = True` and
    /// `app.config.update(DEBUG=True)` / `from_mapping(DEBUG=True)`.
    ///
    /// The receiver is resolved with the semantic model: when `app` was bound by
    /// `app = Flask(…)` (through any import alias) the finding has high confidence. When it
    /// cannot be resolved (an app factory's result, `self.app`) the finding is reported at
    /// medium confidence if the file imports `flask`, and not at all otherwise; a receiver
    /// built by something else we can name (`threading.Thread(…)`) is never reported.
    ///
    /// ## Why is this bad?
    /// Debug mode serves the Werkzeug interactive debugger: any exception page carries a
    /// Python console that runs whatever code is typed into it, in the server process. The PIN
    /// that guards it can be derived from information the app often leaks, and debug pages
    /// also show source code, settings and secrets. One `debug=True` left in a script that is
    /// run on a server is remote code execution.
    ///
    /// ## Example
    /// ```python
    /// from flask import Flask
    ///
    /// app = Flask(__name__)
    ///
    /// if __name__ == "__main__":
    ///     app.run(debug=True)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// from flask import Flask
    ///
    /// app = Flask(__name__)
    ///
    /// if __name__ == "__main__":
    ///     app.run(debug=os.environ.get("FLASK_DEBUG") == "1")
    /// ```
    ///
    /// ## Fix
    /// Drive debug mode from the environment (`flask run --debug` or `FLASK_DEBUG=1` during
    /// development only) and serve production traffic with a WSGI server such as gunicorn.
    ///
    /// ## References
    /// - [CWE-489: Active Debug Code](https://cwe.mitre.org/data/definitions/489.html)
    /// - [CWE-215: Insertion of Sensitive Information Into Debugging Code](https://cwe.mitre.org/data/definitions/215.html)
    /// - [Flask docs: debug mode](https://flask.palletsprojects.com/en/stable/debugging/)
    /// - [Werkzeug docs: debugger PIN security](https://werkzeug.palletsprojects.com/en/stable/debug/#debugger-pin)
    pub(super) RULE = {
        name: "flask-debug-true",
        audit: Code,
        kind: Pattern,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [489, 215],
        owasp: A05SecurityMisconfiguration,
        aliases: [Bandit("B201"), Ruff("S201")],
        tags: ["flask", "debug"],
        interest: [Call, Assign],
        check: check,
    }
}

const FLASK_APPS: &[&str] = &["flask.Flask", "flask.app.Flask"];

/// What an object is, as far as the semantic model can tell.
enum Receiver {
    /// Bound to `flask.Flask(…)`.
    Flask,
    /// Built by something else we can name.
    Other,
    Unknown,
}

fn classify(ctx: &Context<'_>, receiver: &Expr) -> Receiver {
    match constructed_by(ctx.semantic, receiver) {
        Some(name) if FLASK_APPS.contains(&name.as_str()) => Receiver::Flask,
        Some(_) => Receiver::Other,
        None => Receiver::Unknown,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    match node {
        Node::Call(call) => check_call(ctx, call),
        Node::Stmt(Stmt::Assign(assign)) => {
            if let [target] = assign.targets.as_slice() {
                check_assignment(ctx, target, &assign.value);
            }
        }
        _ => {}
    }
}

fn check_call(ctx: &mut Context<'_>, call: &Call<'_>) {
    let Expr::Attribute(attr) = call.node.func.as_ref() else {
        return;
    };
    match attr.attr.as_str() {
        "run" if call.keyword("debug").is_some_and(is_true) => {
            let message = format!(
                "`{}(debug=True)` serves the Werkzeug debugger, whose console runs any Python code sent to it; read the flag from the environment and keep it off in production",
                short(ctx, call.node.func.as_ref(), "app.run")
            );
            report_for(ctx, &attr.value, call.node.range(), message);
        }
        "update" | "from_mapping" if call.keyword("DEBUG").is_some_and(is_true) => {
            let Expr::Attribute(config) = attr.value.as_ref() else {
                return;
            };
            if config.attr.as_str() != "config" {
                return;
            }
            let message = format!(
                "`{}(DEBUG=True)` turns on Flask's interactive debugger, whose console runs any Python code sent to it; keep `DEBUG` off in production",
                short(ctx, call.node.func.as_ref(), "app.config.update")
            );
            report_for(ctx, &config.value, call.node.range(), message);
        }
        _ => {}
    }
}

fn check_assignment(ctx: &mut Context<'_>, target: &Expr, value: &Expr) {
    if !is_true(value) {
        return;
    }
    let app = match target {
        // `app.debug = True`
        Expr::Attribute(attr) if attr.attr.as_str() == "debug" => attr.value.as_ref(),
        // `app.config["DEBUG"] = True`
        Expr::Subscript(subscript) if str_value(&subscript.slice).as_deref() == Some("DEBUG") => {
            match subscript.value.as_ref() {
                Expr::Attribute(config) if config.attr.as_str() == "config" => {
                    config.value.as_ref()
                }
                _ => return,
            }
        }
        _ => return,
    };
    let message = format!(
        "`{} = True` turns on Flask's interactive debugger, whose console runs any Python code sent to it; keep debug mode off in production",
        short(ctx, target, "app.debug")
    );
    let range = target.range().cover(value.range());
    report_for(ctx, app, range, message);
}

/// Reports at high confidence for a known Flask app, at medium for an unknown receiver in a
/// file that imports `flask`, and not at all otherwise.
fn report_for(ctx: &mut Context<'_>, app: &Expr, range: TextRange, message: String) {
    let confidence = match classify(ctx, app) {
        Receiver::Flask => Confidence::High,
        Receiver::Unknown if ctx.semantic.seen_module(Modules::FLASK) => Confidence::Medium,
        Receiver::Unknown | Receiver::Other => return,
    };
    if let Some(finding) = ctx.report(range, message) {
        finding.confidence = confidence;
    }
}

/// Source text of a short expression for messages, or `fallback` when it is long.
fn short<'a>(ctx: &Context<'a>, expr: &Expr, fallback: &'a str) -> &'a str {
    let text = ctx.text(expr.range());
    if text.len() <= 40 && !text.contains('\n') {
        text
    } else {
        fallback
    }
}
