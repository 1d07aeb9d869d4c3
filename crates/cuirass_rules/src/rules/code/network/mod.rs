//! Network: TLS that verifies nothing or speaks broken versions, servers listening where they
//! should not, clear-text management protocols, and requests that can hang or go anywhere.

use crate::rule::Rule;

mod bind_all_interfaces;
mod cleartext_http_url;
mod logging_config_listen;
mod request_without_timeout;
mod requests_verify_disabled;
mod snmp_insecure_version;
mod snmp_weak_crypto;
mod ssl_insecure_version;
mod ssl_wrap_socket;
mod urlopen_dynamic_url;

pub(super) static RULES: &[&Rule] = &[
    &bind_all_interfaces::RULE,
    &cleartext_http_url::RULE,
    &logging_config_listen::RULE,
    &request_without_timeout::RULE,
    &requests_verify_disabled::RULE,
    &snmp_insecure_version::RULE,
    &snmp_weak_crypto::RULE,
    &ssl_insecure_version::RULE,
    &ssl_wrap_socket::RULE,
    &urlopen_dynamic_url::RULE,
];
