use cuirass_python::Ranged;

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::helpers::is_truthy_literal;

declare_rule! {
    /// ## What it does
    /// Checks for `numpy.load(…, allow_pickle=True)` (by keyword or as the third positional
    /// argument). A call without `allow_pickle`, with `allow_pickle=False`, or with a value that
    /// cannot be read is not reported: NumPy refuses object arrays by default since 1.16.3.
    ///
    /// ## Why is this bad?
    /// `.npy` and `.npz` files can hold object arrays, which NumPy stores as pickles.
    /// `allow_pickle=True` lets `numpy.load` unpickle them, so a crafted file runs code while it
    /// loads. Plain numeric arrays never need it.
    ///
    /// ## Example
    /// ```python
    /// import numpy as np
    ///
    /// def load_features(path):
    ///     return np.load(path, allow_pickle=True)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import numpy as np
    ///
    /// def load_features(path):
    ///     return np.load(path)
    /// ```
    ///
    /// ## Fix
    /// Store numeric arrays only and load them with the default `allow_pickle=False`; keep
    /// structured metadata in JSON beside the arrays.
    ///
    /// ## References
    /// - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    /// - [NumPy docs: `numpy.load`](https://numpy.org/doc/stable/reference/generated/numpy.load.html)
    pub(super) RULE = {
        name: "numpy-load-allow-pickle",
        audit: Code,
        kind: Pattern,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [502],
        owasp: A08IntegrityFailures,
        aliases: [],
        tags: ["ml", "numpy", "pickle", "deserialization"],
        interest: [Call],
        check: check,
    }
}

const LOADS: &[&str] = &["numpy.load", "numpy.lib.npyio.load"];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let Some(name) = call.name.filter(|name| LOADS.contains(name)) else {
        return;
    };
    if call
        .argument("allow_pickle", 2)
        .is_some_and(is_truthy_literal)
    {
        ctx.report(
            call.node.range(),
            format!("`{name}` with `allow_pickle=True` unpickles object arrays, which can run arbitrary code; load numeric arrays without it"),
        );
    }
}
