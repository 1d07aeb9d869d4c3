//! Rules over Python code, by topic.

use crate::rule::Rule;

mod credentials;
mod crypto;
mod debug;
mod deserialization;
mod files;
mod injection;
mod network;
mod quality;

/// Every code rule.
pub(crate) fn rules() -> impl Iterator<Item = &'static Rule> {
    [
        credentials::RULES,
        crypto::RULES,
        debug::RULES,
        deserialization::RULES,
        files::RULES,
        injection::RULES,
        network::RULES,
        quality::RULES,
    ]
    .into_iter()
    .flatten()
    .copied()
}
