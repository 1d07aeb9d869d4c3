//! Injection: strings built from data that reach an interpreter (a shell, SQL, Python).

use crate::rule::Rule;

mod subprocess_shell_true;

pub(super) static RULES: &[&Rule] = &[&subprocess_shell_true::RULE];
