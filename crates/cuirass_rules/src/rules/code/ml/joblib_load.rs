use cuirass_python::Ranged;

use crate::checker::{Context, Node};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks for `joblib.load` (also the old `sklearn.externals.joblib.load`), the usual way
    /// scikit-learn models are read back.
    ///
    /// ## Why is this bad?
    /// joblib files are pickles (with NumPy arrays stored beside them): loading one runs any
    /// function it names. A model file from a hub, a bucket other people can write to, or an
    /// upload can take over the process that loads it. Confidence is medium: many calls read a
    /// model the same deployment wrote.
    ///
    /// ## Example
    /// ```python
    /// import joblib
    ///
    /// def load_model(path):
    ///     return joblib.load(path)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import skops.io as sio
    ///
    /// def load_model(path):
    ///     return sio.load(path, trusted=["sklearn.linear_model._logistic.LogisticRegression"])
    /// ```
    ///
    /// ## Fix
    /// Load only files the deployment produced and protects (checksum them, or sign them with
    /// `cuirass.signing`), or use a format that does not run code: `skops.io` with an explicit
    /// list of trusted types, or ONNX.
    ///
    /// ## References
    /// - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    /// - [joblib docs: `joblib.load` security warning](https://joblib.readthedocs.io/en/stable/generated/joblib.load.html)
    /// - [scikit-learn: model persistence security](https://scikit-learn.org/stable/model_persistence.html#security-maintainability-limitations)
    pub(super) RULE = {
        name: "joblib-load",
        audit: Code,
        kind: Pattern,
        severity: High,
        confidence: Medium,
        likelihood: Medium,
        impact: High,
        cwe: [502],
        owasp: A08IntegrityFailures,
        aliases: [],
        tags: ["ml", "joblib", "pickle", "deserialization"],
        interest: [Call],
        check: check,
    }
}

const LOADS: &[&str] = &[
    "joblib.load",
    "joblib.numpy_pickle.load",
    "sklearn.externals.joblib.load",
];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let Some(name) = call.name.filter(|name| LOADS.contains(name)) else {
        return;
    };
    ctx.report(
        call.node.range(),
        format!("`{name}` unpickles the file, which can run arbitrary code; load only files you produced and protect, or use `skops.io` / ONNX"),
    );
}
