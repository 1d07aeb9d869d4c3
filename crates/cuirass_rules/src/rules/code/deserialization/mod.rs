//! Unsafe deserialisation: loaders that run code chosen by whoever wrote the data.

use crate::rule::Rule;

mod jsonpickle_decode;
mod pickle_load;
mod yaml_unsafe_load;

pub(super) static RULES: &[&Rule] = &[
    &jsonpickle_decode::RULE,
    &pickle_load::RULE,
    &yaml_unsafe_load::RULE,
];
