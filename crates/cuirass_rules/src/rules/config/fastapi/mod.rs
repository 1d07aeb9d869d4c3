//! `FastAPI` and Starlette: middleware configuration.

use crate::rule::Rule;

mod starlette_cors_wildcard_credentials;

pub(super) static RULES: &[&Rule] = &[&starlette_cors_wildcard_credentials::RULE];
