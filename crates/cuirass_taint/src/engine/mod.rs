//! The engine: an abstract interpreter over the Ruff AST of one module.
//!
//! Statements are interpreted in order over an environment of [`Value`]s (flow-sensitive: a
//! variable assigned a constant is clean again); `if`/`else` run both branches and join them
//! (only the live branch when the condition is constant); loops run to a fixpoint (capped);
//! `try`, `with` and `match` are lowered the same structured way. Each function is summarised
//! once — which parameters (or parts of them) reach its return value, a sink, or the fields of
//! `self` — and calls apply the summary of the callee, computed on demand (bottom-up through
//! the call graph; a recursive call is treated as an unknown call).
//!
//! Work is proportional to what can matter: a module without any word a source could come from
//! is not analysed; in one that has them, only the functions containing them (the roots), the
//! functions they call, and the callers of functions found to return input are. Every walk
//! grows the stack on demand, and a fuel counter bounds the total work per module.

mod call;
mod expr;
mod frame;
mod frameworks;

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

use cuirass_diagnostics::{Confidence, DataFlow, FlowStep};
use cuirass_python::ast::{self, Expr, Stmt};
use cuirass_python::semantic::{BindingKind, ScopeId, SemanticModel};
use cuirass_python::{Ranged, SourceFile, TextRange, TextSize, with_stack};

use crate::project::{ModuleExports, ModuleKey, TaintProject};
use crate::spec::TaintSpec;
use crate::value::{Label, Origin, Step, Taint, Trace, Value, What, trace_steps};
use crate::vuln::Vuln;

pub(crate) use frame::{Env, ParamsDesc};
pub(crate) use frameworks::Framework;

/// Units of work (statements and expressions evaluated) one module may spend.
const FUEL: u64 = 4_000_000;
/// How many summaries may be under computation at once (call-graph depth).
const MAX_CALL_DEPTH: usize = 24;
/// Rounds of "callers of functions that return input become roots".
const MAX_ROUNDS: usize = 4;
/// Functions and classes collected per module at most.
const MAX_FUNCTIONS: usize = 50_000;

pub(crate) type FnId = u32;

/// A function (or method) of the module.
pub(crate) struct FnInfo<'a> {
    pub def: &'a ast::StmtFunctionDef,
    /// The class whose body defines it.
    pub class: Option<u32>,
    /// `f`, `Class.method`, `outer.inner`.
    pub qualname: String,
    /// Its scope in the semantic model.
    pub scope: Option<ScopeId>,
    /// Decorated `@staticmethod` (no `self`).
    pub is_static: bool,
}

/// A class of the module.
pub(crate) struct ClassInfo<'a> {
    pub def: &'a ast::StmtClassDef,
    pub qualname: String,
    pub methods: HashMap<&'a str, FnId>,
    /// Base classes defined in this module.
    pub local_bases: Vec<u32>,
}

/// What a function does with its parameters.
#[derive(Debug, Default)]
pub(crate) struct Summary {
    /// The return value (labels: parameters, their parts, sources).
    pub ret: Value,
    /// Parameters (or parts) that reach a sink, with the path inside the function.
    pub sinks: Vec<SinkHit>,
    /// Parameters whose parts the function stores into (`self.x = …`), by index.
    pub effects: Vec<(u16, Value)>,
    /// How calls bind arguments to the parameters.
    pub params: ParamsDesc,
}

/// A label reaching a sink.
#[derive(Debug, Clone)]
pub(crate) struct SinkHit {
    pub label: Label,
    pub vuln: Vuln,
    pub site: SinkSite,
}

/// Where a sink is: in this file (reported there) or in another module (reported at the call
/// that leads there).
#[derive(Debug, Clone)]
pub(crate) enum SinkSite {
    Here { range: TextRange, sink: Rc<str> },
    There { step: Arc<FlowStep>, sink: Rc<str> },
}

/// A flow found in this file, before it is rendered.
struct RawFinding {
    vuln: Vuln,
    range: TextRange,
    sink: Rc<str>,
    label: Label,
    last: Step,
}

