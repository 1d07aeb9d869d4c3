//! The checker: one walk over a bound module that hands each node to the rules interested in
//! it, tracking the statement, function and class a node sits in.

use cuirass_diagnostics::{CodeFrame, Finding, RuleMeta};
use cuirass_python::ast::visitor::{self, Visitor};
use cuirass_python::ast::{self, Expr, Stmt};
use cuirass_python::semantic::SemanticModel;
use cuirass_python::{Ranged, SourceFile, TextRange, qualified_name_of, with_stack};

use crate::registry::RuleSet;
use crate::rule::Interest;

/// A call with its callee resolved once for every rule that looks at it.
#[derive(Debug, Clone, Copy)]
pub struct Call<'a> {
    pub node: &'a ast::ExprCall,
    /// `subprocess.Popen`, `builtins.eval`, `yaml.load` … or `None` when the callee is a local
    /// value or unknown.
    pub name: Option<&'a str>,
}

impl<'a> Call<'a> {
    /// The keyword argument `name`, if passed.
    pub fn keyword(&self, name: &str) -> Option<&'a Expr> {
        self.node
            .arguments
            .keywords
            .iter()
            .find(|k| k.arg.as_ref().is_some_and(|arg| arg.as_str() == name))
            .map(|k| &k.value)
    }

    /// Positional argument `index` (stops at the first `*args`).
    pub fn arg(&self, index: usize) -> Option<&'a Expr> {
        self.node
            .arguments
            .args
            .iter()
            .take_while(|a| !a.is_starred_expr())
            .nth(index)
    }

    /// The argument passed by keyword `name` or else at `index`.
    pub fn argument(&self, name: &str, index: usize) -> Option<&'a Expr> {
        self.keyword(name).or_else(|| self.arg(index))
    }

    /// Whether the call passes `**kwargs` (which may hold any keyword).
    pub fn has_kwargs_splat(&self) -> bool {
        self.node.arguments.keywords.iter().any(|k| k.arg.is_none())
    }

    /// Whether the call matches one of the dotted names.
    pub fn is_any(&self, names: &[&str]) -> bool {
        self.name.is_some_and(|n| names.contains(&n))
    }

    /// The method name when the callee is an attribute (`x.execute(...)` → `execute`), whether
    /// or not the receiver resolves.
    pub fn method(&self) -> Option<&'a str> {
        match self.node.func.as_ref() {
            Expr::Attribute(attr) => Some(attr.attr.as_str()),
            _ => None,
        }
    }
}

