//! Expressions: what each one evaluates to, and where sources appear.
//!
//! String building (f-strings, `%`, `+`, `.format`, `join`) keeps the taint of every part, but
//! a literal start that fixes scheme and host (`f"https://api.example.com/{x}"`) or a local
//! path (`"/users/" + x`) means the value can no longer choose where a request or redirect
//! goes. A subscript's key never taints the result: a constant mapping indexed by input is as
//! clean as its values.

use std::rc::Rc;

use cuirass_python::ast::{self, Expr};
use cuirass_python::semantic::BindingKind;
use cuirass_python::{Ranged, TextRange, qualified_name_of, with_stack};

use super::frame::{Env, Frame};
use crate::config::SourceKind;
use crate::value::{Const, Key, KeyRef, Kind, Taint, Value, join_taint, sanitize_taint};
use crate::vuln::{Vuln, VulnSet};

/// Calls whose result is a normalised, absolute path (a prefix check on it is meaningful).
const NORMALIZERS: &[&str] = &[
    "os.path.realpath",
    "os.path.abspath",
    "os.path.normpath",
    "pathlib.Path.resolve",
    "resolve",
];

pub(crate) fn is_normalizer(name: &str) -> bool {
    NORMALIZERS.contains(&name)
}

/// The truth value of a literal.
pub(crate) fn literal_truth(expr: &Expr) -> Option<bool> {
    match expr {
        Expr::BooleanLiteral(b) => Some(b.value),
        Expr::NoneLiteral(_) => Some(false),
        Expr::NumberLiteral(n) => match &n.value {
            ast::Number::Int(i) => Some(i.as_u64() != Some(0)),
            ast::Number::Float(f) => Some(*f != 0.0),
            ast::Number::Complex { .. } => None,
        },
        Expr::StringLiteral(s) => Some(!s.value.to_str().is_empty()),
        Expr::BytesLiteral(b) => Some(b.value.iter().any(|part| !part.is_empty())),
        _ => None,
    }
}

/// Whether `expr` is a literal constant (or a tuple of them).
pub(crate) fn is_literal(expr: &Expr) -> bool {
    match expr {
        Expr::StringLiteral(_)
        | Expr::BytesLiteral(_)
        | Expr::NumberLiteral(_)
        | Expr::BooleanLiteral(_)
        | Expr::NoneLiteral(_)
        | Expr::EllipsisLiteral(_) => true,
        Expr::UnaryOp(unary) => is_literal(&unary.operand),
        Expr::Tuple(tuple) => tuple.elts.iter().all(is_literal),
        Expr::FString(f) => f.value.elements().all(|e| e.as_literal().is_some()),
        _ => false,
    }
}

