//! Every code, configuration and template rule, the registry that lists them, and the checker
//! that runs them over one parsed file.
//!
//! A rule is one file under `src/rules/<audit>/<topic>/`: its documentation (the `///` text),
//! one [`declare_rule!`] block filling its [`RuleMeta`], and its check function. Registration is
//! the `mod` line and the entry in the topic's `RULES` slice. The checker dispatches each AST
//! node only to the rules that declared an interest in its kind, so adding a rule never touches
//! a central dispatch table.
#![forbid(unsafe_code)]

mod analyze;
mod checker;
pub mod helpers;
mod registry;
mod rule;
mod rules;
mod template;

pub use analyze::{AnalysisOptions, FileAnalysis, analyze_python};
pub use checker::{Call, Context, Node};
/// The taint analysis's configuration and project types, for the two-phase scan.
pub use cuirass_taint::{
    ModuleTaint, TaintConfig, TaintConfigError, TaintOptions, TaintProject, TaintSpec,
};
pub use registry::{RuleSet, find_rule, registry};
pub use rule::{CheckFn, Interest, Rule};
pub use template::{
    ScannedTemplate, TagKind, TemplateFilter, TemplateTag, analyze_template, scan_template,
};