/// One proven flow from a source to a sink.
#[derive(Debug, Clone)]
pub struct TaintFinding {
    pub vuln: Vuln,
    /// Where to report: the sink (or, for a sink in another module, the call leading to it).
    pub range: TextRange,
    /// The sink as code shows it: "`cursor.execute`".
    pub sink: String,
    /// The source: "`request.args`".
    pub source: String,
    /// 1-based line of the source (in its own file).
    pub source_line: u32,
    /// The path (first step in the source's file).
    pub source_path: String,
    pub confidence: Confidence,
    /// Source first, sink last.
    pub flow: DataFlow,
}

/// Everything the engine reads while analysing one module.
pub(crate) struct ModuleInput<'a> {
    pub source: &'a SourceFile,
    pub semantic: &'a SemanticModel<'a>,
    pub suite: &'a [Stmt],
    pub spec: &'a TaintSpec,
    pub project: Option<&'a TaintProject>,
    pub key: ModuleKey,
    /// Cross-module levels still allowed.
    pub depth: u8,
    /// Distinguishes sources of different files (0: the file being checked).
    pub file_id: u64,
    /// Record findings (off when summarising another module for its exports).
    pub emit: bool,
}

/// A name of another module of the project, in this module's terms.
pub(crate) enum ForeignLocal {
    Function(Rc<Summary>),
    /// A class with an `__init__` (its summary) and its qualified name.
    Class(Rc<Summary>, Rc<str>),
    /// A class without one.
    DataClass(Rc<str>),
    Global(Value),
}

/// One module under analysis.
pub(crate) struct Module<'a> {
    pub source: &'a SourceFile,
    pub semantic: &'a SemanticModel<'a>,
    pub suite: &'a [Stmt],
    pub spec: &'a TaintSpec,
    pub project: Option<&'a TaintProject>,
    pub key: ModuleKey,
    pub depth: u8,
    pub file_id: u64,
    pub emit: bool,
    pub framework: Framework,
    pub functions: Vec<FnInfo<'a>>,
    pub fn_by_name: HashMap<TextSize, FnId>,
    pub classes: Vec<ClassInfo<'a>>,
    pub class_by_name: HashMap<TextSize, u32>,
    /// Ranges of docstrings (module, classes, functions): words in them are not code.
    pub docstrings: Vec<TextRange>,
    /// Module-level names assigned once, to a literal: their truth value.
    pub consts: HashMap<&'a str, bool>,
    /// Module-level values after the module body ran (functions read globals from here).
    pub globals: RefCell<Env<'a>>,
    memo: RefCell<BTreeMap<FnId, Rc<Summary>>>,
    in_progress: RefCell<Vec<FnId>>,
    /// Sources stored into `self.<attr>` by any method of a class, by class.
    pub class_sources: RefCell<HashMap<u32, BTreeMap<Rc<str>, Taint>>>,
    class_sources_changed: Cell<bool>,
    findings: RefCell<Vec<RawFinding>>,
    finding_keys: RefCell<HashSet<(Vuln, TextSize, TextSize)>>,
    fuel: Cell<u64>,
    /// Qualified callees outside this module called with input (phase-1 needs).
    pub needs: RefCell<BTreeSet<String>>,
    /// Names of other modules of the project looked up so far (phase 2).
    pub foreign: RefCell<HashMap<String, Option<Rc<ForeignLocal>>>>,
}

impl<'a> Module<'a> {
    pub(crate) fn new(input: ModuleInput<'a>) -> Self {
        let framework = Framework::of(input.semantic, input.spec, input.source);
        let mut module = Module {
            source: input.source,
            semantic: input.semantic,
            suite: input.suite,
            spec: input.spec,
            project: input.project,
            key: input.key,
            depth: input.depth,
            file_id: input.file_id,
            emit: input.emit,
            framework,
            functions: Vec::new(),
            fn_by_name: HashMap::new(),
            classes: Vec::new(),
            class_by_name: HashMap::new(),
            docstrings: Vec::new(),
            consts: HashMap::new(),
            globals: RefCell::new(Env::new()),
            memo: RefCell::new(BTreeMap::new()),
            in_progress: RefCell::new(Vec::new()),
            class_sources: RefCell::new(HashMap::new()),
            class_sources_changed: Cell::new(false),
            findings: RefCell::new(Vec::new()),
            finding_keys: RefCell::new(HashSet::new()),
            fuel: Cell::new(FUEL),
            needs: RefCell::new(BTreeSet::new()),
            foreign: RefCell::new(HashMap::new()),
        };
        let scopes = function_scopes(input.semantic);
        module.note_docstring(input.suite);
        module.collect(input.suite, None, "", &scopes);
        module.resolve_bases();
        module.consts = module_consts(input.semantic, input.suite);
        module
    }

