//! Source text: characters that make code read differently from how it runs.

use crate::rule::Rule;

mod trojan_source;

pub(super) static RULES: &[&Rule] = &[&trojan_source::RULE];
