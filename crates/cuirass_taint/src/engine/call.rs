//! Calls: sinks, sources, sanitisers and propagators of the specification; functions, methods
//! and classes of this module (through their summaries); functions of other modules of the
//! project (through their exported summaries); and everything else, whose result carries the
//! taint of its arguments and receiver.

use std::rc::Rc;

use cuirass_python::ast::{self, Expr};
use cuirass_python::{Ranged, TextRange, qualified_name_of};

use super::frame::{Env, Frame, ParamsDesc, path_of};
use super::{FnId, ForeignLocal, Summary};
use crate::config::{PropagateFrom, PropagateTo, SourceKind};
use crate::project::Foreign;
use crate::spec::SinkDef;
use crate::value::{
    Guard, Key, KeyRef, Kind, Label, Origin, Step, Taint, Value, What, concat, join_taint,
    push_step, sanitize_taint,
};
use crate::vuln::{Vuln, VulnSet};

/// Methods that return the same kind of object as their receiver (paths, loggers).
const SAME_KIND_METHODS: &[&str] = &[
    "resolve",
    "absolute",
    "joinpath",
    "with_name",
    "with_suffix",
    "with_stem",
    "expanduser",
    "getChild",
    "bind",
];

/// Builtins that keep a collection of constants constant.
const COLLECTION_BUILTINS: &[&str] = &[
    "builtins.set",
    "builtins.frozenset",
    "builtins.tuple",
    "builtins.list",
    "builtins.sorted",
    "builtins.dict",
];

/// One argument of a call, evaluated.
pub(crate) struct Arg<'a> {
    pub value: Value,
    pub expr: &'a Expr,
    pub keyword: Option<&'a str>,
    /// `*args`
    pub starred: bool,
    /// `**kwargs`
    pub splat: bool,
}

