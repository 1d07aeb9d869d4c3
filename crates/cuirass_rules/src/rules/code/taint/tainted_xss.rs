use cuirass_taint::Vuln;

use crate::checker::{Context, Node};
use crate::declare_rule;

use super::helpers::report_flows;

declare_rule! {
    /// ## What it does
    /// Checks for input that reaches HTML without escaping: `render_template_string()` and
    /// `jinja2.Template()` (the template source), `Markup()`, `mark_safe()`, `format_html()`'s format
    /// string, the content of `HttpResponse` (unless its `content_type` is not HTML),
    /// `make_response()`, `Response()`, `HTMLResponse()`, and the string a Flask view returns (its
    /// HTML body). `html.escape`, `markupsafe.escape`, `bleach.clean`,
    /// `cuirass.validation.sanitize_html`/`escape_html` and rendering a template file are
    /// sanitisers.
    ///
    /// The taint analysis follows input from where it enters — Flask/Werkzeug `request.*` and route
    /// parameters, Django and other views' `request` (`GET`, `POST`, `COOKIES`, `META`, `headers`,
    /// `body`, `FILES`), FastAPI/Starlette parameters and `Request`, aiohttp `match_info`/`query`/
    /// `post()`, `sys.argv`, `input()`, socket reads, and `os.environ` (at medium confidence) —
    /// through assignments, string building, containers, function calls (in this module and, in a
    /// second phase, the project's other modules), `self` attributes, branches and loops, to this
    /// sink. Each finding carries that path. Sources, sinks and sanitisers are data: add your own in
    /// `[tool.cuirass.taint]`.
    ///
    /// ## Why is this bad?
    /// Markup in the input runs as script in the victim's browser, with their session: it reads
    /// their data, acts as them, and can replace the page with a fake login form.
    ///
    /// ## Example
    /// ```python
    /// from flask import request
    ///
    /// @app.route("/hello")
    /// def hello():
    ///     return f"<h1>Hello {request.args['name']}</h1>"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from flask import render_template, request
    ///
    /// @app.route("/hello")
    /// def hello():
    ///     return render_template("hello.html", name=request.args["name"])
    /// ```
    ///
    /// ## Fix
    /// Render templates with autoescaping on and pass input as variables, never as template
    /// source. Where HTML must be built in code, escape each value (`html.escape`,
    /// `cuirass.validation.escape_html`) or sanitise rich text with an allow-list
    /// (`cuirass.validation.sanitize_html`).
    ///
    /// ## References
    /// - [CWE-79: Cross-site Scripting](https://cwe.mitre.org/data/definitions/79.html)
    /// - [OWASP Cross Site Scripting Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Cross_Site_Scripting_Prevention_Cheat_Sheet.html)
    pub(super) RULE = {
        name: "tainted-xss",
        audit: Code,
        kind: Taint,
        severity: High,
        confidence: High,
        likelihood: High,
        impact: Medium,
        cwe: [79],
        owasp: A03Injection,
        aliases: [],
        tags: ["taint", "xss", "html"],
        interest: [Module],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    report_flows(ctx, node, Vuln::Xss, |sink, source| {
        format!(
            "{sink} puts {source} into HTML without escaping; escape it (`html.escape`, `cuirass.validation.escape_html`) or render a template"
        )
    });
}
