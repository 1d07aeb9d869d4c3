use crate::checker::{Context, Node};
use crate::declare_rule;
use cuirass_python::Ranged;

declare_rule! {
    /// ## What it does
    /// Checks for deserialisation with `pickle`, `cPickle`, `_pickle`, `dill`, `shelve`, `marshal`
    /// and `jsonpickle`-style loaders that reconstruct arbitrary objects.
    ///
    /// ## Why is this bad?
    /// Unpickling runs code chosen by whoever produced the bytes: a pickle can call any function
    /// with any arguments while it loads. Data that crossed a trust boundary (an upload, a cookie,
    /// a cache or queue shared with other services) must never be unpickled. `marshal` is not even
    /// designed to be safe against malformed input.
    ///
    /// ## Example
    /// ```python
    /// import pickle
    ///
    /// def load_profile(blob: bytes):
    ///     return pickle.loads(blob)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import json
    ///
    /// def load_profile(blob: bytes):
    ///     return json.loads(blob)
    /// ```
    ///
    /// ## Fix
    /// Exchange plain data (JSON) instead of objects. When the data must round-trip through an
    /// untrusted party, sign it with `cuirass.signing.dumps`/`loads`, the documented replacement
    /// for pickle across trust boundaries.
    ///
    /// ## References
    /// - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    /// - [Python docs: `pickle` security warning](https://docs.python.org/3/library/pickle.html)
    /// - [OWASP Deserialization Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Deserialization_Cheat_Sheet.html)
    pub(super) RULE = {
        name: "pickle-load",
        audit: Code,
        kind: Pattern,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [502],
        owasp: A08IntegrityFailures,
        aliases: [Bandit("B301"), Bandit("B302"), Ruff("S301"), Ruff("S302")],
        tags: ["pickle", "deserialization"],
        interest: [Call],
        check: check,
    }
}

/// Loaders that build arbitrary objects from bytes.
const LOADERS: &[&str] = &[
    "pickle.load",
    "pickle.loads",
    "pickle.Unpickler",
    "_pickle.load",
    "_pickle.loads",
    "_pickle.Unpickler",
    "cPickle.load",
    "cPickle.loads",
    "cPickle.Unpickler",
    "dill.load",
    "dill.loads",
    "dill.Unpickler",
    "shelve.open",
    "shelve.DbfilenameShelf",
    "marshal.load",
    "marshal.loads",
];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let Some(name) = call.name else {
        return;
    };
    if LOADERS.contains(&name) {
        ctx.report(
            call.node.range(),
            format!(
                "`{name}` can run arbitrary code while loading; never use it on data from outside"
            ),
        );
    }
}
