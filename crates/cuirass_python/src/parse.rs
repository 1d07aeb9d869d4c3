//! Parsing with error recovery: a syntax error becomes a notice, and the rules still run on
//! what the parser recovered.

use std::cell::Cell;

use cuirass_diagnostics::{Notice, NoticeKind};
use ruff_python_ast::ModModule;
use ruff_python_ast::token::TokenKind;
use ruff_python_parser::Parsed;
use ruff_text_size::{Ranged, TextRange};

use crate::source::SourceFile;

/// Stack bytes reserved per level of AST depth when dropping a deep tree. Generous: a debug
/// build's drop glue uses a few hundred bytes a level.
const DROP_STACK_PER_LEVEL: usize = 1024;
/// Trees shallower than this drop on the ordinary stack.
const DEEP_TREE: usize = 256;

/// A parsed module: the AST, its comments and its syntax errors.
pub struct ParsedModule {
    parsed: Option<Parsed<ModModule>>,
    comments: Vec<TextRange>,
    /// The deepest nesting seen by a walk of this tree; set by [`crate::bind`] so the drop
    /// knows how much stack it needs.
    pub(crate) depth: Cell<usize>,
}

impl ParsedModule {
    pub fn module(&self) -> Option<&ModModule> {
        self.parsed.as_ref().map(Parsed::syntax)
    }

    /// The statements of the module (empty if none).
    pub fn suite(&self) -> &[ruff_python_ast::Stmt] {
        self.module().map_or(&[], |m| m.body.as_slice())
    }

    /// Ranges of every `#` comment, in source order.
    pub fn comments(&self) -> &[TextRange] {
        &self.comments
    }

    /// The syntax errors as one notice at the first error (a cascade of follow-on errors says
    /// nothing more), or none.
    pub fn syntax_errors(&self, source: &SourceFile) -> Vec<Notice> {
        let Some(parsed) = &self.parsed else {
            return Vec::new();
        };
        let errors = parsed.errors();
        let Some(first) = errors.iter().min_by_key(|e| e.location.start()) else {
            return Vec::new();
        };
        let more = match errors.len() - 1 {
            0 => String::new(),
            1 => " (and 1 more error)".to_string(),
            n => format!(" (and {n} more errors)"),
        };
        vec![
            Notice::new(
                NoticeKind::ParseError,
                source.display.clone(),
                format!(
                    "syntax error: {}{more}; rules ran on the parts that parsed",
                    first.error
                ),
            )
            .at(source.position(first.location.start())),
        ]
    }

    pub fn has_syntax_errors(&self) -> bool {
        self.parsed.as_ref().is_some_and(|p| !p.errors().is_empty())
    }

    /// Records the nesting depth a walk observed (keeps the maximum).
    pub fn note_depth(&self, depth: usize) {
        if depth > self.depth.get() {
            self.depth.set(depth);
        }
    }
}

impl Drop for ParsedModule {
    fn drop(&mut self) {
        let depth = self.depth.get();
        if let Some(parsed) = self.parsed.take() {
            if depth > DEEP_TREE {
                let size = depth.saturating_mul(DROP_STACK_PER_LEVEL) + (1 << 20);
                stacker::grow(size, move || drop(parsed));
            } else {
                drop(parsed);
            }
        }
    }
}

/// Parses a file's text. Never fails: syntax errors are kept for [`ParsedModule::syntax_errors`]
/// and the tree holds what the parser recovered.
pub fn parse(source: &SourceFile) -> ParsedModule {
    let parsed = ruff_python_parser::parse_unchecked_source(
        &source.text,
        ruff_python_ast::PySourceType::Python,
    );
    let comments = parsed
        .tokens()
        .iter()
        .filter(|token| token.kind() == TokenKind::Comment)
        .map(Ranged::range)
        .collect();
    ParsedModule {
        parsed: Some(parsed),
        comments,
        depth: Cell::new(0),
    }
}