/// The node a rule is called with.
#[derive(Debug, Clone, Copy)]
pub enum Node<'a> {
    Call(Call<'a>),
    Expr(&'a Expr),
    Stmt(&'a Stmt),
    Module(&'a [Stmt]),
    /// One tag of a template file. The context's source is the template and its semantic
    /// model is that of an empty module.
    TemplateTag(&'a crate::template::TemplateTag<'a>),
}

/// What a rule sees while it checks: the file, the semantic model, where in the file the
/// walk is, and the sink for findings.
pub struct Context<'a> {
    pub source: &'a SourceFile,
    pub semantic: &'a SemanticModel<'a>,
    rule: Option<&'static RuleMeta>,
    findings: Vec<(Finding, [u32; 2])>,
    statements: Vec<&'a Stmt>,
    functions: Vec<&'a ast::StmtFunctionDef>,
    classes: Vec<&'a ast::StmtClassDef>,
    is_test_file: bool,
    /// Taint analysis: its options, and its result once a taint rule asked for it (the
    /// analysis runs once per file, whatever the number of taint rules).
    taint_options: Option<&'a cuirass_taint::TaintOptions>,
    taint: Option<cuirass_taint::TaintResult>,
}

impl<'a> Context<'a> {
    pub(crate) fn new(source: &'a SourceFile, semantic: &'a SemanticModel<'a>) -> Self {
        Self {
            source,
            semantic,
            rule: None,
            findings: Vec::new(),
            statements: Vec::new(),
            functions: Vec::new(),
            classes: Vec::new(),
            is_test_file: is_test_path(&source.display),
            taint_options: None,
            taint: None,
        }
    }

    /// The context with taint options (without, taint rules use the built-in specification).
    #[must_use]
    pub(crate) fn with_taint(mut self, options: &'a cuirass_taint::TaintOptions) -> Self {
        self.taint_options = Some(options);
        self
    }

    /// The flows of class `vuln` the taint analysis proves in this module (`suite` is the
    /// module body a `Module` rule is given). The analysis runs on the first call only.
    pub fn taint_flows(
        &mut self,
        suite: &[Stmt],
        vuln: cuirass_taint::Vuln,
    ) -> Vec<cuirass_taint::TaintFinding> {
        if self.taint.is_none() {
            let default = cuirass_taint::TaintOptions::default();
            let options = self.taint_options.unwrap_or(&default);
            self.taint = Some(cuirass_taint::analyze(
                self.source,
                self.semantic,
                suite,
                options,
            ));
        }
        self.taint
            .iter()
            .flat_map(|result| &result.findings)
            .filter(|finding| finding.vuln == vuln)
            .cloned()
            .collect()
    }

    /// What the taint analysis learnt about the module for other modules, if it ran.
    pub(crate) fn take_taint_module(&mut self) -> Option<cuirass_taint::ModuleTaint> {
        self.taint.take().map(|result| result.module)
    }

    /// Reports a finding of the running rule at `range` and returns it for adjustments
    /// (severity, confidence, related locations).
    pub fn report(&mut self, range: TextRange, message: impl Into<String>) -> Option<&mut Finding> {
        let rule = self.rule?;
        let location = self.source.location(range);
        let statement_lines = self.statement_lines(range);
        self.findings
            .push((Finding::new(rule, message, location), statement_lines));
        self.findings.last_mut().map(|(finding, _)| finding)
    }

    /// First and last line of the statement holding `range`: suppressions on either count.
    fn statement_lines(&self, range: TextRange) -> [u32; 2] {
        let Some(stmt) = self.statements.last() else {
            let line = self.source.position(range.start()).line;
            return [line, line];
        };
        let first = self.source.position(stmt.start()).line;
        let last = if is_compound(stmt) {
            // For `if`/`for`/`def` … the statement's last line is far away; the end of the
            // finding itself is the useful second anchor.
            self.source.position(range.end()).line
        } else {
            self.source.position(stmt.end()).line
        };
        [first, last]
    }

    /// The dotted qualified name `expr` resolves to through imports, if any.
    pub fn qualified_name(&self, expr: &Expr) -> Option<String> {
        qualified_name_of(self.semantic, expr)
    }

    /// The innermost enclosing function, if any.
    pub fn function(&self) -> Option<&'a ast::StmtFunctionDef> {
        self.functions.last().copied()
    }

    /// The innermost enclosing class, if any.
    pub fn class(&self) -> Option<&'a ast::StmtClassDef> {
        self.classes.last().copied()
    }

    /// The statement being checked and its ancestors, innermost last.
    pub fn statements(&self) -> &[&'a Stmt] {
        &self.statements
    }

    /// Whether the file is a test (`test_*.py`, `*_test.py`, `conftest.py`, under `tests/`).
    pub fn is_test_file(&self) -> bool {
        self.is_test_file
    }

    /// A code frame for a finding about a secret: only the reported lines (context lines may
    /// hold other secrets), with the text of each masked range replaced, so that the secret
    /// never reaches a report. Set it as the finding's `frame`.
    pub fn masked_frame(&self, range: TextRange, masks: &[(TextRange, &str)]) -> CodeFrame {
        let mut frame = self.source.frame(self.source.span(range), 0);
        // Right to left, so that each replacement leaves the columns of the next one intact.
        let mut masks = masks.to_vec();
        masks.sort_by_key(|(mask, _)| std::cmp::Reverse(mask.start()));
        for (mask, replacement) in masks {
            let span = self.source.span(mask);
            for (line_number, line) in (frame.first_line..).zip(frame.lines.iter_mut()) {
                if line_number < span.start.line || line_number > span.end.line {
                    continue;
                }
                let chars: Vec<char> = line.chars().collect();
                let from = if line_number == span.start.line {
                    usize::try_from(span.start.column.saturating_sub(1)).unwrap_or(usize::MAX)
                } else {
                    0
                };
                let to = if line_number == span.end.line {
                    usize::try_from(span.end.column.saturating_sub(1)).unwrap_or(usize::MAX)
                } else {
                    chars.len()
                };
                let (from, to) = (from.min(chars.len()), to.min(chars.len()));
                // The replacement goes on the first line; later lines of the range just vanish.
                let inserted = if line_number == span.start.line {
                    replacement
                } else {
                    ""
                };
                let mut masked: String = chars.iter().take(from).collect();
                masked.push_str(inserted);
                masked.extend(chars.iter().skip(to.max(from)));
                *line = masked;
            }
        }
        frame
    }

    /// Source text of a range.
    pub fn text(&self, range: TextRange) -> &'a str {
        self.source
            .text
            .get(range.start().to_usize()..range.end().to_usize())
            .unwrap_or("")
    }

    pub(crate) fn into_findings(self) -> Vec<(Finding, [u32; 2])> {
        self.findings
    }

    /// Runs one rule on one node, for dispatchers other than the Python walk (templates).
    pub(crate) fn run_rule(&mut self, rule: &'static crate::rule::Rule, node: &Node<'_>) {
        self.rule = Some(&rule.meta);
        (rule.check)(self, node);
        self.rule = None;
    }
}

