//! Cross-site scripting and template injection in Python code: template engines configured
//! without escaping, values marked as safe HTML, HTML built by hand, template source built at
//! run time. Template *files* are the `templates` family's.

use crate::rule::Rule;

mod django_mark_safe_non_literal;
mod helpers;
mod html_string_response;
mod jinja2_autoescape_false;
mod mako_templates;
mod markup_non_literal;
mod template_injection;

pub(super) static RULES: &[&Rule] = &[
    &django_mark_safe_non_literal::RULE,
    &html_string_response::RULE,
    &jinja2_autoescape_false::RULE,
    &mako_templates::RULE,
    &markup_non_literal::RULE,
    &template_injection::RULE,
];