/// A constant subscript key: a string or an integer (negative ones too).
pub(crate) fn const_key(slice: &Expr) -> Option<KeyRef<'_>> {
    match slice {
        Expr::StringLiteral(s) => Some(KeyRef::Str(s.value.to_str())),
        Expr::NumberLiteral(n) => match &n.value {
            ast::Number::Int(i) => i.as_i64().map(KeyRef::Int),
            _ => None,
        },
        Expr::UnaryOp(ast::ExprUnaryOp {
            op: ast::UnaryOp::USub,
            operand,
            ..
        }) => match operand.as_ref() {
            Expr::NumberLiteral(n) => match &n.value {
                ast::Number::Int(i) => i.as_i64().map(|v| KeyRef::Int(-v)),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

/// The classes a literal prefix rules out: scheme and host fixed (`https://host/…`) or a local
/// path (`/users/…`) → the value cannot pick a host (SSRF, open redirect).
pub(crate) fn prefix_fixed_vulns(prefix: &str) -> Option<VulnSet> {
    let fixed = VulnSet::of(&[Vuln::Ssrf, Vuln::Redirect]);
    if let Some((scheme, rest)) = prefix.split_once("://") {
        let scheme_ok = !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        // A host followed by a `/`: later text is path, query or fragment.
        let host_end = rest.find(['/', '?', '#']);
        return (scheme_ok && host_end.is_some_and(|end| end > 0)).then_some(fixed);
    }
    let mut chars = prefix.chars();
    match (chars.next(), chars.next()) {
        (Some('/'), Some(second)) if second != '/' && second != '\\' => Some(fixed),
        _ => None,
    }
}

/// The literal text at the start of a string expression, up to its first dynamic part.
fn leading_literal(expr: &Expr) -> Option<String> {
    with_stack(|| match expr {
        Expr::StringLiteral(s) => Some(s.value.to_str().to_string()),
        Expr::FString(f) => {
            let mut out = String::new();
            for element in f.value.elements() {
                match element.as_literal() {
                    Some(literal) => out.push_str(&literal.value),
                    None => break,
                }
            }
            Some(out)
        }
        Expr::BinOp(ast::ExprBinOp {
            left,
            op: ast::Operator::Add,
            ..
        }) => leading_literal(left),
        Expr::BinOp(ast::ExprBinOp {
            left,
            op: ast::Operator::Mod,
            ..
        }) => leading_literal(left).map(|text| text.split('%').next().unwrap_or("").to_string()),
        Expr::Call(call) => match call.func.as_ref() {
            Expr::Attribute(attr) if attr.attr.as_str() == "format" => leading_literal(&attr.value)
                .map(|text| text.split('{').next().unwrap_or("").to_string()),
            _ => None,
        },
        _ => None,
    })
}

/// The classes text in the query or fragment of a URL cannot lead to.
pub(crate) fn host_vulns() -> VulnSet {
    VulnSet::of(&[Vuln::Ssrf, Vuln::Redirect])
}

/// What `repr()` makes safe: it escapes line breaks and control characters.
pub(crate) fn repr_vulns() -> VulnSet {
    VulnSet::of(&[Vuln::Log, Vuln::Header])
}

/// The conversion characters of a `%` format string's placeholders, in order (`%%` skipped):
/// `"%s: %r"` → `['s', 'r']`.
pub(crate) fn percent_conversions(format: &str) -> Vec<char> {
    let mut conversions = Vec::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            continue;
        }
        // A mapping key, flags, width and precision come before the conversion.
        let mut in_key = false;
        for next in chars.by_ref() {
            match next {
                '(' if !in_key => in_key = true,
                ')' if in_key => in_key = false,
                _ if in_key => {}
                '%' => break,
                c if c.is_ascii_alphabetic() => {
                    conversions.push(c);
                    break;
                }
                _ => {}
            }
        }
    }
    conversions
}

/// The text of a string literal.
fn literal_text(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::StringLiteral(s) => Some(s.value.to_str()),
        _ => None,
    }
}

/// Whether a string expression contains a literal `?` or `#` (its later parts are a query).
fn has_query_literal(expr: &Expr) -> bool {
    with_stack(|| match expr {
        Expr::StringLiteral(s) => s.value.to_str().contains(['?', '#']),
        Expr::FString(f) => f
            .value
            .elements()
            .any(|e| e.as_literal().is_some_and(|l| l.value.contains(['?', '#']))),
        Expr::BinOp(ast::ExprBinOp {
            left,
            op: ast::Operator::Add,
            right,
            ..
        }) => has_query_literal(left) || has_query_literal(right),
        _ => false,
    })
}

/// How many placeholders (`%s`, or `{}` for `open == '{'`) a format string has before its
/// first `?` or `#`; `None` when it has none.
pub(crate) fn placeholders_before_query(format: &str, open: char) -> Option<usize> {
    let end = format.find(['?', '#'])?;
    let before = format.get(..end).unwrap_or("");
    Some(if open == '%' {
        before.matches('%').count() - 2 * before.matches("%%").count()
    } else {
        before.matches('{').count() - 2 * before.matches("{{").count()
    })
}

/// For `target += …`/`%=`: the classes the target's literal start rules out, when the target
/// is a variable whose value started with such a literal. Unknown here (the engine does not
/// keep literal text), so only a literal target counts.
pub(crate) fn fixed_prefix_vulns(target: &Expr, _env: &Env<'_>) -> Option<VulnSet> {
    leading_literal(target).and_then(|prefix| prefix_fixed_vulns(&prefix))
}

