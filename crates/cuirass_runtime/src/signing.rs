//! Signed, timestamped tokens: the safe replacement for pickle across a trust boundary. The
//! payload is bytes (the Python layer puts compact JSON there); the token proves it was made by a
//! holder of the key and says when.
//!
//! Format (three URL-safe base64 fields, no padding):
//! `payload.timestamp.mac`, where `timestamp` is the big-endian Unix time in seconds with leading
//! zero bytes dropped and `mac` is HMAC-SHA256 over `payload.timestamp` (the encoded text) under a
//! key derived from the secret and the salt:
//! `derived = HMAC-SHA256(secret, "cuirass.signing.v1" || 0x00 || salt)`.
//!
//! The salt separates purposes: a token signed for password resets does not verify as a session
//! token under the same secret. Key rotation: sign with the first key, accept any; every key is
//! tried, each comparison in constant time. The timestamp is only trusted after the MAC verifies.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::encoding::{b64url, unb64url};

type HmacSha256 = Hmac<Sha256>;

const DERIVATION_CONTEXT: &[u8] = b"cuirass.signing.v1\0";
const MAC_LEN: usize = 32;

/// Why a token was refused, or a signer could not be built.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SigningError {
    #[error("no signing key was given")]
    NoKeys,
    #[error("signing key {0} is empty")]
    EmptyKey(usize),
    #[error("the token is malformed: {0}")]
    Malformed(&'static str),
    #[error(
        "the signature does not match: the token was altered, or signed with another key or salt"
    )]
    BadSignature,
    #[error("the signature has expired: the token is {age} seconds old, at most {max_age} allowed")]
    Expired { age: u64, max_age: u64 },
}

/// Signs and verifies tokens for one salt with a list of keys (the first signs).
#[derive(Clone)]
pub struct Signer {
    /// Keyed HMAC states, one per derived key: cloning a keyed state is cheaper than re-keying.
    macs: Vec<HmacSha256>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("keys", &self.macs.len())
            .finish_non_exhaustive()
    }
}

fn new_mac(key: &[u8]) -> HmacSha256 {
    <HmacSha256 as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"))
}

impl Signer {
    /// A signer for `salt` with `keys`, newest first. Keys must be non-empty.
    pub fn new(keys: &[&[u8]], salt: &[u8]) -> Result<Self, SigningError> {
        if keys.is_empty() {
            return Err(SigningError::NoKeys);
        }
        let mut macs = Vec::with_capacity(keys.len());
        for (index, key) in keys.iter().enumerate() {
            if key.is_empty() {
                return Err(SigningError::EmptyKey(index));
            }
            let mut derive = new_mac(key);
            derive.update(DERIVATION_CONTEXT);
            derive.update(salt);
            macs.push(new_mac(&derive.finalize().into_bytes()));
        }
        Ok(Self { macs })
    }

    /// Signs `payload` with the first key, stamped `timestamp` (Unix seconds).
    pub fn sign(&self, payload: &[u8], timestamp: u64) -> String {
        let mut token = b64url(payload);
        token.push('.');
        let stamp = timestamp.to_be_bytes();
        let first = stamp
            .iter()
            .position(|&b| b != 0)
            .unwrap_or(stamp.len() - 1);
        token.push_str(&b64url(stamp.get(first..).unwrap_or(&stamp)));
        let mut mac = self
            .macs
            .first()
            .cloned()
            .unwrap_or_else(|| new_mac(b"unreachable"));
        mac.update(token.as_bytes());
        let tag = mac.finalize().into_bytes();
        token.push('.');
        token.push_str(&b64url(&tag));
        token
    }

