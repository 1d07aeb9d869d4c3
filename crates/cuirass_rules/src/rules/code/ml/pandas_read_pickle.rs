use cuirass_python::Ranged;

use crate::checker::{Context, Node};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks for `pandas.read_pickle` (also `pandas.io.pickle.read_pickle`).
    ///
    /// ## Why is this bad?
    /// `read_pickle` is `pickle.load` under another name (with decompression on top): a pickle
    /// names the functions to call while it loads, so a crafted file runs code in the process
    /// that reads it. Frames exchanged between services, downloaded or uploaded must use a data
    /// format. Confidence is medium: many calls read a cache the program wrote itself.
    ///
    /// ## Example
    /// ```python
    /// import pandas as pd
    ///
    /// def load_report(path):
    ///     return pd.read_pickle(path)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import pandas as pd
    ///
    /// def load_report(path):
    ///     return pd.read_parquet(path)
    /// ```
    ///
    /// ## Fix
    /// Store frames as Parquet, Feather, CSV or JSON (`to_parquet` / `read_parquet`), which
    /// hold data only.
    ///
    /// ## References
    /// - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    /// - [pandas docs: `read_pickle` warning](https://pandas.pydata.org/docs/reference/api/pandas.read_pickle.html)
    pub(super) RULE = {
        name: "pandas-read-pickle",
        audit: Code,
        kind: Pattern,
        severity: High,
        confidence: Medium,
        likelihood: Medium,
        impact: High,
        cwe: [502],
        owasp: A08IntegrityFailures,
        aliases: [],
        tags: ["ml", "pandas", "pickle", "deserialization"],
        interest: [Call],
        check: check,
    }
}

const LOADS: &[&str] = &["pandas.read_pickle", "pandas.io.pickle.read_pickle"];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let Some(name) = call.name.filter(|name| LOADS.contains(name)) else {
        return;
    };
    ctx.report(
        call.node.range(),
        format!("`{name}` unpickles the file, which can run arbitrary code; store frames as Parquet or CSV instead"),
    );
}
