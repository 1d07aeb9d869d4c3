//! Credentials: passwords, tokens and keys written into the code.

use crate::rule::Rule;

mod hardcoded_password;

pub(super) static RULES: &[&Rule] = &[&hardcoded_password::RULE];
