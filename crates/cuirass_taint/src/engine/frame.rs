//! Statements: the structured lowering of one function (or module) body.
//!
//! The state is an [`Env`] (variable → [`Value`]); `None` is an unreachable state (after
//! `return`, `raise`, `break` or a call that never returns). Branches are run separately and
//! joined; a branch whose condition is constant runs alone; loops repeat until the state at
//! their head stops changing (at most [`MAX_LOOP`] times); conditions that validate a value
//! (`x in ALLOWED`, `x.isdigit()`) clean it in the branch where they hold.

use std::collections::BTreeMap;
use std::rc::Rc;

use cuirass_python::ast::{self, Expr, Stmt};
use cuirass_python::semantic::ScopeId;
use cuirass_python::{Ranged, TextRange, with_stack};

use super::frameworks::{ParamSource, route_decorator};
use super::{FnId, Module, SinkHit, SinkSite, Summary};
use crate::value::{Key, Kind, Label, Origin, Step, Taint, Value, What, push_step};
use crate::vuln::{Vuln, VulnSet};

/// Variables of a frame and their values. Only values worth keeping are stored: a variable
/// that is absent is clean (or, when never assigned here, a global or an import).
pub(crate) type Env<'a> = BTreeMap<&'a str, Value>;

/// Iterations of a loop body before its head state is taken as it is.
const MAX_LOOP: usize = 6;
/// Sink hits kept per summary.
const MAX_SINK_HITS: usize = 64;

/// How control leaves a block: falling through, by `break` or by `continue`.
pub(crate) struct Flow<'a> {
    pub next: Option<Env<'a>>,
    pub brk: Option<Env<'a>>,
    pub cont: Option<Env<'a>>,
}

impl<'a> Flow<'a> {
    fn next(env: Option<Env<'a>>) -> Self {
        Flow {
            next: env,
            brk: None,
            cont: None,
        }
    }
}

/// The parameters of a function as calls bind them.
#[derive(Debug, Clone, Default)]
pub(crate) struct ParamsDesc {
    /// Names in index order: positional-only, positional, `*args`, keyword-only, `**kwargs`.
    pub names: Vec<String>,
    pub posonly: usize,
    /// Positional parameters (positional-only included).
    pub positional: usize,
    pub vararg: Option<usize>,
    pub kwarg: Option<usize>,
    /// Called on an instance: the receiver binds the first parameter.
    pub method: bool,
}

impl ParamsDesc {
    pub(crate) fn of(def: &ast::StmtFunctionDef, method: bool) -> Self {
        let parameters = &def.parameters;
        let mut names: Vec<String> = parameters
            .posonlyargs
            .iter()
            .chain(&parameters.args)
            .map(|p| p.parameter.name.to_string())
            .collect();
        let positional = names.len();
        let vararg = parameters.vararg.as_ref().map(|p| {
            names.push(p.name.to_string());
            names.len() - 1
        });
        names.extend(
            parameters
                .kwonlyargs
                .iter()
                .map(|p| p.parameter.name.to_string()),
        );
        let kwarg = parameters.kwarg.as_ref().map(|p| {
            names.push(p.name.to_string());
            names.len() - 1
        });
        ParamsDesc {
            names,
            posonly: parameters.posonlyargs.len(),
            positional,
            vararg,
            kwarg,
            method,
        }
    }
}

/// One running body.
pub(crate) struct Frame<'m, 'a> {
    pub m: &'m Module<'a>,
    pub fid: Option<FnId>,
    pub class: Option<u32>,
    pub scope: ScopeId,
    /// Apply callee summaries (off in the pre-pass that only computes globals).
    pub use_summaries: bool,
    /// Record findings.
    pub emit: bool,
    /// The view's return value is an HTML response.
    pub html_view: Option<Rc<str>>,
    /// Parameter names by index.
    pub params: Vec<&'a str>,
    pub ret: Option<Value>,
    /// Parameter values where the function exits (for effects on `self` and arguments).
    pub exit_params: Vec<Option<Value>>,
    pub sink_hits: Vec<SinkHit>,
}

pub(crate) fn join_env<'a>(a: Option<Env<'a>>, b: Option<Env<'a>>) -> Option<Env<'a>> {
    match (a, b) {
        (None, other) | (other, None) => other,
        (Some(a), Some(b)) => Some(join_envs(&a, &b)),
    }
}

fn join_envs<'a>(a: &Env<'a>, b: &Env<'a>) -> Env<'a> {
    let clean = Value::default();
    let mut joined = Env::new();
    for (name, value) in a {
        let other = b.get(name).unwrap_or(&clean);
        let value = value.join(other);
        if value.is_interesting() {
            joined.insert(*name, value);
        }
    }
    for (name, value) in b {
        if !a.contains_key(name) {
            let value = clean.join(value);
            if value.is_interesting() {
                joined.insert(*name, value);
            }
        }
    }
    joined
}

fn same_env(a: Option<&Env<'_>>, b: Option<&Env<'_>>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(name, value)| b.get(name).is_some_and(|other| value.same_as(other)))
        }
        _ => false,
    }
}

