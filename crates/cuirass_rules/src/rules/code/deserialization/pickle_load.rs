use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::helpers::{bound_value, is_constant_value};
use cuirass_python::Ranged;
use cuirass_python::ast::Expr;

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
    /// Bytes that never left the program are not reported: a round trip through the matching
    /// dumper (`pickle.loads(pickle.dumps(obj))`, directly or through a local name, the usual
    /// way to copy an object or to test that it pickles) and a constant (a `bytes` literal in
    /// the source). Files and shelves are always reported, whatever their name.
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
        // Only bytes loaders: a constant *file name* (`shelve.open("cache.db")`) proves nothing.
        let loads_bytes = name.rsplit_once('.').is_some_and(|(_, f)| f == "loads");
        if loads_bytes
            && call
                .arg(0)
                .is_some_and(|data| is_constant_value(ctx.semantic, data) || is_own_dump(ctx, data))
        {
            return;
        }
        ctx.report(
            call.node.range(),
            format!(
                "`{name}` can run arbitrary code while loading; never use it on data from outside"
            ),
        );
    }
}

/// Serialisers whose output the loaders read back.
const DUMPERS: &[&str] = &[
    "pickle.dumps",
    "_pickle.dumps",
    "cPickle.dumps",
    "dill.dumps",
    "marshal.dumps",
];

/// Whether `data` is the output of a dumper called right there, or bound to a local name by
/// one (`blob = pickle.dumps(obj)`): bytes this program just made.
fn is_own_dump(ctx: &Context<'_>, data: &Expr) -> bool {
    let value = match data {
        Expr::Name(name) => match bound_value(ctx.semantic, name) {
            Some(value) => value,
            None => return false,
        },
        other => other,
    };
    let Expr::Call(call) = value else {
        return false;
    };
    ctx.qualified_name(&call.func)
        .is_some_and(|name| DUMPERS.contains(&name.as_str()))
}
