//! Abstract values: what the engine knows about a Python value.
//!
//! A [`Value`] holds the labels that taint it as a whole, the values of its parts with constant
//! keys (`d["a"]`, `obj.attr`, `t[0]`), and a [`Kind`] (a request object, what built it, a
//! constant). A [`Label`] is one origin of taint — a source, or a parameter of the function
//! being summarised — with the classes it is still dangerous for and the [`Trace`] of steps it
//! took. Everything is bounded: at most [`MAX_LABELS`] labels per value, [`MAX_FIELDS`] parts
//! per value, [`MAX_DEPTH`] levels of parts and [`MAX_TRACE`] steps per trace, so no input can
//! make values grow without limit.

use std::rc::Rc;
use std::sync::Arc;

use cuirass_diagnostics::{Confidence, FlowStep};
use cuirass_python::TextRange;

use crate::vuln::VulnSet;

/// Labels kept per value; more origins than this are dropped (the first ones win).
pub(crate) const MAX_LABELS: usize = 6;
/// Parts with constant keys kept per value; beyond, new parts merge into the whole.
pub(crate) const MAX_FIELDS: usize = 24;
/// Nesting of parts (`a["x"]["y"]…`).
pub(crate) const MAX_DEPTH: usize = 4;
/// Steps kept per trace; later steps are dropped (the sink is always added).
pub(crate) const MAX_TRACE: u16 = 40;

/// What happens at a step, rendered into a message when a finding is built.
#[derive(Debug, Clone)]
pub(crate) enum What {
    /// Untrusted data enters: the source's label.
    Source(Rc<str>),
    /// Assigned to the target at the step's range.
    Assign,
    /// Stored into the target at the step's range (`d["a"] = …`, `self.x = …`).
    Store,
    /// Passed as an argument to the named function.
    Arg(Rc<str>),
    /// Received as the parameter at the step's range.
    Param,
    /// Returned by a call of the named function.
    Return(Rc<str>),
    /// Arrives at the named sink.
    Sink(Rc<str>),
}

/// One step: in the file being analysed, or already resolved (another module).
#[derive(Debug, Clone)]
pub(crate) enum Step {
    Here { range: TextRange, what: What },
    There(Arc<FlowStep>),
}

/// A persistent list of steps, newest first (sharing tails between labels is free).
pub(crate) type Trace = Option<Rc<TraceNode>>;

#[derive(Debug)]
pub(crate) struct TraceNode {
    pub step: Step,
    pub prev: Trace,
    pub len: u16,
}

/// Appends a step (nothing once the trace is [`MAX_TRACE`] long).
pub(crate) fn push_step(trace: &Trace, step: Step) -> Trace {
    let len = trace.as_ref().map_or(0, |node| node.len);
    if len >= MAX_TRACE {
        return trace.clone();
    }
    Some(Rc::new(TraceNode {
        step,
        prev: trace.clone(),
        len: len + 1,
    }))
}

/// The steps of a trace, oldest first.
pub(crate) fn trace_steps(trace: &Trace) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut node = trace.as_ref();
    while let Some(current) = node {
        steps.push(current.step.clone());
        node = current.prev.as_ref();
    }
    steps.reverse();
    steps
}

/// `first`'s steps followed by `then`'s.
pub(crate) fn concat(first: &Trace, then: &Trace) -> Trace {
    let mut trace = first.clone();
    for step in trace_steps(then) {
        trace = push_step(&trace, step);
    }
    trace
}

/// A constant key of a part: an attribute, a string key or an integer index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Key {
    Attr(Rc<str>),
    Str(Rc<str>),
    Int(i64),
}

/// A key as found in the tree, before it is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyRef<'k> {
    Attr(&'k str),
    Str(&'k str),
    Int(i64),
}

impl Key {
    pub(crate) fn is(&self, other: KeyRef<'_>) -> bool {
        match (self, other) {
            (Key::Attr(a), KeyRef::Attr(b)) | (Key::Str(a), KeyRef::Str(b)) => &**a == b,
            (Key::Int(a), KeyRef::Int(b)) => *a == b,
            _ => false,
        }
    }

    pub(crate) fn as_ref(&self) -> KeyRef<'_> {
        match self {
            Key::Attr(a) => KeyRef::Attr(a),
            Key::Str(s) => KeyRef::Str(s),
            Key::Int(i) => KeyRef::Int(*i),
        }
    }
}

impl KeyRef<'_> {
    pub(crate) fn to_key(self) -> Key {
        match self {
            KeyRef::Attr(a) => Key::Attr(Rc::from(a)),
            KeyRef::Str(s) => Key::Str(Rc::from(s)),
            KeyRef::Int(i) => Key::Int(i),
        }
    }
}