impl<'m, 'a> Frame<'m, 'a> {
    fn new(m: &'m Module<'a>, fid: Option<FnId>, scope: ScopeId) -> Self {
        Frame {
            m,
            fid,
            class: None,
            scope,
            use_summaries: true,
            emit: m.emit,
            html_view: None,
            params: Vec::new(),
            ret: None,
            exit_params: Vec::new(),
            sink_hits: Vec::new(),
        }
    }

    /// Runs the module body once without summaries or findings, to know the globals.
    pub(crate) fn prepass(m: &'m Module<'a>) {
        let mut frame = Frame::new(m, None, ScopeId::global());
        frame.use_summaries = false;
        frame.emit = false;
        let flow = frame.exec_block(m.suite, Env::new());
        *m.globals.borrow_mut() = flow.next.unwrap_or_default();
    }

    /// Runs the module body for findings.
    pub(crate) fn module_body(m: &'m Module<'a>) {
        let mut frame = Frame::new(m, None, ScopeId::global());
        frame.exec_block(m.suite, Env::new());
    }

    /// Analyses one function: its findings are recorded, its summary returned.
    pub(crate) fn summarize(m: &'m Module<'a>, id: FnId) -> Summary {
        let Some(info) = m.function(id) else {
            return Summary::default();
        };
        let def = info.def;
        let method = info.class.is_some() && !info.is_static;
        let mut frame = Frame::new(m, Some(id), info.scope.unwrap_or_else(ScopeId::global));
        frame.class = info.class;
        if m.framework.html_return && route_decorator(m.spec, def).is_some() {
            frame.html_view = Some(Rc::from(def.name.as_str()));
        }
        let desc = ParamsDesc::of(def, method);
        let sources = m.framework.parameter_sources(m, def);
        let mut env = Env::new();
        let parameters: Vec<&'a ast::Parameter> = def
            .parameters
            .posonlyargs
            .iter()
            .chain(&def.parameters.args)
            .map(|p| &p.parameter)
            .chain(def.parameters.vararg.as_deref())
            .chain(def.parameters.kwonlyargs.iter().map(|p| &p.parameter))
            .chain(def.parameters.kwarg.as_deref())
            .collect();
        for (index, parameter) in parameters.iter().enumerate() {
            let name = parameter.name.as_str();
            let range = parameter.name.range();
            let value = match sources.iter().find(|(i, _)| *i == index) {
                Some((_, ParamSource::Request)) => Value::with_kind(Kind::Request),
                Some((_, ParamSource::Input(label))) => {
                    Value::from_taint(vec![frame.source_label(
                        range,
                        label,
                        cuirass_diagnostics::Confidence::High,
                    )])
                }
                None => {
                    let index = u16::try_from(index).unwrap_or(u16::MAX);
                    let label = Label {
                        origin: Origin::Param(index),
                        mask: VulnSet::ALL,
                        trace: push_step(
                            &None,
                            Step::Here {
                                range,
                                what: What::Param,
                            },
                        ),
                    };
                    let kind = match info.class {
                        Some(class) if index == 0 && method => Kind::Instance(class),
                        _ => Kind::Plain,
                    };
                    Value {
                        taint: vec![label],
                        fields: None,
                        kind,
                    }
                }
            };
            env.insert(name, value);
            frame.params.push(name);
        }
        frame.exit_params = vec![None; frame.params.len()];
        let flow = frame.exec_block(&def.body, env);
        if let Some(env) = &flow.next {
            frame.note_exit(env);
        }

        let mut effects = Vec::new();
        for (index, value) in frame.exit_params.iter().enumerate() {
            let Some(value) = value else { continue };
            let index16 = u16::try_from(index).unwrap_or(u16::MAX);
            let mut effect = value.clone();
            effect
                .taint
                .retain(|l| !matches!(l.origin, Origin::Param(i) if i == index16));
            effect.kind = Kind::Plain;
            if effect.fields.is_some() || !effect.taint.is_empty() {
                effects.push((index16, effect));
            }
        }
        if let (Some(class), true) = (info.class, method)
            && let Some(Some(this)) = frame.exit_params.first()
            && let Some(fields) = &this.fields
        {
            let stored: Vec<(Rc<str>, Taint)> = fields
                .iter()
                .filter_map(|(key, value)| match key {
                    Key::Attr(attr) => Some((attr.clone(), value.flatten())),
                    _ => None,
                })
                .filter(|(_, taint)| taint.iter().any(|l| l.origin.is_source()))
                .collect();
            if !stored.is_empty() {
                m.note_class_sources(class, stored);
            }
        }
        Summary {
            ret: frame.ret.unwrap_or_default(),
            sinks: frame.sink_hits,
            effects,
            params: desc,
        }
    }

    /// A fresh source label at `range`.
    pub(crate) fn source_label(
        &self,
        range: TextRange,
        label: &str,
        confidence: cuirass_diagnostics::Confidence,
    ) -> Label {
        let label: Rc<str> = Rc::from(label);
        Label {
            origin: Origin::Source(Rc::new(crate::value::SourceInfo {
                key: (self.m.file_id << 32) | u64::from(range.start().to_u32()),
                label: label.clone(),
                confidence,
            })),
            mask: VulnSet::ALL,
            trace: push_step(
                &None,
                Step::Here {
                    range,
                    what: What::Source(label),
                },
            ),
        }
    }

