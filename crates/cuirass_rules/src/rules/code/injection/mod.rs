//! Injection: strings built from data that reach an interpreter (a shell, SQL, Python, LDAP,
//! `XPath`), and request data that chooses where a redirect or an outgoing request goes.

use crate::rule::Rule;

mod django_raw_sql;
mod eval_exec;
mod ldap_injection;
mod open_redirect;
mod os_system;
mod sql_string_query;
mod ssrf_request_url;
mod subprocess_shell_true;
mod wildcard_injection;
mod xpath_injection;

pub(super) static RULES: &[&Rule] = &[
    &django_raw_sql::RULE,
    &eval_exec::RULE,
    &ldap_injection::RULE,
    &open_redirect::RULE,
    &os_system::RULE,
    &sql_string_query::RULE,
    &ssrf_request_url::RULE,
    &subprocess_shell_true::RULE,
    &wildcard_injection::RULE,
    &xpath_injection::RULE,
];