    /// Verifies `token` and returns its payload and timestamp. With `max_age` (seconds), a token
    /// older than that at `now` is [`SigningError::Expired`].
    pub fn unsign(
        &self,
        token: &str,
        max_age: Option<u64>,
        now: u64,
    ) -> Result<(Vec<u8>, u64), SigningError> {
        let Some((signed, tag)) = token.rsplit_once('.') else {
            return Err(SigningError::Malformed("no `.` separators"));
        };
        let Some((payload, stamp)) = signed.rsplit_once('.') else {
            return Err(SigningError::Malformed(
                "expected three `.`-separated fields",
            ));
        };
        let tag = unb64url(tag).ok_or(SigningError::Malformed("the signature is not base64"))?;
        if tag.len() != MAC_LEN {
            return Err(SigningError::Malformed(
                "the signature has the wrong length",
            ));
        }
        let mut verified = false;
        for mac in &self.macs {
            let mut mac = mac.clone();
            mac.update(signed.as_bytes());
            // `verify_slice` compares in constant time. Every key is tried regardless.
            verified |= mac.verify_slice(&tag).is_ok();
        }
        if !verified {
            return Err(SigningError::BadSignature);
        }
        let stamp =
            unb64url(stamp).ok_or(SigningError::Malformed("the timestamp is not base64"))?;
        if stamp.is_empty() || stamp.len() > 8 {
            return Err(SigningError::Malformed(
                "the timestamp has the wrong length",
            ));
        }
        let timestamp = stamp.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        let payload =
            unb64url(payload).ok_or(SigningError::Malformed("the payload is not base64"))?;
        if let Some(max_age) = max_age {
            let age = now.saturating_sub(timestamp);
            if age > max_age {
                return Err(SigningError::Expired { age, max_age });
            }
        }
        Ok((payload, timestamp))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_700_000_000;

    #[test]
    fn round_trip() {
        let signer = Signer::new(&[b"secret"], b"session").unwrap();
        let token = signer.sign(br#"{"user":42}"#, NOW);
        assert_eq!(token.split('.').count(), 3);
        assert!(
            token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        );
        let (payload, stamp) = signer.unsign(&token, Some(60), NOW + 10).unwrap();
        assert_eq!(payload, br#"{"user":42}"#);
        assert_eq!(stamp, NOW);
    }

    #[test]
    fn known_token_is_stable() {
        // Pins the format: a change here breaks every token in the wild.
        let signer = Signer::new(&[b"key"], b"salt").unwrap();
        let token = signer.sign(b"{}", 1);
        let derived = {
            let mut mac = new_mac(b"key");
            mac.update(b"cuirass.signing.v1\0salt");
            mac.finalize().into_bytes()
        };
        let mut mac = new_mac(&derived);
        mac.update(b"e30.AQ");
        assert_eq!(
            token,
            format!("e30.AQ.{}", b64url(&mac.finalize().into_bytes()))
        );
    }

    #[test]
    fn tampering_and_wrong_keys() {
        let signer = Signer::new(&[b"secret"], b"session").unwrap();
        let token = signer.sign(b"payload", NOW);
        let (_, rest) = token.split_once('.').unwrap();
        let forged = format!("{}.{rest}", b64url(b"PAYLOAD"));
        assert_ne!(forged, token);
        assert_eq!(
            signer.unsign(&forged, None, NOW),
            Err(SigningError::BadSignature)
        );
        let other_key = Signer::new(&[b"other"], b"session").unwrap();
        assert_eq!(
            other_key.unsign(&token, None, NOW),
            Err(SigningError::BadSignature)
        );
        let other_salt = Signer::new(&[b"secret"], b"reset").unwrap();
        assert_eq!(
            other_salt.unsign(&token, None, NOW),
            Err(SigningError::BadSignature)
        );
        // A re-stamped timestamp invalidates the MAC too.
        let parts: Vec<&str> = token.split('.').collect();
        let restamped = format!("{}.{}.{}", parts[0], b64url(&[0xff]), parts[2]);
        assert_eq!(
            signer.unsign(&restamped, None, NOW),
            Err(SigningError::BadSignature)
        );
    }

    #[test]
    fn rotation() {
        let old = Signer::new(&[b"old"], b"s").unwrap();
        let rotated = Signer::new(&[b"new", b"old"], b"s").unwrap();
        let new_only = Signer::new(&[b"new"], b"s").unwrap();
        let token = old.sign(b"x", NOW);
        assert!(rotated.unsign(&token, None, NOW).is_ok());
        let token = rotated.sign(b"x", NOW);
        assert!(
            new_only.unsign(&token, None, NOW).is_ok(),
            "signs with the first key"
        );
        assert_eq!(
            old.unsign(&token, None, NOW),
            Err(SigningError::BadSignature)
        );
    }

    #[test]
    fn expiry() {
        let signer = Signer::new(&[b"k"], b"s").unwrap();
        let token = signer.sign(b"x", NOW);
        assert!(signer.unsign(&token, Some(100), NOW + 100).is_ok());
        assert_eq!(
            signer.unsign(&token, Some(100), NOW + 101),
            Err(SigningError::Expired {
                age: 101,
                max_age: 100
            })
        );
        assert!(signer.unsign(&token, None, NOW + 1_000_000).is_ok());
        // Timestamps of any size round-trip.
        for stamp in [0, 1, 255, 256, u64::from(u32::MAX) + 1, u64::MAX] {
            assert_eq!(
                signer.unsign(&signer.sign(b"", stamp), None, 0).unwrap().1,
                stamp
            );
        }
    }

    #[test]
    fn malformed_tokens() {
        let signer = Signer::new(&[b"k"], b"s").unwrap();
        for bad in ["", "abc", "a.b", "a.b.c", "a.b.!!!", "..", "a.b.c.d"] {
            assert!(
                matches!(
                    signer.unsign(bad, None, NOW),
                    Err(SigningError::Malformed(_) | SigningError::BadSignature)
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn keys_must_be_present() {
        assert_eq!(Signer::new(&[], b"s").unwrap_err(), SigningError::NoKeys);
        assert_eq!(
            Signer::new(&[b"k", b""], b"s").unwrap_err(),
            SigningError::EmptyKey(1)
        );
    }
}