    fn note_exit(&mut self, env: &Env<'a>) {
        for (index, name) in self.params.iter().enumerate() {
            let Some(value) = env.get(name) else { continue };
            if let Some(slot) = self.exit_params.get_mut(index) {
                *slot = Some(match slot.take() {
                    Some(previous) => previous.join(value),
                    None => value.clone(),
                });
            }
        }
    }

    pub(crate) fn add_return(&mut self, value: Value) {
        self.ret = Some(match self.ret.take() {
            Some(previous) => previous.join(&value),
            None => value,
        });
    }

    /// Labels arriving at a sink: sources become findings, parameters go to the summary.
    pub(crate) fn sink(&mut self, taint: &Taint, vuln: Vuln, range: TextRange, sink: &Rc<str>) {
        for label in taint {
            if !label.mask.contains(vuln) {
                continue;
            }
            if label.origin.is_source() {
                if self.emit {
                    let last = Step::Here {
                        range,
                        what: What::Sink(sink.clone()),
                    };
                    self.m.report(vuln, range, sink, label, last);
                }
            } else if self.sink_hits.len() < MAX_SINK_HITS {
                self.sink_hits.push(SinkHit {
                    label: label.clone(),
                    vuln,
                    site: SinkSite::Here {
                        range,
                        sink: sink.clone(),
                    },
                });
            }
        }
    }

    /// A sink hit of a callee, with the label now in this frame's terms.
    pub(crate) fn callee_sink(
        &mut self,
        label: &Label,
        vuln: Vuln,
        site: &SinkSite,
        call: TextRange,
    ) {
        if !label.mask.contains(vuln) {
            return;
        }
        if label.origin.is_source() {
            if !self.emit {
                return;
            }
            match site {
                SinkSite::Here { range, sink } => {
                    let last = Step::Here {
                        range: *range,
                        what: What::Sink(sink.clone()),
                    };
                    self.m.report(vuln, *range, sink, label, last);
                }
                SinkSite::There { step, sink } => {
                    self.m
                        .report(vuln, call, sink, label, Step::There(step.clone()));
                }
            }
        } else if self.sink_hits.len() < MAX_SINK_HITS {
            self.sink_hits.push(SinkHit {
                label: label.clone(),
                vuln,
                site: site.clone(),
            });
        }
    }

    // -----------------------------------------------------------------------------------------
    // Blocks and statements

