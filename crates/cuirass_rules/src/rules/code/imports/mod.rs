//! Imports: the modules Bandit's import blacklist names, as low-severity hints.

use crate::rule::Rule;

mod insecure_import;
mod names;

pub(super) static RULES: &[&Rule] = &[&insecure_import::RULE];
