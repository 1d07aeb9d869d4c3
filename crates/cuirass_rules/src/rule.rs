//! The rule type and the `declare_rule!` macro that declares one.

use cuirass_diagnostics::RuleMeta;

use crate::checker::{Context, Node};

/// Which nodes a rule wants to see. The checker only calls a rule for nodes of the kinds it
/// declared, so a rule pays nothing for the rest of the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Interest {
    /// `f(...)`, with the callee resolved to a qualified name when it is an import or builtin.
    Call,
    /// Any `a.b` attribute access.
    Attribute,
    /// String literals (including implicit concatenations).
    StringLiteral,
    /// `a == b`, `a in b`, …
    Compare,
    /// `x = …`, `x: T = …`, `x += …`.
    Assign,
    Assert,
    Try,
    FunctionDef,
    ClassDef,
    /// `import x` and `from x import y`.
    Import,
    With,
    /// Called once per file, after every node, with the whole module.
    Module,
    /// `{k: v, …}` dict displays (not comprehensions).
    Dict,
    /// A tag of a template file (`{{ … }}` or `{% … %}`), as [`Node::TemplateTag`]; only
    /// [`analyze_template`](crate::analyze_template) dispatches these, never the Python checker.
    ///
    /// [`Node::TemplateTag`]: crate::Node::TemplateTag
    Template,
}

impl Interest {
    /// Number of variants (size of the dispatch table).
    pub(crate) const COUNT: usize = 14;

    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

/// A rule's check: called with the context and one node of a declared interest. The node may
/// live shorter than the context (a call's resolved name is computed per dispatch).
pub type CheckFn = for<'a, 'n> fn(&mut Context<'a>, &Node<'n>);

/// A declared rule: metadata plus the code that checks it.
pub struct Rule {
    pub meta: RuleMeta,
    pub interest: &'static [Interest],
    pub check: CheckFn,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule")
            .field("name", &self.meta.name)
            .field("interest", &self.interest)
            .finish_non_exhaustive()
    }
}

/// Declares a rule. The `///` lines above the invocation are the rule's documentation (fixed
/// sections: *What it does*, *Why is this bad?*, *Example*, *Use instead*, *Fix*,
/// *References*); they feed `cuirass explain`, SARIF help and the docs.
///
/// ```ignore
/// /// ## What it does
/// /// …
/// declare_rule! {
///     RULE = {
///         name: "pickle-load",
///         audit: Code, kind: Pattern,
///         severity: High, confidence: High, likelihood: Medium, impact: High,
///         cwe: [502], owasp: A08IntegrityFailures,
///         aliases: [Bandit("B301"), Ruff("S301")],
///         tags: ["pickle"],
///         interest: [Call],
///         check: check,
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis $ident:ident = {
            name: $name:literal,
            audit: $audit:ident,
            kind: $kind:ident,
            severity: $severity:ident,
            confidence: $confidence:ident,
            likelihood: $likelihood:ident,
            impact: $impact:ident,
            cwe: [$($cwe:literal),* $(,)?],
            owasp: $owasp:ident,
            aliases: [$($alias_kind:ident($alias:literal)),* $(,)?],
            tags: [$($tag:literal),* $(,)?],
            $(default_enabled: $enabled:literal,)?
            interest: [$($interest:ident),* $(,)?],
            check: $check:path $(,)?
        }
    ) => {
        $vis static $ident: $crate::Rule = $crate::Rule {
            meta: ::cuirass_diagnostics::RuleMeta {
                name: $name,
                audit: ::cuirass_diagnostics::Audit::$audit,
                kind: ::cuirass_diagnostics::RuleKind::$kind,
                severity: ::cuirass_diagnostics::Severity::$severity,
                confidence: ::cuirass_diagnostics::Confidence::$confidence,
                likelihood: ::cuirass_diagnostics::Likelihood::$likelihood,
                impact: ::cuirass_diagnostics::Impact::$impact,
                cwe: &[$($cwe),*],
                owasp: $crate::__owasp!($owasp),
                aliases: &[$(::cuirass_diagnostics::Alias::$alias_kind($alias)),*],
                tags: &[$($tag),*],
                doc: concat!($($doc, "\n"),*),
                default_enabled: $crate::__default_true!($($enabled)?),
                file: file!(),
                since: env!("CARGO_PKG_VERSION"),
            },
            interest: &[$($crate::Interest::$interest),*],
            check: $check,
        };
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __owasp {
    (None) => {
        None
    };
    ($owasp:ident) => {
        Some(::cuirass_diagnostics::Owasp2021::$owasp)
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __default_true {
    () => {
        true
    };
    ($value:literal) => {
        $value
    };
}
