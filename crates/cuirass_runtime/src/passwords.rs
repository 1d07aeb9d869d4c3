//! Password hashing: Argon2id for new hashes, plus verification of the formats user tables
//! migrate from (bcrypt, Django and passlib PBKDF2, Django's bcrypt and Argon2 wrappers), so a
//! site can switch to cuirass without a password reset: verify the old hash, then re-hash on the
//! next successful login ([`needs_rehash`]).
//!
//! Every comparison of a computed hash with a stored one is constant time (`subtle`, or the PHC
//! `Output` type, which compares in constant time).
//!
//! An optional pepper is applied as HMAC-SHA256(key = pepper, message = password) before hashing,
//! so a stolen table alone cannot be attacked offline. Rotation is the caller's list of peppers
//! (see `cuirass.passwords` in Python): verify tries each, and a hash made under an old pepper is
//! re-hashed under the new one on the next successful login.

use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256, Sha512};

use crate::compare::constant_time_eq;
use crate::encoding;
use crate::random::{self, RandomError};

/// Argon2 cost parameters. [`Argon2Params::OWASP`] is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Argon2Params {
    /// Memory cost in KiB.
    pub memory_kib: u32,
    /// Number of passes over memory.
    pub iterations: u32,
    /// Degree of parallelism (lanes).
    pub parallelism: u32,
}

impl Argon2Params {
    /// OWASP's Password Storage Cheat Sheet: Argon2id, m = 19 MiB, t = 2, p = 1.
    pub const OWASP: Self = Self {
        memory_kib: 19 * 1024,
        iterations: 2,
        parallelism: 1,
    };
}

impl Default for Argon2Params {
    fn default() -> Self {
        Self::OWASP
    }
}

/// Length of new salts and hash outputs, in bytes (argon2-cffi's defaults too).
const SALT_LEN: usize = 16;
const OUTPUT_LEN: usize = 32;
/// bcrypt reads at most this many bytes of a password.
const BCRYPT_MAX_PASSWORD: usize = 72;
/// Refuse PBKDF2 iteration counts above this: a corrupt or hostile row must not pin a CPU for
/// hours (Django's own default is about one million).
const MAX_PBKDF2_ITERATIONS: u32 = 100_000_000;

/// The hash formats [`verify`] understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `$argon2id$…` (also Django's `argon2$argon2id$…`).
    Argon2id,
    /// `$argon2i$…`.
    Argon2i,
    /// `$argon2d$…`.
    Argon2d,
    /// `$2a$`, `$2b$`, `$2x$`, `$2y$` (also Django's `bcrypt$…`).
    Bcrypt,
    /// Django's `bcrypt_sha256$…`: bcrypt over the hex SHA-256 of the password.
    BcryptSha256,
    /// Django's `pbkdf2_sha256$iterations$salt$hash`.
    DjangoPbkdf2Sha256,
    /// passlib's `$pbkdf2-sha256$rounds$salt$checksum`.
    PasslibPbkdf2Sha256,
    /// passlib's `$pbkdf2-sha512$rounds$salt$checksum`.
    PasslibPbkdf2Sha512,
}

impl Scheme {
    /// A short stable name, as shown to users.
    pub const fn name(self) -> &'static str {
        match self {
            Scheme::Argon2id => "argon2id",
            Scheme::Argon2i => "argon2i",
            Scheme::Argon2d => "argon2d",
            Scheme::Bcrypt => "bcrypt",
            Scheme::BcryptSha256 => "bcrypt_sha256",
            Scheme::DjangoPbkdf2Sha256 => "pbkdf2_sha256",
            Scheme::PasslibPbkdf2Sha256 => "pbkdf2-sha256",
            Scheme::PasslibPbkdf2Sha512 => "pbkdf2-sha512",
        }
    }
}

