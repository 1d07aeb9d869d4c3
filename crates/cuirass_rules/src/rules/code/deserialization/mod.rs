//! Unsafe deserialisation: loaders that run code chosen by whoever wrote the data.

use crate::rule::Rule;

mod pickle_load;

pub(super) static RULES: &[&Rule] = &[&pickle_load::RULE];
