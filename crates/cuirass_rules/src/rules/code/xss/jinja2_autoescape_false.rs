use cuirass_diagnostics::Confidence;
use cuirass_python::Ranged;
use cuirass_python::ast::{Expr, Stmt};

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::helpers::is_false;

declare_rule! {
    /// ## What it does
    /// Checks for Jinja2 environments that do not escape HTML: `jinja2.Environment(…)` (or
    /// `SandboxedEnvironment`) with `autoescape=False`, or without `autoescape` at all (Jinja2's
    /// default is off, reported at medium confidence: Jinja2 also renders e-mails, configuration
    /// files and code, where escaping is wrong), and `app.jinja_env.autoescape = False`.
    ///
    /// `autoescape=True`, `autoescape=select_autoescape(…)` and any other non-literal value are
    /// fine, as are calls that pass `**options` (which may hold it). Names are resolved through
    /// imports, so `from jinja2 import Environment as Env` is found and a class of your own
    /// called `Environment` is not.
    ///
    /// ## Why is this bad?
    /// Without autoescaping, every `{{ value }}` is written into the page as it is: a user's
    /// name or comment holding `<script>` runs in other users' browsers (cross-site scripting),
    /// with their session.
    ///
    /// ## Example
    /// ```python
    /// import jinja2
    ///
    /// env = jinja2.Environment(loader=jinja2.FileSystemLoader("templates"))
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import jinja2
    ///
    /// env = jinja2.Environment(
    ///     loader=jinja2.FileSystemLoader("templates"),
    ///     autoescape=jinja2.select_autoescape(),
    /// )
    /// ```
    ///
    /// ## Fix
    /// Pass `autoescape=select_autoescape()` (escapes `.html`, `.htm` and `.xml` templates and
    /// strings) or `autoescape=True`. For an environment that renders plain text only, pass
    /// `autoescape=False` explicitly and suppress the finding with that reason.
    ///
    /// ## References
    /// - [CWE-79: Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')](https://cwe.mitre.org/data/definitions/79.html)
    /// - [Jinja2: autoescaping](https://jinja.palletsprojects.com/en/stable/api/#autoescaping)
    /// - [Bandit B701](https://bandit.readthedocs.io/en/latest/plugins/b701_jinja2_autoescape_false.html)
    pub(super) RULE = {
        name: "jinja2-autoescape-false",
        audit: Code,
        kind: Pattern,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [79],
        owasp: A03Injection,
        aliases: [Bandit("B701"), Ruff("S701")],
        tags: ["xss", "jinja2"],
        interest: [Call, Assign],
        check: check,
    }
}

const ENVIRONMENTS: &[&str] = &[
    "jinja2.Environment",
    "jinja2.environment.Environment",
    "jinja2.sandbox.SandboxedEnvironment",
    "jinja2.sandbox.ImmutableSandboxedEnvironment",
];

/// `Environment`'s positional parameters before `autoescape`.
const POSITIONAL_BEFORE_AUTOESCAPE: usize = 16;

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    match node {
        Node::Call(call) if call.is_any(ENVIRONMENTS) => {
            if call.node.arguments.args.len() > POSITIONAL_BEFORE_AUTOESCAPE
                || call.node.arguments.args.iter().any(Expr::is_starred_expr)
            {
                return;
            }
            match call.keyword("autoescape") {
                Some(value) if is_false(value) => {
                    ctx.report(
                        value.range(),
                        "Jinja2 environment with `autoescape=False`: every `{{ value }}` reaches the page unescaped (XSS); use `autoescape=select_autoescape()`".to_string(),
                    );
                }
                None if !call.has_kwargs_splat() => {
                    if let Some(finding) = ctx.report(
                        call.node.func.range(),
                        "Jinja2 environment without `autoescape`: Jinja2 does not escape by default, so every `{{ value }}` reaches HTML pages unescaped (XSS); pass `autoescape=select_autoescape()`".to_string(),
                    ) {
                        finding.confidence = Confidence::Medium;
                    }
                }
                _ => {}
            }
        }
        Node::Stmt(Stmt::Assign(assign)) => {
            let [Expr::Attribute(target)] = assign.targets.as_slice() else {
                return;
            };
            let is_jinja_env = matches!(target.value.as_ref(), Expr::Attribute(env) if env.attr.as_str() == "jinja_env");
            if target.attr.as_str() == "autoescape" && is_jinja_env && is_false(&assign.value) {
                ctx.report(
                    assign.range,
                    "`jinja_env.autoescape = False` turns HTML escaping off for every template of the app (XSS); leave Flask's default".to_string(),
                );
            }
        }
        _ => {}
    }
}
