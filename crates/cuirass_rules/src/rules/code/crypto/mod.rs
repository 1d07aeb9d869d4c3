//! Cryptography: broken algorithms and primitives used where security depends on them.

use crate::rule::Rule;

mod weak_hash;

pub(super) static RULES: &[&Rule] = &[&weak_hash::RULE];
