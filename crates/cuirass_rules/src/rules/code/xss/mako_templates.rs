use cuirass_python::Ranged;
use cuirass_python::ast::{self, Expr};

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::helpers::str_value;

declare_rule! {
    /// ## What it does
    /// Checks for Mako templates created without an HTML-escaping default filter:
    /// `mako.template.Template(…)` and `mako.lookup.TemplateLookup(…)` unless
    /// `default_filters` holds `"h"` (HTML escaping) or `"x"` (XML escaping).
    ///
    /// Bandit reports every Mako template; cuirass skips those that escape by default. Calls
    /// with `**options` or a non-literal `default_filters` are not judged. The template text is
    /// not seen, so the finding has low confidence: templates that render plain text, or
    /// escape every expression with `${x | h}`, are fine.
    ///
    /// ## Why is this bad?
    /// Mako writes `${value}` into the output as it is. In an HTML page, a value holding
    /// `<script>` runs in the reader's browser (cross-site scripting).
    ///
    /// ## Example
    /// ```python
    /// from mako.lookup import TemplateLookup
    ///
    /// lookup = TemplateLookup(directories=["templates"])
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from mako.lookup import TemplateLookup
    ///
    /// lookup = TemplateLookup(directories=["templates"], default_filters=["h"])
    /// ```
    ///
    /// ## Fix
    /// Pass `default_filters=["h"]` (or `["str", "h"]`) so every expression is escaped, and use
    /// `${value | n}` for the few that are trusted HTML.
    ///
    /// ## References
    /// - [CWE-79: Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')](https://cwe.mitre.org/data/definitions/79.html)
    /// - [Mako: filtering and buffering](https://docs.makotemplates.org/en/latest/filtering.html)
    /// - [Bandit B702](https://bandit.readthedocs.io/en/latest/plugins/b702_use_of_mako_templates.html)
    pub(super) RULE = {
        name: "mako-templates",
        audit: Code,
        kind: Pattern,
        severity: Medium,
        confidence: Low,
        likelihood: Medium,
        impact: High,
        cwe: [79],
        owasp: A03Injection,
        aliases: [Bandit("B702"), Ruff("S702")],
        tags: ["xss", "mako"],
        interest: [Call],
        check: check,
    }
}

const MAKO: &[&str] = &["mako.template.Template", "mako.lookup.TemplateLookup"];

/// Mako filters that escape markup.
const ESCAPING_FILTERS: &[&str] = &["h", "x", "html_escape", "xml_escape"];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    if !call.is_any(MAKO) || call.has_kwargs_splat() {
        return;
    }
    match call.keyword("default_filters") {
        None => {}
        Some(Expr::List(ast::ExprList { elts, .. }) | Expr::Tuple(ast::ExprTuple { elts, .. }))
            if !elts
                .iter()
                .any(|e| str_value(e).is_some_and(|f| ESCAPING_FILTERS.contains(&f.trim()))) => {}
        Some(_) => return,
    }
    let what = if call.name.is_some_and(|n| n.ends_with("TemplateLookup")) {
        "TemplateLookup"
    } else {
        "Template"
    };
    ctx.report(
        call.node.func.range(),
        format!(
            "Mako `{what}` without an escaping default filter writes `${{value}}` into pages unescaped (XSS); pass `default_filters=[\"h\"]`"
        ),
    );
}
