use cuirass_diagnostics::Confidence;
use cuirass_python::Ranged;
use cuirass_python::ast::Expr;
use cuirass_python::semantic::Modules;

use crate::checker::{Call, Context, Node};
use crate::declare_rule;
use crate::helpers::{constructed_by, imports_module};
use crate::rules::code::xss::helpers::{Made, describe_parts, how_made};

declare_rule! {
    /// ## What it does
    /// Checks for template *source* that is not a literal: `flask.render_template_string(…)`,
    /// `jinja2.Template(…)`, `Environment.from_string(…)`, `mako.template.Template(…)` and
    /// `django.template.Template(…)` given a string built at run time (an f-string, `%`,
    /// `.format()`, `+` or `"…".join(…)` with values that can carry text of the user's), at
    /// high confidence; `render_template_string` of any other non-literal (a variable, an
    /// attribute, a call) at low confidence. Template classes given a variable are not
    /// reported: engines and loaders compile sources read from files that way.
    ///
    /// Literals, names assigned only a literal, and strings built only from escaped values or
    /// numbers are fine: the template's text is the developer's. Passing user input as a
    /// template *variable* (`render_template_string(TEMPLATE, name=name)`) is the safe way
    /// and is not reported. `from_string` is only matched on an `Environment(…)` or, when the
    /// receiver is unknown, in a file that imports Jinja2 or Flask.
    ///
    /// ## Why is this bad?
    /// Text pasted into a template's source is compiled as template code (server-side template
    /// injection). In Jinja2 and Mako that is code execution on the server —
    /// `{{ cycler.__init__.__globals__.os.popen('id').read() }}` — and in any engine it reads
    /// the template's context and outputs unescaped markup.
    ///
    /// ## Example
    /// ```python
    /// from flask import render_template_string, request
    ///
    /// @app.route("/hello")
    /// def hello():
    ///     return render_template_string(f"<h1>Hello {request.args['name']}</h1>")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from flask import render_template_string, request
    ///
    /// @app.route("/hello")
    /// def hello():
    ///     return render_template_string("<h1>Hello {{ name }}</h1>", name=request.args["name"])
    /// ```
    ///
    /// ## Fix
    /// Keep template source constant (a file or a literal) and pass data as variables, which
    /// the engine escapes. If users must write templates, render them in Jinja2's
    /// `SandboxedEnvironment` with a minimal context.
    ///
    /// ## References
    /// - [CWE-1336: Improper Neutralization of Special Elements Used in a Template Engine](https://cwe.mitre.org/data/definitions/1336.html)
    /// - [CWE-94: Improper Control of Generation of Code ('Code Injection')](https://cwe.mitre.org/data/definitions/94.html)
    /// - [PortSwigger: server-side template injection](https://portswigger.net/web-security/server-side-template-injection)
    /// - [Jinja2: sandbox](https://jinja.palletsprojects.com/en/stable/sandbox/)
    pub(super) RULE = {
        name: "template-injection",
        audit: Code,
        kind: Pattern,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [1336, 94],
        owasp: A03Injection,
        aliases: [],
        tags: ["ssti", "jinja2", "flask"],
        interest: [Call],
        check: check,
    }
}

const RENDER_STRING: &[&str] = &[
    "flask.render_template_string",
    "flask.templating.render_template_string",
    "quart.render_template_string",
];

const TEMPLATE_CLASSES: &[&str] = &[
    "jinja2.Template",
    "jinja2.environment.Template",
    "mako.template.Template",
    "django.template.Template",
    "django.template.base.Template",
];

const ENVIRONMENTS: &[&str] = &[
    "jinja2.Environment",
    "jinja2.environment.Environment",
    "jinja2.sandbox.SandboxedEnvironment",
];

/// The template source a call compiles, if it is one of the calls this rule knows.
fn template_source<'a>(ctx: &Context<'_>, call: &Call<'a>) -> Option<(&'a Expr, &'static str)> {
    if call.is_any(RENDER_STRING) {
        return Some((call.argument("source", 0)?, "render_template_string"));
    }
    if call.is_any(TEMPLATE_CLASSES) {
        let source = call
            .argument("source", 0)
            .or_else(|| call.keyword("text"))
            .or_else(|| call.keyword("template_string"))?;
        return Some((source, "Template"));
    }
    if call.method() == Some("from_string") {
        let Expr::Attribute(attr) = call.node.func.as_ref() else {
            return None;
        };
        let jinja = match constructed_by(ctx.semantic, &attr.value) {
            Some(name) => ENVIRONMENTS.contains(&name.as_str()),
            None => {
                imports_module(ctx.semantic, "jinja2") || ctx.semantic.seen_module(Modules::FLASK)
            }
        };
        if jinja {
            return Some((call.argument("source", 0)?, "from_string"));
        }
    }
    None
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let Some((source, what)) = template_source(ctx, call) else {
        return;
    };
    match how_made(ctx, source) {
        Made::Built(parts) => {
            let parts = describe_parts(ctx, &parts);
            ctx.report(
                source.range(),
                format!(
                    "`{what}` compiles template source built from {parts}: text of the user's in it runs as template code (server-side template injection, code execution in Jinja2 and Mako); keep the source constant and pass values as template variables"
                ),
            );
        }
        // Engines and loaders compile templates read from files into `Template(source)` all the
        // time; only `render_template_string` is a view rendering a string it was handed.
        Made::Unknown if what == "render_template_string" => {
            if let Some(finding) = ctx.report(
                source.range(),
                format!(
                    "`{what}` compiles template source that is not a literal: if it can hold text of the user's, that text runs as template code (server-side template injection); keep the source constant and pass values as template variables"
                ),
            ) {
                finding.confidence = Confidence::Low;
            }
        }
        Made::Safe | Made::Unknown => {}
    }
}
