use cuirass_taint::Vuln;

use crate::checker::{Context, Node};
use crate::declare_rule;

use super::helpers::report_flows;

declare_rule! {
    /// ## What it does
    /// Checks for input that reaches a deserialiser able to build arbitrary objects:
    /// `pickle.loads()`/`load()`, `dill`, `marshal.loads()`, `shelve.open()`,
    /// `jsonpickle.decode()`, `pandas.read_pickle()`, `joblib.load()`, and `yaml.load()` without a
    /// safe loader (`yaml.unsafe_load`, `full_load`).
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
    /// Unpickling runs code chosen by whoever wrote the bytes (`__reduce__`), and unsafe YAML
    /// builds any Python object: input there is remote code execution.
    ///
    /// ## Example
    /// ```python
    /// import base64, pickle
    /// from flask import request
    ///
    /// def restore():
    ///     return pickle.loads(base64.b64decode(request.cookies["state"]))
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from cuirass.signing import Signer
    /// from flask import request
    ///
    /// signer = Signer(key)
    ///
    /// def restore():
    ///     return signer.loads(request.cookies["state"], max_age=3600)
    /// ```
    ///
    /// ## Fix
    /// Exchange data as JSON; when it must cross a trust boundary and come back, sign it
    /// (`cuirass.signing` timed tokens). Load YAML with `yaml.safe_load`.
    ///
    /// ## References
    /// - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    /// - [Python docs: `pickle` warning](https://docs.python.org/3/library/pickle.html)
    pub(super) RULE = {
        name: "tainted-deserialization",
        audit: Code,
        kind: Taint,
        severity: Critical,
        confidence: High,
        likelihood: High,
        impact: High,
        cwe: [502],
        owasp: A08IntegrityFailures,
        aliases: [],
        tags: ["taint", "pickle", "yaml", "deserialization"],
        interest: [Module],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    report_flows(ctx, node, Vuln::Deserialization, |sink, source| {
        format!(
            "{sink} deserialises data from {source}; exchange JSON, or sign the data with `cuirass.signing`"
        )
    });
}
