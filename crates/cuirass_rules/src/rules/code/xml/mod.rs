//! XML: parsers that load external entities or expand entity bombs.

use crate::rule::Rule;

mod xml_external_entities;
mod xml_unsafe_parser;

pub(super) static RULES: &[&Rule] = &[&xml_external_entities::RULE, &xml_unsafe_parser::RULE];
