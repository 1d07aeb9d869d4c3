//! Debug code: debuggers and debug modes that must never reach production.

use crate::rule::Rule;

mod flask_debug_true;

pub(super) static RULES: &[&Rule] = &[&flask_debug_true::RULE];