    fn note_docstring(&mut self, body: &[Stmt]) {
        if let Some(Stmt::Expr(expr)) = body.first()
            && expr.value.is_string_literal_expr()
        {
            self.docstrings.push(expr.range());
        }
    }

    /// Collects functions and classes (also inside `if`/`try`/… blocks and other bodies).
    fn collect(
        &mut self,
        body: &'a [Stmt],
        class: Option<u32>,
        prefix: &str,
        scopes: &HashMap<TextSize, ScopeId>,
    ) {
        for stmt in body {
            if self.functions.len() + self.classes.len() >= MAX_FUNCTIONS {
                return;
            }
            with_stack(|| match stmt {
                Stmt::FunctionDef(def) => {
                    let id = FnId::try_from(self.functions.len()).unwrap_or(FnId::MAX);
                    let qualname = format!("{prefix}{}", def.name.as_str());
                    let is_static = def.decorator_list.iter().any(|d| {
                        matches!(&d.expression, Expr::Name(n) if n.id.as_str() == "staticmethod")
                    });
                    self.functions.push(FnInfo {
                        def,
                        class,
                        qualname: qualname.clone(),
                        scope: scopes.get(&def.name.range().start()).copied(),
                        is_static,
                    });
                    self.fn_by_name.insert(def.name.range().start(), id);
                    self.note_docstring(&def.body);
                    if let Some(class) = class
                        && let Some(info) = self.classes.get_mut(class as usize)
                    {
                        info.methods.entry(def.name.as_str()).or_insert(id);
                    }
                    self.collect(&def.body, None, &format!("{qualname}."), scopes);
                }
                Stmt::ClassDef(def) => {
                    let id = u32::try_from(self.classes.len()).unwrap_or(u32::MAX);
                    let qualname = format!("{prefix}{}", def.name.as_str());
                    self.classes.push(ClassInfo {
                        def,
                        qualname: qualname.clone(),
                        methods: HashMap::new(),
                        local_bases: Vec::new(),
                    });
                    self.class_by_name.insert(def.name.range().start(), id);
                    self.note_docstring(&def.body);
                    self.collect(&def.body, Some(id), &format!("{qualname}."), scopes);
                }
                Stmt::If(stmt) => {
                    self.collect(&stmt.body, class, prefix, scopes);
                    for clause in &stmt.elif_else_clauses {
                        self.collect(&clause.body, class, prefix, scopes);
                    }
                }
                Stmt::Try(stmt) => {
                    self.collect(&stmt.body, class, prefix, scopes);
                    for ast::ExceptHandler::ExceptHandler(handler) in &stmt.handlers {
                        self.collect(&handler.body, class, prefix, scopes);
                    }
                    self.collect(&stmt.orelse, class, prefix, scopes);
                    self.collect(&stmt.finalbody, class, prefix, scopes);
                }
                Stmt::With(stmt) => self.collect(&stmt.body, class, prefix, scopes),
                Stmt::For(stmt) => {
                    self.collect(&stmt.body, class, prefix, scopes);
                    self.collect(&stmt.orelse, class, prefix, scopes);
                }
                Stmt::While(stmt) => {
                    self.collect(&stmt.body, class, prefix, scopes);
                    self.collect(&stmt.orelse, class, prefix, scopes);
                }
                _ => {}
            });
        }
    }

