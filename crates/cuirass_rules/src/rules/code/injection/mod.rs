//! Injection: strings built from data that reach an interpreter (a shell, SQL, Python).

use crate::rule::Rule;

mod eval_exec;
mod os_system;
mod sql_string_query;
mod subprocess_shell_true;

pub(super) static RULES: &[&Rule] = &[
    &eval_exec::RULE,
    &os_system::RULE,
    &sql_string_query::RULE,
    &subprocess_shell_true::RULE,
];
