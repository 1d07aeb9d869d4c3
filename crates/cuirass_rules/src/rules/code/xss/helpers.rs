//! What the XSS rules share: telling a value that cannot carry markup (a constant, an escaped
//! or sanitised value, a number, a translated literal) from one that can, and describing how
//! a string was built.

use cuirass_python::ast::{self, Expr};

use crate::checker::Context;
use crate::helpers::{bound_value, built_string, dynamic_parts, is_constant_value};

/// Functions whose result is escaped or sanitised HTML, or cannot hold markup at all.
const SAFE_CALLS: &[&str] = &[
    "html.escape",
    "markupsafe.escape",
    "markupsafe.escape_silent",
    "flask.escape",
    "jinja2.escape",
    "werkzeug.utils.escape",
    "django.utils.html.escape",
    "django.utils.html.conditional_escape",
    "django.utils.html.format_html",
    "django.utils.html.format_html_join",
    "django.utils.html.strip_tags",
    "django.utils.html.urlize",
    "django.template.loader.render_to_string",
    "django.shortcuts.render",
    "flask.render_template",
    "flask.templating.render_template",
    "bleach.clean",
    "bleach.linkify",
    "nh3.clean",
    "cuirass.validation.sanitize_html",
    "cuirass.validation.escape_html",
    "urllib.parse.quote",
    "urllib.parse.quote_plus",
    "urllib.parse.urlencode",
    "builtins.int",
    "builtins.float",
    "builtins.len",
    "builtins.bool",
    "builtins.round",
    "builtins.abs",
];

/// Translation functions: their literal argument is the developer's own text.
const TRANSLATIONS: &[&str] = &[
    "_",
    "gettext",
    "gettext_lazy",
    "ugettext",
    "ugettext_lazy",
    "lazy_gettext",
    "ngettext",
    "pgettext",
];

/// Whether `expr` cannot bring markup of the user's into a string.
pub(crate) fn is_safe_value(ctx: &Context<'_>, expr: &Expr) -> bool {
    is_safe_within(ctx, expr, 4)
}

fn is_safe_within(ctx: &Context<'_>, expr: &Expr, hops: u8) -> bool {
    if is_constant_value(ctx.semantic, expr) {
        return true;
    }
    match expr {
        // `label = _("…")` … `f'aria-label="{label}"'`: follow a local name a few hops.
        Expr::Name(name) => {
            hops > 0
                && bound_value(ctx.semantic, name)
                    .is_some_and(|value| is_safe_within(ctx, value, hops - 1))
        }
        Expr::Call(call) => {
            if let Some(name) = ctx.qualified_name(&call.func) {
                if SAFE_CALLS.contains(&name.as_str()) {
                    return true;
                }
                let last = name.rsplit('.').next().unwrap_or(&name);
                if TRANSLATIONS.contains(&last) {
                    return call.arguments.args.first().is_some_and(is_constant_literal);
                }
            }
            // `_("…")` bound by `from django.utils.translation import gettext as _` resolves
            // above; a builtin-installed `_` (gettext.install) does not resolve at all.
            if let Expr::Name(name) = call.func.as_ref()
                && TRANSLATIONS.contains(&name.id.as_str())
            {
                return call.arguments.args.first().is_some_and(is_constant_literal);
            }
            // A rendered template is escaped by its engine: `renderer.render(…)`,
            // `template.render(…)`, `render_to_string(…)` on any object.
            matches!(
                call.func.as_ref(),
                Expr::Attribute(attr) if matches!(attr.attr.as_str(), "render" | "render_to_string")
            )
        }
        Expr::NumberLiteral(_) | Expr::BooleanLiteral(_) | Expr::NoneLiteral(_) => true,
        // `' class="end"' if last else ""`: safe when both branches are.
        Expr::If(if_expr) => {
            is_safe_within(ctx, &if_expr.body, hops) && is_safe_within(ctx, &if_expr.orelse, hops)
        }
        _ => false,
    }
}

fn is_constant_literal(expr: &Expr) -> bool {
    crate::helpers::is_constant(expr)
}