    /// Links classes to base classes defined in the same module.
    fn resolve_bases(&mut self) {
        for index in 0..self.classes.len() {
            let Some(arguments) = self
                .classes
                .get(index)
                .and_then(|c| c.def.arguments.as_ref())
            else {
                continue;
            };
            let bases: Vec<u32> = arguments
                .args
                .iter()
                .filter_map(|base| match base {
                    Expr::Name(name) => self.local_class(name),
                    _ => None,
                })
                .collect();
            if let Some(class) = self.classes.get_mut(index) {
                class.local_bases = bases;
            }
        }
    }

    /// The class of this module a name refers to.
    pub(crate) fn local_class(&self, name: &ast::ExprName) -> Option<u32> {
        let binding = self.semantic.binding(self.semantic.resolve_name(name)?);
        match binding.kind {
            BindingKind::ClassDefinition(_) => {
                self.class_by_name.get(&binding.range.start()).copied()
            }
            _ => None,
        }
    }

    /// The function of this module a name refers to.
    pub(crate) fn local_function(&self, name: &ast::ExprName) -> Option<FnId> {
        let binding = self.semantic.binding(self.semantic.resolve_name(name)?);
        match binding.kind {
            BindingKind::FunctionDefinition(_) => {
                self.fn_by_name.get(&binding.range.start()).copied()
            }
            _ => None,
        }
    }

    /// A method of a class (or of its local bases), by name.
    pub(crate) fn method(&self, class: u32, name: &str) -> Option<FnId> {
        let mut seen = Vec::new();
        let mut queue = vec![class];
        while let Some(current) = queue.pop() {
            if seen.contains(&current) || seen.len() > 16 {
                continue;
            }
            seen.push(current);
            let info = self.classes.get(current as usize)?;
            if let Some(&id) = info.methods.get(name) {
                return Some(id);
            }
            queue.extend(info.local_bases.iter().rev());
        }
        None
    }