impl<'a> Frame<'_, 'a> {
    pub(crate) fn eval(&mut self, expr: &'a Expr, env: &mut Env<'a>) -> Value {
        if !self.m.burn() {
            return Value::default();
        }
        with_stack(|| self.eval_inner(expr, env))
    }

    fn eval_inner(&mut self, expr: &'a Expr, env: &mut Env<'a>) -> Value {
        match expr {
            Expr::BoolOp(boolop) => {
                let mut result: Option<Value> = None;
                for value in &boolop.values {
                    let value = self.eval(value, env);
                    result = Some(match result {
                        Some(previous) => previous.join(&value),
                        None => value,
                    });
                }
                result.map_or_else(Value::default, |v| Value::from_taint(v.flatten()))
            }
            Expr::Named(named) => {
                let value = self.eval(&named.value, env);
                self.assign(&named.target, value.clone(), env, named.range);
                value
            }
            Expr::BinOp(binop) => {
                let left = self.eval(&binop.left, env);
                let right = self.eval(&binop.right, env);
                let mut taint = left.flatten();
                let mut right_taint = right.flatten();
                // Text after a literal `?` or `#` is the query or fragment of a URL: it cannot
                // choose the host (`url + "?" + query`, `"%s?%s" % (url, query)`).
                match binop.op {
                    ast::Operator::Add if has_query_literal(&binop.left) => {
                        sanitize_taint(&mut right_taint, host_vulns());
                    }
                    ast::Operator::Mod => {
                        if let Some(format) = literal_text(&binop.left) {
                            // Parts after a `?` cannot pick a host; `%r` parts are escaped.
                            let cut = placeholders_before_query(format, '%').unwrap_or(usize::MAX);
                            let conversions = percent_conversions(format);
                            let count = match binop.right.as_ref() {
                                Expr::Tuple(tuple) => tuple.elts.len(),
                                _ => 0,
                            };
                            if count > 0 {
                                right_taint = Taint::new();
                                for index in 0..count {
                                    let mut part = right.read(KeyRef::Int(
                                        i64::try_from(index).unwrap_or(i64::MAX),
                                    ));
                                    if index >= cut {
                                        part.sanitize(host_vulns());
                                    }
                                    if conversions.get(index) == Some(&'r') {
                                        part.sanitize(repr_vulns());
                                    }
                                    join_taint(&mut right_taint, &part.flatten());
                                }
                            } else if conversions.first() == Some(&'r') {
                                sanitize_taint(&mut right_taint, repr_vulns());
                            }
                        }
                    }
                    _ => {}
                }
                join_taint(&mut taint, &right_taint);
                let mut value = Value::from_taint(taint);
                if matches!(binop.op, ast::Operator::Add | ast::Operator::Mod)
                    && let Some(prefix) = leading_literal(&binop.left)
                    && let Some(vulns) = prefix_fixed_vulns(&prefix)
                {
                    value.sanitize(vulns);
                }
                if binop.op == ast::Operator::Div
                    && let Kind::Made(made) = &left.kind
                {
                    // `Path(base) / name` is still a path.
                    value.kind = Kind::Made(made.clone());
                }
                value
            }
            Expr::UnaryOp(unary) => {
                let operand = self.eval(&unary.operand, env);
                match unary.op {
                    ast::UnaryOp::Not => Value::default(),
                    _ => Value::from_taint(operand.flatten()),
                }
            }
            Expr::Lambda(_) | Expr::IpyEscapeCommand(_) | Expr::EllipsisLiteral(_) => {
                Value::default()
            }
            Expr::If(ifexp) => {
                self.eval(&ifexp.test, env);
                match self.const_truth(&ifexp.test, env) {
                    Some(true) => self.eval(&ifexp.body, env),
                    Some(false) => self.eval(&ifexp.orelse, env),
                    None => {
                        // `x if is_safe(x) else default`: each side sees what its test says.
                        let mut yes = self.refine(&ifexp.test, true, env.clone());
                        let body = self.eval(&ifexp.body, &mut yes);
                        let mut no = self.refine(&ifexp.test, false, env.clone());
                        let orelse = self.eval(&ifexp.orelse, &mut no);
                        body.join(&orelse)
                    }
                }
            }
            Expr::Dict(dict) => self.eval_dict(dict, env),
            Expr::Set(set) => {
                let mut value = Value::default();
                let mut constant = true;
                for elt in &set.elts {
                    constant &= is_literal(elt);
                    let element = self.eval(elt, env);
                    value.add_taint(&element.flatten());
                }
                if constant {
                    value.kind = Kind::ConstCollection;
                }
                value
            }
            Expr::List(ast::ExprList { elts, .. }) | Expr::Tuple(ast::ExprTuple { elts, .. }) => {
                self.eval_sequence(elts, env)
            }
            Expr::ListComp(comp) => {
                let values = self.comprehension(&comp.generators, &[&comp.elt], env);
                Value::from_taint(flatten_all(&values))
            }
            Expr::SetComp(comp) => {
                let values = self.comprehension(&comp.generators, &[&comp.elt], env);
                Value::from_taint(flatten_all(&values))
            }
            Expr::Generator(comp) => {
                let values = self.comprehension(&comp.generators, &[&comp.elt], env);
                Value::from_taint(flatten_all(&values))
            }
            Expr::DictComp(comp) => {
                let mut elts: Vec<&'a Expr> = vec![&comp.value];
                if let Some(key) = &comp.key {
                    elts.push(key);
                }
                let values = self.comprehension(&comp.generators, &elts, env);
                Value::from_taint(flatten_all(&values))
            }
            Expr::Await(await_) => self.eval(&await_.value, env),
            Expr::Yield(yield_) => {
                if let Some(value) = &yield_.value {
                    let value = self.eval(value, env);
                    self.add_return(value);
                }
                Value::default()
            }
            Expr::YieldFrom(yield_) => {
                let value = self.eval(&yield_.value, env);
                self.add_return(Value::from_taint(value.flatten()));
                Value::default()
            }
            Expr::Compare(compare) => {
                self.eval(&compare.left, env);
                for comparator in &compare.comparators {
                    self.eval(comparator, env);
                }
                Value::default()
            }
            Expr::Call(call) => self.eval_call(call, env),
            Expr::FString(fstring) => {
                let mut taint = Taint::new();
                let mut in_query = false;
                for element in fstring.value.elements() {
                    if let Some(interpolation) = element.as_interpolation() {
                        let value = self.eval(&interpolation.expression, env);
                        let mut part = value.flatten();
                        if in_query {
                            sanitize_taint(&mut part, host_vulns());
                        }
                        if interpolation.conversion == ast::ConversionFlag::Repr {
                            sanitize_taint(&mut part, repr_vulns());
                        }
                        join_taint(&mut taint, &part);
                    } else if let Some(literal) = element.as_literal() {
                        in_query |= literal.value.contains(['?', '#']);
                    }
                }
                let mut value = Value::from_taint(taint);
                if let Some(prefix) = leading_literal(expr)
                    && let Some(vulns) = prefix_fixed_vulns(&prefix)
                {
                    value.sanitize(vulns);
                }
                value
            }
            Expr::TString(tstring) => {
                let mut taint = Taint::new();
                for element in tstring.value.elements() {
                    if let Some(interpolation) = element.as_interpolation() {
                        let value = self.eval(&interpolation.expression, env);
                        join_taint(&mut taint, &value.flatten());
                    }
                }
                Value::from_taint(taint)
            }
            Expr::StringLiteral(_)
            | Expr::BytesLiteral(_)
            | Expr::NumberLiteral(_)
            | Expr::BooleanLiteral(_)
            | Expr::NoneLiteral(_) => match literal_truth(expr) {
                Some(truth) => Value::with_kind(Kind::Const(Const::Truth(truth))),
                None => Value::default(),
            },
            Expr::Attribute(attr) => self.eval_attribute(attr, expr, env),
            Expr::Subscript(sub) => {
                let base = self.eval(&sub.value, env);
                match sub.slice.as_ref() {
                    Expr::Slice(slice) => {
                        for part in [&slice.lower, &slice.upper, &slice.step]
                            .into_iter()
                            .flatten()
                        {
                            self.eval(part, env);
                        }
                        Value::from_taint(base.flatten())
                    }
                    slice => {
                        if base.kind == Kind::Request {
                            return Value::default();
                        }
                        if let Some(key) = const_key(slice) {
                            base.read(key)
                        } else {
                            self.eval(slice, env);
                            base.read_any()
                        }
                    }
                }
            }
            Expr::Starred(starred) => self.eval(&starred.value, env),
            Expr::Name(name) => self.read_name(name, expr, env),
            Expr::Slice(slice) => {
                for part in [&slice.lower, &slice.upper, &slice.step]
                    .into_iter()
                    .flatten()
                {
                    self.eval(part, env);
                }
                Value::default()
            }
        }
    }

    fn eval_dict(&mut self, dict: &'a ast::ExprDict, env: &mut Env<'a>) -> Value {
        let mut value = Value::default();
        let mut constant = true;
        for item in &dict.items {
            let element = self.eval(&item.value, env);
            constant &= is_literal(&item.value);
            let key = item.key.as_ref().and_then(|key_expr| {
                self.eval(key_expr, env);
                const_key(key_expr)
            });
            if let Some(key) = key {
                value.set_path(&[key.to_key()], element, 0);
            } else {
                // A key that is not constant, or `{**other}`.
                constant = false;
                value.add_taint(&element.flatten());
            }
        }
        if constant {
            value.kind = Kind::ConstCollection;
        }
        value
    }

    fn eval_sequence(&mut self, elts: &'a [Expr], env: &mut Env<'a>) -> Value {
        let mut value = Value::default();
        let mut constant = true;
        let mut starred = false;
        for (index, elt) in elts.iter().enumerate() {
            constant &= is_literal(elt);
            let element = self.eval(elt, env);
            if elt.is_starred_expr() {
                starred = true;
            }
            if starred || index >= crate::value::MAX_FIELDS {
                value.add_taint(&element.flatten());
            } else if element.is_interesting() {
                let index = i64::try_from(index).unwrap_or(i64::MAX);
                value.set_path(&[Key::Int(index)], element, 0);
            }
        }
        if constant {
            value.kind = Kind::ConstCollection;
        }
        value
    }

    /// Evaluates the elements of a comprehension with its targets bound; the targets do not
    /// leak into the enclosing frame.
    fn comprehension(
        &mut self,
        generators: &'a [ast::Comprehension],
        elts: &[&'a Expr],
        env: &mut Env<'a>,
    ) -> Vec<Value> {
        let mut names = Vec::new();
        for generator in generators {
            target_names(&generator.target, &mut names);
        }
        let saved: Vec<(&'a str, Option<Value>)> = names
            .iter()
            .map(|&name| (name, env.get(name).cloned()))
            .collect();
        for generator in generators {
            let iter = self.eval(&generator.iter, env);
            let element = if iter.kind == Kind::ConstCollection {
                Value::default()
            } else {
                iter.read_any()
            };
            self.assign(&generator.target, element, env, generator.range);
            for condition in &generator.ifs {
                self.eval(condition, env);
                let current = std::mem::take(env);
                *env = self.refine(condition, true, current);
            }
        }
        let values = elts.iter().map(|elt| self.eval(elt, env)).collect();
        for (name, value) in saved {
            match value {
                Some(value) => {
                    env.insert(name, value);
                }
                None => {
                    env.remove(name);
                }
            }
        }
        values
    }

    /// A name: a variable of this frame, a global, or an import (a source?).
    fn read_name(&mut self, name: &'a ast::ExprName, expr: &'a Expr, env: &Env<'a>) -> Value {
        if let Some(value) = env.get(name.id.as_str()) {
            return value.clone();
        }
        let semantic = self.m.semantic;
        let Some(id) = semantic.resolve_name(name) else {
            return self.qualified_value(expr).unwrap_or_default();
        };
        let binding = semantic.binding(id);
        match &binding.kind {
            BindingKind::Import(_)
            | BindingKind::FromImport(_)
            | BindingKind::SubmoduleImport(_)
            | BindingKind::Builtin => self.qualified_value(expr).unwrap_or_default(),
            BindingKind::FunctionDefinition(_) | BindingKind::ClassDefinition(_) => {
                Value::default()
            }
            _ if binding.scope.is_global() && self.fid.is_some() => self
                .m
                .globals
                .borrow()
                .get(name.id.as_str())
                .cloned()
                .unwrap_or_default(),
            _ => Value::default(),
        }
    }

    /// The value of an imported name or attribute chain when the specification (or another
    /// module of the project) says what it is.
    fn qualified_value(&mut self, expr: &'a Expr) -> Option<Value> {
        let qualified = qualified_name_of(self.m.semantic, expr)?;
        if let Some(source) = self.m.spec.sources.get(&qualified) {
            return match source.kind {
                SourceKind::Attribute => Some(Value::from_taint(vec![self.source_label(
                    expr.range(),
                    &source.label,
                    source.confidence,
                )])),
                SourceKind::Request => Some(Value::with_kind(Kind::Request)),
                SourceKind::Call | SourceKind::Method => None,
            };
        }
        self.foreign_global(&qualified)
    }

    fn eval_attribute(
        &mut self,
        attr: &'a ast::ExprAttribute,
        expr: &'a Expr,
        env: &mut Env<'a>,
    ) -> Value {
        if self.head_is_import(expr)
            && let Some(value) = self.qualified_value(expr)
        {
            return value;
        }
        let spec = self.m.spec;
        // `self.request` in the classes of a framework module.
        if attr.attr.as_str() == spec.request.self_attribute
            && self.class.is_some()
            && self.m.framework.request_gate
            && matches!(attr.value.as_ref(), Expr::Name(n) if n.id.as_str() == "self")
        {
            return Value::with_kind(Kind::Request);
        }
        let base = self.eval(&attr.value, env);
        self.read_attr(&base, attr.attr.as_str(), expr.range())
    }

    /// Reads `base.<name>`.
    pub(crate) fn read_attr(&mut self, base: &Value, name: &str, range: TextRange) -> Value {
        if base.kind == Kind::Request {
            return self.request_attribute(name, range, false);
        }
        let mut value = base.read(KeyRef::Attr(name));
        if let Kind::Instance(class) = base.kind {
            let stored = self.m.class_attr_sources(class, name);
            value.add_taint(&stored);
        }
        value
    }

    /// `request.<name>` (or `request.<name>()` when `call`): input, or nothing for attributes
    /// that are not (`request.method`, `request.user`). The path of the request URL cannot
    /// choose another host, so it is not a source of redirects or requests.
    pub(crate) fn request_attribute(&self, name: &str, range: TextRange, call: bool) -> Value {
        let request = &self.m.spec.request;
        if !request.attributes.contains(name) {
            return Value::default();
        }
        let label = if call {
            format!("`request.{name}()`")
        } else {
            format!("`request.{name}`")
        };
        let mut label = self.source_label(range, &label, cuirass_diagnostics::Confidence::High);
        if request.path_attributes.contains(name) {
            label.mask = label
                .mask
                .without(VulnSet::of(&[Vuln::Redirect, Vuln::Ssrf]));
        }
        Value::from_taint(vec![label])
    }

    /// Whether an attribute chain starts at an imported name (or a builtin).
    pub(crate) fn head_is_import(&self, expr: &Expr) -> bool {
        let mut head = expr;
        while let Expr::Attribute(attr) = head {
            head = &attr.value;
        }
        let Expr::Name(name) = head else {
            return false;
        };
        match self.m.semantic.resolve_name(name) {
            Some(id) => matches!(
                self.m.semantic.binding(id).kind,
                BindingKind::Import(_)
                    | BindingKind::FromImport(_)
                    | BindingKind::SubmoduleImport(_)
                    | BindingKind::Builtin
            ),
            None => true,
        }
    }

    /// A value that no label taints, with a fresh `Rc` for its sink label.
    pub(crate) fn sink_label(&self, callee: &'a Expr, qualified: Option<&str>) -> Rc<str> {
        let text = self.m.text(callee.range());
        if text.len() <= 40 && !text.contains('\n') && !text.is_empty() {
            return Rc::from(format!("`{text}`"));
        }
        match (qualified, callee) {
            (Some(q), _) => Rc::from(format!("`{q}`")),
            (None, Expr::Attribute(attr)) => Rc::from(format!("`.{}()`", attr.attr.as_str())),
            _ => Rc::from("the call"),
        }
    }
}

fn flatten_all(values: &[Value]) -> Taint {
    let mut taint = Taint::new();
    for value in values {
        join_taint(&mut taint, &value.flatten());
    }
    taint
}

/// Names bound by an assignment target.
fn target_names<'a>(target: &'a Expr, names: &mut Vec<&'a str>) {
    with_stack(|| match target {
        Expr::Name(name) => names.push(name.id.as_str()),
        Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
            for elt in elts {
                target_names(elt, names);
            }
        }
        Expr::Starred(starred) => target_names(&starred.value, names),
        _ => {}
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_that_fix_the_host() {
        assert!(prefix_fixed_vulns("https://api.example.com/").is_some());
        assert!(prefix_fixed_vulns("https://api.example.com/items?id=").is_some());
        assert!(prefix_fixed_vulns("https://").is_none());
        assert!(prefix_fixed_vulns("https://api.example.com").is_none());
        assert!(prefix_fixed_vulns("/profile/").is_some());
        assert!(prefix_fixed_vulns("/").is_none());
        assert!(prefix_fixed_vulns("//").is_none());
        assert!(prefix_fixed_vulns("").is_none());
        assert!(prefix_fixed_vulns("SELECT ").is_none());
    }

    #[test]
    fn placeholders_before_the_query() {
        assert_eq!(placeholders_before_query("%s?%s", '%'), Some(1));
        assert_eq!(placeholders_before_query("%s%%?%s", '%'), Some(1));
        assert_eq!(placeholders_before_query("{}/{}?q={}", '{'), Some(2));
        assert_eq!(placeholders_before_query("%s/%s", '%'), None);
    }

    #[test]
    fn percent_conversions_in_order() {
        assert_eq!(
            percent_conversions("%s: %r (%d%%) %(name)r %-10s"),
            ['s', 'r', 'd', 'r', 's']
        );
        assert!(percent_conversions("no placeholders").is_empty());
    }
}