/// A source occurrence. Two labels from the same occurrence are the same origin.
#[derive(Debug)]
pub(crate) struct SourceInfo {
    /// The file (0: the one analysed) and offset of the occurrence.
    pub key: u64,
    pub label: Rc<str>,
    pub confidence: Confidence,
}

/// Where a label's taint comes from.
#[derive(Debug, Clone)]
pub(crate) enum Origin {
    Source(Rc<SourceInfo>),
    /// A parameter of the function being summarised (by index).
    Param(u16),
    /// A part of a parameter (`self.x`, `options["q"]`).
    ParamField(u16, Key),
}

impl PartialEq for Origin {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Origin::Source(a), Origin::Source(b)) => a.key == b.key,
            (Origin::Param(a), Origin::Param(b)) => a == b,
            (Origin::ParamField(a, ka), Origin::ParamField(b, kb)) => a == b && ka == kb,
            _ => false,
        }
    }
}

impl Origin {
    pub(crate) fn is_source(&self) -> bool {
        matches!(self, Origin::Source(_))
    }

    /// A source of high confidence (web input, configured sources): the ones whose flows are
    /// followed across modules. The command line and the environment stay within a module.
    pub(crate) fn is_remote_source(&self) -> bool {
        matches!(self, Origin::Source(info) if info.confidence == Confidence::High)
    }
}

/// One origin of taint with the classes it is still dangerous for and its path so far.
#[derive(Debug, Clone)]
pub(crate) struct Label {
    pub origin: Origin,
    pub mask: VulnSet,
    pub trace: Trace,
}

/// The labels of a value.
pub(crate) type Taint = Vec<Label>;

/// Adds `label` to `taint`: an origin already present widens its mask, a new one is added
/// while there is room.
pub(crate) fn add_label(taint: &mut Taint, label: Label) {
    if label.mask.is_empty() {
        return;
    }
    if let Some(existing) = taint.iter_mut().find(|l| l.origin == label.origin) {
        existing.mask = existing.mask.union(label.mask);
        return;
    }
    if taint.len() < MAX_LABELS {
        taint.push(label);
    }
}

pub(crate) fn join_taint(into: &mut Taint, from: &Taint) {
    for label in from {
        add_label(into, label.clone());
    }
}

/// Whether two label sets hold the same origins with the same masks (traces aside).
pub(crate) fn same_taint(a: &Taint, b: &Taint) -> bool {
    a.len() == b.len()
        && a.iter().all(|la| {
            b.iter()
                .any(|lb| la.origin == lb.origin && la.mask == lb.mask)
        })
}

/// Removes `vulns` from every label; labels left with nothing are dropped.
pub(crate) fn sanitize_taint(taint: &mut Taint, vulns: VulnSet) {
    for label in taint.iter_mut() {
        label.mask = label.mask.without(vulns);
    }
    taint.retain(|label| !label.mask.is_empty());
}

/// A literal the engine keeps for constant conditions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Const {
    /// Its truth value.
    Truth(bool),
}

/// What else is known about a value.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) enum Kind {
    #[default]
    Plain,
    /// A literal (for constant conditions).
    Const(Const),
    /// A web request object: reading a request attribute off it is input.
    Request,
    /// The result of calling this qualified name (a session, a logger, a path).
    Made(Rc<str>),
    /// An instance of a class of this module.
    Instance(u32),
    /// An instance of a class of another module of the project (qualified name).
    Foreign(Rc<str>),
    /// A collection whose every element is a constant (an allow-list).
    ConstCollection,
    /// The result of a validation (`ok = is_safe(url)`): where it is true, the variable (or
    /// part) is clean for the classes.
    Guard(Rc<Guard>),
}

/// What a validation result vouches for.
#[derive(Debug, PartialEq)]
pub(crate) struct Guard {
    pub var: Rc<str>,
    pub keys: Vec<Key>,
    pub vulns: VulnSet,
}

/// An abstract value.
#[derive(Debug, Clone, Default)]
pub(crate) struct Value {
    pub taint: Taint,
    pub fields: Option<Rc<Vec<(Key, Value)>>>,
    pub kind: Kind,
}

impl Value {
    pub(crate) fn with_kind(kind: Kind) -> Self {
        Value {
            kind,
            ..Value::default()
        }
    }

    pub(crate) fn from_taint(taint: Taint) -> Self {
        Value {
            taint,
            ..Value::default()
        }
    }

    /// Whether the value carries no taint at all, in any part.
    pub(crate) fn is_clean(&self) -> bool {
        self.taint.is_empty()
            && self
                .fields
                .as_ref()
                .is_none_or(|fields| fields.iter().all(|(_, v)| v.is_clean()))
    }

    /// Whether the value is worth keeping in an environment (not a clean plain value).
    pub(crate) fn is_interesting(&self) -> bool {
        !self.is_clean() || self.kind != Kind::Plain || self.fields.is_some()
    }