/// Why a password could not be hashed or a stored hash could not be checked. A wrong password is
/// not an error: [`verify`] returns `Ok(false)`.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error(
        "invalid Argon2 parameters (memory_kib={memory_kib}, iterations={iterations}, \
         parallelism={parallelism}): {reason}"
    )]
    Params {
        memory_kib: u32,
        iterations: u32,
        parallelism: u32,
        reason: String,
    },
    #[error(
        "the stored hash is not in a recognised format (expected an Argon2 PHC string, bcrypt \
         `$2b$…`, Django `pbkdf2_sha256$…`/`bcrypt$…`/`argon2$…` or passlib `$pbkdf2-sha256$…`)"
    )]
    UnknownFormat,
    #[error("the stored {scheme} hash is malformed: {reason}")]
    Malformed {
        scheme: &'static str,
        reason: String,
    },
    #[error("Argon2 failed: {0}")]
    Argon2(String),
    #[error("a generated password needs a length between 8 and 1024, got {0}")]
    GenerateLength(usize),
    #[error("a generated password needs an alphabet of at least 2 distinct characters")]
    GenerateAlphabet,
    #[error(transparent)]
    Random(#[from] RandomError),
}

/// Applies a pepper: HMAC-SHA256 keyed with the server-side secret over the password.
pub fn apply_pepper(password: &[u8], pepper: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(pepper)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(password);
    mac.finalize().into_bytes().into()
}

/// Hashes `password` with Argon2id under `params`, a fresh 16-byte salt and a 32-byte output,
/// and returns the PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`).
pub fn hash(password: &[u8], params: Argon2Params) -> Result<String, PasswordError> {
    let argon = argon2_for(params)?;
    let salt = random::array::<SALT_LEN>()?;
    let hash = argon
        .hash_password_with_salt(password, &salt)
        .map_err(|error| PasswordError::Argon2(error.to_string()))?;
    Ok(hash.to_string())
}

fn argon2_for(params: Argon2Params) -> Result<Argon2<'static>, PasswordError> {
    let Argon2Params {
        memory_kib,
        iterations,
        parallelism,
    } = params;
    let invalid = |reason: String| PasswordError::Params {
        memory_kib,
        iterations,
        parallelism,
        reason,
    };
    if memory_kib < 8 * parallelism {
        return Err(invalid(
            "memory_kib must be at least 8 × parallelism".to_owned(),
        ));
    }
    let argon_params = Params::new(memory_kib, iterations, parallelism, Some(OUTPUT_LEN))
        .map_err(|error| invalid(error.to_string()))?;
    Ok(Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        argon_params,
    ))
}

/// A stored hash, parsed.
enum Parsed<'a> {
    Argon2(Box<PasswordHash>),
    Bcrypt {
        hash: &'a str,
        sha256_prehash: bool,
    },
    Pbkdf2 {
        scheme: Scheme,
        iterations: u32,
        salt: Vec<u8>,
        expected: Vec<u8>,
    },
}

/// Which scheme `stored` uses, or `None` if it is not a format [`verify`] understands.
pub fn identify(stored: &str) -> Option<Scheme> {
    let stored = strip_django_argon2(stored);
    if let Some(rest) = stored.strip_prefix("bcrypt_sha256$") {
        return is_bcrypt(rest).then_some(Scheme::BcryptSha256);
    }
    let bcrypt = stored.strip_prefix("bcrypt$").unwrap_or(stored);
    if is_bcrypt(bcrypt) {
        return Some(Scheme::Bcrypt);
    }
    if stored.starts_with("pbkdf2_sha256$") {
        return Some(Scheme::DjangoPbkdf2Sha256);
    }
    if stored.starts_with("$pbkdf2-sha256$") {
        return Some(Scheme::PasslibPbkdf2Sha256);
    }
    if stored.starts_with("$pbkdf2-sha512$") {
        return Some(Scheme::PasslibPbkdf2Sha512);
    }
    if stored.starts_with("$argon2id$") {
        return Some(Scheme::Argon2id);
    }
    if stored.starts_with("$argon2i$") {
        return Some(Scheme::Argon2i);
    }
    if stored.starts_with("$argon2d$") {
        return Some(Scheme::Argon2d);
    }
    None
}

fn is_bcrypt(hash: &str) -> bool {
    ["$2a$", "$2b$", "$2x$", "$2y$"]
        .iter()
        .any(|prefix| hash.starts_with(prefix))
}

/// Django stores Argon2 hashes as `argon2` + the PHC string.
fn strip_django_argon2(stored: &str) -> &str {
    match stored.strip_prefix("argon2") {
        Some(rest) if rest.starts_with("$argon2") => rest,
        _ => stored,
    }
}

