//! One-time passwords for two-factor login: HOTP (RFC 4226) and TOTP (RFC 6238), and the base32
//! secrets authenticator apps exchange.
//!
//! A code is `HMAC(secret, counter)` dynamically truncated to 6–8 decimal digits; for TOTP the
//! counter is the number of `period`-second steps since the Unix epoch. SHA-1 is the default every
//! authenticator app implements; SHA-256 and SHA-512 are the RFC's alternatives. (HMAC-SHA-1 is
//! still a sound PRF: the collision attacks on SHA-1 do not apply to it.)
//!
//! [`verify`] compares the code against every step of the window in constant time and returns
//! the step that matched, so the caller can refuse a replay of it (the Python layer does, through
//! a claim store). Secrets shorter than 128 bits (RFC 4226 §4) are refused unless the caller
//! explicitly allows them.

use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Sha256, Sha512};

use crate::compare::constant_time_eq;
use crate::random::{self, RandomError};

/// The shortest secret [`verify`] accepts by default, in bytes (RFC 4226 §4: at least 128 bits).
pub const MIN_SECRET_BYTES: usize = 16;
/// The size of a generated secret, in bytes: 160 bits, RFC 4226's recommendation and the size of
/// an HMAC-SHA-1 block's worth of key most apps expect.
pub const GENERATED_SECRET_BYTES: usize = 20;

const BASE32_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Why a secret, code or parameter was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TotpError {
    #[error(
        "the secret is not valid base32: {0} (expected the letters A-Z and digits 2-7, as \
         authenticator apps show it)"
    )]
    InvalidSecret(String),
    #[error("the secret is empty")]
    EmptySecret,
    #[error(
        "the secret is {bits} bits long; at least {min} bits are required (RFC 4226 §4), \
         generate a new one with generate_secret()"
    )]
    SecretTooShort { bits: usize, min: usize },
    #[error("digits must be 6, 7 or 8, not {0}")]
    Digits(u32),
    #[error("unknown algorithm {0:?}: expected \"sha1\", \"sha256\" or \"sha512\"")]
    Algorithm(String),
    #[error("the period must be at least 1 second")]
    Period,
    #[error(transparent)]
    Random(#[from] RandomError),
}

/// The HMAC hash function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Algorithm {
    #[default]
    Sha1,
    Sha256,
    Sha512,
}

impl Algorithm {
    /// Parses `sha1`, `sha256` or `sha512`, in any case, with or without a hyphen (`SHA-256`).
    pub fn parse(name: &str) -> Result<Self, TotpError> {
        let normalised: String = name
            .chars()
            .filter(|&c| c != '-' && c != '_')
            .collect::<String>()
            .to_ascii_lowercase();
        match normalised.as_str() {
            "sha1" => Ok(Self::Sha1),
            "sha256" => Ok(Self::Sha256),
            "sha512" => Ok(Self::Sha512),
            _ => Err(TotpError::Algorithm(name.to_owned())),
        }
    }

    /// The name used in `otpauth://` URIs: `SHA1`, `SHA256` or `SHA512`.
    pub fn uri_name(self) -> &'static str {
        match self {
            Self::Sha1 => "SHA1",
            Self::Sha256 => "SHA256",
            Self::Sha512 => "SHA512",
        }
    }
}

/// The parameters a code is computed with; both sides must agree on all three.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TotpParams {
    /// 6, 7 or 8.
    pub digits: u32,
    pub algorithm: Algorithm,
    /// Seconds per step, at least 1 (30 everywhere in practice).
    pub period: u64,
}

impl Default for TotpParams {
    fn default() -> Self {
        Self {
            digits: 6,
            algorithm: Algorithm::Sha1,
            period: 30,
        }
    }
}

impl TotpParams {
    /// Checks the ranges: 6–8 digits, a period of at least a second.
    pub fn validate(&self) -> Result<(), TotpError> {
        check_digits(self.digits)?;
        if self.period == 0 {
            return Err(TotpError::Period);
        }
        Ok(())
    }
}

fn check_digits(digits: u32) -> Result<(), TotpError> {
    if (6..=8).contains(&digits) {
        Ok(())
    } else {
        Err(TotpError::Digits(digits))
    }
}

