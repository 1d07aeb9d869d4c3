use cuirass_python::Ranged;

use crate::checker::{Context, Node};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks for `jsonpickle.decode` (also `jsonpickle.loads`, `jsonpickle.unpickler.decode`)
    /// and `jsonpickle.Unpickler(…)`, which rebuild arbitrary Python objects from JSON.
    ///
    /// ## Why is this bad?
    /// jsonpickle's JSON names classes to instantiate and callables to apply (`py/object`,
    /// `py/reduce`), exactly as a pickle does, so decoding attacker-supplied JSON runs their
    /// code (CVE-2020-22083). `safe=True` only turns off the legacy `eval` of `py/repr`; it does
    /// not make decoding safe.
    ///
    /// ## Example
    /// ```python
    /// import jsonpickle
    ///
    /// def restore_cart(cookie_value):
    ///     return jsonpickle.decode(cookie_value)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import json
    ///
    /// def restore_cart(cookie_value):
    ///     return json.loads(cookie_value)
    /// ```
    ///
    /// ## Fix
    /// Exchange plain JSON (`json.loads`, then validate into your own types, e.g. with
    /// Pydantic). When the data must round-trip through a client, sign it with
    /// `cuirass.signing.dumps`/`loads`.
    ///
    /// ## References
    /// - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    /// - [jsonpickle docs: security warning](https://jsonpickle.github.io/#jsonpickle-usage)
    /// - [CVE-2020-22083](https://nvd.nist.gov/vuln/detail/CVE-2020-22083)
    pub(super) RULE = {
        name: "jsonpickle-decode",
        audit: Code,
        kind: Pattern,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [502],
        owasp: A08IntegrityFailures,
        aliases: [],
        tags: ["jsonpickle", "deserialization"],
        interest: [Call],
        check: check,
    }
}

const DECODERS: &[&str] = &[
    "jsonpickle.decode",
    "jsonpickle.loads",
    "jsonpickle.unpickler.decode",
    "jsonpickle.Unpickler",
    "jsonpickle.unpickler.Unpickler",
];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let Some(name) = call.name.filter(|name| DECODERS.contains(name)) else {
        return;
    };
    ctx.report(
        call.node.range(),
        format!("`{name}` rebuilds arbitrary Python objects and can run code chosen by whoever wrote the JSON; use `json.loads` and validate"),
    );
}
