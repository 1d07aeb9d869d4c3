//! Flask: application configuration and extensions (Flask-WTF, Flask-CORS). `flask-debug-true`
//! lives with the debug rules. See `helpers.rs` for where configuration values are found.

use crate::rule::Rule;

mod flask_cors_wildcard_credentials;
mod flask_secret_key_literal;
mod flask_session_cookie_weak;
mod flask_wtf_csrf_disabled;
pub(crate) mod helpers;

pub(super) static RULES: &[&Rule] = &[
    &flask_cors_wildcard_credentials::RULE,
    &flask_secret_key_literal::RULE,
    &flask_session_cookie_weak::RULE,
    &flask_wtf_csrf_disabled::RULE,
];