impl<'a> Frame<'_, 'a> {
    pub(crate) fn eval_call(&mut self, call: &'a ast::ExprCall, env: &mut Env<'a>) -> Value {
        let mut args =
            Vec::with_capacity(call.arguments.args.len() + call.arguments.keywords.len());
        for arg in &call.arguments.args {
            let (expr, starred) = match arg {
                Expr::Starred(starred) => (starred.value.as_ref(), true),
                other => (other, false),
            };
            let value = self.eval(expr, env);
            args.push(Arg {
                value,
                expr,
                keyword: None,
                starred,
                splat: false,
            });
        }
        for keyword in &call.arguments.keywords {
            let value = self.eval(&keyword.value, env);
            args.push(Arg {
                value,
                expr: &keyword.value,
                keyword: keyword.arg.as_ref().map(ast::Identifier::as_str),
                starred: false,
                splat: keyword.arg.is_none(),
            });
        }
        let func = call.func.as_ref();
        let qualified = if self.head_is_import(func) {
            qualified_name_of(self.m.semantic, func)
        } else {
            None
        };
        if let Some(qualified) = &qualified {
            if let Some(value) = self.call_known(qualified, call, &args, env) {
                return value;
            }
            if let Some(value) = self.call_foreign(qualified, call, None, &args, env) {
                return value;
            }
        }
        match func {
            Expr::Name(name) => {
                if let Some(id) = self.m.local_function(name) {
                    return self.call_local(id, call, None, &args, env).0;
                }
                if let Some(class) = self.m.local_class(name) {
                    return self.construct(class, call, &args, env);
                }
                let mut value = propagate(&args, None);
                if let Some(qualified) = qualified {
                    if value.taint.iter().any(|l| l.origin.is_remote_source()) {
                        self.m.needs.borrow_mut().insert(qualified.clone());
                    }
                    if !qualified.starts_with("builtins.") {
                        value.sanitize(looked_up_vulns());
                    }
                    return Value {
                        kind: Kind::Made(Rc::from(qualified)),
                        ..value
                    };
                }
                value
            }
            Expr::Attribute(attr) => {
                let receiver = self.eval(&attr.value, env);
                let method = attr.attr.as_str();
                match &receiver.kind {
                    Kind::Instance(class) => {
                        if let Some(id) = self.m.method(*class, method) {
                            let (value, receiver_after) = self.call_local(
                                id,
                                call,
                                Some((receiver, &attr.value)),
                                &args,
                                env,
                            );
                            update_receiver(&attr.value, receiver_after, env);
                            return value;
                        }
                    }
                    Kind::Foreign(class) => {
                        let qualified = format!("{class}.{method}");
                        let receiver_copy = receiver.clone();
                        if let Some(value) = self.call_foreign(
                            &qualified,
                            call,
                            Some((receiver_copy, &attr.value)),
                            &args,
                            env,
                        ) {
                            return value;
                        }
                    }
                    _ => {}
                }
                // `Class.method(obj, …)` on a class of this module.
                if let Expr::Name(name) = attr.value.as_ref()
                    && let Some(class) = self.m.local_class(name)
                    && let Some(id) = self.m.method(class, method)
                {
                    return self.call_local(id, call, None, &args, env).0;
                }
                if let Some(qualified) = &qualified
                    && receiver.is_clean()
                    && receiver.kind == Kind::Plain
                {
                    // A function of a module nobody describes (`mylib.helper(x)`).
                    let mut value = propagate(&args, None);
                    if value.taint.iter().any(|l| l.origin.is_remote_source()) {
                        self.m.needs.borrow_mut().insert(qualified.clone());
                    }
                    value.sanitize(looked_up_vulns());
                    return Value {
                        kind: Kind::Made(Rc::from(qualified.as_str())),
                        ..value
                    };
                }
                self.call_method(method, &receiver, attr, call, &args, env)
            }
            other => {
                let callee = self.eval(other, env);
                propagate(&args, Some(&callee))
            }
        }
    }

    /// A call of a qualified name the specification describes. `None` when it does not.
    fn call_known(
        &mut self,
        qualified: &str,
        call: &'a ast::ExprCall,
        args: &[Arg<'a>],
        env: &mut Env<'a>,
    ) -> Option<Value> {
        let spec = self.m.spec;
        let imports = &self.m.framework.imports;
        let sinks = spec.sinks.get(qualified);
        let source = spec
            .sources
            .get(qualified)
            .filter(|s| s.kind == SourceKind::Call);
        let sanitizers: VulnSet = spec
            .sanitizers
            .get(qualified)
            .into_iter()
            .flatten()
            .filter(|s| s.applies(imports))
            .fold(VulnSet::EMPTY, |all, s| all.union(s.value));
        if let Some(validators) = spec.validators.get(qualified) {
            // `ok = url_has_allowed_host_and_scheme(url)`: `if ok:` validates `url`.
            for validator in validators.iter().filter(|v| v.applies(imports)) {
                let arg = validator
                    .value
                    .keyword
                    .as_deref()
                    .and_then(|k| args.iter().find(|a| a.keyword == Some(k)))
                    .or_else(|| {
                        args.iter()
                            .filter(|a| a.keyword.is_none() && !a.splat)
                            .nth(validator.value.position as usize)
                    });
                if let Some((var, keys)) = arg.and_then(|a| path_of(a.expr)) {
                    return Some(Value::with_kind(Kind::Guard(Rc::new(Guard {
                        var: Rc::from(var),
                        keys,
                        vulns: validator.value.vulns,
                    }))));
                }
            }
            return Some(Value::default());
        }
        let collection = COLLECTION_BUILTINS.contains(&qualified);
        let normalizer = is_normalizer_call(qualified);
        if sinks.is_none()
            && source.is_none()
            && sanitizers.is_empty()
            && !collection
            && !normalizer
            && !spec.propagators.contains_key(qualified)
        {
            return None;
        }
        // A flow is reported at its first sink: what a sink returns no longer counts for the
        // same class (`session.execute(text(sql))` is one finding, at `text`).
        let mut consumed = VulnSet::EMPTY;
        if let Some(sinks) = sinks {
            let written = self.sink_label(&call.func, Some(qualified));
            for sink in sinks {
                let label = sink
                    .label
                    .as_deref()
                    .map_or_else(|| written.clone(), Rc::from);
                self.check_sink(sink, &label, call, None, args, env);
                consumed = consumed.union(VulnSet::of(&[sink.vuln]));
            }
        }
        if let Some(source) = source {
            return Some(Value::from_taint(vec![self.source_label(
                call.range(),
                &source.label,
                source.confidence,
            )]));
        }
        let mut value = propagate(args, None);
        value.sanitize(sanitizers.union(consumed));
        value.kind = if collection
            && args
                .first()
                .is_some_and(|a| a.value.kind == Kind::ConstCollection)
        {
            Kind::ConstCollection
        } else {
            Kind::Made(Rc::from(qualified))
        };
        Some(value)
    }

    /// A method call on a value nothing else describes.
    fn call_method(
        &mut self,
        method: &'a str,
        receiver: &Value,
        attr: &'a ast::ExprAttribute,
        call: &'a ast::ExprCall,
        args: &[Arg<'a>],
        env: &mut Env<'a>,
    ) -> Value {
        let spec = self.m.spec;
        let imports = &self.m.framework.imports;
        let mut consumed = VulnSet::EMPTY;
        if let Some(sinks) = spec.method_sinks.get(method) {
            let written = self.sink_label(&call.func, None);
            for sink in sinks {
                if gated(&sink.imports, imports) && receiver_matches(sink, receiver, &attr.value) {
                    let label = sink
                        .label
                        .as_deref()
                        .map_or_else(|| written.clone(), Rc::from);
                    self.check_sink(sink, &label, call, Some(receiver), args, env);
                    consumed = consumed.union(VulnSet::of(&[sink.vuln]));
                }
            }
        }
        if receiver.kind == Kind::Request {
            return self.request_attribute(method, call.range(), true);
        }
        if let Some(source) = spec
            .method_sources
            .get(method)
            .into_iter()
            .flatten()
            .find(|s| gated(&s.imports, imports))
        {
            return Value::from_taint(vec![self.source_label(
                call.range(),
                &source.label,
                source.confidence,
            )]);
        }
        for propagator in spec.method_propagators.get(method).into_iter().flatten() {
            if !propagator.applies(imports) {
                continue;
            }
            let (from, to) = propagator.value;
            let mut taint = match from {
                PropagateFrom::Args => Taint::new(),
                PropagateFrom::Receiver | PropagateFrom::All => receiver.flatten(),
            };
            if from != PropagateFrom::Receiver {
                join_taint(&mut taint, &propagate(args, None).taint);
            }
            if to == PropagateTo::Receiver {
                self.taint_receiver(&attr.value, &taint, attr.range, env);
                return Value::default();
            }
            return Value::from_taint(taint);
        }
        let sanitizers: VulnSet = spec
            .method_sanitizers
            .get(method)
            .into_iter()
            .flatten()
            .filter(|s| s.applies(imports))
            .fold(consumed, |all, s| all.union(s.value));
        if let Some(validator) = spec
            .method_validators
            .get(method)
            .into_iter()
            .flatten()
            .find(|v| v.applies(imports))
        {
            // `ok = name.isdigit()` / `ok = PATTERN.fullmatch(name)`: `if ok:` validates it.
            let (position, vulns) = validator.value;
            let validated = match position {
                Some(position) => args
                    .iter()
                    .filter(|a| a.keyword.is_none() && !a.splat)
                    .nth(position as usize)
                    .map(|a| a.expr),
                None => Some(attr.value.as_ref()),
            };
            if let Some((var, keys)) = validated.and_then(path_of) {
                return Value::with_kind(Kind::Guard(Rc::new(Guard {
                    var: Rc::from(var),
                    keys,
                    vulns,
                })));
            }
            return Value::default();
        }
        if spec.clean_methods.contains(method) {
            return Value::default();
        }
        let mut value = match method {
            // `d.get("k", default)`: the part at the key, or the default.
            "get" | "pop" | "getlist" | "setdefault" => {
                let part = match args.first().filter(|a| a.keyword.is_none()) {
                    Some(first) => match super::expr::const_key(first.expr) {
                        Some(key) => receiver.read(key),
                        None => receiver.read_any(),
                    },
                    None => receiver.read_any(),
                };
                let mut taint = part.flatten();
                for arg in args.iter().skip(1) {
                    join_taint(&mut taint, &arg.value.flatten());
                }
                Value::from_taint(taint)
            }
            _ => propagate(args, Some(receiver)),
        };
        if !sanitizers.is_empty() {
            value.sanitize(sanitizers);
        }
        match method {
            "format" => {
                if let Some(format) = literal_text(&attr.value) {
                    // Arguments placed after a `?` or `#` are a query: they cannot pick a host.
                    if let Some(cut) = super::expr::placeholders_before_query(format, '{') {
                        let mut taint = receiver.flatten();
                        let mut position = 0;
                        for arg in args {
                            let mut part = arg.value.flatten();
                            if arg.keyword.is_none() && !arg.splat && !arg.starred {
                                if position >= cut {
                                    sanitize_taint(&mut part, super::expr::host_vulns());
                                }
                                position += 1;
                            }
                            join_taint(&mut taint, &part);
                        }
                        value.taint = taint;
                    }
                    if let Some(vulns) =
                        super::expr::prefix_fixed_vulns(format.split('{').next().unwrap_or(""))
                    {
                        value.sanitize(vulns);
                    }
                }
            }
            // `.replace("\n", "")` removes line breaks: no longer a log or header injection.
            "replace" => {
                if let Some(Expr::StringLiteral(old)) = args.first().map(|a| a.expr)
                    && old.value.to_str().contains(['\n', '\r'])
                {
                    value.sanitize(VulnSet::of(&[Vuln::Log, Vuln::Header]));
                }
            }
            _ => {}
        }
        if let Kind::Made(made) = &receiver.kind
            && SAME_KIND_METHODS.contains(&method)
        {
            value.kind = if method == "resolve" {
                Kind::Made(Rc::from("resolve"))
            } else {
                Kind::Made(made.clone())
            };
        }
        value
    }

    /// Checks the arguments a sink reads.
    fn check_sink(
        &mut self,
        sink: &SinkDef,
        label: &Rc<str>,
        call: &'a ast::ExprCall,
        receiver: Option<&Value>,
        args: &[Arg<'a>],
        env: &mut Env<'a>,
    ) {
        let keyword = |name: &str| args.iter().find(|a| a.keyword == Some(name));
        if sink.unless_keywords.iter().any(|k| keyword(k).is_some()) {
            return;
        }
        if let Some(safe) = &sink.safe_keyword {
            let value = keyword(&safe.name).map(|a| a.expr).or_else(|| {
                safe.position.and_then(|p| {
                    args.iter()
                        .filter(|a| a.keyword.is_none() && !a.starred)
                        .nth(p as usize)
                        .map(|a| a.expr)
                })
            });
            if value
                .and_then(|v| qualified_name_of(self.m.semantic, v))
                .is_some_and(|q| safe.values.contains(&q))
            {
                return;
            }
        }
        for name in &sink.html_only_keywords {
            if let Some(arg) = keyword(name)
                && let Expr::StringLiteral(literal) = arg.expr
                && !literal.value.to_str().to_ascii_lowercase().contains("html")
            {
                return;
            }
        }
        let program_only = sink.program_only_unless.as_deref().is_some_and(|flag| {
            keyword(flag).is_none_or(|a| super::expr::literal_truth(a.expr) == Some(false))
        });
        // A log message's `%r` arguments are escaped by `repr()`.
        let repr_positions: Vec<u32> = match args.first() {
            Some(Arg {
                expr: Expr::StringLiteral(message),
                keyword: None,
                ..
            }) if sink.vuln == Vuln::Log => {
                super::expr::percent_conversions(message.value.to_str())
                    .iter()
                    .zip(1u32..)
                    .filter(|(c, _)| **c == 'r')
                    .map(|(_, position)| position)
                    .collect()
            }
            _ => Vec::new(),
        };
        let mut taint = Taint::new();
        let mut position = 0u32;
        let mut after_star = false;
        // `**kwargs` can only supply a sink parameter that was not passed by position.
        let positional = args
            .iter()
            .filter(|a| a.keyword.is_none() && !a.splat)
            .count();
        let splat_reaches = !sink.keywords.is_empty()
            && (sink.positions.is_empty()
                || sink.positions.iter().any(|&p| p as usize >= positional));
        for arg in args {
            let selected = if arg.splat {
                splat_reaches
            } else if let Some(name) = arg.keyword {
                sink.keywords.iter().any(|k| k == name)
            } else if !arg.starred && repr_positions.contains(&position) {
                position += 1;
                false
            } else {
                let selected = sink.all_positional
                    || sink.positions.contains(&position)
                    || (arg.starred && sink.positions.iter().any(|&p| p >= position))
                    || (after_star && !sink.positions.is_empty());
                after_star |= arg.starred;
                position += 1;
                selected
            };
            if !selected {
                continue;
            }
            let value = if program_only && !arg.splat {
                // Without a shell only the program (the first element of a list) is a command.
                match &arg.value.fields {
                    Some(_) => arg.value.read(KeyRef::Int(0)),
                    None => arg.value.clone(),
                }
            } else {
                arg.value.clone()
            };
            join_taint(&mut taint, &value.flatten());
        }
        if sink.receiver
            && let Some(receiver) = receiver
        {
            join_taint(&mut taint, &receiver.flatten());
        }
        if !taint.is_empty() {
            let _ = env;
            self.sink(&taint, sink.vuln, call.range(), label);
        }
    }

    /// Adds taint to the variable (or part) a receiver expression names: `items.append(x)`.
    fn taint_receiver(
        &mut self,
        receiver: &'a Expr,
        taint: &Taint,
        range: TextRange,
        env: &mut Env<'a>,
    ) {
        if taint.is_empty() {
            return;
        }
        let Some((var, keys)) = path_of(receiver) else {
            return;
        };
        let Some(current) = env.get(var) else {
            // Only variables of this frame are tracked.
            if !self
                .m
                .semantic
                .scopes
                .get(self.scope)
                .is_some_and(|scope| scope.has(var))
            {
                return;
            }
            let mut value = Value::default();
            value.add_taint(taint);
            let value = value.with_step(range, &What::Store);
            let mut root = Value::default();
            root.set_path(&keys, value, 0);
            env.insert(var, root);
            return;
        };
        let mut current = current.clone();
        let mut part = current.read_path(&keys);
        let mut added = Value::from_taint(taint.clone());
        added.add_step(range, &What::Store);
        part.add_taint(&added.taint);
        if keys.is_empty() {
            current.taint = part.taint;
        } else {
            current.set_path(&keys, part, 0);
        }
        env.insert(var, current);
    }

    /// Calls a function of this module through its summary. Returns the result and, for a
    /// method call, the receiver as the method left it.
    fn call_local(
        &mut self,
        id: FnId,
        call: &'a ast::ExprCall,
        receiver: Option<(Value, &'a Expr)>,
        args: &[Arg<'a>],
        env: &mut Env<'a>,
    ) -> (Value, Option<Value>) {
        self.call_local_named(id, None, call, receiver, args, env)
    }

    /// [`Self::call_local`], naming the callee `name` in paths (a class for its `__init__`).
    fn call_local_named(
        &mut self,
        id: FnId,
        name: Option<&str>,
        call: &'a ast::ExprCall,
        receiver: Option<(Value, &'a Expr)>,
        args: &[Arg<'a>],
        env: &mut Env<'a>,
    ) -> (Value, Option<Value>) {
        let summary = if self.use_summaries {
            self.m.summary(id)
        } else {
            None
        };
        let Some(summary) = summary else {
            let receiver_value = receiver.as_ref().map(|(v, _)| v);
            return (propagate(args, receiver_value), None);
        };
        let name: Rc<str> = match name {
            Some(name) => Rc::from(name),
            None => self
                .m
                .function(id)
                .map_or_else(|| Rc::from("function"), |f| Rc::from(f.def.name.as_str())),
        };
        self.apply(&summary, &name, call, receiver, args, env)
    }

    /// Applies a summary at a call.
    fn apply(
        &mut self,
        summary: &Summary,
        name: &Rc<str>,
        call: &'a ast::ExprCall,
        receiver: Option<(Value, &'a Expr)>,
        args: &[Arg<'a>],
        env: &mut Env<'a>,
    ) -> (Value, Option<Value>) {
        let receiver_expr = receiver.as_ref().map(|(_, e)| *e);
        let bound = bind(&summary.params, receiver, args, call.range());
        let subst = Subst {
            bound: &bound,
            callee: name,
        };
        let result = subst
            .value(&summary.ret)
            .with_step(call.range(), &What::Return(name.clone()));
        for hit in &summary.sinks {
            for label in subst.label(&hit.label) {
                self.callee_sink(&label, hit.vuln, &hit.site, call.range());
            }
        }
        let mut receiver_after = None;
        for (index, effect) in &summary.effects {
            let effect = subst.value(effect);
            let Some(slot) = bound.get(*index as usize) else {
                continue;
            };
            let mut updated = slot.value.clone();
            if let Some(fields) = &effect.fields {
                for (key, value) in fields.iter() {
                    updated.set_path(std::slice::from_ref(key), value.clone(), 0);
                }
            }
            updated.add_taint(&effect.taint);
            if *index == 0 && summary.params.method && receiver_expr.is_some() {
                receiver_after = Some(updated);
            } else if let Some(expr) = slot.expr
                && let Some((var, keys)) = path_of(expr)
                && env.contains_key(var)
            {
                if keys.is_empty() {
                    env.insert(var, updated);
                } else if let Some(current) = env.get_mut(var) {
                    current.set_path(&keys, updated, 0);
                }
            }
        }
        (result, receiver_after)
    }

    /// `Class(…)`: an instance whose parts are what `__init__` stored into `self`.
    fn construct(
        &mut self,
        class: u32,
        call: &'a ast::ExprCall,
        args: &[Arg<'a>],
        env: &mut Env<'a>,
    ) -> Value {
        let instance = Value::with_kind(Kind::Instance(class));
        let init = self.m.method(class, "__init__");
        match init {
            Some(id) if self.use_summaries => {
                let class_name = self
                    .m
                    .classes
                    .get(class as usize)
                    .map(|c| c.def.name.as_str());
                let (_, after) = self.call_local_named(
                    id,
                    class_name,
                    call,
                    Some((instance.clone(), call.func.as_ref())),
                    args,
                    env,
                );
                let mut value = after.unwrap_or(instance);
                value.kind = Kind::Instance(class);
                value
            }
            Some(_) => {
                let mut value = instance;
                value.add_taint(&propagate(args, None).taint);
                value
            }
            // Data classes, ORM models: keyword arguments become attributes.
            None => construct_from_keywords(instance, args),
        }
    }

    /// A call of a function or class of another module of the project (phase 2).
    fn call_foreign(
        &mut self,
        qualified: &str,
        call: &'a ast::ExprCall,
        receiver: Option<(Value, &'a Expr)>,
        args: &[Arg<'a>],
        env: &mut Env<'a>,
    ) -> Option<Value> {
        let foreign = self.foreign(qualified)?;
        let name: Rc<str> = Rc::from(qualified.rsplit('.').next().unwrap_or(qualified));
        match &*foreign {
            ForeignLocal::Function(summary) => {
                let receiver_expr = receiver.as_ref().map(|(_, e)| *e);
                let (value, after) = self.apply(summary, &name, call, receiver, args, env);
                if let Some(expr) = receiver_expr {
                    update_receiver(expr, after, env);
                }
                Some(value)
            }
            ForeignLocal::Class(summary, class) => {
                let instance = Value::with_kind(Kind::Foreign(class.clone()));
                let (_, after) = self.apply(
                    summary,
                    &name,
                    call,
                    Some((instance.clone(), call.func.as_ref())),
                    args,
                    env,
                );
                let mut value = after.unwrap_or(instance);
                value.kind = Kind::Foreign(class.clone());
                Some(value)
            }
            ForeignLocal::DataClass(class) => Some(construct_from_keywords(
                Value::with_kind(Kind::Foreign(class.clone())),
                args,
            )),
            ForeignLocal::Global(_) => None,
        }
    }

    /// A global of another module of the project (phase 2).
    pub(crate) fn foreign_global(&self, qualified: &str) -> Option<Value> {
        match &*self.foreign(qualified)? {
            ForeignLocal::Global(value) => Some(value.clone()),
            _ => None,
        }
    }

    /// Looks a qualified name up in the project (cached per module).
    fn foreign(&self, qualified: &str) -> Option<Rc<ForeignLocal>> {
        let project = self.m.project?;
        if self.m.depth == 0 {
            return None;
        }
        if let Some(cached) = self.m.foreign.borrow().get(qualified) {
            return cached.clone();
        }
        let found = project
            .foreign(&self.m.key, qualified, self.m.spec, self.m.depth)
            .map(|foreign| {
                Rc::new(match foreign {
                    Foreign::Function(summary) => ForeignLocal::Function(Rc::new(summary)),
                    Foreign::Class(summary, class) => {
                        ForeignLocal::Class(Rc::new(summary), Rc::from(class))
                    }
                    Foreign::DataClass(class) => ForeignLocal::DataClass(Rc::from(class)),
                    Foreign::Global(value) => ForeignLocal::Global(value),
                })
            });
        self.m
            .foreign
            .borrow_mut()
            .insert(qualified.to_string(), found.clone());
        found
    }
}

/// Whether a method sink's receiver condition holds.
fn receiver_matches(sink: &SinkDef, receiver: &Value, receiver_expr: &Expr) -> bool {
    if sink.receivers.is_empty() && sink.receiver_names.is_empty() {
        return true;
    }
    if let Kind::Made(made) = &receiver.kind
        && sink.receivers.iter().any(|r| **r == **made)
    {
        return true;
    }
    let name = match receiver_expr {
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Attribute(attr) => Some(attr.attr.as_str()),
        _ => None,
    };
    name.is_some_and(|n| sink.receiver_names.iter().any(|r| r == n))
}

/// Stores a receiver's new state (a method changed `self`'s parts) back into its variable.
fn update_receiver<'a>(receiver: &'a Expr, value: Option<Value>, env: &mut Env<'a>) {
    let Some(value) = value else { return };
    let Some((var, keys)) = path_of(receiver) else {
        return;
    };
    if !env.contains_key(var) {
        return;
    }
    if keys.is_empty() {
        env.insert(var, value);
    } else if let Some(current) = env.get_mut(var) {
        current.set_path(&keys, value, 0);
    }
}

/// What an unknown function's result no longer counts as input for: it carries the taint of
/// its arguments for injections (`helper(x)` may well return `x` reformatted), but what it
/// returns is usually looked up or computed from them (`auth.check_login(name, password)`
/// returns the user row), which is not the client's text in a log line or the session.
fn looked_up_vulns() -> VulnSet {
    VulnSet::of(&[Vuln::TrustBoundary, Vuln::Log])
}

fn construct_from_keywords(mut instance: Value, args: &[Arg<'_>]) -> Value {
    for arg in args {
        match arg.keyword {
            Some(name) => instance.set_path(&[Key::Attr(Rc::from(name))], arg.value.clone(), 0),
            None => instance.add_taint(&arg.value.flatten()),
        }
    }
    instance
}

fn gated(imports: &[String], module_imports: &std::collections::HashSet<String>) -> bool {
    imports.is_empty() || imports.iter().any(|i| module_imports.contains(i))
}

fn is_normalizer_call(name: &str) -> bool {
    super::expr::is_normalizer(name)
}

/// The literal text of a string expression (`"…".format(…)`).
fn literal_text(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::StringLiteral(s) => Some(s.value.to_str()),
        _ => None,
    }
}

/// The result of a call nothing describes: the taint of every argument and the receiver.
pub(crate) fn propagate(args: &[Arg<'_>], receiver: Option<&Value>) -> Value {
    let mut taint = Taint::new();
    for arg in args {
        join_taint(&mut taint, &arg.value.flatten());
    }
    if let Some(receiver) = receiver {
        join_taint(&mut taint, &receiver.flatten());
    }
    Value::from_taint(taint)
}

/// A parameter's value at a call, and the argument expression it came from.
pub(crate) struct Bound<'a> {
    pub value: Value,
    pub expr: Option<&'a Expr>,
    pub range: TextRange,
}

/// Binds the arguments of a call to the parameters of `params`.
fn bind<'a>(
    params: &ParamsDesc,
    receiver: Option<(Value, &'a Expr)>,
    args: &[Arg<'a>],
    call: TextRange,
) -> Vec<Bound<'a>> {
    let mut bound: Vec<Bound<'a>> = params
        .names
        .iter()
        .map(|_| Bound {
            value: Value::default(),
            expr: None,
            range: call,
        })
        .collect();
    let mut next = 0usize;
    if let Some((value, expr)) = receiver
        && params.method
    {
        if let Some(slot) = bound.get_mut(0) {
            *slot = Bound {
                value,
                expr: Some(expr),
                range: expr.range(),
            };
        }
        next = 1;
    }
    let mut spread: Option<Value> = None;
    for arg in args {
        if arg.splat {
            // `**kwargs` may fill any keyword-capable parameter.
            for (index, slot) in bound.iter_mut().enumerate() {
                if index >= params.posonly && slot.expr.is_none() {
                    slot.value = slot.value.join(&arg.value.read_any());
                    slot.expr = Some(arg.expr);
                    slot.range = arg.expr.range();
                }
            }
            continue;
        }
        if let Some(name) = arg.keyword {
            let index = params
                .names
                .iter()
                .enumerate()
                .skip(params.posonly)
                .find(|(i, n)| *n == name && Some(*i) != params.vararg)
                .map(|(i, _)| i)
                .or(params.kwarg);
            if let Some(slot) = index.and_then(|i| bound.get_mut(i)) {
                slot.value = if Some(index) == Some(params.kwarg) {
                    slot.value.join(&Value::from_taint(arg.value.flatten()))
                } else {
                    arg.value.clone()
                };
                slot.expr = Some(arg.expr);
                slot.range = arg.expr.range();
            }
            continue;
        }
        if arg.starred {
            spread = Some(match spread {
                Some(previous) => previous.join(&arg.value.read_any()),
                None => arg.value.read_any(),
            });
            continue;
        }
        if let Some(spread) = &spread {
            // After `*args`, positions are unknown.
            for slot in bound.iter_mut().take(params.positional).skip(next) {
                slot.value = slot.value.join(spread);
            }
        }
        if next < params.positional {
            if let Some(slot) = bound.get_mut(next) {
                *slot = Bound {
                    value: arg.value.clone(),
                    expr: Some(arg.expr),
                    range: arg.expr.range(),
                };
            }
            next += 1;
        } else if let Some(slot) = params.vararg.and_then(|i| bound.get_mut(i)) {
            slot.value.add_taint(&arg.value.flatten());
            slot.expr = Some(arg.expr);
            slot.range = arg.expr.range();
        }
    }
    if let Some(spread) = spread {
        for slot in bound.iter_mut().take(params.positional).skip(next) {
            slot.value = slot.value.join(&spread);
        }
        if let Some(slot) = params.vararg.and_then(|i| bound.get_mut(i)) {
            slot.value = slot.value.join(&spread);
        }
    }
    bound
}

/// Rewrites a callee's labels into the caller's terms.
struct Subst<'b, 'a> {
    bound: &'b [Bound<'a>],
    callee: &'b Rc<str>,
}

impl Subst<'_, '_> {
    /// The caller's labels for one label of the callee.
    fn label(&self, label: &Label) -> Taint {
        let (index, key) = match &label.origin {
            Origin::Source(_) => return vec![label.clone()],
            Origin::Param(index) => (*index, None),
            Origin::ParamField(index, key) => (*index, Some(key)),
        };
        let Some(slot) = self.bound.get(index as usize) else {
            return Taint::new();
        };
        let actual = match key {
            Some(key) => slot.value.read(key.as_ref()),
            None => slot.value.clone(),
        };
        let mut taint = Taint::new();
        for outer in actual.flatten() {
            let mask = outer.mask.intersect(label.mask);
            if mask.is_empty() {
                continue;
            }
            let trace = push_step(
                &outer.trace,
                Step::Here {
                    range: slot.range,
                    what: What::Arg(self.callee.clone()),
                },
            );
            crate::value::add_label(
                &mut taint,
                Label {
                    origin: outer.origin.clone(),
                    mask,
                    trace: concat(&trace, &label.trace),
                },
            );
        }
        taint
    }

    /// The caller's value for a value of the callee (the return value, an effect).
    fn value(&self, value: &Value) -> Value {
        // `return param` keeps the argument's structure and kind.
        if let ([single], None) = (value.taint.as_slice(), &value.fields)
            && let Origin::Param(index) = single.origin
            && value.kind == Kind::Plain
            && let Some(slot) = self.bound.get(index as usize)
        {
            let mut actual = slot.value.clone();
            self.transfer(&mut actual, slot.range, single);
            return actual;
        }
        let mut taint = Taint::new();
        for label in &value.taint {
            join_taint(&mut taint, &self.label(label));
        }
        let fields = value.fields.as_ref().map(|fields| {
            Rc::new(
                fields
                    .iter()
                    .map(|(key, part)| (key.clone(), self.value(part)))
                    .collect::<Vec<_>>(),
            )
        });
        Value {
            taint,
            fields,
            kind: value.kind.clone(),
        }
    }

    /// Continues every label of `value` with the callee's path of `inner`.
    fn transfer(&self, value: &mut Value, range: TextRange, inner: &Label) {
        for label in &mut value.taint {
            label.mask = label.mask.intersect(inner.mask);
            let trace = push_step(
                &label.trace,
                Step::Here {
                    range,
                    what: What::Arg(self.callee.clone()),
                },
            );
            label.trace = concat(&trace, &inner.trace);
        }
        value.taint.retain(|l| !l.mask.is_empty());
        if let Some(fields) = &mut value.fields {
            for (_, part) in Rc::make_mut(fields).iter_mut() {
                self.transfer(part, range, inner);
            }
        }
    }
}
