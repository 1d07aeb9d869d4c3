use cuirass_python::Ranged;

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::helpers::is_constant_value;

declare_rule! {
    /// ## What it does
    /// Checks for the standard library's XML parsers (`xml.etree.ElementTree` and
    /// `cElementTree` `parse`, `iterparse`, `fromstring`, `XML`, `XMLParser`, `XMLPullParser`;
    /// `xml.dom.minidom`, `xml.dom.pulldom` and `xml.dom.expatbuilder` `parse`/`parseString`;
    /// `xml.sax` `parse`, `parseString`, `make_parser`; `xml.sax.expatreader.create_parser`)
    /// applied to data that is not a constant.
    ///
    /// Off by default: on a current Python these parsers are not vulnerable (see below).
    ///
    /// ## Why is this bad?
    /// The parsers expand entities declared in the document's own DTD. With an expat older
    /// than 2.4.1, a few hundred bytes of nested entities ("billion laughs") or one huge
    /// entity repeated ("quadratic blowup") take gigabytes of memory and minutes of CPU.
    ///
    /// Bandit (B313–B319) reports these calls as XXE risks. Since Python 3.7.1 none of them
    /// fetches external entities or DTDs by default, and expat 2.4.1 and later (bundled with
    /// current Python releases) limit entity amplification, so what remains is a denial of
    /// service on interpreters linked against an older system expat (check
    /// `pyexpat.EXPAT_VERSION`). Hence the low severity and the default.
    /// Parsing a constant is never reported, and `defusedxml`'s equivalents are never matched.
    /// Parsers configured to load external entities are `xml-external-entities`.
    ///
    /// ## Example
    /// ```python
    /// import xml.etree.ElementTree as ET
    ///
    /// def import_feed(body: bytes):
    ///     return ET.fromstring(body)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import defusedxml.ElementTree as ET
    ///
    /// def import_feed(body: bytes):
    ///     return ET.fromstring(body)
    /// ```
    ///
    /// ## Fix
    /// Parse untrusted XML with `defusedxml` (same API, refuses entity declarations), or
    /// make sure the interpreter uses expat 2.4.1 or later.
    ///
    /// ## References
    /// - [CWE-776: Improper Restriction of Recursive Entity References in DTDs ('XML Entity Expansion')](https://cwe.mitre.org/data/definitions/776.html)
    /// - [Python docs: XML vulnerabilities](https://docs.python.org/3/library/xml.html#xml-vulnerabilities)
    /// - [defusedxml](https://pypi.org/project/defusedxml/)
    pub(super) RULE = {
        name: "xml-unsafe-parser",
        audit: Code,
        kind: Pattern,
        severity: Low,
        confidence: Medium,
        likelihood: Low,
        impact: Medium,
        cwe: [776],
        owasp: A05SecurityMisconfiguration,
        aliases: [
            Bandit("B313"),
            Bandit("B314"),
            Bandit("B315"),
            Bandit("B316"),
            Bandit("B317"),
            Bandit("B318"),
            Bandit("B319"),
            Ruff("S313"),
            Ruff("S314"),
            Ruff("S315"),
            Ruff("S316"),
            Ruff("S317"),
            Ruff("S318"),
            Ruff("S319"),
        ],
        tags: ["xml"],
        default_enabled: false,
        interest: [Call],
        check: check,
    }
}

/// Parsers that take the document (or a file holding it) as their first argument.
const PARSE_DOCUMENT: &[&str] = &[
    "xml.etree.ElementTree.parse",
    "xml.etree.ElementTree.iterparse",
    "xml.etree.ElementTree.fromstring",
    "xml.etree.ElementTree.fromstringlist",
    "xml.etree.ElementTree.XML",
    "xml.etree.cElementTree.parse",
    "xml.etree.cElementTree.iterparse",
    "xml.etree.cElementTree.fromstring",
    "xml.etree.cElementTree.fromstringlist",
    "xml.etree.cElementTree.XML",
    "xml.dom.minidom.parse",
    "xml.dom.minidom.parseString",
    "xml.dom.pulldom.parse",
    "xml.dom.pulldom.parseString",
    "xml.dom.expatbuilder.parse",
    "xml.dom.expatbuilder.parseString",
    "xml.sax.parse",
    "xml.sax.parseString",
];

/// Parser objects, fed later: reported where they are made.
const PARSER_OBJECTS: &[&str] = &[
    "xml.etree.ElementTree.XMLParser",
    "xml.etree.ElementTree.XMLPullParser",
    "xml.etree.cElementTree.XMLParser",
    "xml.etree.cElementTree.XMLPullParser",
    "xml.sax.make_parser",
    "xml.sax.expatreader.create_parser",
];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let Some(name) = call.name else {
        return;
    };
    if PARSE_DOCUMENT.contains(&name) {
        let Some(document) = call.arg(0).or_else(|| {
            [
                "source",
                "text",
                "string",
                "file",
                "filename_or_stream",
                "sequence",
            ]
            .iter()
            .find_map(|keyword| call.keyword(keyword))
        }) else {
            return;
        };
        if is_constant_value(ctx.semantic, document) {
            return;
        }
    } else if !PARSER_OBJECTS.contains(&name) {
        return;
    }
    ctx.report(
        call.node.range(),
        format!(
            "`{name}` expands entities declared in the document, which blows up memory on Python builds with an expat older than 2.4.1; parse untrusted XML with `defusedxml`"
        ),
    );
}