    pub(crate) fn exec_block(&mut self, body: &'a [Stmt], env: Env<'a>) -> Flow<'a> {
        let mut flow = Flow::next(Some(env));
        for stmt in body {
            let Some(env) = flow.next.take() else {
                break;
            };
            let result = self.exec_stmt(stmt, env);
            flow.next = result.next;
            flow.brk = join_env(flow.brk, result.brk);
            flow.cont = join_env(flow.cont, result.cont);
        }
        flow
    }

    fn exec_stmt(&mut self, stmt: &'a Stmt, env: Env<'a>) -> Flow<'a> {
        if !self.m.burn() {
            return Flow::next(Some(env));
        }
        with_stack(|| self.exec_stmt_inner(stmt, env))
    }

    fn exec_stmt_inner(&mut self, stmt: &'a Stmt, mut env: Env<'a>) -> Flow<'a> {
        match stmt {
            Stmt::Expr(ast::StmtExpr { value, .. }) => {
                self.eval(value, &mut env);
                if self.is_terminator(value) {
                    return Flow::next(None);
                }
                Flow::next(Some(env))
            }
            Stmt::Assign(assign) => {
                let value = self.eval(&assign.value, &mut env);
                for target in &assign.targets {
                    self.assign(target, value.clone(), &mut env, stmt.range());
                }
                Flow::next(Some(env))
            }
            Stmt::AnnAssign(assign) => {
                if let Some(value) = &assign.value {
                    let value = self.eval(value, &mut env);
                    self.assign(&assign.target, value, &mut env, stmt.range());
                }
                Flow::next(Some(env))
            }
            Stmt::AugAssign(assign) => {
                let added = self.eval(&assign.value, &mut env);
                let current = self.eval(&assign.target, &mut env);
                let mut value = Value::from_taint(current.flatten());
                value.add_taint(&added.flatten());
                if matches!(assign.op, ast::Operator::Add | ast::Operator::Mod)
                    && let Some(vulns) = super::expr::fixed_prefix_vulns(&assign.target, &env)
                {
                    value.sanitize(vulns);
                }
                self.assign(&assign.target, value, &mut env, stmt.range());
                Flow::next(Some(env))
            }
            Stmt::Return(ret) => {
                let value = match &ret.value {
                    Some(expr) => {
                        let value = self.eval(expr, &mut env);
                        if let Some(view) = self.html_view.clone() {
                            self.view_response(expr, &value, &view);
                        }
                        value
                    }
                    None => Value::default(),
                };
                self.add_return(value);
                self.note_exit(&env);
                Flow::next(None)
            }
            Stmt::If(stmt) => self.exec_if(stmt, env),
            Stmt::For(stmt) => self.exec_for(stmt, env),
            Stmt::While(stmt) => self.exec_while(stmt, env),
            Stmt::With(with) => {
                for item in &with.items {
                    let value = self.eval(&item.context_expr, &mut env);
                    if let Some(target) = &item.optional_vars {
                        self.assign(target, value, &mut env, item.range);
                    }
                }
                self.exec_block(&with.body, env)
            }
            Stmt::Try(stmt) => self.exec_try(stmt, env),
            Stmt::Raise(raise) => {
                if let Some(exc) = &raise.exc {
                    self.eval(exc, &mut env);
                }
                Flow::next(None)
            }
            Stmt::Assert(assert) => {
                self.eval(&assert.test, &mut env);
                Flow::next(Some(self.refine(&assert.test, true, env)))
            }
            Stmt::Delete(delete) => {
                for target in &delete.targets {
                    if let Expr::Name(name) = target {
                        env.remove(name.id.as_str());
                    }
                }
                Flow::next(Some(env))
            }
            Stmt::Import(import) => {
                for alias in &import.names {
                    let bound = alias.asname.as_ref().map_or_else(
                        || alias.name.as_str().split('.').next().unwrap_or(""),
                        |n| n.as_str(),
                    );
                    env.remove(bound);
                }
                Flow::next(Some(env))
            }
            Stmt::ImportFrom(import) => {
                for alias in &import.names {
                    env.remove(alias.asname.as_ref().unwrap_or(&alias.name).as_str());
                }
                Flow::next(Some(env))
            }
            Stmt::Break(_) => Flow {
                next: None,
                brk: Some(env),
                cont: None,
            },
            Stmt::Continue(_) => Flow {
                next: None,
                brk: None,
                cont: Some(env),
            },
            Stmt::Match(stmt) => self.exec_match(stmt, env),
            Stmt::FunctionDef(def) => {
                env.remove(def.name.as_str());
                Flow::next(Some(env))
            }
            Stmt::ClassDef(def) => {
                env.remove(def.name.as_str());
                Flow::next(Some(env))
            }
            Stmt::TypeAlias(_)
            | Stmt::Global(_)
            | Stmt::Nonlocal(_)
            | Stmt::Pass(_)
            | Stmt::IpyEscapeCommand(_) => Flow::next(Some(env)),
        }
    }

    /// Whether an expression statement never returns (`abort(400)`, `sys.exit()`).
    fn is_terminator(&self, expr: &Expr) -> bool {
        let Expr::Call(call) = expr else {
            return false;
        };
        cuirass_python::qualified_name_of(self.m.semantic, &call.func)
            .is_some_and(|q| self.m.spec.terminators.contains(&q))
    }

    /// A Flask view returning input: the HTML body of the response.
    fn view_response(&mut self, expr: &'a Expr, value: &Value, view: &Rc<str>) {
        let body = match expr {
            // `return body, 200` / `return body, 200, headers`.
            Expr::Tuple(tuple) => match tuple.elts.first() {
                Some(first) => first,
                None => return,
            },
            other => other,
        };
        // Responses built by calls are judged by their own sinks; dicts and lists are JSON.
        let is_text = match body {
            Expr::Call(call) => matches!(
                call.func.as_ref(),
                Expr::Attribute(attr) if matches!(attr.attr.as_str(), "format" | "join" | "replace" | "strip" | "lower" | "upper")
            ),
            Expr::Dict(_) | Expr::List(_) | Expr::ListComp(_) | Expr::DictComp(_) => false,
            _ => true,
        };
        if !is_text {
            return;
        }
        let taint = if std::ptr::eq(body, expr) {
            value.flatten()
        } else {
            value.read(crate::value::KeyRef::Int(0)).flatten()
        };
        let sink: Rc<str> = Rc::from(format!("the response of view `{view}()`"));
        self.sink(&taint, Vuln::Xss, body.range(), &sink);
    }

    fn exec_if(&mut self, stmt: &'a ast::StmtIf, env: Env<'a>) -> Flow<'a> {
        let clauses = std::iter::once((Some(stmt.test.as_ref()), &stmt.body)).chain(
            stmt.elif_else_clauses
                .iter()
                .map(|clause| (clause.test.as_ref(), &clause.body)),
        );
        let mut result = Flow::next(None);
        let mut current = Some(env);
        for (test, body) in clauses {
            let Some(mut env) = current.take() else {
                break;
            };
            let Some(test) = test else {
                let flow = self.exec_block(body, env);
                merge(&mut result, flow);
                break;
            };
            self.eval(test, &mut env);
            match self.const_truth(test, &env) {
                Some(true) => {
                    let flow = self.exec_block(body, env);
                    merge(&mut result, flow);
                }
                Some(false) => current = Some(env),
                None => {
                    let yes = self.refine(test, true, env.clone());
                    let no = self.refine(test, false, env);
                    let flow = self.exec_block(body, yes);
                    merge(&mut result, flow);
                    current = Some(no);
                }
            }
        }
        result.next = join_env(result.next, current);
        result
    }

    fn exec_for(&mut self, stmt: &'a ast::StmtFor, mut env: Env<'a>) -> Flow<'a> {
        let iter = self.eval(&stmt.iter, &mut env);
        let element = if iter.kind == Kind::ConstCollection {
            Value::default()
        } else {
            iter.read_any()
        };
        let mut head = Some(env);
        let mut breaks = None;
        for _ in 0..MAX_LOOP {
            let Some(start) = head.clone() else { break };
            let mut body_env = start;
            self.assign(
                &stmt.target,
                element.clone(),
                &mut body_env,
                stmt.target.range(),
            );
            let flow = self.exec_block(&stmt.body, body_env);
            breaks = join_env(breaks, flow.brk);
            let back = join_env(flow.next, flow.cont);
            let next_head = join_env(head.clone(), back);
            if same_env(next_head.as_ref(), head.as_ref()) {
                break;
            }
            head = next_head;
        }
        let orelse = match head {
            Some(env) => self.exec_block(&stmt.orelse, env),
            None => Flow::next(None),
        };
        Flow {
            next: join_env(orelse.next, breaks),
            brk: orelse.brk,
            cont: orelse.cont,
        }
    }

    fn exec_while(&mut self, stmt: &'a ast::StmtWhile, mut env: Env<'a>) -> Flow<'a> {
        self.eval(&stmt.test, &mut env);
        let truth = self.const_truth(&stmt.test, &env);
        if truth == Some(false) {
            return self.exec_block(&stmt.orelse, env);
        }
        let mut head = Some(env);
        let mut breaks = None;
        for _ in 0..MAX_LOOP {
            let Some(start) = head.clone() else { break };
            let body_env = if truth == Some(true) {
                start
            } else {
                self.refine(&stmt.test, true, start)
            };
            let flow = self.exec_block(&stmt.body, body_env);
            breaks = join_env(breaks, flow.brk);
            let mut back = join_env(flow.next, flow.cont);
            if let Some(env) = &mut back {
                self.eval(&stmt.test, env);
            }
            let next_head = join_env(head.clone(), back);
            if same_env(next_head.as_ref(), head.as_ref()) {
                break;
            }
            head = next_head;
        }
        // `while True:` leaves only by `break`.
        let exit = if truth == Some(true) {
            None
        } else {
            head.map(|env| self.refine(&stmt.test, false, env))
        };
        let orelse = match exit {
            Some(env) => self.exec_block(&stmt.orelse, env),
            None => Flow::next(None),
        };
        Flow {
            next: join_env(orelse.next, breaks),
            brk: orelse.brk,
            cont: orelse.cont,
        }
    }

    fn exec_try(&mut self, stmt: &'a ast::StmtTry, env: Env<'a>) -> Flow<'a> {
        let before = env.clone();
        let body = self.exec_block(&stmt.body, env);
        // An exception may leave the body anywhere: handlers start from what held before it
        // or after it.
        let entry = join_env(Some(before), body.next.clone());
        let mut result = Flow {
            next: None,
            brk: body.brk,
            cont: body.cont,
        };
        for ast::ExceptHandler::ExceptHandler(handler) in &stmt.handlers {
            let Some(mut env) = entry.clone() else { break };
            if let Some(type_) = &handler.type_ {
                self.eval(type_, &mut env);
            }
            if let Some(name) = &handler.name {
                env.remove(name.as_str());
            }
            let flow = self.exec_block(&handler.body, env);
            merge(&mut result, flow);
        }
        let orelse = match body.next {
            Some(env) => self.exec_block(&stmt.orelse, env),
            None => Flow::next(None),
        };
        merge(&mut result, orelse);
        if stmt.finalbody.is_empty() {
            return result;
        }
        if let Some(env) = result.next.take() {
            let fin = self.exec_block(&stmt.finalbody, env);
            merge(&mut result, fin);
        } else if let Some(env) = entry {
            // Every path left by return/raise: the `finally` still runs (for its sinks).
            self.exec_block(&stmt.finalbody, env);
        }
        result
    }

    fn exec_match(&mut self, stmt: &'a ast::StmtMatch, mut env: Env<'a>) -> Flow<'a> {
        let subject = self.eval(&stmt.subject, &mut env);
        let captured = Value::from_taint(subject.flatten());
        let mut result = Flow::next(None);
        let mut irrefutable = false;
        for case in &stmt.cases {
            let mut case_env = env.clone();
            let mut names = Vec::new();
            pattern_names(&case.pattern, &mut names);
            for (name, range) in names {
                let value = captured.clone().with_step(range, &What::Assign);
                if value.is_interesting() {
                    case_env.insert(name, value);
                } else {
                    case_env.remove(name);
                }
            }
            if let Some(guard) = &case.guard {
                self.eval(guard, &mut case_env);
                case_env = self.refine(guard, true, case_env);
            }
            let flow = self.exec_block(&case.body, case_env);
            merge(&mut result, flow);
            if case.guard.is_none() && is_irrefutable(&case.pattern) {
                irrefutable = true;
                break;
            }
        }
        if !irrefutable {
            result.next = join_env(result.next, Some(env));
        }
        result
    }

    // -----------------------------------------------------------------------------------------
    // Assignment

    /// Binds `value` to an assignment target; `stmt` is the statement (for store sinks).
    pub(crate) fn assign(
        &mut self,
        target: &'a Expr,
        value: Value,
        env: &mut Env<'a>,
        stmt: TextRange,
    ) {
        with_stack(|| match target {
            Expr::Name(name) => {
                let value = if value.is_clean() {
                    value
                } else {
                    value.with_step(name.range, &What::Assign)
                };
                if value.is_interesting() {
                    env.insert(name.id.as_str(), value);
                } else {
                    env.remove(name.id.as_str());
                }
            }
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                let starred = elts.iter().position(Expr::is_starred_expr);
                for (index, elt) in elts.iter().enumerate() {
                    let part = match starred {
                        Some(star) if index >= star => value.read_any(),
                        _ => value.read(crate::value::KeyRef::Int(
                            i64::try_from(index).unwrap_or(i64::MAX),
                        )),
                    };
                    self.assign(elt, part, env, stmt);
                }
            }
            Expr::Starred(starred) => {
                self.assign(&starred.value, value.read_any(), env, stmt);
            }
            Expr::Attribute(_) | Expr::Subscript(_) => {
                self.store_sinks(target, &value, env, stmt);
                let constant_key = match target {
                    Expr::Subscript(sub) => {
                        self.eval(&sub.slice, env);
                        super::expr::const_key(&sub.slice).is_some()
                    }
                    _ => true,
                };
                let value = if value.is_clean() {
                    value
                } else {
                    value.with_step(target.range(), &What::Store)
                };
                if let Some((var, mut keys)) = path_of(target) {
                    if !self.is_storable(var, env) {
                        return;
                    }
                    let mut current = env.get(var).cloned().unwrap_or_default();
                    if constant_key {
                        current.set_path(&keys, value, 0);
                    } else {
                        // `d[k] = v` with `k` unknown: `v` may be any part of `d`.
                        keys.pop();
                        let taint = value.flatten();
                        let mut part = Value::default();
                        part.add_taint(&taint);
                        if keys.is_empty() {
                            current.add_taint(&taint);
                        } else {
                            let mut inner = current.read_path(&keys);
                            inner.add_taint(&taint);
                            current.set_path(&keys, inner, 0);
                        }
                    }
                    env.insert(var, current);
                } else if let Expr::Subscript(sub) = target {
                    self.eval(&sub.value, env);
                } else if let Expr::Attribute(attr) = target {
                    self.eval(&attr.value, env);
                }
            }
            _ => {}
        });
    }

    /// Whether a store into `var`'s parts can be tracked: a variable of this frame.
    fn is_storable(&self, var: &str, env: &Env<'a>) -> bool {
        env.contains_key(var)
            || self
                .m
                .semantic
                .scopes
                .get(self.scope)
                .is_some_and(|scope| scope.has(var))
    }

    /// Stores that are sinks: `session[k] = v`, `response.headers[k] = v`, `response[k] = v`.
    fn store_sinks(&mut self, target: &'a Expr, value: &Value, env: &mut Env<'a>, stmt: TextRange) {
        let Expr::Subscript(sub) = target else {
            return;
        };
        if value.is_clean() {
            return;
        }
        let container = sub.value.as_ref();
        let spec = self.m.spec;
        let mut hits: Vec<(Vuln, Rc<str>)> = Vec::new();
        for store in &spec.stores {
            let matched = if !store.qualified.is_empty() {
                cuirass_python::qualified_name_of(self.m.semantic, container)
                    .is_some_and(|q| store.qualified.contains(&q))
            } else if let Some(attribute) = &store.request_attribute {
                matches!(container, Expr::Attribute(attr) if attr.attr.as_str() == attribute && {
                    let base = self.eval(&attr.value, env);
                    base.kind == Kind::Request
                })
            } else if let Some(attribute) = &store.attribute {
                matches!(container, Expr::Attribute(attr) if attr.attr.as_str() == attribute && {
                    let base = self.eval(&attr.value, env);
                    base.kind != Kind::Request
                })
            } else if !store.receivers.is_empty() {
                let base = self.eval(container, env);
                matches!(&base.kind, Kind::Made(q) if store.receivers.iter().any(|r| **r == **q))
            } else {
                false
            };
            if matched {
                hits.push((store.vuln, Rc::from(&*store.label)));
            }
        }
        let taint = value.flatten();
        for (vuln, label) in hits {
            self.sink(&taint, vuln, stmt, &label);
        }
    }

    // -----------------------------------------------------------------------------------------
    // Conditions

    /// Whether a condition is constant: literals, `not`, `and`/`or`, and names bound to a
    /// literal (locally, or once at module level).
    pub(crate) fn const_truth(&self, test: &Expr, env: &Env<'a>) -> Option<bool> {
        with_stack(|| match test {
            Expr::UnaryOp(unary) if unary.op == ast::UnaryOp::Not => {
                self.const_truth(&unary.operand, env).map(|t| !t)
            }
            Expr::BoolOp(boolop) => {
                let and = boolop.op == ast::BoolOp::And;
                let mut all_known = true;
                for value in &boolop.values {
                    match self.const_truth(value, env) {
                        Some(truth) if truth != and => return Some(truth),
                        Some(_) => {}
                        None => all_known = false,
                    }
                }
                all_known.then_some(and)
            }
            Expr::Name(name) => {
                if let Some(value) = env.get(name.id.as_str()) {
                    return match value.kind {
                        Kind::Const(crate::value::Const::Truth(truth)) => Some(truth),
                        _ => None,
                    };
                }
                let binding = self.m.semantic.resolve_name(name)?;
                if self.m.semantic.binding(binding).scope.is_global() {
                    self.m.consts.get(name.id.as_str()).copied()
                } else {
                    None
                }
            }
            other => super::expr::literal_truth(other),
        })
    }

    /// The state in the branch where `test` is `truth`: values it validates are clean there.
    pub(crate) fn refine(&mut self, test: &'a Expr, truth: bool, env: Env<'a>) -> Env<'a> {
        with_stack(|| self.refine_inner(test, truth, env))
    }

    fn refine_inner(&mut self, test: &'a Expr, truth: bool, mut env: Env<'a>) -> Env<'a> {
        match test {
            Expr::Name(name) if truth => {
                let guard = match env.get(name.id.as_str()).map(|v| &v.kind) {
                    Some(Kind::Guard(guard)) => Some(guard.clone()),
                    _ => None,
                };
                if let Some(guard) = guard {
                    sanitize_var(&guard.var, &guard.keys, guard.vulns, &mut env);
                }
                env
            }
            Expr::UnaryOp(unary) if unary.op == ast::UnaryOp::Not => {
                self.refine(&unary.operand, !truth, env)
            }
            Expr::BoolOp(boolop) => {
                let and = boolop.op == ast::BoolOp::And;
                // `a and b` true: both hold; `a or b` false: neither holds.
                if and == truth {
                    for value in &boolop.values {
                        env = self.refine(value, truth, env);
                    }
                }
                env
            }
            Expr::Compare(compare) => {
                let ([op], [right]) = (&*compare.ops, &*compare.comparators) else {
                    return env;
                };
                let left = compare.left.as_ref();
                match (op, truth) {
                    (ast::CmpOp::In, true) | (ast::CmpOp::NotIn, false)
                        if self.is_allow_list(right, &mut env) =>
                    {
                        sanitize_path(left, VulnSet::ALL, &mut env);
                    }
                    (ast::CmpOp::Eq, true) | (ast::CmpOp::NotEq, false) => {
                        if super::expr::is_literal(right) {
                            sanitize_path(left, VulnSet::ALL, &mut env);
                        } else if super::expr::is_literal(left) {
                            sanitize_path(right, VulnSet::ALL, &mut env);
                        }
                    }
                    _ => {}
                }
                env
            }
            Expr::Call(call) if truth => {
                self.refine_call(call, &mut env);
                env
            }
            Expr::Named(named) => self.refine(&named.target, truth, env),
            _ => env,
        }
    }

    /// A validating call holds: `url_has_allowed_host_and_scheme(url)`, `x.isdigit()`,
    /// `path.startswith(BASE)` (after `realpath`), `re.fullmatch(p, x)`.
    fn refine_call(&mut self, call: &'a ast::ExprCall, env: &mut Env<'a>) {
        let spec = self.m.spec;
        if let Some(qualified) = cuirass_python::qualified_name_of(self.m.semantic, &call.func) {
            if let Some(validators) = spec.validators.get(&qualified) {
                for validator in validators {
                    if !validator.applies(&self.m.framework.imports) {
                        continue;
                    }
                    let def = &validator.value;
                    let arg = def
                        .keyword
                        .as_deref()
                        .and_then(|k| call.arguments.find_keyword(k).map(|kw| &kw.value))
                        .or_else(|| call.arguments.args.get(def.position as usize));
                    if let Some(arg) = arg {
                        sanitize_path(arg, def.vulns, env);
                    }
                }
                return;
            }
            // `re.match(r"^[a-z]+$", x)`: anchored at both ends, as good as `fullmatch`.
            if matches!(qualified.as_str(), "re.match" | "re.search")
                && let [Expr::StringLiteral(pattern), value, ..] = &*call.arguments.args
            {
                let pattern = pattern.value.to_str();
                if pattern.starts_with('^') && (pattern.ends_with('$') || pattern.ends_with("\\Z"))
                {
                    sanitize_path(value, VulnSet::ALL, env);
                }
            }
            return;
        }
        let Expr::Attribute(attr) = call.func.as_ref() else {
            return;
        };
        let method = attr.attr.as_str();
        if let Some(validators) = spec.method_validators.get(method) {
            for validator in validators {
                if !validator.applies(&self.m.framework.imports) {
                    continue;
                }
                // The receiver (`name.isdigit()`), or an argument (`PATTERN.fullmatch(name)`).
                let (position, vulns) = validator.value;
                let validated = match position {
                    Some(position) => call.arguments.args.get(position as usize),
                    None => Some(attr.value.as_ref()),
                };
                if let Some(validated) = validated {
                    sanitize_path(validated, vulns, env);
                }
            }
            return;
        }
        if matches!(method, "startswith" | "is_relative_to") && !call.arguments.args.is_empty() {
            let receiver = self.eval(&attr.value, env);
            let mut vulns = VulnSet::of(&[Vuln::Redirect, Vuln::Ssrf]);
            if matches!(&receiver.kind, Kind::Made(q) if super::expr::is_normalizer(q)) {
                vulns = vulns.union(VulnSet::of(&[Vuln::Path]));
            }
            if method == "startswith" {
                // Only a prefix that fixes scheme and host (or a local path) validates a URL.
                let fixes = matches!(call.arguments.args.first(), Some(Expr::StringLiteral(s))
                    if super::expr::prefix_fixed_vulns(s.value.to_str()).is_some());
                if !fixes {
                    vulns = vulns.without(VulnSet::of(&[Vuln::Redirect, Vuln::Ssrf]));
                }
            }
            if !vulns.is_empty() {
                sanitize_path(&attr.value, vulns, env);
            }
        }
    }

    /// Whether `container` is an allow-list: a collection of constants, or any value that
    /// carries no input (not the request itself).
    fn is_allow_list(&mut self, container: &'a Expr, env: &mut Env<'a>) -> bool {
        let value = self.eval(container, env);
        value.kind == Kind::ConstCollection || (value.is_clean() && value.kind != Kind::Request)
    }
}