    pub(crate) fn function(&self, id: FnId) -> Option<&FnInfo<'a>> {
        self.functions.get(id as usize)
    }

    /// Spends one unit of work; `false` once the module's fuel is gone.
    pub(crate) fn burn(&self) -> bool {
        let left = self.fuel.get();
        if left == 0 {
            return false;
        }
        self.fuel.set(left - 1);
        true
    }

    /// The summary of a function, computing it on first demand. `None` for a recursive call
    /// (or when the call graph is too deep, or the fuel is gone): the caller treats the call as
    /// unknown.
    pub(crate) fn summary(&self, id: FnId) -> Option<Rc<Summary>> {
        if let Some(summary) = self.memo.borrow().get(&id) {
            return Some(summary.clone());
        }
        {
            let stack = self.in_progress.borrow();
            if stack.contains(&id) || stack.len() >= MAX_CALL_DEPTH || self.fuel.get() == 0 {
                return None;
            }
        }
        self.in_progress.borrow_mut().push(id);
        let summary = with_stack(|| frame::Frame::summarize(self, id));
        self.in_progress.borrow_mut().pop();
        let summary = Rc::new(summary);
        self.memo.borrow_mut().insert(id, summary.clone());
        Some(summary)
    }

    /// Records sources that a method stored into `self.<attr>`.
    pub(crate) fn note_class_sources(&self, class: u32, stored: Vec<(Rc<str>, Taint)>) {
        let mut all = self.class_sources.borrow_mut();
        let table = all.entry(class).or_default();
        for (attr, taint) in stored {
            let entry = table.entry(attr).or_default();
            let before = entry.len();
            for label in taint {
                if label.origin.is_source() {
                    crate::value::add_label(entry, label);
                }
            }
            if entry.len() != before {
                self.class_sources_changed.set(true);
            }
        }
    }

    /// Sources stored into `self.<attr>` anywhere in the class (or its local bases).
    pub(crate) fn class_attr_sources(&self, class: u32, attr: &str) -> Taint {
        let all = self.class_sources.borrow();
        let mut taint = Taint::new();
        let mut queue = vec![class];
        let mut seen = Vec::new();
        while let Some(current) = queue.pop() {
            if seen.contains(&current) || seen.len() > 16 {
                continue;
            }
            seen.push(current);
            if let Some(labels) = all.get(&current).and_then(|t| t.get(attr)) {
                crate::value::join_taint(&mut taint, labels);
            }
            if let Some(info) = self.classes.get(current as usize) {
                queue.extend(info.local_bases.iter().copied());
            }
        }
        taint
    }

    /// Records a flow from a source label to a sink (once per class and place).
    pub(crate) fn report(
        &self,
        vuln: Vuln,
        range: TextRange,
        sink: &Rc<str>,
        label: &Label,
        last: Step,
    ) {
        if !self.emit || !label.mask.contains(vuln) || !label.origin.is_source() {
            return;
        }
        if self
            .finding_keys
            .borrow_mut()
            .insert((vuln, range.start(), range.end()))
        {
            self.findings.borrow_mut().push(RawFinding {
                vuln,
                range,
                sink: sink.clone(),
                label: label.clone(),
                last,
            });
        }
    }

    /// Resolves one step into a flow step of the report.
    pub(crate) fn resolve_step(&self, step: &Step) -> Arc<FlowStep> {
        match step {
            Step::There(step) => step.clone(),
            Step::Here { range, what } => {
                let text = short(self.text(*range));
                let message = match what {
                    What::Source(label) => format!("source: {label}"),
                    What::Assign => format!("assigned to `{text}`"),
                    What::Store => format!("stored in `{text}`"),
                    What::Arg(callee) => format!("passed to `{callee}()`"),
                    What::Param => format!("received as parameter `{text}`"),
                    What::Return(callee) => format!("returned by `{callee}()`"),
                    What::Sink(sink) => format!("sink: {sink}"),
                };
                Arc::new(FlowStep {
                    location: self.source.location(*range),
                    message,
                })
            }
        }
    }

    /// The steps of a trace, resolved.
    pub(crate) fn resolve_trace(&self, trace: &Trace) -> Vec<Arc<FlowStep>> {
        trace_steps(trace)
            .iter()
            .map(|step| self.resolve_step(step))
            .collect()
    }

    /// Source text of a range.
    pub(crate) fn text(&self, range: TextRange) -> &'a str {
        self.source
            .text
            .get(range.start().to_usize()..range.end().to_usize())
            .unwrap_or("")
    }

    /// The findings, rendered, in source order.
    fn into_findings(self) -> Vec<TaintFinding> {
        let raw = std::mem::take(&mut *self.findings.borrow_mut());
        let mut findings: Vec<TaintFinding> = raw
            .into_iter()
            .map(|raw| {
                let mut steps: Vec<FlowStep> = self
                    .resolve_trace(&raw.label.trace)
                    .iter()
                    .map(|s| (**s).clone())
                    .collect();
                steps.push((*self.resolve_step(&raw.last)).clone());
                steps.dedup();
                let (source, confidence) = match &raw.label.origin {
                    Origin::Source(info) => (info.label.to_string(), info.confidence),
                    _ => (String::new(), Confidence::High),
                };
                let first = steps.first().map(|s| s.location.clone());
                TaintFinding {
                    vuln: raw.vuln,
                    range: raw.range,
                    sink: raw.sink.to_string(),
                    source,
                    source_line: first.as_ref().map_or(0, |l| l.span.start.line),
                    source_path: first.map(|l| l.path).unwrap_or_default(),
                    confidence,
                    flow: DataFlow { steps },
                }
            })
            .collect();
        findings.sort_by_key(|f| (f.range.start(), f.range.end(), f.vuln));
        findings
    }
}

/// Text for a step message: one line, at most 40 characters.
fn short(text: &str) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    if line.chars().count() > 40 {
        let mut cut: String = line.chars().take(39).collect();
        cut.push('…');
        cut
    } else {
        line.to_string()
    }
}

/// The scope of each function, by the start of its name.
fn function_scopes(semantic: &SemanticModel<'_>) -> HashMap<TextSize, ScopeId> {
    semantic
        .bindings
        .iter()
        .filter_map(|binding| match binding.kind {
            BindingKind::FunctionDefinition(scope) => Some((binding.range.start(), scope)),
            _ => None,
        })
        .collect()
}

