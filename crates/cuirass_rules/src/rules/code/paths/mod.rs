//! Paths: files opened, sent or removed at a path read straight from the request.

use crate::rule::Rule;

mod path_from_request;

pub(super) static RULES: &[&Rule] = &[&path_from_request::RULE];
