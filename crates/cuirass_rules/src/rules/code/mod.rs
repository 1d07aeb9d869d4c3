//! Rules over Python code, by topic.

use crate::rule::Rule;

mod archives;
mod cookies;
mod credentials;
mod crypto;
mod debug;
mod deserialization;
mod errors;
mod files;
mod imports;
mod injection;
mod legacy;
mod ml;
mod network;
mod paths;
mod process;
mod quality;
mod source;
mod ssh;
mod taint;
mod xml;
mod xss;

pub(crate) use taint::drop_superseded;

/// Every code rule.
pub(crate) fn rules() -> impl Iterator<Item = &'static Rule> {
    [
        archives::RULES,
        cookies::RULES,
        credentials::RULES,
        crypto::RULES,
        debug::RULES,
        deserialization::RULES,
        errors::RULES,
        files::RULES,
        imports::RULES,
        injection::RULES,
        legacy::RULES,
        ml::RULES,
        network::RULES,
        paths::RULES,
        process::RULES,
        quality::RULES,
        source::RULES,
        ssh::RULES,
        taint::RULES,
        xml::RULES,
        xss::RULES,
    ]
    .into_iter()
    .flatten()
    .copied()
}
