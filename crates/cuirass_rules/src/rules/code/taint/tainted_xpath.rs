use cuirass_taint::Vuln;

use crate::checker::{Context, Node};
use crate::declare_rule;

use super::helpers::report_flows;

declare_rule! {
    /// ## What it does
    /// Checks for input that reaches an XPath expression: lxml's `.xpath()` and
    /// `etree.XPath()`/`ETXPath()`. Values passed as XPath variables (`tree.xpath("//u[@n=$n]",
    /// n=name)`) are safe.
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
    /// Quotes and brackets in the input change the expression: `' or '1'='1` selects every
    /// node, bypassing a lookup or leaking the whole document.
    ///
    /// ## Example
    /// ```python
    /// from flask import request
    ///
    /// def lookup(tree):
    ///     name = request.args["name"]
    ///     return tree.xpath(f"//user[@name='{name}']")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from flask import request
    ///
    /// def lookup(tree):
    ///     return tree.xpath("//user[@name=$name]", name=request.args["name"])
    /// ```
    ///
    /// ## Fix
    /// Pass values as XPath variables (keyword arguments of `xpath()`), never by formatting
    /// them into the expression.
    ///
    /// ## References
    /// - [CWE-643: XPath Injection](https://cwe.mitre.org/data/definitions/643.html)
    /// - [OWASP: XPath Injection](https://owasp.org/www-community/attacks/XPATH_Injection)
    pub(super) RULE = {
        name: "tainted-xpath",
        audit: Code,
        kind: Taint,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [643],
        owasp: A03Injection,
        aliases: [],
        tags: ["taint", "xpath", "xml"],
        interest: [Module],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    report_flows(ctx, node, Vuln::Xpath, |sink, source| {
        format!(
            "{sink} evaluates an XPath expression built from {source}; pass the value as an XPath variable"
        )
    });
}
