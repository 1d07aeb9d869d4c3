//! Web frameworks: which parameters of a function carry request input.
//!
//! - A **route** is a function decorated `@<app or router>.<route method>("/path…")`. The
//!   parameters named in the path (`<name>`, `<path:name>`, `{name}`) are input unless a
//!   converter or annotation makes them numbers. In modules importing `FastAPI` (and the like),
//!   every other parameter of a route is input too (query, header, cookie or body) unless it is
//!   a dependency (`= Depends(…)`), a request object or not text.
//! - A **request object** is a parameter named `request`/`req` that comes first (second after
//!   `self`/`cls`) in a module importing a web framework, or any parameter annotated with a
//!   framework's request class, or `self.request` in a class of such a module. Reading one of
//!   the request attributes (`GET`, `POST`, `args`, `match_info`, …) off it is input.
//! - A WSGI application `def app(environ, start_response)` gets `environ` from the client.
//!
//! Heuristic by design: a Django view is not declared as such anywhere in its own file (the
//! URL configuration names it), so "a `request` first parameter in a module that imports
//! Django" is the robust signal; requiring the module to import a framework keeps the
//! `request` parameters of HTTP *client* libraries out.

use std::collections::HashSet;

use cuirass_python::ast::{self, Expr};
use cuirass_python::semantic::{BindingKind, SemanticModel};
use cuirass_python::{SourceFile, qualified_name_of};

use super::Module;
use crate::spec::TaintSpec;

/// What the module's imports say about frameworks.
#[derive(Debug, Default)]
pub(crate) struct Framework {
    /// Top-level packages the module imports.
    pub imports: HashSet<String>,
    /// A web framework is imported: `request` parameters are request objects.
    pub request_gate: bool,
    /// Every parameter of a route is input (`FastAPI`).
    pub all_parameters: bool,
    /// A view's return value is its HTML body (Flask).
    pub html_return: bool,
}

/// How a parameter carries input.
#[derive(Debug, Clone)]
pub(crate) enum ParamSource {
    /// A request object.
    Request,
    /// The value itself is input, named so.
    Input(String),
}

impl Framework {
    pub(crate) fn of(semantic: &SemanticModel<'_>, spec: &TaintSpec, source: &SourceFile) -> Self {
        let mut imports = HashSet::new();
        for binding in semantic.bindings.iter() {
            let name = match &binding.kind {
                BindingKind::Import(import) => &import.qualified_name,
                BindingKind::FromImport(import) => &import.qualified_name,
                BindingKind::SubmoduleImport(import) => &import.qualified_name,
                _ => continue,
            };
            if let Some(first) = name.segments().first()
                && *first != "."
            {
                imports.insert((*first).to_string());
            }
        }
        let has = |list: &[String]| list.iter().any(|name| imports.contains(name));
        let path = source.display.replace('\\', "/");
        // Django views live in `views.py` (or a `views/` package), whatever they import.
        let views_module = path.ends_with("views.py") || path.contains("/views/");
        Framework {
            request_gate: has(&spec.request.frameworks) || views_module,
            all_parameters: has(&spec.routes.all_parameters),
            html_return: has(&spec.routes.html_return) && !has(&spec.routes.all_parameters),
            imports,
        }
    }

    /// Whether the function is called by a framework with input: a route, or a view taking a
    /// request object, or a WSGI application.
    pub(crate) fn is_entry_point(&self, module: &Module<'_>, def: &ast::StmtFunctionDef) -> bool {
        route_decorator(module.spec, def).is_some()
            || !self.parameter_sources(module, def).is_empty()
    }

    /// The parameters of `def` that carry input, by index in `def.parameters.iter()` order.
    pub(crate) fn parameter_sources(
        &self,
        module: &Module<'_>,
        def: &ast::StmtFunctionDef,
    ) -> Vec<(usize, ParamSource)> {
        let spec = module.spec;
        let mut sources = Vec::new();
        let parameters: Vec<&ast::Parameter> = def
            .parameters
            .posonlyargs
            .iter()
            .chain(&def.parameters.args)
            .map(|p| &p.parameter)
            .collect();
        let first_named = |index: usize| parameters.get(index).map(|p| p.name.as_str());
        let offset = usize::from(matches!(first_named(0), Some("self" | "cls")));

        // Request objects: by annotation anywhere, or by name in first position.
        for (index, parameter) in parameters.iter().enumerate() {
            let annotated = parameter
                .annotation
                .as_deref()
                .and_then(|a| qualified_name_of(module.semantic, a))
                .is_some_and(|q| spec.request.annotations.contains(&q));
            let by_name = index == offset
                && self.request_gate
                && spec
                    .request
                    .parameter_names
                    .iter()
                    .any(|n| n == parameter.name.as_str())
                && parameter.annotation.as_deref().is_none_or(|a| {
                    // An annotation naming something else (`request: dict`) rules it out.
                    matches!(a, Expr::Name(n) if n.id.as_str().contains("Request"))
                        || matches!(a, Expr::Attribute(at) if at.attr.as_str().contains("Request"))
                });
            if annotated || by_name {
                sources.push((index, ParamSource::Request));
            }
        }

        // WSGI applications.
        if first_named(offset) == Some("environ")
            && first_named(offset + 1) == Some("start_response")
        {
            sources.push((offset, ParamSource::Input("WSGI `environ`".to_string())));
        }

        // Routes.
        if let Some(decorator) = route_decorator(spec, def) {
            let pattern = route_path(decorator).unwrap_or_default();
            let in_path = path_parameters(&pattern, spec);
            for (index, parameter) in parameters.iter().enumerate() {
                if sources.iter().any(|(i, _)| *i == index) {
                    continue;
                }
                let name = parameter.name.as_str();
                if matches!(name, "self" | "cls") {
                    continue;
                }
                let annotation = parameter.annotation.as_deref().and_then(annotation_type);
                if annotation.is_some_and(|t| spec.routes.non_text_types.contains(t)) {
                    continue;
                }
                match in_path.iter().find(|(n, _)| n == name) {
                    Some((_, false)) => {
                        sources.push((
                            index,
                            ParamSource::Input(format!("route parameter `{name}`")),
                        ));
                        continue;
                    }
                    Some((_, true)) => continue,
                    None => {}
                }
                if self.all_parameters && !is_dependency(module, def, index) {
                    sources.push((
                        index,
                        ParamSource::Input(format!("request parameter `{name}`")),
                    ));
                }
            }
        }
        sources
    }
}

