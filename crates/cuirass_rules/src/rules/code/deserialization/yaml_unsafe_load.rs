use cuirass_python::Ranged;

use crate::checker::{Context, Node};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks for PyYAML loads that can build arbitrary Python objects: `yaml.load` and
    /// `yaml.load_all` without a `Loader` or with `Loader=yaml.Loader`, `yaml.UnsafeLoader` or
    /// `yaml.FullLoader` (and their `C…` variants), and `yaml.unsafe_load`,
    /// `yaml.unsafe_load_all`, `yaml.full_load` and `yaml.full_load_all`.
    ///
    /// ## Why is this bad?
    /// The unsafe loaders honour tags such as `!!python/object/apply:os.system`, so a YAML
    /// document can run any function while it loads. `FullLoader` was meant as a safer
    /// default and was bypassed three times (CVE-2019-20477, CVE-2020-1747, CVE-2020-14343);
    /// it still builds objects of any class already imported. `yaml.load` without a `Loader`
    /// used the unsafe loader before PyYAML 5.1 and `FullLoader` until 6.0. A loader passed as
    /// a variable that cannot be resolved is not reported (its safety is unknown); a safe
    /// loader (`SafeLoader`, `CSafeLoader`, `BaseLoader`) is fine, by keyword or position.
    ///
    /// ## Example
    /// ```python
    /// import yaml
    ///
    /// def read_config(text):
    ///     return yaml.load(text, Loader=yaml.FullLoader)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import yaml
    ///
    /// def read_config(text):
    ///     return yaml.safe_load(text)
    /// ```
    ///
    /// ## Fix
    /// Use `yaml.safe_load` / `yaml.safe_load_all`, or pass `Loader=yaml.SafeLoader`
    /// (`yaml.CSafeLoader` for speed). Custom types belong in a `SafeLoader` subclass with
    /// explicit constructors.
    ///
    /// ## References
    /// - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    /// - [PyYAML: `yaml.load(input)` deprecation](https://github.com/yaml/pyyaml/wiki/PyYAML-yaml.load(input)-Deprecation)
    /// - [CVE-2020-14343: FullLoader arbitrary code execution](https://nvd.nist.gov/vuln/detail/CVE-2020-14343)
    pub(super) RULE = {
        name: "yaml-unsafe-load",
        audit: Code,
        kind: Pattern,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [502],
        owasp: A08IntegrityFailures,
        aliases: [Bandit("B506"), Ruff("S506")],
        tags: ["yaml", "deserialization"],
        interest: [Call],
        check: check,
    }
}

/// Loaders that accept a `Loader`.
const LOADS: &[&str] = &["yaml.load", "yaml.load_all"];

/// Functions that always use an unsafe loader.
const UNSAFE_LOADS: &[&str] = &[
    "yaml.unsafe_load",
    "yaml.unsafe_load_all",
    "yaml.full_load",
    "yaml.full_load_all",
];

/// Loader classes that build arbitrary Python objects.
const UNSAFE_LOADERS: &[&str] = &[
    "yaml.Loader",
    "yaml.UnsafeLoader",
    "yaml.FullLoader",
    "yaml.CLoader",
    "yaml.CUnsafeLoader",
    "yaml.CFullLoader",
    "yaml.loader.Loader",
    "yaml.loader.UnsafeLoader",
    "yaml.loader.FullLoader",
    "yaml.cyaml.CLoader",
    "yaml.cyaml.CUnsafeLoader",
    "yaml.cyaml.CFullLoader",
];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let Some(name) = call.name else {
        return;
    };
    let message = if UNSAFE_LOADS.contains(&name) {
        if name.starts_with("yaml.full_load") {
            format!(
                "`{name}` uses `FullLoader`, which builds Python objects and has had code-execution bypasses; use `yaml.safe_load`"
            )
        } else {
            format!("`{name}` can run arbitrary code while loading; use `yaml.safe_load`")
        }
    } else if LOADS.contains(&name) {
        match call.argument("Loader", 1) {
            None if call.has_kwargs_splat() => return,
            None => format!(
                "`{name}` without a `Loader` builds arbitrary Python objects on PyYAML before 6.0; use `yaml.safe_load`"
            ),
            Some(loader) => {
                let Some(loader) = ctx
                    .qualified_name(loader)
                    .filter(|l| UNSAFE_LOADERS.contains(&l.as_str()))
                else {
                    return;
                };
                if loader.ends_with("FullLoader") {
                    format!(
                        "`{name}` with `{loader}` builds Python objects and has had code-execution bypasses (CVE-2020-14343); use `yaml.safe_load`"
                    )
                } else {
                    format!(
                        "`{name}` with `{loader}` can run arbitrary code while loading; use `yaml.safe_load`"
                    )
                }
            }
        }
    } else {
        return;
    };
    let message = if name.ends_with("_all") {
        message.replace("`yaml.safe_load`", "`yaml.safe_load_all`")
    } else {
        message
    };
    ctx.report(call.node.range(), message);
}
