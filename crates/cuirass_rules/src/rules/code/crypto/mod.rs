//! Cryptography and tokens: broken algorithms, small keys, predictable IVs and randomness,
//! unverified tokens and fast password hashes, where security depends on them.

use crate::rule::Rule;

mod insecure_random;
mod jwt_decode_unverified;
mod static_iv;
mod weak_cipher;
mod weak_crypto_key;
mod weak_hash;
mod weak_password_hash;

pub(super) static RULES: &[&Rule] = &[
    &insecure_random::RULE,
    &jwt_decode_unverified::RULE,
    &static_iv::RULE,
    &weak_cipher::RULE,
    &weak_crypto_key::RULE,
    &weak_hash::RULE,
    &weak_password_hash::RULE,
];