fn parse(stored: &str) -> Result<(Scheme, Parsed<'_>), PasswordError> {
    let scheme = identify(stored).ok_or(PasswordError::UnknownFormat)?;
    let malformed = |reason: &str| PasswordError::Malformed {
        scheme: scheme.name(),
        reason: reason.to_owned(),
    };
    let parsed = match scheme {
        Scheme::Argon2id | Scheme::Argon2i | Scheme::Argon2d => {
            let phc = PasswordHash::new(strip_django_argon2(stored))
                .map_err(|error| malformed(&error.to_string()))?;
            if phc.salt.is_none() || phc.hash.is_none() {
                return Err(malformed("no salt or no hash"));
            }
            Parsed::Argon2(Box::new(phc))
        }
        Scheme::Bcrypt => Parsed::Bcrypt {
            hash: stored.strip_prefix("bcrypt$").unwrap_or(stored),
            sha256_prehash: false,
        },
        Scheme::BcryptSha256 => Parsed::Bcrypt {
            hash: stored.strip_prefix("bcrypt_sha256$").unwrap_or(stored),
            sha256_prehash: true,
        },
        Scheme::DjangoPbkdf2Sha256 => {
            let mut fields = stored.split('$');
            let (Some(_), Some(iterations), Some(salt), Some(hash), None) = (
                fields.next(),
                fields.next(),
                fields.next(),
                fields.next(),
                fields.next(),
            ) else {
                return Err(malformed(
                    "expected `pbkdf2_sha256$iterations$salt$hash` (four `$`-separated fields)",
                ));
            };
            Parsed::Pbkdf2 {
                scheme,
                iterations: parse_iterations(iterations).map_err(malformed)?,
                salt: salt.as_bytes().to_vec(),
                expected: encoding::STANDARD
                    .decode(hash)
                    .map_err(|_| malformed("the hash field is not valid base64"))?,
            }
        }
        Scheme::PasslibPbkdf2Sha256 | Scheme::PasslibPbkdf2Sha512 => {
            let mut fields = stored.split('$');
            let (Some(""), Some(_), Some(rounds), Some(salt), Some(checksum), None) = (
                fields.next(),
                fields.next(),
                fields.next(),
                fields.next(),
                fields.next(),
                fields.next(),
            ) else {
                return Err(malformed("expected `$pbkdf2-sha256$rounds$salt$checksum`"));
            };
            Parsed::Pbkdf2 {
                scheme,
                iterations: parse_iterations(rounds).map_err(malformed)?,
                salt: passlib_ab64(salt).ok_or_else(|| malformed("the salt is not valid ab64"))?,
                expected: passlib_ab64(checksum)
                    .ok_or_else(|| malformed("the checksum is not valid ab64"))?,
            }
        }
    };
    Ok((scheme, parsed))
}

fn parse_iterations(text: &str) -> Result<u32, &'static str> {
    match text.parse::<u32>() {
        Ok(0) | Err(_) => Err("the iteration count is not a positive integer"),
        Ok(n) if n > MAX_PBKDF2_ITERATIONS => Err("the iteration count is implausibly large"),
        Ok(n) => Ok(n),
    }
}

/// passlib's "adapted base64": the standard alphabet with `.` for `+`, no padding.
fn passlib_ab64(text: &str) -> Option<Vec<u8>> {
    let standard = text.replace('.', "+");
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(standard.trim_end_matches('='))
        .ok()
}

