//! Code quality with security consequences: checks that vanish and errors that are swallowed.

use crate::rule::Rule;

mod assert_used;
mod try_except_pass;

pub(super) static RULES: &[&Rule] = &[&assert_used::RULE, &try_except_pass::RULE];