fn is_compound(stmt: &Stmt) -> bool {
    matches!(
        stmt,
        Stmt::If(_)
            | Stmt::For(_)
            | Stmt::While(_)
            | Stmt::With(_)
            | Stmt::Try(_)
            | Stmt::FunctionDef(_)
            | Stmt::ClassDef(_)
            | Stmt::Match(_)
    )
}

/// Test files by the conventions pytest and unittest use.
pub(crate) fn is_test_path(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path);
    file.starts_with("test_")
        || file.ends_with("_test.py")
        || file == "conftest.py"
        || file == "tests.py"
        || path
            .split('/')
            .any(|segment| segment == "tests" || segment == "test" || segment == "testing")
}

/// Walks a module and dispatches nodes to rules.
pub(crate) struct Checker<'a, 'r> {
    pub(crate) ctx: Context<'a>,
    rules: &'r RuleSet,
}

impl<'a, 'r> Checker<'a, 'r> {
    pub(crate) fn new(ctx: Context<'a>, rules: &'r RuleSet) -> Self {
        Self { ctx, rules }
    }

    pub(crate) fn run(&mut self, suite: &'a [Stmt]) {
        self.visit_body(suite);
        if self.rules.wants(Interest::Module) {
            self.dispatch(Interest::Module, &Node::Module(suite));
        }
    }

    fn dispatch(&mut self, interest: Interest, node: &Node<'_>) {
        for rule in self.rules.interested(interest) {
            self.ctx.rule = Some(&rule.meta);
            (rule.check)(&mut self.ctx, node);
        }
        self.ctx.rule = None;
    }

    fn stmt_interest(stmt: &Stmt) -> Option<Interest> {
        Some(match stmt {
            Stmt::Assign(_) | Stmt::AnnAssign(_) | Stmt::AugAssign(_) => Interest::Assign,
            Stmt::Assert(_) => Interest::Assert,
            Stmt::Try(_) => Interest::Try,
            Stmt::FunctionDef(_) => Interest::FunctionDef,
            Stmt::ClassDef(_) => Interest::ClassDef,
            Stmt::Import(_) | Stmt::ImportFrom(_) => Interest::Import,
            Stmt::With(_) => Interest::With,
            _ => return None,
        })
    }

    fn visit_stmt_inner(&mut self, stmt: &'a Stmt) {
        self.ctx.statements.push(stmt);
        if let Some(interest) = Self::stmt_interest(stmt)
            && self.rules.wants(interest)
        {
            self.dispatch(interest, &Node::Stmt(stmt));
        }
        match stmt {
            Stmt::FunctionDef(function) => {
                // Decorators and defaults belong to the enclosing scope.
                for decorator in &function.decorator_list {
                    self.visit_decorator(decorator);
                }
                self.visit_parameters(&function.parameters);
                if let Some(returns) = &function.returns {
                    self.visit_annotation(returns);
                }
                self.ctx.functions.push(function);
                self.visit_body(&function.body);
                self.ctx.functions.pop();
            }
            Stmt::ClassDef(class) => {
                for decorator in &class.decorator_list {
                    self.visit_decorator(decorator);
                }
                if let Some(arguments) = &class.arguments {
                    self.visit_arguments(arguments);
                }
                self.ctx.classes.push(class);
                self.visit_body(&class.body);
                self.ctx.classes.pop();
            }
            _ => visitor::walk_stmt(self, stmt),
        }
        self.ctx.statements.pop();
    }

    fn visit_expr_inner(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Call(call) if self.rules.wants(Interest::Call) => {
                let name = self.ctx.qualified_name(&call.func);
                let node = Node::Call(Call {
                    node: call,
                    name: name.as_deref(),
                });
                self.dispatch(Interest::Call, &node);
            }
            Expr::Attribute(_) if self.rules.wants(Interest::Attribute) => {
                self.dispatch(Interest::Attribute, &Node::Expr(expr));
            }
            Expr::StringLiteral(_) if self.rules.wants(Interest::StringLiteral) => {
                self.dispatch(Interest::StringLiteral, &Node::Expr(expr));
            }
            Expr::Compare(_) if self.rules.wants(Interest::Compare) => {
                self.dispatch(Interest::Compare, &Node::Expr(expr));
            }
            Expr::Dict(_) if self.rules.wants(Interest::Dict) => {
                self.dispatch(Interest::Dict, &Node::Expr(expr));
            }
            _ => {}
        }
        visitor::walk_expr(self, expr);
    }
}

impl<'a> Visitor<'a> for Checker<'a, '_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        with_stack(|| self.visit_stmt_inner(stmt));
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        with_stack(|| self.visit_expr_inner(expr));
    }
}
