//! Taint analysis for Python: follows untrusted input (web requests, the command line, the
//! environment, sockets) to the places where it must not arrive unchecked (SQL, shells,
//! `eval`, file paths, URLs, redirects, HTML, deserialisers, XML parsers, LDAP, `XPath`, response
//! headers, logs, the session), and records the path it took.
//!
//! - **Data, not code.** Sources, sinks, sanitisers, propagators and validators live in
//!   `resources/spec.toml` ([`TaintSpec::builtin`]); projects add their own in
//!   `[tool.cuirass.taint]` ([`TaintConfig`], [`TaintSpec::extend`]).
//! - **The engine** (`engine/`) interprets each function over its syntax tree: flow-sensitive,
//!   field-sensitive for constant keys and attributes, joining branches, iterating loops to a
//!   fixpoint, skipping branches whose condition is constant. Functions are summarised (which
//!   parameters reach the return value, a sink, or `self`'s attributes) and calls apply the
//!   summaries, bottom-up within a module and, in a second phase, across the project's
//!   modules ([`TaintProject`]).
//! - **Paths.** Every [`TaintFinding`] carries a [`DataFlow`](cuirass_diagnostics::DataFlow):
//!   the source first, each assignment and call on the way, the sink last.
//!
//! # Wiring (two phases)
//!
//! ```text
//! phase 1, every file in parallel:   analyze(file, &options)           → findings + ModuleTaint
//! between:                           TaintProject::new(all ModuleTaint)
//!                                    project.needs_rerun(&module)       → the few files to redo
//! phase 2, those files in parallel:  analyze(file, &options.with_project(project))
//!                                    → their findings replace phase 1's
//! ```
#![forbid(unsafe_code)]

mod config;
mod engine;
mod project;
mod spec;
mod value;
mod vuln;

use std::sync::Arc;

use cuirass_python::SourceFile;
use cuirass_python::ast::Stmt;
use cuirass_python::semantic::SemanticModel;

pub use config::{
    CallKind, Level, PropagateFrom, PropagateTo, PropagatorConfig, SafeKeyword, SanitizerConfig,
    SinkConfig, SourceConfig, SourceKind, Spanned, TaintConfig, ValidatorConfig,
};
pub use engine::TaintFinding;
pub use project::{ModuleTaint, TaintProject};
pub use spec::{TaintConfigError, TaintSpec};
pub use vuln::{Vuln, VulnSet};

/// How many modules deep phase 2 follows calls into other modules.
const CROSS_MODULE_DEPTH: u8 = 1;

/// What the analysis of a file needs besides the file: the specification and, in phase 2,
/// the project. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct TaintOptions {
    spec: Option<Arc<TaintSpec>>,
    project: Option<Arc<TaintProject>>,
}

impl TaintOptions {
    /// Options with this specification (the default is [`TaintSpec::builtin`]).
    pub fn new(spec: TaintSpec) -> Self {
        TaintOptions {
            spec: Some(Arc::new(spec)),
            project: None,
        }
    }

    /// The same options with the project of phase 2.
    #[must_use]
    pub fn with_project(&self, project: Arc<TaintProject>) -> Self {
        TaintOptions {
            spec: self.spec.clone(),
            project: Some(project),
        }
    }

    pub fn spec(&self) -> &TaintSpec {
        self.spec.as_deref().unwrap_or_else(|| TaintSpec::builtin())
    }

    pub fn project(&self) -> Option<&Arc<TaintProject>> {
        self.project.as_ref()
    }
}

/// One file's taint results.
#[derive(Debug, Default)]
pub struct TaintResult {
    /// Proven flows, in source order of their sinks.
    pub findings: Vec<TaintFinding>,
    /// What the file tells the rest of the project (for [`TaintProject::new`]).
    pub module: ModuleTaint,
}

/// Analyses one parsed and bound module. Never panics on any input; bounded work.
pub fn analyze<'a>(
    source: &'a SourceFile,
    semantic: &'a SemanticModel<'a>,
    suite: &'a [Stmt],
    options: &'a TaintOptions,
) -> TaintResult {
    let mut module = ModuleTaint::new(source, semantic);
    let analysis = engine::analyze_module(engine::ModuleInput {
        source,
        semantic,
        suite,
        spec: options.spec(),
        project: options.project.as_deref(),
        key: module.key.clone(),
        depth: CROSS_MODULE_DEPTH,
        file_id: 0,
        emit: true,
    });
    module.producers = analysis.producers;
    module.needs = analysis.needs;
    TaintResult {
        findings: analysis.findings,
        module,
    }
}