/// Whether the parameter's default is a dependency (`Depends(get_db)`).
fn is_dependency(module: &Module<'_>, def: &ast::StmtFunctionDef, index: usize) -> bool {
    let Some(parameter) = def
        .parameters
        .posonlyargs
        .iter()
        .chain(&def.parameters.args)
        .nth(index)
    else {
        return false;
    };
    let is_depends = |expr: &Expr| {
        let Expr::Call(call) = expr else {
            return false;
        };
        qualified_name_of(module.semantic, &call.func)
            .is_some_and(|q| module.spec.routes.dependency_defaults.contains(&q))
    };
    if parameter.default.as_deref().is_some_and(is_depends) {
        return true;
    }
    // `Annotated[Session, Depends(get_db)]`.
    matches!(
        parameter.parameter.annotation.as_deref(),
        Some(Expr::Subscript(sub)) if matches!(sub.slice.as_ref(), Expr::Tuple(t) if t.elts.iter().any(is_depends))
    )
}

/// The route decorator of a function: `@x.<route method>("/…")` (path as first argument,
/// `rule=` or `path=`).
pub(crate) fn route_decorator<'d>(
    spec: &TaintSpec,
    def: &'d ast::StmtFunctionDef,
) -> Option<&'d ast::ExprCall> {
    def.decorator_list.iter().find_map(|decorator| {
        let Expr::Call(call) = &decorator.expression else {
            return None;
        };
        let Expr::Attribute(attr) = call.func.as_ref() else {
            return None;
        };
        if !spec.routes.decorator_methods.contains(attr.attr.as_str()) {
            return None;
        }
        route_path(call)
            .is_some_and(|path| path.starts_with('/'))
            .then_some(call)
    })
}

fn route_path(call: &ast::ExprCall) -> Option<String> {
    let path = call
        .arguments
        .find_argument_value("rule", 0)
        .or_else(|| call.arguments.find_keyword("path").map(|k| &k.value))?;
    match path {
        Expr::StringLiteral(s) => Some(s.value.to_str().to_string()),
        _ => None,
    }
}

/// The parameters named in a route path, each with whether a converter makes it non-text.
fn path_parameters(pattern: &str, spec: &TaintSpec) -> Vec<(String, bool)> {
    let mut names = Vec::new();
    for (open, close) in [('<', '>'), ('{', '}')] {
        for segment in pattern.split(open).skip(1) {
            let Some((inner, _)) = segment.split_once(close) else {
                continue;
            };
            // `<converter:name>` (Werkzeug) or `{name:converter}` (Starlette).
            let (name, converter) = match inner.split_once(':') {
                Some((first, second)) if open == '<' => (second, Some(first)),
                Some((first, second)) => (first, Some(second)),
                None => (inner, None),
            };
            let converter = converter.map(|c| c.split('(').next().unwrap_or(c).trim());
            let numeric = converter.is_some_and(|c| spec.routes.non_text_types.contains(c));
            names.push((name.trim().to_string(), numeric));
        }
    }
    names
}

/// The type an annotation names: `str`, `Optional[int]`, `int | None`, `Annotated[str, …]`.
fn annotation_type(annotation: &Expr) -> Option<&str> {
    cuirass_python::with_stack(|| match annotation {
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Attribute(attr) => Some(attr.attr.as_str()),
        Expr::Subscript(sub) => match sub.slice.as_ref() {
            Expr::Tuple(tuple) => tuple.elts.first().and_then(annotation_type),
            other => annotation_type(other),
        },
        Expr::BinOp(ast::ExprBinOp { left, right, .. }) => annotation_type(left)
            .filter(|t| *t != "None")
            .or_else(|| annotation_type(right)),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parameters_read_both_syntaxes() {
        let spec = TaintSpec::builtin();
        assert_eq!(
            path_parameters("/u/<name>/<int:id>/<path:rest>", spec),
            [
                ("name".to_string(), false),
                ("id".to_string(), true),
                ("rest".to_string(), false)
            ]
        );
        assert_eq!(
            path_parameters("/items/{item_id}/{n:int}", spec),
            [("item_id".to_string(), false), ("n".to_string(), true)]
        );
    }
}
