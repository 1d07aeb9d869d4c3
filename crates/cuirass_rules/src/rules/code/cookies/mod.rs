//! Cookies set by web framework responses without `Secure`, without `HttpOnly`, or with
//! `SameSite=None`. Framework settings for session cookies are the `config` family's.

use crate::rule::Rule;

mod cookie_samesite_none;
mod cookie_without_httponly;
mod cookie_without_secure;
mod helpers;

pub(super) static RULES: &[&Rule] = &[
    &cookie_samesite_none::RULE,
    &cookie_without_httponly::RULE,
    &cookie_without_secure::RULE,
];
