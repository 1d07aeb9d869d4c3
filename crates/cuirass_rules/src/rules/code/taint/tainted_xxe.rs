use cuirass_taint::Vuln;

use crate::checker::{Context, Node};
use crate::declare_rule;

use super::helpers::report_flows;

declare_rule! {
    /// ## What it does
    /// Checks for input parsed as XML by parsers that resolve external entities: lxml's
    /// `fromstring()`, `XML()`, `parse()` and `iterparse()` (unless given an explicitly configured
    /// `parser=`), `xml.sax` and `xml.dom.minidom`/`pulldom` parsing functions.
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
    /// An XML document can declare entities that read local files (`file:///etc/passwd`) or
    /// fetch URLs from inside the network, and nested entities exhaust memory (billion laughs).
    ///
    /// ## Example
    /// ```python
    /// from lxml import etree
    /// from flask import request
    ///
    /// def upload():
    ///     tree = etree.fromstring(request.data)
    ///     return tree.findtext("name")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import defusedxml.ElementTree as ET
    /// from flask import request
    ///
    /// def upload():
    ///     tree = ET.fromstring(request.data)
    ///     return tree.findtext("name")
    /// ```
    ///
    /// ## Fix
    /// Parse untrusted XML with `defusedxml`, or with an lxml parser built with
    /// `resolve_entities=False, no_network=True`.
    ///
    /// ## References
    /// - [CWE-611: XML External Entity Reference](https://cwe.mitre.org/data/definitions/611.html)
    /// - [OWASP XXE Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/XML_External_Entity_Prevention_Cheat_Sheet.html)
    pub(super) RULE = {
        name: "tainted-xxe",
        audit: Code,
        kind: Taint,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [611],
        owasp: A05SecurityMisconfiguration,
        aliases: [],
        tags: ["taint", "xml", "xxe"],
        interest: [Module],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    report_flows(ctx, node, Vuln::Xxe, |sink, source| {
        format!("{sink} parses XML from {source} with external entities enabled; use `defusedxml`")
    });
}