/// Decodes an RFC 4648 base32 secret, forgiving what people and apps do to it: lowercase letters,
/// spaces (and other ASCII whitespace) between groups, missing `=` padding. Anything else (a `0`,
/// `1`, `8` or `9`, padding in the middle, a length no encoder produces) is an error; the message
/// never quotes the secret.
pub fn decode_base32(text: &str) -> Result<Vec<u8>, TotpError> {
    let mut values = Vec::with_capacity(text.len());
    let mut padding = 0usize;
    for (index, c) in text
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .enumerate()
    {
        if c == '=' {
            padding += 1;
            continue;
        }
        if padding > 0 {
            return Err(TotpError::InvalidSecret(
                "`=` padding may only appear at the end".to_owned(),
            ));
        }
        let upper = c.to_ascii_uppercase();
        let value = match upper {
            'A'..='Z' => u8::try_from(u32::from(upper) - u32::from('A')).ok(),
            '2'..='7' => u8::try_from(u32::from(upper) - u32::from('2') + 26).ok(),
            _ => None,
        };
        let Some(value) = value else {
            // The position helps the user find a typo; the character itself may be secret-ish
            // but is not the secret, and a `0`/`1`/`8`/`9` is the usual culprit.
            return Err(TotpError::InvalidSecret(format!(
                "character {} is not in the base32 alphabet",
                index + 1
            )));
        };
        values.push(value);
    }
    if values.is_empty() {
        return Err(TotpError::EmptySecret);
    }
    // Each 8 characters carry 5 bytes; a final group of 1, 3 or 6 characters is not a whole
    // number of bytes, so no encoder ever produced it.
    if matches!(values.len() % 8, 1 | 3 | 6) {
        return Err(TotpError::InvalidSecret(format!(
            "{} characters is not a valid base32 length",
            values.len()
        )));
    }
    let mut out = Vec::with_capacity(values.len() * 5 / 8);
    let mut buffer = 0u32;
    let mut bits = 0u32;
    for value in values {
        buffer = (buffer << 5) | u32::from(value);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            // Truncation to the low byte is the point.
            out.push(u8::try_from((buffer >> bits) & 0xff).unwrap_or_default());
            buffer &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

/// Encodes bytes as RFC 4648 base32, uppercase, without padding (what authenticator apps and
/// `otpauth://` URIs use).
pub fn encode_base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut buffer = 0u32;
    let mut bits = 0u32;
    let push = |index: u32, out: &mut String| {
        let index = usize::try_from(index & 31).unwrap_or_default();
        out.push(char::from(
            BASE32_ALPHABET.get(index).copied().unwrap_or(b'A'),
        ));
    };
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            push(buffer >> bits, &mut out);
            buffer &= (1 << bits) - 1;
        }
    }
    if bits > 0 {
        push(buffer << (5 - bits), &mut out);
    }
    out
}

/// A fresh 160-bit secret from the OS CSPRNG, base32-encoded (32 characters, no padding).
pub fn generate_secret() -> Result<String, TotpError> {
    let key = random::array::<GENERATED_SECRET_BYTES>()?;
    Ok(encode_base32(&key))
}