    /// Every label of the value and its parts.
    pub(crate) fn flatten(&self) -> Taint {
        let mut taint = self.taint.clone();
        if let Some(fields) = &self.fields {
            for (_, value) in fields.iter() {
                join_taint(&mut taint, &value.flatten());
            }
        }
        taint
    }

    /// The part at `key`: the stored part, or else the whole value's labels (a parameter's
    /// labels become labels of that part of the parameter).
    pub(crate) fn read(&self, key: KeyRef<'_>) -> Value {
        if let Some(fields) = &self.fields
            && let Some((_, value)) = fields.iter().find(|(k, _)| k.is(key))
        {
            return value.clone();
        }
        Value::from_taint(self.taint.iter().map(|l| part_label(l, key)).collect())
    }

    /// Any part (a key that is not constant): the whole value and every part.
    pub(crate) fn read_any(&self) -> Value {
        Value::from_taint(self.flatten())
    }

    /// Stores `value` at the path `keys` (strong update). Parts deeper than [`MAX_DEPTH`] in
    /// all merge into their ancestor, so no value nests without limit.
    pub(crate) fn set_path(&mut self, keys: &[Key], mut value: Value, depth: usize) {
        let Some((first, rest)) = keys.split_first() else {
            value.truncate(MAX_DEPTH.saturating_sub(depth));
            *self = value;
            return;
        };
        if depth >= MAX_DEPTH {
            join_taint(&mut self.taint, &value.flatten());
            return;
        }
        let fields = Rc::make_mut(self.fields.get_or_insert_with(Default::default));
        if let Some((_, existing)) = fields.iter_mut().find(|(k, _)| k == first) {
            existing.set_path(rest, value, depth + 1);
            return;
        }
        if fields.len() >= MAX_FIELDS {
            join_taint(&mut self.taint, &value.flatten());
            return;
        }
        // A part read before it is stored is the whole value's part.
        let mut part = Value::from_taint(
            self.taint
                .iter()
                .map(|l| part_label(l, first.as_ref()))
                .collect(),
        );
        part.set_path(rest, value, depth + 1);
        fields.push((first.clone(), part));
    }

    /// Keeps at most `levels` levels of parts; deeper parts merge into their ancestor.
    fn truncate(&mut self, levels: usize) {
        let Some(fields) = &mut self.fields else {
            return;
        };
        if levels == 0 {
            let taint = self.flatten();
            self.taint = taint;
            self.fields = None;
            return;
        }
        for (_, part) in Rc::make_mut(fields).iter_mut() {
            part.truncate(levels - 1);
        }
    }

    /// Adds `taint` to the whole value (a store at a key that is not constant, `append`).
    pub(crate) fn add_taint(&mut self, taint: &Taint) {
        join_taint(&mut self.taint, taint);
    }

    /// Removes `vulns` from every label of the value and its parts.
    pub(crate) fn sanitize(&mut self, vulns: VulnSet) {
        sanitize_taint(&mut self.taint, vulns);
        if let Some(fields) = &mut self.fields {
            for (_, value) in Rc::make_mut(fields).iter_mut() {
                value.sanitize(vulns);
            }
        }
    }

    /// The least value above both (branches meeting).
    pub(crate) fn join(&self, other: &Value) -> Value {
        let mut taint = self.taint.clone();
        join_taint(&mut taint, &other.taint);
        let fields = match (&self.fields, &other.fields) {
            (None, None) => None,
            (Some(a), Some(b)) if Rc::ptr_eq(a, b) => Some(a.clone()),
            _ => {
                let mut joined: Vec<(Key, Value)> = Vec::new();
                for (key, value) in self.fields.iter().flat_map(|f| f.iter()) {
                    joined.push((key.clone(), value.join(&other.read(key.as_ref()))));
                }
                for (key, value) in other.fields.iter().flat_map(|f| f.iter()) {
                    if !joined.iter().any(|(k, _)| k == key) {
                        joined.push((key.clone(), self.read(key.as_ref()).join(value)));
                    }
                }
                Some(Rc::new(joined))
            }
        };
        let kind = if self.kind == other.kind {
            self.kind.clone()
        } else {
            Kind::Plain
        };
        Value {
            taint,
            fields,
            kind,
        }
    }

    /// Whether two values are the same for the fixpoint (traces aside).
    pub(crate) fn same_as(&self, other: &Value) -> bool {
        if !same_taint(&self.taint, &other.taint) || self.kind != other.kind {
            return false;
        }
        match (&self.fields, &other.fields) {
            (None, None) => true,
            (Some(a), Some(b)) => {
                Rc::ptr_eq(a, b)
                    || (a.len() == b.len()
                        && a.iter().all(|(key, value)| {
                            b.iter()
                                .find(|(k, _)| k == key)
                                .is_some_and(|(_, v)| value.same_as(v))
                        }))
            }
            _ => false,
        }
    }

