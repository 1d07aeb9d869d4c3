//! One parse per Python file, shared by every audit of that file.
//!
//! [`SourceFile`] owns the text and its line index; [`ParsedModule`] owns the Ruff AST and the
//! comment ranges; [`bind`] drives Ruff's `SemanticModel` over the AST so that any call or
//! attribute resolves to a qualified name through imports and aliases afterwards;
//! [`Suppressions`] reads `# cuirass: ignore[...]`, `# nosec` and `# noqa: S…` comments.
//!
//! Deeply nested input is the classic way to crash an AST tool: the parser survives it, but a
//! recursive walk (and even dropping the tree) can overflow the stack. Every recursive walk here
//! grows the stack on demand with `stacker`, and [`ParsedModule`] drops its tree on a grown
//! stack when it is deep.
#![forbid(unsafe_code)]

mod binder;
mod names;
mod parse;
mod source;
mod suppression;

pub use binder::{Bound, bind};
pub use names::{dotted, qualified_name_of};
pub use parse::{ParsedModule, parse};
pub use source::{SourceFile, module_path_for};
pub use suppression::{Suppression, SuppressionKind, Suppressions};

pub use ruff_python_ast as ast;
pub use ruff_python_semantic as semantic;
pub use ruff_text_size::{Ranged, TextRange, TextSize};

/// Grows the stack by `STACK_STEP` bytes when fewer than `STACK_RED_ZONE` remain. Used by every
/// recursive AST walk.
pub fn with_stack<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(STACK_RED_ZONE, STACK_STEP, f)
}

/// Remaining stack below which a recursive walk allocates a new segment.
pub const STACK_RED_ZONE: usize = 128 * 1024;
/// Size of each new stack segment.
pub const STACK_STEP: usize = 4 * 1024 * 1024;
