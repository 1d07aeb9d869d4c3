//! SSH: clients that accept whatever host key the server presents.

use crate::rule::Rule;

mod ssh_no_host_key_verification;

pub(super) static RULES: &[&Rule] = &[&ssh_no_host_key_verification::RULE];
