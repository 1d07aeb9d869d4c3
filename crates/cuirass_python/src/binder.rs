//! Drives Ruff's `SemanticModel` over a module so that, afterwards, every loaded name resolves
//! to the binding it saw at that point of the program.
//!
//! Ruff's own driver (its `Checker`) is not published, so this is a small one in the same
//! spirit: module-level code is bound in order; function and lambda bodies are deferred and
//! bound after the module, as Python runs them later (so they see the module's final imports);
//! class bodies and comprehensions get their own scopes. Resolution is recorded per name
//! (`SemanticModel::resolve_load`), so rules can resolve any name later with
//! `resolve_qualified_name` without re-walking.
//!
//! Deliberately left out: `global`/`nonlocal` rebinding and string annotations. Both only
//! matter for names a security rule does not look at.

use std::path::Path;

use ruff_python_ast::helpers::collect_import_from_member;
use ruff_python_ast::name::QualifiedName;
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, ExprContext, PySourceType, PythonVersion, Stmt};
use ruff_python_semantic::{
    BindingFlags, BindingKind, FromImport, GeneratorKind, Import, Module, ModuleKind, ModuleSource,
    ScopeKind, SemanticModel, Snapshot, SubmoduleImport,
};
use ruff_text_size::{Ranged, TextRange};

use crate::parse::ParsedModule;
use crate::source::SourceFile;
use crate::with_stack;

/// The result of binding a module: the semantic model, ready for name resolution.
pub struct Bound<'a> {
    pub semantic: SemanticModel<'a>,
}

/// Binds every name of `parsed` and returns the semantic model.
pub fn bind<'a>(source: &'a SourceFile, parsed: &'a ParsedModule) -> Bound<'a> {
    let suite = parsed.suite();
    let module = Module {
        kind: if source.path.file_stem().is_some_and(|s| s == "__init__") {
            ModuleKind::Package
        } else {
            ModuleKind::Module
        },
        source: match &source.module_path {
            Some(path) => ModuleSource::Path(path),
            None => ModuleSource::File(&source.path),
        },
        python_ast: suite,
        name: source.path.file_stem().and_then(|s| s.to_str()),
    };
    let semantic = SemanticModel::new(
        &[],
        &[],
        PythonVersion::latest(),
        PySourceType::Python,
        Path::new(&source.path),
        module,
    );
    let mut binder = Binder {
        semantic,
        deferred_functions: Vec::new(),
        deferred_lambdas: Vec::new(),
        depth: 0,
        max_depth: 0,
    };
    binder.visit_body(suite);
    // Deferred bodies can defer further (nested functions); drain until none are left.
    loop {
        if let Some((snapshot, function)) = binder.deferred_functions.pop() {
            binder.semantic.restore(snapshot);
            binder.bind_parameters(&function.parameters);
            binder.visit_body(&function.body);
        } else if let Some((snapshot, lambda)) = binder.deferred_lambdas.pop() {
            binder.semantic.restore(snapshot);
            if let Some(parameters) = &lambda.parameters {
                binder.bind_parameters(parameters);
            }
            binder.visit_expr(&lambda.body);
        } else {
            break;
        }
    }
    parsed.note_depth(binder.max_depth);
    Bound {
        semantic: binder.semantic,
    }
}