/// Cleans the variable (or part) `expr` names, for `vulns`.
pub(crate) fn sanitize_path<'a>(expr: &'a Expr, vulns: VulnSet, env: &mut Env<'a>) {
    if let Some((var, keys)) = path_of(expr) {
        sanitize_var(var, &keys, vulns, env);
    }
}

/// Cleans a variable (or its part at `keys`), for `vulns`.
fn sanitize_var(var: &str, keys: &[Key], vulns: VulnSet, env: &mut Env<'_>) {
    // A part at a key that is not constant cannot be cleaned alone.
    if keys
        .iter()
        .any(|k| matches!(k, Key::Attr(a) if &**a == UNKNOWN_KEY))
    {
        return;
    }
    let Some(current) = env.get_mut(var) else {
        return;
    };
    if keys.is_empty() {
        current.sanitize(vulns);
    } else {
        let mut part = current.read_path(keys);
        part.sanitize(vulns);
        current.set_path(keys, part, 0);
    }
    if !current.is_interesting() {
        env.remove(var);
    }
}

fn merge<'a>(into: &mut Flow<'a>, flow: Flow<'a>) {
    into.next = join_env(into.next.take(), flow.next);
    into.brk = join_env(into.brk.take(), flow.brk);
    into.cont = join_env(into.cont.take(), flow.cont);
}