/// Module-level names bound exactly once, by a literal assignment: `DEBUG = False`.
fn module_consts<'a>(semantic: &SemanticModel<'a>, suite: &'a [Stmt]) -> HashMap<&'a str, bool> {
    let mut consts = HashMap::new();
    let scope = semantic.global_scope();
    for stmt in suite {
        let (target, value) = match stmt {
            Stmt::Assign(assign) if assign.targets.len() == 1 => {
                (assign.targets.first(), Some(assign.value.as_ref()))
            }
            Stmt::AnnAssign(assign) => (Some(assign.target.as_ref()), assign.value.as_deref()),
            _ => continue,
        };
        let (Some(Expr::Name(name)), Some(value)) = (target, value) else {
            continue;
        };
        let Some(truth) = expr::literal_truth(value) else {
            continue;
        };
        if scope.get_all(name.id.as_str()).count() == 1 {
            consts.insert(name.id.as_str(), truth);
        }
    }
    consts
}

/// The result of analysing one module: its findings, and what other modules need to know.
pub(crate) struct Analysis {
    pub findings: Vec<TaintFinding>,
    pub producers: BTreeSet<String>,
    pub needs: BTreeSet<String>,
}

/// Analyses a module for findings (root-driven; see the module docs).
pub(crate) fn analyze_module(input: ModuleInput<'_>) -> Analysis {
    let hits = input.spec.hint_offsets(&input.source.text);
    let project_names = match input.project {
        Some(project) => project.imported_producers(input.semantic, &input.key, &input.source.path),
        None => BTreeSet::new(),
    };
    if hits.is_empty() && project_names.is_empty() {
        return Analysis {
            findings: Vec::new(),
            producers: BTreeSet::new(),
            needs: BTreeSet::new(),
        };
    }
    let module = Module::new(input);
    let hits: Vec<u32> = hits
        .into_iter()
        .filter(|&offset| {
            !module
                .docstrings
                .iter()
                .any(|d| d.contains(TextSize::new(offset)))
        })
        .collect();
    if hits.is_empty() && project_names.is_empty() {
        return Analysis {
            findings: Vec::new(),
            producers: BTreeSet::new(),
            needs: BTreeSet::new(),
        };
    }
    // Globals first (no findings, no summaries), then the module body for findings.
    frame::Frame::prepass(&module);
    let outside_functions = hits.iter().any(|&offset| {
        !module
            .functions
            .iter()
            .any(|f| f.def.range().contains(TextSize::new(offset)))
    });
    if outside_functions || !project_names.is_empty() {
        frame::Frame::module_body(&module);
    }

    let mut roots: BTreeSet<FnId> = BTreeSet::new();
    for (index, function) in module.functions.iter().enumerate() {
        let range = function.def.range();
        let start = hits.partition_point(|&h| TextSize::new(h) < range.start());
        let contains_hit = hits
            .get(start)
            .is_some_and(|&h| range.contains(TextSize::new(h)));
        if contains_hit || module.framework.is_entry_point(&module, function.def) {
            roots.insert(FnId::try_from(index).unwrap_or(FnId::MAX));
        }
    }
    let mut producer_names: BTreeSet<String> = project_names;
    if !producer_names.is_empty() {
        roots.extend(callers_of(&module, &producer_names));
    }
    let mut analysed: BTreeSet<FnId> = BTreeSet::new();
    for round in 0..MAX_ROUNDS {
        for &root in &roots {
            if !analysed.contains(&root) {
                module.summary(root);
            }
        }
        analysed.extend(roots.iter().copied());
        // Functions found to return input make their callers roots; classes whose methods
        // store input into `self` get all their methods (re)analysed.
        let mut new_names = BTreeSet::new();
        for &id in &analysed {
            if let Some(summary) = module.memo.borrow().get(&id)
                && summary.ret.flatten().iter().any(|l| l.origin.is_source())
                && let Some(info) = module.function(id)
            {
                new_names.insert(info.def.name.to_string());
            }
        }
        let mut next: BTreeSet<FnId> = BTreeSet::new();
        if new_names.iter().any(|n| !producer_names.contains(n)) {
            producer_names.extend(new_names);
            next.extend(
                callers_of(&module, &producer_names)
                    .into_iter()
                    .filter(|id| !analysed.contains(id)),
            );
        }
        if module.class_sources_changed.replace(false) {
            let classes: Vec<u32> = module.class_sources.borrow().keys().copied().collect();
            for (index, function) in module.functions.iter().enumerate() {
                let id = FnId::try_from(index).unwrap_or(FnId::MAX);
                if function.class.is_some_and(|c| classes.contains(&c)) {
                    module.memo.borrow_mut().remove(&id);
                    analysed.remove(&id);
                    next.insert(id);
                }
            }
        }
        if next.is_empty() || round + 1 == MAX_ROUNDS {
            break;
        }
        roots = next;
    }

    // Functions of the module (not methods: calling one needs an instance, whose construction
    // from input is a need of its own) and globals that hold input.
    let mut producers = BTreeSet::new();
    for (&id, summary) in module.memo.borrow().iter() {
        if summary
            .ret
            .flatten()
            .iter()
            .any(|l| l.origin.is_remote_source())
            && let Some(info) = module.function(id)
            && !info.qualname.contains('.')
        {
            producers.insert(info.qualname.clone());
        }
    }
    for (name, value) in module.globals.borrow().iter() {
        if value.flatten().iter().any(|l| l.origin.is_remote_source()) {
            producers.insert((*name).to_string());
        }
    }
    let needs = module.needs.borrow().clone();
    Analysis {
        findings: module.into_findings(),
        producers,
        needs,
    }
}