struct Binder<'a> {
    semantic: SemanticModel<'a>,
    deferred_functions: Vec<(Snapshot, &'a ast::StmtFunctionDef)>,
    deferred_lambdas: Vec<(Snapshot, &'a ast::ExprLambda)>,
    depth: usize,
    max_depth: usize,
}

impl<'a> Binder<'a> {
    fn add_binding(&mut self, name: &'a str, range: TextRange, kind: BindingKind<'a>) {
        let id = self
            .semantic
            .push_binding(name, range, kind, BindingFlags::empty());
        self.semantic.current_scope_mut().add(name, id);
    }

    fn bind_parameters(&mut self, parameters: &'a ast::Parameters) {
        for parameter in parameters {
            let name = parameter.name();
            self.add_binding(name.as_str(), name.range(), BindingKind::Argument);
        }
    }

    /// Binds the names of an assignment target (names, tuples, lists, starred); attribute and
    /// subscript targets load their base instead.
    fn bind_target(&mut self, target: &'a Expr, kind: fn() -> BindingKind<'a>) {
        match target {
            Expr::Name(name) => self.add_binding(name.id.as_str(), name.range, kind()),
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                for elt in elts {
                    self.bind_target(elt, kind);
                }
            }
            Expr::Starred(ast::ExprStarred { value, .. }) => self.bind_target(value, kind),
            other => self.visit_expr(other),
        }
    }

    fn visit_comprehension_scope(
        &mut self,
        generators: &'a [ast::Comprehension],
        kind: GeneratorKind,
        elements: &[Option<&'a Expr>],
    ) {
        let mut generators = generators.iter();
        let Some(first) = generators.next() else {
            return;
        };
        // The first iterable is evaluated in the enclosing scope.
        self.visit_expr(&first.iter);
        self.semantic.push_scope(ScopeKind::Generator {
            kind,
            is_async: first.is_async,
        });
        self.bind_target(&first.target, || BindingKind::Assignment);
        for condition in &first.ifs {
            self.visit_expr(condition);
        }
        for generator in generators {
            self.visit_expr(&generator.iter);
            self.bind_target(&generator.target, || BindingKind::Assignment);
            for condition in &generator.ifs {
                self.visit_expr(condition);
            }
        }
        for element in elements.iter().flatten() {
            self.visit_expr(element);
        }
        self.semantic.pop_scope();
    }

    fn enter(&mut self) {
        self.depth += 1;
        self.max_depth = self.max_depth.max(self.depth);
    }

    fn exit(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    fn visit_stmt_inner(&mut self, stmt: &'a Stmt) {
        self.semantic.push_node(stmt);
        match stmt {
            Stmt::Import(ast::StmtImport { names, .. }) => {
                for alias in names {
                    let module = alias.name.as_str();
                    // Lets rules ask cheaply whether a file uses a module at all.
                    self.semantic
                        .add_module(module.split('.').next().unwrap_or(module));
                    if let Some(asname) = &alias.asname {
                        let qualified_name = QualifiedName::user_defined(module);
                        self.add_binding(
                            asname.as_str(),
                            alias.range,
                            BindingKind::Import(Import {
                                qualified_name: Box::new(qualified_name),
                            }),
                        );
                    } else if module.contains('.') {
                        // `import os.path` binds `os`, remembering the submodule.
                        let first = module.split('.').next().unwrap_or(module);
                        let qualified_name = QualifiedName::user_defined(module);
                        self.add_binding(
                            first,
                            alias.range,
                            BindingKind::SubmoduleImport(SubmoduleImport {
                                qualified_name: Box::new(qualified_name),
                            }),
                        );
                    } else {
                        let qualified_name = QualifiedName::user_defined(module);
                        self.add_binding(
                            module,
                            alias.range,
                            BindingKind::Import(Import {
                                qualified_name: Box::new(qualified_name),
                            }),
                        );
                    }
                }
            }
            Stmt::ImportFrom(ast::StmtImportFrom {
                module,
                names,
                level,
                ..
            }) => {
                let module = module.as_deref();
                if *level == 0
                    && let Some(module) = module
                {
                    self.semantic
                        .add_module(module.split('.').next().unwrap_or(module));
                }
                for alias in names {
                    let member = alias.name.as_str();
                    if member == "*" {
                        continue;
                    }
                    let bound = alias.asname.as_ref().map_or(member, |n| n.as_str());
                    if module == Some("__future__") {
                        self.add_binding(bound, alias.range, BindingKind::FutureImport);
                        continue;
                    }
                    let qualified_name = collect_import_from_member(*level, module, member);
                    self.add_binding(
                        bound,
                        alias.range,
                        BindingKind::FromImport(FromImport {
                            qualified_name: Box::new(qualified_name),
                        }),
                    );
                }
            }
            Stmt::FunctionDef(function) => {
                for decorator in &function.decorator_list {
                    self.visit_expr(&decorator.expression);
                }
                for parameter in &*function.parameters {
                    if let Some(default) = parameter.default() {
                        self.visit_expr(default);
                    }
                    if let Some(annotation) = parameter.annotation() {
                        self.visit_expr(annotation);
                    }
                }
                if let Some(returns) = &function.returns {
                    self.visit_expr(returns);
                }
                self.semantic.push_scope(ScopeKind::Function(function));
                let scope_id = self.semantic.scope_id;
                self.deferred_functions
                    .push((self.semantic.snapshot(), function));
                self.semantic.pop_scope();
                self.add_binding(
                    function.name.as_str(),
                    function.name.range(),
                    BindingKind::FunctionDefinition(scope_id),
                );
            }
            Stmt::ClassDef(class) => {
                for decorator in &class.decorator_list {
                    self.visit_expr(&decorator.expression);
                }
                if let Some(arguments) = &class.arguments {
                    self.visit_arguments(arguments);
                }
                self.semantic.push_scope(ScopeKind::Class(class));
                let scope_id = self.semantic.scope_id;
                self.visit_body(&class.body);
                self.semantic.pop_scope();
                self.add_binding(
                    class.name.as_str(),
                    class.name.range(),
                    BindingKind::ClassDefinition(scope_id),
                );
            }
            Stmt::Assign(ast::StmtAssign { targets, value, .. }) => {
                self.visit_expr(value);
                for target in targets {
                    self.bind_target(target, || BindingKind::Assignment);
                }
            }
            Stmt::AnnAssign(ast::StmtAnnAssign {
                target,
                annotation,
                value,
                ..
            }) => {
                self.visit_expr(annotation);
                if let Some(value) = value {
                    self.visit_expr(value);
                    self.bind_target(target, || BindingKind::Assignment);
                } else {
                    self.bind_target(target, || BindingKind::Annotation);
                }
            }
            Stmt::AugAssign(ast::StmtAugAssign { target, value, .. }) => {
                self.visit_expr(value);
                if let Expr::Name(name) = target.as_ref() {
                    self.semantic.resolve_load(name);
                    self.add_binding(name.id.as_str(), name.range, BindingKind::Assignment);
                } else {
                    self.visit_expr(target);
                }
            }
            Stmt::For(ast::StmtFor {
                target,
                iter,
                body,
                orelse,
                ..
            }) => {
                self.visit_expr(iter);
                self.bind_target(target, || BindingKind::LoopVar);
                self.visit_body(body);
                self.visit_body(orelse);
            }
            Stmt::With(ast::StmtWith { items, body, .. }) => {
                for item in items {
                    self.visit_expr(&item.context_expr);
                    if let Some(vars) = &item.optional_vars {
                        self.bind_target(vars, || BindingKind::WithItemVar);
                    }
                }
                self.visit_body(body);
            }
            Stmt::Try(ast::StmtTry {
                body,
                handlers,
                orelse,
                finalbody,
                ..
            }) => {
                self.visit_body(body);
                for handler in handlers {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    if let Some(type_) = &handler.type_ {
                        self.visit_expr(type_);
                    }
                    if let Some(name) = &handler.name {
                        self.add_binding(name.as_str(), name.range(), BindingKind::BoundException);
                    }
                    self.visit_body(&handler.body);
                }
                self.visit_body(orelse);
                self.visit_body(finalbody);
            }
            Stmt::Delete(ast::StmtDelete { targets, .. }) => {
                for target in targets {
                    if let Expr::Name(name) = target {
                        self.semantic.resolve_del(name.id.as_str(), name.range);
                    } else {
                        self.visit_expr(target);
                    }
                }
            }
            Stmt::Match(ast::StmtMatch { subject, cases, .. }) => {
                self.visit_expr(subject);
                for case in cases {
                    self.visit_pattern(&case.pattern);
                    if let Some(guard) = &case.guard {
                        self.visit_expr(guard);
                    }
                    self.visit_body(&case.body);
                }
            }
            _ => visitor::walk_stmt(self, stmt),
        }
        self.semantic.pop_node();
    }

    fn visit_expr_inner(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Name(name) => match name.ctx {
                ExprContext::Load => {
                    self.semantic.resolve_load(name);
                }
                ExprContext::Store => {
                    self.add_binding(name.id.as_str(), name.range, BindingKind::Assignment);
                }
                ExprContext::Del => self.semantic.resolve_del(name.id.as_str(), name.range),
                ExprContext::Invalid => {}
            },
            Expr::Named(ast::ExprNamed { target, value, .. }) => {
                self.visit_expr(value);
                self.bind_target(target, || BindingKind::NamedExprAssignment);
            }
            Expr::Lambda(lambda) => {
                if let Some(parameters) = &lambda.parameters {
                    for parameter in &**parameters {
                        if let Some(default) = parameter.default() {
                            self.visit_expr(default);
                        }
                    }
                }
                self.semantic.push_scope(ScopeKind::Lambda(lambda));
                self.deferred_lambdas
                    .push((self.semantic.snapshot(), lambda));
                self.semantic.pop_scope();
            }
            Expr::ListComp(ast::ExprListComp {
                elt, generators, ..
            }) => {
                self.visit_comprehension_scope(
                    generators,
                    GeneratorKind::ListComprehension,
                    &[Some(elt)],
                );
            }
            Expr::SetComp(ast::ExprSetComp {
                elt, generators, ..
            }) => {
                self.visit_comprehension_scope(
                    generators,
                    GeneratorKind::SetComprehension,
                    &[Some(elt)],
                );
            }
            Expr::Generator(ast::ExprGenerator {
                elt, generators, ..
            }) => {
                self.visit_comprehension_scope(generators, GeneratorKind::Generator, &[Some(elt)]);
            }
            Expr::DictComp(ast::ExprDictComp {
                key,
                value,
                generators,
                ..
            }) => {
                self.visit_comprehension_scope(
                    generators,
                    GeneratorKind::DictComprehension,
                    &[key.as_deref(), Some(value)],
                );
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

impl<'a> Visitor<'a> for Binder<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        self.enter();
        with_stack(|| self.visit_stmt_inner(stmt));
        self.exit();
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        self.enter();
        with_stack(|| self.visit_expr_inner(expr));
        self.exit();
    }

    fn visit_pattern(&mut self, pattern: &'a ast::Pattern) {
        self.enter();
        with_stack(|| match pattern {
            ast::Pattern::MatchAs(ast::PatternMatchAs {
                pattern: inner,
                name,
                ..
            }) => {
                if let Some(inner) = inner {
                    self.visit_pattern(inner);
                }
                if let Some(name) = name {
                    self.add_binding(name.as_str(), name.range(), BindingKind::Assignment);
                }
            }
            ast::Pattern::MatchStar(ast::PatternMatchStar {
                name: Some(name), ..
            }) => {
                self.add_binding(name.as_str(), name.range(), BindingKind::Assignment);
            }
            ast::Pattern::MatchMapping(mapping) => {
                visitor::walk_pattern(self, pattern);
                if let Some(rest) = &mapping.rest {
                    self.add_binding(rest.as_str(), rest.range(), BindingKind::Assignment);
                }
            }
            _ => visitor::walk_pattern(self, pattern),
        });
        self.exit();
    }
}