/// Stands for a subscript whose key is not constant, in a path.
const UNKNOWN_KEY: &str = "[]";

/// The variable and constant keys an expression names: `x`, `self.name`, `d["k"][0]`.
pub(crate) fn path_of(expr: &Expr) -> Option<(&str, Vec<Key>)> {
    let mut keys = Vec::new();
    let mut current = expr;
    loop {
        if keys.len() > crate::value::MAX_DEPTH {
            return None;
        }
        match current {
            Expr::Name(name) => {
                keys.reverse();
                return Some((name.id.as_str(), keys));
            }
            Expr::Attribute(attr) => {
                keys.push(Key::Attr(Rc::from(attr.attr.as_str())));
                current = &attr.value;
            }
            Expr::Subscript(sub) => {
                keys.push(super::expr::const_key(&sub.slice).map_or(
                    Key::Attr(Rc::from(UNKNOWN_KEY)),
                    crate::value::KeyRef::to_key,
                ));
                current = &sub.value;
            }
            _ => return None,
        }
    }
}

/// The names a `match` pattern captures.
fn pattern_names<'a>(pattern: &'a ast::Pattern, names: &mut Vec<(&'a str, TextRange)>) {
    with_stack(|| match pattern {
        ast::Pattern::MatchAs(ast::PatternMatchAs { pattern, name, .. }) => {
            if let Some(pattern) = pattern {
                pattern_names(pattern, names);
            }
            if let Some(name) = name {
                names.push((name.as_str(), name.range()));
            }
        }
        ast::Pattern::MatchStar(ast::PatternMatchStar {
            name: Some(name), ..
        }) => {
            names.push((name.as_str(), name.range()));
        }
        ast::Pattern::MatchSequence(seq) => {
            for pattern in &seq.patterns {
                pattern_names(pattern, names);
            }
        }
        ast::Pattern::MatchMapping(mapping) => {
            for pattern in &mapping.patterns {
                pattern_names(pattern, names);
            }
            if let Some(rest) = &mapping.rest {
                names.push((rest.as_str(), rest.range()));
            }
        }
        ast::Pattern::MatchClass(class) => {
            for pattern in &class.arguments.patterns {
                pattern_names(pattern, names);
            }
            for keyword in &class.arguments.keywords {
                pattern_names(&keyword.pattern, names);
            }
        }
        ast::Pattern::MatchOr(or) => {
            for pattern in &or.patterns {
                pattern_names(pattern, names);
            }
        }
        _ => {}
    });
}

fn is_irrefutable(pattern: &ast::Pattern) -> bool {
    matches!(
        pattern,
        ast::Pattern::MatchAs(ast::PatternMatchAs { pattern: None, .. })
    )
}

impl Value {
    /// The part at a path of keys.
    pub(crate) fn read_path(&self, keys: &[Key]) -> Value {
        let mut current = self.clone();
        for key in keys {
            current = current.read(key.as_ref());
        }
        current
    }
}
