//! Qualified names as dotted strings, the form rules match against.

use ruff_python_ast::Expr;
use ruff_python_ast::name::QualifiedName;
use ruff_python_semantic::SemanticModel;

/// Renders a qualified name as a dotted string; builtins are written `builtins.eval`, so a
/// rule never confuses a builtin with a same-named local.
pub fn dotted(name: &QualifiedName) -> String {
    let segments = name.segments();
    match segments {
        ["", rest @ ..] => {
            let mut out = String::from("builtins");
            for segment in rest {
                out.push('.');
                out.push_str(segment);
            }
            out
        }
        _ => segments.join("."),
    }
}

/// The dotted qualified name an expression (a name or attribute chain) resolves to through
/// imports, or `None` when it is a local value or unknown.
pub fn qualified_name_of(semantic: &SemanticModel, expr: &Expr) -> Option<String> {
    semantic
        .resolve_qualified_name(expr)
        .map(|name| dotted(&name))
}
