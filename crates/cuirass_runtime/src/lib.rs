//! The core of the `cuirass` Python library, in pure Rust and with no Python in sight.
//!
//! `cuirass_py` is a thin PyO3 layer over this crate, so every primitive here is usable (and
//! tested) from Rust alone. Each module is one family of primitives:
//!
//! - [`passwords`] and [`strength`]: Argon2id hashing, verification of migrated hashes, peppers,
//!   generated passwords, a NIST SP 800-63B strength policy;
//! - [`sanitize`], [`validate`] and [`paths`]: allow-list HTML, escaping, input validators,
//!   traversal-proof path joins and file names;
//! - [`signing`]: compact signed, timestamped tokens with key rotation;
//! - [`crypto`] and [`fernet`]: AES-256-GCM with key ids, and Fernet tokens;
//! - [`redact`]: masking secrets in text (interim detectors, see the module);
//! - [`totp`]: one-time passwords (HOTP, TOTP) and base32 secrets for two-factor login;
//! - [`random`] and [`compare`]: the OS CSPRNG and constant-time equality;
//! - [`sessions`], [`monitor`] and [`store`]: server-side sessions, login monitoring with
//!   lockout, and their stores (memory, SQLite, Redis).
//!
//! Nothing here panics on caller input: every fallible operation returns a `thiserror` error whose
//! message says what was wrong without echoing secret material.
#![forbid(unsafe_code)]

pub mod compare;
pub mod crypto;
pub mod fernet;
pub mod monitor;
pub mod passwords;
pub mod paths;
pub mod random;
pub mod redact;
pub mod sanitize;
pub mod sessions;
pub mod signing;
pub mod store;
pub mod strength;
pub mod totp;
pub mod validate;

mod encoding;