/// Functions that call one of `names` (by the callee's name or last attribute).
fn callers_of(module: &Module<'_>, names: &BTreeSet<String>) -> BTreeSet<FnId> {
    let mut callers = BTreeSet::new();
    for (index, function) in module.functions.iter().enumerate() {
        let mut finder = CallFinder {
            names,
            found: false,
        };
        for stmt in &function.def.body {
            ast::visitor::Visitor::visit_stmt(&mut finder, stmt);
            if finder.found {
                break;
            }
        }
        if finder.found {
            callers.insert(FnId::try_from(index).unwrap_or(FnId::MAX));
        }
    }
    callers
}

struct CallFinder<'n> {
    names: &'n BTreeSet<String>,
    found: bool,
}

impl<'x> ast::visitor::Visitor<'x> for CallFinder<'_> {
    fn visit_stmt(&mut self, stmt: &'x Stmt) {
        if self.found {
            return;
        }
        with_stack(|| ast::visitor::walk_stmt(self, stmt));
    }

    fn visit_expr(&mut self, expr: &'x Expr) {
        if self.found {
            return;
        }
        if let Expr::Call(call) = expr {
            let name = match call.func.as_ref() {
                Expr::Name(name) => Some(name.id.as_str()),
                Expr::Attribute(attr) => Some(attr.attr.as_str()),
                _ => None,
            };
            if name.is_some_and(|n| self.names.contains(n)) {
                self.found = true;
                return;
            }
        }
        if let Expr::Name(name) = expr
            && self.names.contains(name.id.as_str())
        {
            // A global holding input, read here.
            self.found = true;
            return;
        }
        with_stack(|| ast::visitor::walk_expr(self, expr));
    }
}

/// Summarises every function of a module for other modules (phase 2): no findings.
pub(crate) fn summarize_module(input: ModuleInput<'_>) -> ModuleExports {
    let module = Module::new(input);
    frame::Frame::prepass(&module);
    let mut exports = ModuleExports::default();
    for index in 0..module.functions.len() {
        let id = FnId::try_from(index).unwrap_or(FnId::MAX);
        if let Some(summary) = module.summary(id)
            && let Some(info) = module.function(id)
        {
            exports.functions.insert(
                info.qualname.clone(),
                crate::project::export_summary(&module, info, &summary),
            );
        }
    }
    for class in &module.classes {
        exports.classes.insert(class.qualname.clone());
    }
    for (name, value) in module.globals.borrow().iter() {
        if !value.flatten().is_empty() {
            exports.globals.insert(
                (*name).to_string(),
                crate::project::export_value(&module, value),
            );
        }
    }
    exports
}
