use cuirass_diagnostics::{Confidence, Related};
use cuirass_python::Ranged;
use cuirass_python::ast::Expr;

use crate::checker::{Call, Context, Node};
use crate::declare_rule;
use crate::helpers::{built_string, constructed_by, dynamic_parts, leading_literal, terminal_name};

declare_rule! {
    /// ## What it does
    /// Checks for XPath expressions built at run time (an f-string, `%`, `.format()` or `+`
    /// with non-constant values), directly in the call or in a local variable, passed to
    /// - `.xpath(…)` (lxml elements and trees, parsel and Scrapy selectors) and
    ///   `lxml.etree.XPath(…)` / `ETXPath(…)`: high confidence;
    /// - `.find`, `.findall`, `.findtext` and `.iterfind` of ElementTree or lxml documents
    ///   built in sight (`ElementTree.parse`, `fromstring`, `XML`, `lxml.etree.parse`), when
    ///   the expression has a predicate (`[…]`, where values are compared): medium confidence;
    ///   on other objects (`str.find` is common) only when it also reads as a path (`.//`,
    ///   `//` or `./`), at low confidence. Paths that only paste a namespace or tag name
    ///   (`"./%sS" % namespace`, `f"{{{ns}}}item"`) are not reported: there is nothing to
    ///   escape from.
    ///
    /// lxml's XPath variables (`tree.xpath("//user[@name=$name]", name=name)`) keep values
    /// out of the expression and are not reported, nor are values converted with `int(…)` or
    /// `float(…)`.
    ///
    /// ## Why is this bad?
    /// A value pasted into an XPath expression is parsed as XPath: `' or '1'='1` turns a
    /// lookup of one user into all users, and a login that checks a password node can be
    /// bypassed. XPath has no access control, so the whole document is exposed.
    ///
    /// ## Example
    /// ```python
    /// from lxml import etree
    ///
    /// def find_user(tree, name):
    ///     return tree.xpath(f"//user[@name='{name}']")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from lxml import etree
    ///
    /// def find_user(tree, name):
    ///     return tree.xpath("//user[@name=$name]", name=name)
    /// ```
    ///
    /// ## Fix
    /// Pass values as XPath variables (lxml's keyword arguments, `etree.XPath("…$name")`), or
    /// select with a constant expression and compare values in Python.
    ///
    /// ## References
    /// - [CWE-643: XPath Injection](https://cwe.mitre.org/data/definitions/643.html)
    /// - [lxml docs: XPath variables](https://lxml.de/xpathxslt.html#the-xpath-method)
    /// - [OWASP: XPath Injection](https://owasp.org/www-community/attacks/XPATH_Injection)
    pub(super) RULE = {
        name: "xpath-injection",
        audit: Code,
        kind: Pattern,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: Medium,
        cwe: [643],
        owasp: A03Injection,
        aliases: [],
        tags: ["xpath", "xml", "injection"],
        interest: [Call],
        check: check,
    }
}

const XPATH_CLASSES: &[&str] = &["lxml.etree.XPath", "lxml.etree.ETXPath"];

const FIND_METHODS: &[&str] = &["find", "findall", "findtext", "iterfind"];

/// Calls returning `ElementTree` or lxml documents and elements.
const DOCUMENTS: &[&str] = &[
    "xml.etree.ElementTree.parse",
    "xml.etree.ElementTree.fromstring",
    "xml.etree.ElementTree.XML",
    "xml.etree.ElementTree.ElementTree",
    "xml.etree.cElementTree.parse",
    "xml.etree.cElementTree.fromstring",
    "lxml.etree.parse",
    "lxml.etree.fromstring",
    "lxml.etree.XML",
    "lxml.etree.HTML",
    "lxml.html.fromstring",
    "lxml.html.parse",
    "defusedxml.ElementTree.parse",
    "defusedxml.ElementTree.fromstring",
];

/// Conversions that leave nothing to inject.
const SAFE_CONVERSIONS: &[&str] = &["int", "float", "len"];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let (what, expression, confidence, find) = if let Some(name) = call.name {
        if !XPATH_CLASSES.contains(&name) {
            return;
        }
        (
            format!("`{name}`"),
            call.argument("path", 0),
            Confidence::High,
            Find::No,
        )
    } else {
        let Some(method) = call.method() else {
            return;
        };
        let Expr::Attribute(attr) = call.node.func.as_ref() else {
            return;
        };
        if method == "xpath" {
            (
                "`.xpath()`".to_string(),
                call.argument("_path", 0),
                Confidence::High,
                Find::No,
            )
        } else if FIND_METHODS.contains(&method) {
            let document = constructed_by(ctx.semantic, &attr.value)
                .is_some_and(|name| DOCUMENTS.contains(&name.as_str()));
            let (confidence, find) = if document {
                (Confidence::Medium, Find::Document)
            } else {
                (Confidence::Low, Find::Unknown)
            };
            (
                format!("`.{method}()`"),
                call.argument("path", 0),
                confidence,
                find,
            )
        } else {
            return;
        }
    };
    let Some(expression) = expression else {
        return;
    };
    report(ctx, call, &what, expression, confidence, find);
}

/// Whether the call is an ElementTree-style `find*`, and on what.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Find {
    /// `xpath()` / `XPath()`: any built expression counts.
    No,
    /// On a document built in sight: the expression must have a predicate.
    Document,
    /// On an unknown object: a predicate, and it must read as a path.
    Unknown,
}

fn report(
    ctx: &mut Context<'_>,
    call: &Call<'_>,
    what: &str,
    expression: &Expr,
    confidence: Confidence,
    find: Find,
) {
    let Some(built) = built_string(ctx.semantic, expression) else {
        return;
    };
    if find != Find::No {
        let text = leading_literal(built).unwrap_or_default();
        let text = text.trim_start();
        let reads_as_path =
            text.starts_with("./") || text.starts_with("//") || text.starts_with(".//");
        if !text.contains('[') || (find == Find::Unknown && !reads_as_path) {
            return;
        }
    }
    let injectable = dynamic_parts(built).into_iter().any(|part| {
        !matches!(part, Expr::Call(inner) if terminal_name(&inner.func).is_some_and(|n| SAFE_CONVERSIONS.contains(&n)))
    });
    if !injectable {
        return;
    }
    let built_at =
        (built.range() != expression.range()).then(|| ctx.source.location(built.range()));
    let message = format!(
        "{what} evaluates an XPath expression built from values at run time, so they can change the query; pass them as XPath variables (`$name`)"
    );
    if let Some(finding) = ctx.report(call.node.range(), message) {
        finding.confidence = confidence;
        if let Some(location) = built_at {
            finding.related.push(Related {
                location,
                message: "the expression is built here".to_string(),
            });
        }
    }
}
