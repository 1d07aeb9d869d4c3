use cuirass_diagnostics::Confidence;
use cuirass_python::Ranged;

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::rules::code::xss::helpers::{Made, builds_markup, describe_parts, how_made};

declare_rule! {
    /// ## What it does
    /// Checks for `markupsafe.Markup(…)` (also reached as `flask.Markup` or `jinja2.Markup`)
    /// applied to something other than a literal. `Markup` declares its argument to be safe
    /// HTML, so templates output it without escaping.
    ///
    /// A string built in place — an f-string, `%`, `.format()`, `+` or `"…".join(…)` — from
    /// values that can carry markup is reported, naming those values: at high confidence when
    /// its literal parts are HTML (`<b>`, `href="`), at medium otherwise. Any other expression
    /// (a variable, an attribute, a call) is reported at low confidence: it is a review item,
    /// as most such calls wrap HTML made safely elsewhere. Not reported: literals and names
    /// assigned only a literal; strings built only from escaped or sanitised values
    /// (`escape(x)`, `bleach.clean(x)`, `int(x)`), translations of a literal (`_("…")`), or
    /// local names assigned one of those; rendered templates (`render_template(…)`,
    /// `template.render(…)`). `Markup("<b>{}</b>").format(x)`
    /// and `Markup("<br>").join(items)` escape their arguments and are the safe idiom.
    ///
    /// ## Why is this bad?
    /// `Markup(f"<b>{name}</b>")` marks the user's `name` as HTML: a name holding `<script>`
    /// runs in every browser that shows it (cross-site scripting).
    ///
    /// ## Example
    /// ```python
    /// from markupsafe import Markup
    ///
    /// def greeting(name):
    ///     return Markup(f"<b>Hello {name}</b>")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from markupsafe import Markup
    ///
    /// def greeting(name):
    ///     return Markup("<b>Hello {}</b>").format(name)
    /// ```
    ///
    /// ## Fix
    /// Build the markup from a literal with `Markup(…).format(…)`, `%` on a `Markup`, or
    /// `Markup(sep).join(…)`, which escape their arguments. To keep some of a user's HTML,
    /// sanitise it with an allow-list first (`cuirass.validation.sanitize_html`).
    ///
    /// ## References
    /// - [CWE-79: Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')](https://cwe.mitre.org/data/definitions/79.html)
    /// - [MarkupSafe: working with safe text](https://markupsafe.palletsprojects.com/en/stable/escaping/)
    /// - [Bandit B704](https://bandit.readthedocs.io/en/latest/plugins/b704_markupsafe_markup_xss.html)
    pub(super) RULE = {
        name: "markup-non-literal",
        audit: Code,
        kind: Pattern,
        severity: Medium,
        confidence: Medium,
        likelihood: Medium,
        impact: High,
        cwe: [79],
        owasp: A03Injection,
        aliases: [Bandit("B704"), Ruff("S704")],
        tags: ["xss", "markupsafe"],
        interest: [Call],
        check: check,
    }
}

const MARKUP: &[&str] = &[
    "markupsafe.Markup",
    "flask.Markup",
    "jinja2.Markup",
    "jinja2.utils.Markup",
];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    if !call.is_any(MARKUP) {
        return;
    }
    let Some(value) = call.argument("object", 0) else {
        return;
    };
    match how_made(ctx, value) {
        Made::Safe => {}
        Made::Built(parts) => {
            let markup = builds_markup(ctx, value);
            let parts = describe_parts(ctx, &parts);
            if let Some(finding) = ctx.report(
                value.range(),
                format!(
                    "`Markup` of a string built from {parts} marks that text as safe HTML, so markup in it reaches the page unescaped (XSS); use `Markup(\"…\").format(…)`, which escapes"
                ),
            ) {
                finding.confidence = if markup {
                    Confidence::High
                } else {
                    Confidence::Medium
                };
            }
        }
        Made::Unknown => {
            if let Some(finding) = ctx.report(
                value.range(),
                "`Markup` of a value that is not a literal marks it as safe HTML unchecked: if it can hold user text, that is XSS; build it with `Markup(\"…\").format(…)` or sanitise it".to_string(),
            ) {
                finding.confidence = Confidence::Low;
            }
        }
    }
}
