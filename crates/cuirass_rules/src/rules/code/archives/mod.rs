//! Archives: extraction code that lets member names choose where files are written.

use crate::rule::Rule;

mod zip_unsafe_extract;

pub(super) static RULES: &[&Rule] = &[&zip_unsafe_extract::RULE];
