use cuirass_diagnostics::Confidence;
use cuirass_python::Ranged;
use cuirass_python::ast::{Expr, Stmt};

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::rules::code::xss::helpers::{Made, builds_markup, describe_parts, how_made};

declare_rule! {
    /// ## What it does
    /// Checks for Django's "this is safe HTML" markers applied to something other than a
    /// literal: `mark_safe(…)` (`django.utils.safestring`, also imported from
    /// `django.utils.html`), `SafeString(…)` / `SafeText(…)`, and `format_html(…)` /
    /// `format_html_join(…)` whose *format string* is built at run time (the arguments of
    /// `format_html` are escaped, its format string is not). `@mark_safe` on a function is
    /// reported at low confidence (the function's return value is trusted unseen).
    ///
    /// A string built in place — an f-string, `%`, `.format()`, `+` or `"…".join(…)` — from
    /// values that can carry markup is reported, naming those values: at high confidence when
    /// its literal parts are HTML (`<a href="…`), at medium otherwise. Any other expression (a
    /// variable, an attribute, a call) passed to `mark_safe` is reported at low confidence: a
    /// review item, as template tags and filters mark values made safely elsewhere. Not
    /// reported: literals and names assigned only a literal; strings built only from escaped
    /// or sanitised values (`escape(x)`, `conditional_escape(x)`, `int(x)`), translations of a
    /// literal, local names assigned one of those, or a conditional expression choosing
    /// between them (`' class="end"' if last else ""`); rendered templates
    /// (`render_to_string(…)`, `renderer.render(…)`). Bandit's B308 reports every call,
    /// literals included.
    ///
    /// ## Why is this bad?
    /// Django escapes every value a template outputs unless it is marked safe. Marking a string
    /// that contains user input safe turns that input into markup: a `<script>` in it runs in
    /// the reader's browser (cross-site scripting).
    ///
    /// ## Example
    /// ```python
    /// from django.utils.safestring import mark_safe
    ///
    /// def link(user):
    ///     return mark_safe(f'<a href="/u/{user.pk}">{user.name}</a>')
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from django.utils.html import format_html
    ///
    /// def link(user):
    ///     return format_html('<a href="/u/{}">{}</a>', user.pk, user.name)
    /// ```
    ///
    /// ## Fix
    /// Build HTML with `format_html` and a literal format string (it escapes every argument),
    /// or `format_html_join` for lists. To keep some of a user's HTML, sanitise it with an
    /// allow-list first (`cuirass.validation.sanitize_html`).
    ///
    /// ## References
    /// - [CWE-79: Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')](https://cwe.mitre.org/data/definitions/79.html)
    /// - [Django: `mark_safe`](https://docs.djangoproject.com/en/stable/ref/utils/#django.utils.safestring.mark_safe)
    /// - [Django: `format_html`](https://docs.djangoproject.com/en/stable/ref/utils/#django.utils.html.format_html)
    /// - [Bandit B703](https://bandit.readthedocs.io/en/latest/plugins/b703_django_mark_safe.html)
    pub(super) RULE = {
        name: "django-mark-safe-non-literal",
        audit: Code,
        kind: Pattern,
        severity: Medium,
        confidence: Medium,
        likelihood: Medium,
        impact: High,
        cwe: [79],
        owasp: A03Injection,
        aliases: [Bandit("B308"), Bandit("B703"), Ruff("S308")],
        tags: ["xss", "django"],
        interest: [Call, FunctionDef],
        check: check,
    }
}

const MARK_SAFE: &[&str] = &[
    "django.utils.safestring.mark_safe",
    "django.utils.html.mark_safe",
    "django.utils.safestring.SafeString",
    "django.utils.safestring.SafeText",
];

const FORMAT_HTML: &[&str] = &[
    "django.utils.html.format_html",
    "django.utils.html.format_html_join",
];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    match node {
        Node::Call(call) if call.is_any(MARK_SAFE) => {
            let Some(value) = call.argument("s", 0) else {
                return;
            };
            let what = call
                .name
                .and_then(|n| n.rsplit('.').next())
                .unwrap_or("mark_safe");
            match how_made(ctx, value) {
                Made::Safe => {}
                Made::Built(parts) => {
                    let markup = builds_markup(ctx, value);
                    let parts = describe_parts(ctx, &parts);
                    if let Some(finding) = ctx.report(
                        value.range(),
                        format!(
                            "`{what}` of a string built from {parts} marks that text as safe HTML, so markup in it reaches the page unescaped (XSS); build it with `format_html`, which escapes"
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
                        format!(
                            "`{what}` of a value that is not a literal marks it as safe HTML unchecked: if it can hold user text, that is XSS; build it with `format_html` or sanitise it"
                        ),
                    ) {
                        finding.confidence = Confidence::Low;
                    }
                }
            }
        }
        Node::Call(call) if call.is_any(FORMAT_HTML) => {
            let index = usize::from(call.name.is_some_and(|n| n.ends_with("_join")));
            let Some(format) = call.argument("format_string", index) else {
                return;
            };
            if let Made::Built(parts) = how_made(ctx, format) {
                let parts = describe_parts(ctx, &parts);
                if let Some(finding) = ctx.report(
                    format.range(),
                    format!(
                        "the format string of `format_html` is built from {parts}, which is not escaped (only the arguments are); pass a literal format string and the values as arguments"
                    ),
                ) {
                    finding.confidence = Confidence::High;
                }
            }
        }
        Node::Stmt(Stmt::FunctionDef(function)) => {
            for decorator in &function.decorator_list {
                if matches!(decorator.expression, Expr::Name(_) | Expr::Attribute(_))
                    && ctx.qualified_name(&decorator.expression).is_some_and(|n| {
                        n.ends_with(".mark_safe") && MARK_SAFE.contains(&n.as_str())
                    })
                {
                    let name = function.name.as_str();
                    if let Some(finding) = ctx.report(
                        decorator.expression.range(),
                        format!(
                            "`@mark_safe` trusts whatever `{name}` returns as HTML; if that can include user text, build it with `format_html` instead"
                        ),
                    ) {
                        finding.confidence = Confidence::Low;
                    }
                }
            }
        }
        _ => {}
    }
}
