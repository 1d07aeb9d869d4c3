use cuirass_python::Ranged;
use cuirass_python::ast::Expr;

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::helpers::{is_false, is_true, str_value};

declare_rule! {
    /// ## What it does
    /// Checks for XML parsers told to load external entities:
    /// - lxml parsers (`lxml.etree.XMLParser`, `XMLPullParser`, `ETCompatXMLParser`,
    ///   `iterparse`) with `resolve_entities=True` or `no_network=False`;
    /// - a SAX parser (also behind `xml.dom.pulldom` and `xml.dom.minidom`) with
    ///   `setFeature(feature_external_ges, True)` or `feature_external_pes`.
    ///
    /// ## Why is this bad?
    /// An external entity (`<!ENTITY x SYSTEM "file:///etc/passwd">`) makes the parser read
    /// a file or fetch a URL and put its content in the document: an attacker who can submit
    /// XML reads the server's files, reaches internal hosts (server-side request forgery) or
    /// hangs the parser on an endless stream.
    ///
    /// Bandit (B313–B320) reports every parse of the standard library and, in old versions,
    /// of lxml, whether or not the parser loads anything. Only the settings that really
    /// enable external entities are reported here; the default settings of current lxml
    /// (5.0 and later: `resolve_entities="internal"`, `no_network=True`) and of the standard
    /// library (Python 3.7.1 and later) do not. Entity expansion on old expat builds is
    /// `xml-unsafe-parser`'s.
    ///
    /// ## Example
    /// ```python
    /// from lxml import etree
    ///
    /// parser = etree.XMLParser(resolve_entities=True)
    /// tree = etree.fromstring(upload, parser)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from lxml import etree
    ///
    /// parser = etree.XMLParser(resolve_entities=False, no_network=True)
    /// tree = etree.fromstring(upload, parser)
    /// ```
    ///
    /// ## Fix
    /// Leave `resolve_entities` and `no_network` at their safe values (or set
    /// `resolve_entities=False` explicitly, which also protects lxml before 5.0), and never
    /// turn on SAX's external-entity features for untrusted input.
    ///
    /// ## References
    /// - [CWE-611: Improper Restriction of XML External Entity Reference](https://cwe.mitre.org/data/definitions/611.html)
    /// - [lxml FAQ: how do I use lxml safely as a web-service endpoint?](https://lxml.de/FAQ.html#how-do-i-use-lxml-safely-as-a-web-service-endpoint)
    /// - [OWASP XXE Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/XML_External_Entity_Prevention_Cheat_Sheet.html)
    pub(super) RULE = {
        name: "xml-external-entities",
        audit: Code,
        kind: Pattern,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [611],
        owasp: A05SecurityMisconfiguration,
        aliases: [Bandit("B320"), Ruff("S320")],
        tags: ["xml", "xxe"],
        interest: [Call],
        check: check,
    }
}

/// lxml constructors and functions that take parser options as keywords.
const LXML_PARSERS: &[&str] = &[
    "lxml.etree.XMLParser",
    "lxml.etree.XMLPullParser",
    "lxml.etree.ETCompatXMLParser",
    "lxml.etree.iterparse",
    "lxml.objectify.makeparser",
];

/// SAX features that load external entities, by constant and by URI.
const EXTERNAL_FEATURES: &[&str] = &[
    "xml.sax.handler.feature_external_ges",
    "xml.sax.handler.feature_external_pes",
];
const EXTERNAL_FEATURE_URIS: &[&str] = &[
    "http://xml.org/sax/features/external-general-entities",
    "http://xml.org/sax/features/external-parameter-entities",
];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    if let Some(name) = call.name.filter(|name| LXML_PARSERS.contains(name)) {
        let setting = if call.keyword("resolve_entities").is_some_and(is_true) {
            "resolve_entities=True"
        } else if call.keyword("no_network").is_some_and(is_false) {
            "no_network=False"
        } else {
            return;
        };
        ctx.report(
            call.node.range(),
            format!(
                "`{name}` with `{setting}` loads external entities, so a document can read local files or fetch URLs; leave `resolve_entities=False` and `no_network=True`"
            ),
        );
        return;
    }
    if call.method() != Some("setFeature") {
        return;
    }
    let (Some(feature), Some(value)) = (call.arg(0), call.arg(1)) else {
        return;
    };
    if is_external_feature(ctx, feature) && is_truthy(value) {
        ctx.report(
            call.node.range(),
            "turning on a SAX external-entity feature lets a document read local files or fetch URLs; leave it off for any XML from outside",
        );
    }
}

fn is_external_feature(ctx: &Context<'_>, feature: &Expr) -> bool {
    if let Some(uri) = str_value(feature) {
        return EXTERNAL_FEATURE_URIS.contains(&uri.as_str());
    }
    ctx.qualified_name(feature)
        .is_some_and(|name| EXTERNAL_FEATURES.contains(&name.as_str()))
}

/// `True` or `1`.
fn is_truthy(value: &Expr) -> bool {
    crate::helpers::is_truthy_literal(value)
}
