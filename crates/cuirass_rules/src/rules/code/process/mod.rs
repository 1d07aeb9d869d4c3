//! Processes: programs started without a shell, shells reached through wrappers and SSH, and
//! programs found through `PATH`.

use crate::rule::Rule;

mod call_with_shell_true;
mod helpers;
mod os_exec_dynamic_program;
mod paramiko_exec_command;
mod partial_executable_path;
mod subprocess_dynamic_program;

pub(super) static RULES: &[&Rule] = &[
    &call_with_shell_true::RULE,
    &os_exec_dynamic_program::RULE,
    &paramiko_exec_command::RULE,
    &partial_executable_path::RULE,
    &subprocess_dynamic_program::RULE,
];
