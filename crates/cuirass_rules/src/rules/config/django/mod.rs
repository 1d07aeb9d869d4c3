//! Django: settings modules (the security checks of `manage.py check --deploy` that can be seen
//! in the source), CSRF exemptions and django-cors-headers. See `helpers.rs` for how a settings
//! module is recognised, and `docs/django-deploy-checks.md` for the mapping to Django's checks.

use crate::rule::Rule;

mod django_allowed_hosts_wildcard;
mod django_clickjacking_middleware_missing;
mod django_cors_wildcard_credentials;
mod django_csrf_cookie_secure_off;
mod django_csrf_exempt;
mod django_csrf_middleware_missing;
mod django_debug_true;
mod django_hsts_incomplete;
mod django_hsts_missing;
mod django_nosniff_off;
mod django_referrer_policy_unsafe;
mod django_secret_key_literal;
mod django_security_middleware_missing;
mod django_session_cookie_httponly_off;
mod django_session_cookie_secure_off;
mod django_ssl_redirect_off;
mod django_weak_password_hasher;
mod django_x_frame_options_weak;
pub(crate) mod helpers;

pub(super) static RULES: &[&Rule] = &[
    &django_allowed_hosts_wildcard::RULE,
    &django_clickjacking_middleware_missing::RULE,
    &django_cors_wildcard_credentials::RULE,
    &django_csrf_cookie_secure_off::RULE,
    &django_csrf_exempt::RULE,
    &django_csrf_middleware_missing::RULE,
    &django_debug_true::RULE,
    &django_hsts_incomplete::RULE,
    &django_hsts_missing::RULE,
    &django_nosniff_off::RULE,
    &django_referrer_policy_unsafe::RULE,
    &django_secret_key_literal::RULE,
    &django_security_middleware_missing::RULE,
    &django_session_cookie_httponly_off::RULE,
    &django_session_cookie_secure_off::RULE,
    &django_ssl_redirect_off::RULE,
    &django_weak_password_hasher::RULE,
    &django_x_frame_options_weak::RULE,
];
