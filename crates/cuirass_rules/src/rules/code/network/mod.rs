//! Network: TLS that verifies nothing and servers listening where they should not.

use crate::rule::Rule;

mod bind_all_interfaces;
mod requests_verify_disabled;

pub(super) static RULES: &[&Rule] = &[&bind_all_interfaces::RULE, &requests_verify_disabled::RULE];