fn hmac<M: Mac + KeyInit>(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = <M as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// The HOTP value (RFC 4226 §5.3) of `counter`, as exactly `digits` decimal digits.
pub fn hotp(
    key: &[u8],
    counter: u64,
    digits: u32,
    algorithm: Algorithm,
) -> Result<String, TotpError> {
    check_digits(digits)?;
    Ok(hotp_unchecked(key, counter, digits, algorithm))
}

fn hotp_unchecked(key: &[u8], counter: u64, digits: u32, algorithm: Algorithm) -> String {
    let message = counter.to_be_bytes();
    let digest = match algorithm {
        Algorithm::Sha1 => hmac::<Hmac<Sha1>>(key, &message),
        Algorithm::Sha256 => hmac::<Hmac<Sha256>>(key, &message),
        Algorithm::Sha512 => hmac::<Hmac<Sha512>>(key, &message),
    };
    // Dynamic truncation: the low nibble of the last byte picks 4 bytes; the top bit is masked so
    // the value is the same signed or unsigned. Digests are at least 20 bytes and the offset at
    // most 15, so the window is always inside.
    let offset = usize::from(digest.last().copied().unwrap_or_default() & 0x0f);
    let mut word = [0u8; 4];
    if let Some(slice) = digest.get(offset..offset + 4) {
        word.copy_from_slice(slice);
    }
    let binary = u32::from_be_bytes(word) & 0x7fff_ffff;
    let value = binary % 10u32.pow(digits);
    format!(
        "{value:0width$}",
        width = usize::try_from(digits).unwrap_or(6)
    )
}

/// The TOTP time step containing `at` (Unix seconds).
pub fn time_step(at: u64, period: u64) -> u64 {
    at / period.max(1)
}

/// The TOTP code for Unix time `at`.
pub fn totp(key: &[u8], at: u64, params: TotpParams) -> Result<String, TotpError> {
    params.validate()?;
    Ok(hotp_unchecked(
        key,
        time_step(at, params.period),
        params.digits,
        params.algorithm,
    ))
}

/// Checks `code` against the steps `window` before and after the one containing `at`.
///
/// Returns the time step that matched (the one nearest to `at` if several did), or `None`.
/// Whitespace in the code is ignored (`"123 456"`); anything but exactly `digits` decimal digits
/// is no match. Every step of the window is compared, each in constant time, so the time taken
/// does not say which step (if any) matched. With `allow_short_secret` false, a key under
/// [`MIN_SECRET_BYTES`] is an error rather than a weak check.
pub fn verify(
    key: &[u8],
    code: &str,
    at: u64,
    window: u32,
    params: TotpParams,
    allow_short_secret: bool,
) -> Result<Option<u64>, TotpError> {
    params.validate()?;
    if key.is_empty() {
        return Err(TotpError::EmptySecret);
    }
    if !allow_short_secret && key.len() < MIN_SECRET_BYTES {
        return Err(TotpError::SecretTooShort {
            bits: key.len() * 8,
            min: MIN_SECRET_BYTES * 8,
        });
    }
    let code: String = code.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let well_formed = usize::try_from(params.digits).is_ok_and(|digits| code.len() == digits)
        && code.bytes().all(|b| b.is_ascii_digit());
    let current = time_step(at, params.period);
    let mut matched: Option<u64> = None;
    // Nearest first: the current step, then one back, one ahead, two back, …
    for distance in 0..=u64::from(window) {
        let candidates = [current.checked_sub(distance), current.checked_add(distance)];
        let candidates = if distance == 0 {
            &candidates[..1]
        } else {
            &candidates[..]
        };
        for step in candidates.iter().flatten().copied() {
            let expected = hotp_unchecked(key, step, params.digits, params.algorithm);
            // Every candidate is compared, even after a match: the time taken depends only on the
            // window and the code's length, which are public.
            let equal = constant_time_eq(expected.as_bytes(), code.as_bytes()) && well_formed;
            if equal && matched.is_none() {
                matched = Some(step);
            }
        }
    }
    Ok(matched)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED20: &[u8] = b"12345678901234567890";
    const SEED32: &[u8] = b"12345678901234567890123456789012";
    const SEED64: &[u8] = b"1234567890123456789012345678901234567890123456789012345678901234";

    fn params(algorithm: Algorithm, digits: u32) -> TotpParams {
        TotpParams {
            digits,
            algorithm,
            period: 30,
        }
    }

    #[test]
    fn rfc4226_appendix_d() {
        let expected = [
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
            "399871", "520489",
        ];
        for (counter, code) in (0u64..).zip(expected) {
            assert_eq!(hotp(SEED20, counter, 6, Algorithm::Sha1).unwrap(), code);
        }
    }

    #[test]
    fn rfc6238_appendix_b() {
        let table: [(u64, &str, &str, &str); 6] = [
            (59, "94287082", "46119246", "90693936"),
            (1_111_111_109, "07081804", "68084774", "25091201"),
            (1_111_111_111, "14050471", "67062674", "99943326"),
            (1_234_567_890, "89005924", "91819424", "93441116"),
            (2_000_000_000, "69279037", "90698825", "38618901"),
            (20_000_000_000, "65353130", "77737706", "47863826"),
        ];
        for (at, sha1, sha256, sha512) in table {
            assert_eq!(totp(SEED20, at, params(Algorithm::Sha1, 8)).unwrap(), sha1);
            assert_eq!(
                totp(SEED32, at, params(Algorithm::Sha256, 8)).unwrap(),
                sha256
            );
            assert_eq!(
                totp(SEED64, at, params(Algorithm::Sha512, 8)).unwrap(),
                sha512
            );
        }
    }

    #[test]
    fn base32_round_trip_and_tolerance() {
        // RFC 4648 §10 test vectors.
        for (plain, encoded) in [
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ] {
            assert_eq!(encode_base32(plain.as_bytes()), encoded);
            assert_eq!(decode_base32(encoded).unwrap(), plain.as_bytes());
        }
        assert_eq!(decode_base32("MZXW6YQ=").unwrap(), b"foob");
        assert_eq!(decode_base32("mzxw 6ytb oi").unwrap(), b"foobar");
        assert_eq!(decode_base32("MZXW6YTBOI======").unwrap(), b"foobar");
        let secret = encode_base32(SEED20);
        assert_eq!(secret, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(decode_base32(&secret.to_lowercase()).unwrap(), SEED20);
    }

    #[test]
    fn base32_rejects_bad_input_without_quoting_it() {
        assert_eq!(decode_base32(""), Err(TotpError::EmptySecret));
        assert_eq!(decode_base32("  =="), Err(TotpError::EmptySecret));
        let error = decode_base32("MZXW0YTB").unwrap_err();
        assert!(error.to_string().contains("character 5"), "{error}");
        assert!(!error.to_string().contains("MZXW"), "{error}");
        assert!(matches!(
            decode_base32("MZ=XW"),
            Err(TotpError::InvalidSecret(_))
        ));
        assert!(matches!(
            decode_base32("MZXW6YTBO"),
            Err(TotpError::InvalidSecret(_))
        ));
        assert!(matches!(
            decode_base32("MZX"),
            Err(TotpError::InvalidSecret(_))
        ));
        assert!(matches!(
            decode_base32("ÄBCDEFGH"),
            Err(TotpError::InvalidSecret(_))
        ));
    }

    #[test]
    fn generated_secrets() {
        let a = generate_secret().unwrap();
        let b = generate_secret().unwrap();
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
        assert_eq!(decode_base32(&a).unwrap().len(), GENERATED_SECRET_BYTES);
    }

    #[test]
    fn verify_window() {
        let p = TotpParams::default();
        let at = 1_700_000_000;
        let step = time_step(at, 30);
        let code = |s: u64| hotp(SEED20, s, 6, Algorithm::Sha1).unwrap();
        assert_eq!(
            verify(SEED20, &code(step), at, 1, p, false).unwrap(),
            Some(step)
        );
        assert_eq!(
            verify(SEED20, &code(step - 1), at, 1, p, false).unwrap(),
            Some(step - 1)
        );
        assert_eq!(
            verify(SEED20, &code(step + 1), at, 1, p, false).unwrap(),
            Some(step + 1)
        );
        assert_eq!(
            verify(SEED20, &code(step - 2), at, 1, p, false).unwrap(),
            None
        );
        assert_eq!(
            verify(SEED20, &code(step - 2), at, 2, p, false).unwrap(),
            Some(step - 2)
        );
        assert_eq!(
            verify(SEED20, &code(step + 1), at, 0, p, false).unwrap(),
            None
        );
        let spaced = format!("{} {}", &code(step)[..3], &code(step)[3..]);
        assert_eq!(
            verify(SEED20, &spaced, at, 0, p, false).unwrap(),
            Some(step)
        );
    }

    #[test]
    fn verify_refuses_malformed_codes() {
        let p = TotpParams::default();
        let at = 1_700_000_000;
        let good = totp(SEED20, at, p).unwrap();
        for bad in [
            "",
            "12345",
            "1234567",
            "abcdef",
            "١٢٣٤٥٦",
            &format!("{good}0"),
        ] {
            assert_eq!(
                verify(SEED20, bad, at, 1, p, false).unwrap(),
                None,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn verify_near_the_epoch() {
        let p = TotpParams::default();
        let code = totp(SEED20, 0, p).unwrap();
        assert_eq!(verify(SEED20, &code, 5, 3, p, false).unwrap(), Some(0));
    }

    #[test]
    fn short_secrets_and_bad_params() {
        let p = TotpParams::default();
        let short = b"0123456789";
        let code = totp(short, 100, p).unwrap();
        assert_eq!(
            verify(short, &code, 100, 1, p, false),
            Err(TotpError::SecretTooShort { bits: 80, min: 128 })
        );
        assert_eq!(verify(short, &code, 100, 1, p, true).unwrap(), Some(3));
        assert_eq!(
            verify(b"", &code, 100, 1, p, true),
            Err(TotpError::EmptySecret)
        );
        assert_eq!(
            hotp(SEED20, 0, 5, Algorithm::Sha1),
            Err(TotpError::Digits(5))
        );
        assert_eq!(
            hotp(SEED20, 0, 9, Algorithm::Sha1),
            Err(TotpError::Digits(9))
        );
        let zero_period = TotpParams { period: 0, ..p };
        assert_eq!(totp(SEED20, 0, zero_period), Err(TotpError::Period));
        assert_eq!(hotp(SEED20, 0, 7, Algorithm::Sha1).unwrap().len(), 7);
    }

    #[test]
    fn algorithm_names() {
        assert_eq!(Algorithm::parse("SHA1").unwrap(), Algorithm::Sha1);
        assert_eq!(Algorithm::parse("sha-256").unwrap(), Algorithm::Sha256);
        assert_eq!(Algorithm::parse("Sha512").unwrap(), Algorithm::Sha512);
        assert!(matches!(
            Algorithm::parse("md5"),
            Err(TotpError::Algorithm(_))
        ));
        assert_eq!(Algorithm::Sha256.uri_name(), "SHA256");
    }
}
