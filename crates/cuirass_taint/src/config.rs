//! `[tool.cuirass.taint]` (or `[taint]` in `cuirass.toml`): the user's additions to the built-in
//! specification, in the very format of `resources/spec.toml`.
//!
//! ```toml
//! [tool.cuirass.taint]
//! # `mylib.get_param(...)` returns request input.
//! sources = [{ name = "mylib.get_param", kind = "call", label = "`get_param()`" }]
//! # The first argument of `mydb.run(...)` is SQL text.
//! sinks = [{ name = "mydb.run", arg = 0, vuln = "sql" }]
//! # `mylib.clean_sql(x)` makes `x` safe inside SQL.
//! sanitizers = [{ name = "mylib.clean_sql", vulns = ["sql"] }]
//! # `if mylib.is_safe_path(p):` makes `p` safe as a path inside the branch.
//! validators = [{ name = "mylib.is_safe_path", arg = 0, vulns = ["path"] }]
//! # `builder.add_part(x)` stores `x` into `builder`.
//! propagators = [{ name = "add_part", kind = "method", from = "args", to = "receiver" }]
//! ```
//!
//! Keys are kebab-case and unknown keys are errors (with file, line and column, through the
//! configuration reader). Names are checked by [`TaintSpec::extend`](crate::TaintSpec::extend),
//! whose errors carry the byte span of the offending value ([`toml::Spanned`]).

use serde::Deserialize;
pub use toml::Spanned;

use crate::vuln::Vuln;

/// The `[tool.cuirass.taint]` table.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TaintConfig {
    /// Where untrusted data enters.
    pub sources: Option<Vec<SourceConfig>>,
    /// Where untrusted data must not arrive unchecked.
    pub sinks: Option<Vec<SinkConfig>>,
    /// Calls whose result is safe.
    pub sanitizers: Option<Vec<SanitizerConfig>>,
    /// Calls that move taint somewhere other than their result.
    pub propagators: Option<Vec<PropagatorConfig>>,
    /// Tests that make a value safe in the branch where they hold.
    pub validators: Option<Vec<ValidatorConfig>>,
}

impl TaintConfig {
    /// The accepted keys (for messages and docs).
    pub const KEYS: &'static [&'static str] = &[
        "sources",
        "sinks",
        "sanitizers",
        "propagators",
        "validators",
    ];

    pub fn is_empty(&self) -> bool {
        self.sources.as_ref().is_none_or(Vec::is_empty)
            && self.sinks.as_ref().is_none_or(Vec::is_empty)
            && self.sanitizers.as_ref().is_none_or(Vec::is_empty)
            && self.propagators.as_ref().is_none_or(Vec::is_empty)
            && self.validators.as_ref().is_none_or(Vec::is_empty)
    }
}

/// How a name is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CallKind {
    /// A qualified function or class name, resolved through imports (`mydb.run`).
    #[default]
    Call,
    /// A method name on any receiver (`run_raw`), narrowed by `imports`/`receivers`.
    Method,
}

/// What kind of source a name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// The result of calling the qualified name (`builtins.input`).
    #[default]
    Call,
    /// Reading the qualified name itself (`sys.argv`, `os.environ`).
    Attribute,
    /// A web request object: reading one of the request attributes off it (`request.args`)
    /// is input.
    Request,
    /// The result of calling a method of this name on any receiver, in modules that import one
    /// of `imports`.
    Method,
}

/// How sure a source is to be attacker-controlled; findings from it get this confidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    Low,
    Medium,
    #[default]
    High,
}

/// One source.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SourceConfig {
    pub name: Spanned<String>,
    #[serde(default)]
    pub kind: SourceKind,
    /// How findings name the source (default: the name in backticks).
    pub label: Option<String>,
    #[serde(default)]
    pub confidence: Level,
    /// Only in modules that import one of these top-level packages.
    pub imports: Option<Vec<String>>,
}

/// A keyword (or positional) argument whose value, when it is one of `values` (qualified
/// names), makes the call safe: `yaml.load(s, Loader=yaml.SafeLoader)`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SafeKeyword {
    pub name: String,
    pub position: Option<u32>,
    pub values: Vec<String>,
}

/// One sink.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SinkConfig {
    pub name: Spanned<String>,
    #[serde(default)]
    pub kind: CallKind,
    pub vuln: Vuln,
    /// The positional argument that is the sink.
    pub arg: Option<u32>,
    /// Several positional arguments (`[]`: none, e.g. with `receiver = true`).
    pub args: Option<Vec<u32>>,
    /// Keyword names of the same parameters. With no `arg`, `args` or `keywords`, every
    /// positional argument is a sink.
    pub keywords: Option<Vec<String>>,
    /// The receiver of the method is a sink too (`Path(p).read_text()`).
    pub receiver: Option<bool>,
    /// (method) The receiver was built by one of these callables (`requests.Session`).
    pub receivers: Option<Vec<String>>,
    /// (method) …or the receiver is a variable of one of these names (`logger`).
    pub receiver_names: Option<Vec<String>>,
    /// Only in modules that import one of these top-level packages.
    pub imports: Option<Vec<String>>,
    /// How findings name the sink (default: the callee as written).
    pub label: Option<String>,
    /// Only the program (the first element of an argument list) is a sink, unless this
    /// keyword is true (`shell`).
    pub program_only_unless: Option<String>,
    /// Not a sink when this argument is one of the given values.
    pub safe_keyword: Option<SafeKeyword>,
    /// Not a sink when one of these keywords is a literal that does not mention `html`
    /// (`content_type="application/json"`).
    pub html_only_keywords: Option<Vec<String>>,
    /// Not a sink when one of these keywords is passed at all (`parser=`).
    pub unless_keywords: Option<Vec<String>>,
}

