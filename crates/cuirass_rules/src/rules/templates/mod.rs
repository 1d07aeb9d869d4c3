//! Rules over template files (Jinja2 and Django templates), dispatched tag by tag by
//! [`analyze_template`](crate::analyze_template).

use crate::rule::Rule;

mod template_autoescape_off;
mod template_safe_filter;

pub(crate) static RULES: &[&Rule] = &[&template_autoescape_off::RULE, &template_safe_filter::RULE];