/// Checks `password` against `stored`, in constant time with respect to the computed hash.
/// `Ok(false)` means the password is wrong; `Err` means `stored` could not be used at all.
pub fn verify(stored: &str, password: &[u8]) -> Result<bool, PasswordError> {
    let (scheme, parsed) = parse(stored)?;
    match parsed {
        Parsed::Argon2(phc) => match Argon2::default().verify_password(password, &*phc) {
            Ok(()) => Ok(true),
            Err(password_hash::Error::PasswordInvalid) => Ok(false),
            Err(error) => Err(PasswordError::Malformed {
                scheme: scheme.name(),
                reason: error.to_string(),
            }),
        },
        Parsed::Bcrypt {
            hash,
            sha256_prehash,
        } => {
            let digest;
            let password = if sha256_prehash {
                // Django hashes the hex digest, 64 ASCII bytes, to dodge bcrypt's 72-byte limit.
                digest = hex(&Sha256::digest(password));
                digest.as_bytes()
            } else {
                // bcrypt only ever read the first 72 bytes, so that is what was hashed.
                password.get(..BCRYPT_MAX_PASSWORD).unwrap_or(password)
            };
            bcrypt::verify(password, hash).map_err(|error| PasswordError::Malformed {
                scheme: scheme.name(),
                reason: error.to_string(),
            })
        }
        Parsed::Pbkdf2 {
            scheme,
            iterations,
            salt,
            expected,
        } => {
            if expected.is_empty() || expected.len() > 64 {
                return Err(PasswordError::Malformed {
                    scheme: scheme.name(),
                    reason: format!("a {}-byte hash is not plausible", expected.len()),
                });
            }
            let mut computed = vec![0u8; expected.len()];
            if scheme == Scheme::PasslibPbkdf2Sha512 {
                pbkdf2::pbkdf2_hmac::<Sha512>(password, &salt, iterations, &mut computed);
            } else {
                pbkdf2::pbkdf2_hmac::<Sha256>(password, &salt, iterations, &mut computed);
            }
            Ok(constant_time_eq(&computed, &expected))
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, byte| {
            let _ = write!(out, "{byte:02x}");
            out
        })
}

/// Whether `stored` should be replaced by a fresh [`hash`] under `params` after the next
/// successful login: true for any scheme other than Argon2id, for another Argon2 version, and
/// for a memory or time cost below `params` or a salt or output shorter than ours. Parallelism
/// is not compared: fewer lanes at the same memory and time is not weaker.
pub fn needs_rehash(stored: &str, params: Argon2Params) -> Result<bool, PasswordError> {
    let (scheme, parsed) = parse(stored)?;
    let Parsed::Argon2(phc) = parsed else {
        return Ok(true);
    };
    if scheme != Scheme::Argon2id || phc.version != Some(Version::V0x13.into()) {
        return Ok(true);
    }
    let existing = Params::try_from(&*phc).map_err(|error| PasswordError::Malformed {
        scheme: scheme.name(),
        reason: error.to_string(),
    })?;
    let salt_len = phc.salt.as_ref().map_or(0, |salt| salt.len());
    let output_len = phc.hash.as_ref().map_or(0, password_hash::phc::Output::len);
    Ok(existing.m_cost() < params.memory_kib
        || existing.t_cost() < params.iterations
        || salt_len < SALT_LEN
        || output_len < OUTPUT_LEN)
}

/// Letters and digits: 62 symbols, so 20 characters carry about 119 bits.
pub const DEFAULT_ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// A random password of `length` characters drawn uniformly from `alphabet` (duplicates in the
/// alphabet are ignored) with the OS CSPRNG.
pub fn generate(length: usize, alphabet: &str) -> Result<String, PasswordError> {
    if !(8..=1024).contains(&length) {
        return Err(PasswordError::GenerateLength(length));
    }
    let mut symbols: Vec<char> = alphabet.chars().collect();
    symbols.sort_unstable();
    symbols.dedup();
    let count = u32::try_from(symbols.len()).map_err(|_| PasswordError::GenerateAlphabet)?;
    if count < 2 {
        return Err(PasswordError::GenerateAlphabet);
    }
    let mut out = String::with_capacity(length);
    for _ in 0..length {
        let index = random::below(count)? as usize;
        out.push(symbols.get(index).copied().unwrap_or('?'));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cheap parameters so the tests stay fast; the OWASP ones are exercised once.
    const FAST: Argon2Params = Argon2Params {
        memory_kib: 64,
        iterations: 1,
        parallelism: 1,
    };

    #[test]
    fn argon2id_round_trip_with_owasp_defaults() {
        let stored = hash(b"correct horse battery staple", Argon2Params::default()).unwrap();
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert!(verify(&stored, b"correct horse battery staple").unwrap());
        assert!(!verify(&stored, b"correct horse battery stapl").unwrap());
        assert!(!needs_rehash(&stored, Argon2Params::default()).unwrap());
    }

    #[test]
    fn salts_are_fresh() {
        assert_ne!(hash(b"pw", FAST).unwrap(), hash(b"pw", FAST).unwrap());
    }

    /// A PHC string made by the C reference implementation (argon2-cffi 25.1:
    /// `hash_secret(b"password", b"somesaltsomesalt", time_cost=2, memory_cost=64,
    /// parallelism=1, hash_len=32, type=Type.ID)`).
    #[test]
    fn verifies_reference_phc_string() {
        let reference = "$argon2id$v=19$m=64,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Gpj7qOY5RCXJvcMzqcdQqvgR3wcPX7SleI4c9NtXk6E";
        assert!(verify(reference, b"password").unwrap());
        assert!(!verify(reference, b"passwore").unwrap());
    }

    #[test]
    fn rfc9106_argon2id_raw_vector() {
        // RFC 9106 §5.3: Argon2id, v=0x13, m=32, t=3, p=4, secret and associated data.
        let secret = [3u8; 8];
        let params = argon2::ParamsBuilder::new()
            .m_cost(32)
            .t_cost(3)
            .p_cost(4)
            .data(argon2::AssociatedData::new(&[4u8; 12]).unwrap())
            .output_len(32)
            .build()
            .unwrap();
        let argon =
            Argon2::new_with_secret(&secret, Algorithm::Argon2id, Version::V0x13, params).unwrap();
        let mut out = [0u8; 32];
        argon
            .hash_password_into(&[1u8; 32], &[2u8; 16], &mut out)
            .unwrap();
        assert_eq!(
            hex(&out),
            "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"
        );
    }

    #[test]
    fn other_argon2_variants_verify_and_need_rehash() {
        for algorithm in [Algorithm::Argon2i, Algorithm::Argon2d] {
            let params = Params::new(64, 1, 1, Some(32)).unwrap();
            let stored = Argon2::new(algorithm, Version::V0x13, params)
                .hash_password_with_salt(b"pw", b"0123456789abcdef")
                .unwrap()
                .to_string();
            assert!(verify(&stored, b"pw").unwrap(), "{stored}");
            assert!(!verify(&stored, b"pX").unwrap());
            assert!(needs_rehash(&stored, FAST).unwrap());
        }
    }

    #[test]
    fn weaker_params_need_rehash() {
        let stored = hash(b"pw", FAST).unwrap();
        assert!(!needs_rehash(&stored, FAST).unwrap());
        assert!(needs_rehash(&stored, Argon2Params::OWASP).unwrap());
        let stronger = Argon2Params {
            iterations: 2,
            ..FAST
        };
        assert!(needs_rehash(&stored, stronger).unwrap());
        // Parallelism is not a strength measure on its own.
        let more_lanes = Argon2Params {
            parallelism: 2,
            ..FAST
        };
        assert!(!needs_rehash(&stored, more_lanes).unwrap());
    }

    #[test]
    fn django_argon2_wrapper() {
        let stored = format!("argon2{}", hash(b"pw", FAST).unwrap());
        assert_eq!(identify(&stored), Some(Scheme::Argon2id));
        assert!(verify(&stored, b"pw").unwrap());
        assert!(!verify(&stored, b"px").unwrap());
    }

    #[test]
    fn bcrypt_known_hash() {
        // OpenBSD's bcrypt test vector: "U*U" at cost 5.
        let stored = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";
        assert_eq!(identify(stored), Some(Scheme::Bcrypt));
        assert!(verify(stored, b"U*U").unwrap());
        assert!(!verify(stored, b"U*V").unwrap());
        assert!(needs_rehash(stored, FAST).unwrap());
        let django = format!("bcrypt${stored}");
        assert!(verify(&django, b"U*U").unwrap());
    }

    #[test]
    fn bcrypt_reads_only_72_bytes() {
        let long = [b'a'; 100];
        let stored = bcrypt::hash_with_salt(&long[..72], 4, [7u8; 16])
            .unwrap()
            .format_for_version(bcrypt::Version::TwoB);
        assert!(verify(&stored, &long).unwrap());
        assert!(verify(&stored, &long[..72]).unwrap());
        assert!(!verify(&stored, &long[..71]).unwrap());
    }

    #[test]
    fn django_bcrypt_sha256() {
        let prehash = hex(&Sha256::digest(b"secret"));
        let inner = bcrypt::hash_with_salt(prehash.as_bytes(), 4, [9u8; 16])
            .unwrap()
            .format_for_version(bcrypt::Version::TwoB);
        let stored = format!("bcrypt_sha256${inner}");
        assert_eq!(identify(&stored), Some(Scheme::BcryptSha256));
        assert!(verify(&stored, b"secret").unwrap());
        assert!(!verify(&stored, b"Secret").unwrap());
    }

    /// RFC 6070 has PBKDF2-HMAC-SHA1 vectors only; these are the widely published
    /// PBKDF2-HMAC-SHA256 ones for the same inputs (`password`/`salt`).
    #[test]
    fn pbkdf2_sha256_vectors() {
        let cases: [(u32, &str); 3] = [
            (
                1,
                "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b",
            ),
            (
                2,
                "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43",
            ),
            (
                4096,
                "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a",
            ),
        ];
        for (iterations, expected) in cases {
            let mut out = [0u8; 32];
            pbkdf2::pbkdf2_hmac::<Sha256>(b"password", b"salt", iterations, &mut out);
            assert_eq!(hex(&out), expected, "c = {iterations}");
        }
    }

    #[test]
    fn django_pbkdf2() {
        let mut out = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<Sha256>(b"hunter2", b"seasalt", 1000, &mut out);
        let stored = format!(
            "pbkdf2_sha256$1000$seasalt${}",
            encoding::STANDARD.encode(out)
        );
        assert!(verify(&stored, b"hunter2").unwrap());
        assert!(!verify(&stored, b"hunter3").unwrap());
        assert!(needs_rehash(&stored, FAST).unwrap());
    }

    #[test]
    fn passlib_pbkdf2() {
        let salt = b"\x01\x02\x03\xfb\xff\xfe";
        let mut out = [0u8; 64];
        pbkdf2::pbkdf2_hmac::<Sha512>(b"pw", salt, 25, &mut out);
        let ab64 = |data: &[u8]| {
            base64::engine::general_purpose::STANDARD_NO_PAD
                .encode(data)
                .replace('+', ".")
        };
        let stored = format!("$pbkdf2-sha512$25${}${}", ab64(salt), ab64(&out));
        assert_eq!(identify(&stored), Some(Scheme::PasslibPbkdf2Sha512));
        assert!(verify(&stored, b"pw").unwrap());
        assert!(!verify(&stored, b"pv").unwrap());
    }

    #[test]
    fn malformed_and_unknown_hashes_are_errors() {
        for bad in [
            "",
            "plaintext",
            "md5$abc$def",
            "$1$salt$hash",
            "sha1$salt$hash",
        ] {
            assert!(
                matches!(verify(bad, b"x"), Err(PasswordError::UnknownFormat)),
                "{bad}"
            );
        }
        for bad in [
            "pbkdf2_sha256$abc$salt$aGFzaA==",
            "pbkdf2_sha256$0$salt$aGFzaA==",
            "pbkdf2_sha256$1000$salt",
            "pbkdf2_sha256$1000$salt$%%%",
            "pbkdf2_sha256$999999999999$salt$aGFzaA==",
            "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ",
            "$argon2id$garbage",
            "$2b$04$short",
        ] {
            assert!(
                matches!(verify(bad, b"x"), Err(PasswordError::Malformed { .. })),
                "{bad}: {:?}",
                verify(bad, b"x")
            );
        }
    }

    #[test]
    fn pepper_changes_the_input() {
        let a = apply_pepper(b"pw", b"pepper-1");
        let b = apply_pepper(b"pw", b"pepper-2");
        assert_ne!(a, b);
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            hex(&apply_pepper(b"what do ya want for nothing?", b"Jefe")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn invalid_params_are_reported() {
        let error = hash(
            b"pw",
            Argon2Params {
                memory_kib: 4,
                iterations: 1,
                parallelism: 1,
            },
        )
        .unwrap_err();
        assert!(error.to_string().contains("memory_kib=4"), "{error}");
        assert!(
            hash(
                b"pw",
                Argon2Params {
                    iterations: 0,
                    ..FAST
                }
            )
            .is_err()
        );
    }

    #[test]
    fn generated_passwords() {
        let a = generate(20, DEFAULT_ALPHABET).unwrap();
        assert_eq!(a.chars().count(), 20);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, generate(20, DEFAULT_ALPHABET).unwrap());
        let b = generate(64, "ab").unwrap();
        assert!(b.chars().all(|c| c == 'a' || c == 'b'));
        assert!(b.contains('a') && b.contains('b'));
        assert!(matches!(
            generate(7, DEFAULT_ALPHABET),
            Err(PasswordError::GenerateLength(7))
        ));
        assert!(matches!(
            generate(12, "aaaa"),
            Err(PasswordError::GenerateAlphabet)
        ));
        let unicode = generate(16, "αβγ").unwrap();
        assert_eq!(unicode.chars().count(), 16);
    }
}