/// One sanitiser: the call's result is clean for `vulns` (every class when absent).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SanitizerConfig {
    pub name: Spanned<String>,
    #[serde(default)]
    pub kind: CallKind,
    pub vulns: Option<Vec<Vuln>>,
    pub imports: Option<Vec<String>>,
}

/// Where a propagator takes taint from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PropagateFrom {
    #[default]
    Args,
    Receiver,
    All,
}

/// Where a propagator puts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PropagateTo {
    #[default]
    Return,
    Receiver,
}

/// One propagator.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PropagatorConfig {
    pub name: Spanned<String>,
    #[serde(default)]
    pub kind: CallKind,
    #[serde(default)]
    pub from: PropagateFrom,
    #[serde(default)]
    pub to: PropagateTo,
    pub imports: Option<Vec<String>>,
}

/// One validator: in the branch where the call is true, its argument `arg` (for methods without
/// `arg`, the receiver) is clean for `vulns` (every class when absent).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ValidatorConfig {
    pub name: Spanned<String>,
    #[serde(default)]
    pub kind: CallKind,
    pub arg: Option<u32>,
    /// The keyword name of the same argument (`url`).
    pub keyword: Option<String>,
    pub vulns: Option<Vec<Vuln>>,
    pub imports: Option<Vec<String>>,
}

// ---------------------------------------------------------------------------------------------
// The built-in specification: the user format plus the framework tables.

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct BuiltinSpec {
    #[serde(default)]
    pub sources: Vec<SourceConfig>,
    #[serde(default)]
    pub sinks: Vec<SinkConfig>,
    #[serde(default)]
    pub sanitizers: Vec<SanitizerConfig>,
    #[serde(default)]
    pub propagators: Vec<PropagatorConfig>,
    #[serde(default)]
    pub validators: Vec<ValidatorConfig>,
    pub request: RequestTable,
    pub routes: RoutesTable,
    #[serde(default)]
    pub stores: Vec<StoreTable>,
    #[serde(default)]
    pub terminators: Vec<String>,
    #[serde(default)]
    pub clean_methods: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RequestTable {
    pub attributes: Vec<String>,
    pub path_attributes: Vec<String>,
    pub parameter_names: Vec<String>,
    pub frameworks: Vec<String>,
    pub annotations: Vec<String>,
    pub self_attribute: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RoutesTable {
    pub decorator_methods: Vec<String>,
    pub all_parameters: Vec<String>,
    pub dependency_defaults: Vec<String>,
    pub non_text_types: Vec<String>,
    pub html_return: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct StoreTable {
    /// The container resolves to one of these qualified names (`flask.session`).
    pub qualified: Option<Vec<String>>,
    /// The container is this attribute of a request object (`request.session`).
    pub request_attribute: Option<String>,
    /// The container is this attribute of anything but a request (`response.headers`).
    pub attribute: Option<String>,
    /// The container was built by one of these callables (`HttpResponse`).
    pub receivers: Option<Vec<String>>,
    pub vuln: Vuln,
    pub label: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_reads_kebab_case_and_rejects_unknown_keys() {
        let config: TaintConfig = toml::from_str(
            r#"
            sources = [{ name = "mylib.get_param", kind = "call", label = "`get_param()`" }]
            sinks = [{ name = "mydb.run", arg = 0, vuln = "sql" },
                     { name = "store", kind = "method", vuln = "trust-boundary", receiver-names = ["cache"] }]
            sanitizers = [{ name = "mylib.clean", vulns = ["sql", "xss"] }]
            "#,
        )
        .unwrap();
        let sinks = config.sinks.as_ref().unwrap();
        assert_eq!(sinks[0].vuln, Vuln::Sql);
        assert_eq!(sinks[0].arg, Some(0));
        assert_eq!(sinks[1].kind, CallKind::Method);
        assert_eq!(sinks[1].vuln, Vuln::TrustBoundary);
        assert_eq!(
            config.sources.as_ref().unwrap()[0].name.get_ref(),
            "mylib.get_param"
        );
        assert!(!config.is_empty());
        assert!(TaintConfig::default().is_empty());

        let unknown =
            toml::from_str::<TaintConfig>("sinks = [{ name = \"a.b\", vuln = \"sql\", argz = 1 }]");
        assert!(unknown.unwrap_err().to_string().contains("argz"));
        let bad_vuln =
            toml::from_str::<TaintConfig>("sinks = [{ name = \"a.b\", vuln = \"sqli\" }]");
        assert!(bad_vuln.unwrap_err().to_string().contains("sqli"));
        let top = toml::from_str::<TaintConfig>("source = []");
        assert!(top.is_err());
    }
}