    /// Adds a step to every label (and part).
    pub(crate) fn with_step(mut self, range: TextRange, what: &What) -> Value {
        self.add_step(range, what);
        self
    }

    pub(crate) fn add_step(&mut self, range: TextRange, what: &What) {
        for label in &mut self.taint {
            label.trace = push_step(
                &label.trace,
                Step::Here {
                    range,
                    what: what.clone(),
                },
            );
        }
        if let Some(fields) = &mut self.fields
            && fields.iter().any(|(_, v)| !v.is_clean())
        {
            for (_, value) in Rc::make_mut(fields).iter_mut() {
                value.add_step(range, what);
            }
        }
    }
}

/// A label of a whole value seen as a label of its part at `key`.
fn part_label(label: &Label, key: KeyRef<'_>) -> Label {
    match &label.origin {
        Origin::Param(index) => Label {
            origin: Origin::ParamField(*index, key.to_key()),
            mask: label.mask,
            trace: label.trace.clone(),
        },
        _ => label.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(key: u64) -> Label {
        Label {
            origin: Origin::Source(Rc::new(SourceInfo {
                key,
                label: Rc::from("`x`"),
                confidence: Confidence::High,
            })),
            mask: VulnSet::ALL,
            trace: None,
        }
    }

    #[test]
    fn parts_are_tracked_by_key() {
        let mut dict = Value::default();
        dict.set_path(
            &[Key::Str(Rc::from("a"))],
            Value::from_taint(vec![source(1)]),
            0,
        );
        dict.set_path(&[Key::Str(Rc::from("b"))], Value::default(), 0);
        assert!(!dict.read(KeyRef::Str("a")).is_clean());
        assert!(dict.read(KeyRef::Str("b")).is_clean());
        assert!(dict.read(KeyRef::Str("c")).is_clean());
        assert!(!dict.read_any().is_clean());
        // A strong update makes the part clean again.
        dict.set_path(&[Key::Str(Rc::from("a"))], Value::default(), 0);
        assert!(dict.is_clean());
    }

    #[test]
    fn parameter_parts_become_field_origins() {
        let param = Value::from_taint(vec![Label {
            origin: Origin::Param(0),
            mask: VulnSet::ALL,
            trace: None,
        }]);
        let part = param.read(KeyRef::Attr("name"));
        assert!(
            matches!(&part.taint[0].origin, Origin::ParamField(0, Key::Attr(n)) if &**n == "name")
        );
    }

    #[test]
    fn join_keeps_parts_of_both_sides() {
        let mut a = Value::default();
        a.set_path(&[Key::Int(0)], Value::from_taint(vec![source(1)]), 0);
        let b = Value::default();
        let joined = a.join(&b);
        assert!(!joined.read(KeyRef::Int(0)).is_clean());
        assert!(joined.read(KeyRef::Int(1)).is_clean());
        assert!(joined.same_as(&b.join(&a)));
        assert!(!joined.same_as(&b));
    }

    #[test]
    fn labels_are_bounded_and_sanitised() {
        let mut taint = Taint::new();
        for key in 0..20 {
            add_label(&mut taint, source(key));
        }
        assert_eq!(taint.len(), MAX_LABELS);
        sanitize_taint(&mut taint, VulnSet::ALL);
        assert!(taint.is_empty());
    }

    #[test]
    fn nested_values_are_bounded() {
        let mut value = Value::from_taint(vec![source(1)]);
        for _ in 0..100 {
            let mut outer = Value::default();
            outer.set_path(&[Key::Int(0)], value, 0);
            value = outer;
        }
        let mut depth = 0;
        let mut current = &value;
        while let Some((_, part)) = current.fields.as_ref().and_then(|f| f.first()) {
            depth += 1;
            current = part;
        }
        assert!(depth <= MAX_DEPTH, "{depth}");
        assert!(!value.read_any().is_clean());
    }

    #[test]
    fn deep_paths_collapse_into_the_whole() {
        let mut value = Value::default();
        let keys: Vec<Key> = (0..10).map(Key::Int).collect();
        value.set_path(&keys, Value::from_taint(vec![source(1)]), 0);
        assert!(!value.read_any().is_clean());
    }

    #[test]
    fn traces_are_bounded() {
        let mut trace: Trace = None;
        for _ in 0..200 {
            trace = push_step(
                &trace,
                Step::Here {
                    range: TextRange::default(),
                    what: What::Assign,
                },
            );
        }
        assert_eq!(trace_steps(&trace).len(), usize::from(MAX_TRACE));
    }
}