/// How a value handed to a "trust this as HTML" function was made.
pub(crate) enum Made<'a> {
    /// A constant, or built only from safe values.
    Safe,
    /// Built in place (or just before) with an f-string, `%`, `.format()`, `+` or `"…".join()`
    /// from values that can carry markup.
    Built(Vec<&'a Expr>),
    /// A name, attribute or call we cannot see into.
    Unknown,
}

/// Classifies `expr` (see [`Made`]).
pub(crate) fn how_made<'a>(ctx: &Context<'a>, expr: &'a Expr) -> Made<'a> {
    if is_safe_value(ctx, expr) {
        return Made::Safe;
    }
    if let Some(built) = built_string(ctx.semantic, expr) {
        let parts: Vec<&Expr> = dynamic_parts(built)
            .into_iter()
            .filter(|part| !is_safe_value(ctx, part))
            .collect();
        return if parts.is_empty() {
            Made::Safe
        } else {
            Made::Built(parts)
        };
    }
    // `"<br>".join(items)`
    if let Expr::Call(call) = expr
        && let Expr::Attribute(attr) = call.func.as_ref()
        && attr.attr.as_str() == "join"
        && attr.value.is_string_literal_expr()
    {
        return match call.arguments.args.first() {
            Some(items) if !is_constant_value(ctx.semantic, items) => Made::Built(vec![items]),
            _ => Made::Safe,
        };
    }
    Made::Unknown
}

/// Whether the literal text of a string built at run time holds markup (`<b>`, `href="`):
/// HTML assembled by hand, as opposed to plain values joined together.
pub(crate) fn builds_markup(ctx: &Context<'_>, expr: &Expr) -> bool {
    let literal = match expr {
        Expr::Call(call) => match call.func.as_ref() {
            Expr::Attribute(attr) if attr.attr.as_str() == "join" => {
                crate::helpers::str_value(&attr.value)
            }
            _ => built_string(ctx.semantic, expr).and_then(crate::helpers::leading_literal),
        },
        _ => built_string(ctx.semantic, expr).and_then(crate::helpers::leading_literal),
    };
    literal
        .is_some_and(|text| looks_like_html(&text) || text.contains("=\"") || text.contains("='"))
}

/// A short description of the first unsafe part, for messages (`` `name` ``).
pub(crate) fn describe_parts(ctx: &Context<'_>, parts: &[&Expr]) -> String {
    let shown: Vec<String> = parts
        .iter()
        .take(2)
        .map(|part| {
            let text = ctx.text(cuirass_python::Ranged::range(*part));
            if text.len() <= 30 && !text.contains('\n') {
                format!("`{text}`")
            } else {
                "a value".to_string()
            }
        })
        .collect();
    match parts.len() {
        0 => "a value".to_string(),
        1 | 2 => shown.join(" and "),
        _ => format!("{} and more", shown.join(", ")),
    }
}

/// Whether a string literal part looks like HTML: a `<` followed by a letter, `/` or `!`.
pub(crate) fn looks_like_html(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.windows(2).any(|pair| {
        pair.first() == Some(&b'<')
            && pair
                .get(1)
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'/' || *c == b'!')
    })
}

/// The first argument of a call, or the keyword `name`.
pub(crate) fn first_argument<'a>(call: &'a ast::ExprCall, names: &[&str]) -> Option<&'a Expr> {
    call.arguments
        .args
        .iter()
        .take_while(|a| !a.is_starred_expr())
        .next()
        .or_else(|| {
            call.arguments
                .keywords
                .iter()
                .find(|k| k.arg.as_ref().is_some_and(|a| names.contains(&a.as_str())))
                .map(|k| &k.value)
        })
}

#[cfg(test)]
mod tests {
    use super::looks_like_html;

    #[test]
    fn html_sniffing() {
        assert!(looks_like_html("<b>"));
        assert!(looks_like_html("Hello </p>"));
        assert!(looks_like_html("<!doctype html>"));
        assert!(!looks_like_html("a < b"));
        assert!(!looks_like_html("x <= 3"));
        assert!(!looks_like_html("plain text"));
    }
}
