//! Errors and logs: exception details sent to clients, secrets written to logs.

use crate::rule::Rule;

mod secret_in_log;
mod stack_trace_exposure;

pub(super) static RULES: &[&Rule] = &[&secret_in_log::RULE, &stack_trace_exposure::RULE];
