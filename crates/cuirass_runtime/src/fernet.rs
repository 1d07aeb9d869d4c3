//! Fernet tokens (<https://github.com/fernet/spec>), byte-for-byte compatible with the
//! `cryptography` package's `Fernet`, written directly on `aes` + `cbc` + `hmac` + `sha2`.
//!
//! Token: `0x80 ‖ timestamp (u64 BE) ‖ IV (16) ‖ AES-128-CBC-PKCS7(ciphertext) ‖ HMAC-SHA256`,
//! URL-safe base64 with padding. The 32-byte key is the HMAC key (first half) and the AES key
//! (second half). The MAC is checked (in constant time) before anything is decrypted, and every
//! failure is the same [`FernetError::InvalidToken`], so a caller cannot become a padding oracle.

use aes::Aes128;
use base64::Engine as _;
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::encoding::URL_SAFE_PAD;
use crate::random::{self, RandomError};

const VERSION: u8 = 0x80;
const HEADER_LEN: usize = 1 + 8 + 16;
const MAC_LEN: usize = 32;
const BLOCK: usize = 16;
/// With a TTL, tokens stamped further than this in the future are refused (the spec's
/// clock-skew bound).
const MAX_CLOCK_SKEW: u64 = 60;

/// Why a key or token was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FernetError {
    #[error("a Fernet key must be 32 url-safe base64-encoded bytes")]
    InvalidKey,
    /// Deliberately one variant for every token failure (see the module docs).
    #[error("the token is invalid: altered, made with another key, expired, or not a Fernet token")]
    InvalidToken,
}

/// A Fernet key, split into its signing and encryption halves.
#[derive(Clone)]
pub struct Fernet {
    signing: [u8; 16],
    encryption: [u8; 16],
}

impl std::fmt::Debug for Fernet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Fernet(<key>)")
    }
}

fn hmac(key: &[u8]) -> Hmac<Sha256> {
    <Hmac<Sha256> as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"))
}

impl Fernet {
    /// A Fernet from its text key: URL-safe base64 of 32 bytes (padding optional).
    pub fn new(key: &[u8]) -> Result<Self, FernetError> {
        let trimmed = key.strip_suffix(b"=").unwrap_or(key);
        let raw = base64::engine::GeneralPurpose::new(
            &base64::alphabet::URL_SAFE,
            base64::engine::GeneralPurposeConfig::new()
                .with_decode_padding_mode(base64::engine::DecodePaddingMode::RequireNone),
        )
        .decode(trimmed)
        .map_err(|_| FernetError::InvalidKey)?;
        let raw: [u8; 32] = raw.try_into().map_err(|_| FernetError::InvalidKey)?;
        Ok(Self::from_raw(&raw))
    }

    /// A Fernet from the 32 raw key bytes.
    pub fn from_raw(key: &[u8; 32]) -> Self {
        let (signing, encryption) = key.split_at(16);
        Self {
            signing: signing.try_into().unwrap_or([0; 16]),
            encryption: encryption.try_into().unwrap_or([0; 16]),
        }
    }

    /// A fresh random key, in its text form.
    pub fn generate_key() -> Result<String, RandomError> {
        Ok(URL_SAFE_PAD.encode(random::array::<32>()?))
    }

    /// Encrypts `data`, stamped `now` (Unix seconds), with a fresh random IV.
    pub fn encrypt_at_time(&self, data: &[u8], now: u64) -> Result<String, RandomError> {
        Ok(self.encrypt_with_iv(data, now, random::array::<16>()?))
    }

    /// Encrypts with a given IV: only for test vectors; an IV must never repeat under a key.
    pub fn encrypt_with_iv(&self, data: &[u8], now: u64, iv: [u8; 16]) -> String {
        let padded_len = (data.len() / BLOCK + 1) * BLOCK;
        let mut token = Vec::with_capacity(HEADER_LEN + padded_len + MAC_LEN);
        token.push(VERSION);
        token.extend_from_slice(&now.to_be_bytes());
        token.extend_from_slice(&iv);
        token.extend_from_slice(data);
        token.resize(HEADER_LEN + padded_len, 0);
        let body = token.get_mut(HEADER_LEN..).unwrap_or_default();
        let encrypted = cbc::Encryptor::<Aes128>::new(&self.encryption.into(), &iv.into())
            .encrypt_padded::<Pkcs7>(body, data.len())
            .map(<[u8]>::len);
        // The buffer was sized for the padded message, so padding cannot fail.
        debug_assert_eq!(encrypted.ok(), Some(padded_len));
        let mut mac = hmac(&self.signing);
        mac.update(&token);
        token.extend_from_slice(&mac.finalize().into_bytes());
        URL_SAFE_PAD.encode(&token)
    }

    /// Verifies and decodes `token` without decrypting: the raw bytes and the timestamp.
    fn open(&self, token: &[u8]) -> Result<(Vec<u8>, u64), FernetError> {
        let raw = base64::engine::GeneralPurpose::new(
            &base64::alphabet::URL_SAFE,
            base64::engine::GeneralPurposeConfig::new()
                .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
        )
        .decode(token)
        .map_err(|_| FernetError::InvalidToken)?;
        if raw.len() < HEADER_LEN + BLOCK + MAC_LEN
            || !(raw.len() - HEADER_LEN - MAC_LEN).is_multiple_of(BLOCK)
            || raw.first() != Some(&VERSION)
        {
            return Err(FernetError::InvalidToken);
        }
        let (signed, tag) = raw.split_at(raw.len() - MAC_LEN);
        let mut mac = hmac(&self.signing);
        mac.update(signed);
        mac.verify_slice(tag)
            .map_err(|_| FernetError::InvalidToken)?;
        let stamp: [u8; 8] = signed
            .get(1..9)
            .and_then(|s| s.try_into().ok())
            .ok_or(FernetError::InvalidToken)?;
        Ok((raw, u64::from_be_bytes(stamp)))
    }

    /// The timestamp of an authentic token.
    pub fn extract_timestamp(&self, token: &[u8]) -> Result<u64, FernetError> {
        self.open(token).map(|(_, stamp)| stamp)
    }

    /// Verifies and decrypts `token` as of `now`. With `ttl`, a token older than `ttl` seconds, or
    /// stamped more than a minute in the future, is refused (without, neither is checked, as in
    /// `cryptography`).
    pub fn decrypt_at_time(
        &self,
        token: &[u8],
        ttl: Option<u64>,
        now: u64,
    ) -> Result<Vec<u8>, FernetError> {
        let (mut raw, stamp) = self.open(token)?;
        // As in `cryptography`: the age and clock-skew checks apply only when a TTL is given.
        if let Some(ttl) = ttl
            && (stamp.saturating_add(ttl) < now || now.saturating_add(MAX_CLOCK_SKEW) < stamp)
        {
            return Err(FernetError::InvalidToken);
        }
        let iv: [u8; 16] = raw
            .get(9..HEADER_LEN)
            .and_then(|s| s.try_into().ok())
            .ok_or(FernetError::InvalidToken)?;
        let end = raw.len() - MAC_LEN;
        let body = raw
            .get_mut(HEADER_LEN..end)
            .ok_or(FernetError::InvalidToken)?;
        let plain_len = cbc::Decryptor::<Aes128>::new(&self.encryption.into(), &iv.into())
            .decrypt_padded::<Pkcs7>(body)
            .map_err(|_| FernetError::InvalidToken)?
            .len();
        raw.truncate(HEADER_LEN + plain_len);
        raw.drain(..HEADER_LEN);
        Ok(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";
    /// 1985-10-26T01:20:00-07:00.
    const SPEC_NOW: u64 = 499_162_800;
    const SPEC_TOKEN: &str = "gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==";
    const IV: [u8; 16] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

    #[test]
    fn spec_generate() {
        let fernet = Fernet::new(SECRET.as_bytes()).unwrap();
        assert_eq!(fernet.encrypt_with_iv(b"hello", SPEC_NOW, IV), SPEC_TOKEN);
    }

    #[test]
    fn spec_verify() {
        let fernet = Fernet::new(SECRET.as_bytes()).unwrap();
        assert_eq!(
            fernet
                .decrypt_at_time(SPEC_TOKEN.as_bytes(), Some(60), SPEC_NOW + 1)
                .unwrap(),
            b"hello"
        );
        assert_eq!(
            fernet.extract_timestamp(SPEC_TOKEN.as_bytes()).unwrap(),
            SPEC_NOW
        );
    }

    #[test]
    fn spec_invalid() {
        let fernet = Fernet::new(SECRET.as_bytes()).unwrap();
        let cases = [
            (
                "incorrect mac",
                "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykQUFBQUFBQUFBQQ==",
                SPEC_NOW + 1,
            ),
            (
                "too short",
                "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPA==",
                SPEC_NOW + 1,
            ),
            (
                "invalid base64",
                "%%%%%%%%%%%%%AECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykRtfsH-p1YsUD2Q==",
                SPEC_NOW + 1,
            ),
            (
                "payload size not multiple of block size",
                "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPOm73QeoCk9uGib28Xe5vz6oxq5nmxbx_v7mrfyudzUm",
                SPEC_NOW + 1,
            ),
            (
                "payload padding error",
                "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0ODz4LEpdELGQAad7aNEHbf-JkLPIpuiYRLQ3RtXatOYREu2FWke6CnJNYIbkuKNqOhw==",
                SPEC_NOW + 1,
            ),
            (
                "far-future TS (unacceptable clock skew)",
                "gAAAAAAdwStRAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAnja1xKYyhd-Y6mSkTOyTGJmw2Xc2a6kBd-iX9b_qXQcw==",
                SPEC_NOW + 1,
            ),
            (
                "expired TTL",
                "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykRtfsH-p1YsUD2Q==",
                SPEC_NOW + 91,
            ),
            (
                "incorrect IV (causes padding error)",
                "gAAAAAAdwJ6xBQECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAkLhFLHpGtDBRLRTZeUfWgHSv49TF2AUEZ1TIvcZjK1zQ==",
                SPEC_NOW + 1,
            ),
        ];
        for (desc, token, now) in cases {
            assert_eq!(
                fernet.decrypt_at_time(token.as_bytes(), Some(60), now),
                Err(FernetError::InvalidToken),
                "{desc}"
            );
        }
        // The expired token is authentic: without a TTL it decrypts.
        assert!(
            fernet
                .decrypt_at_time(cases[6].1.as_bytes(), None, SPEC_NOW + 91)
                .is_ok()
        );
    }

    #[test]
    fn round_trips_all_lengths() {
        let fernet = Fernet::new(Fernet::generate_key().unwrap().as_bytes()).unwrap();
        for len in [0, 1, 15, 16, 17, 31, 32, 33, 1000] {
            let data: Vec<u8> = (0..len)
                .map(|i: u32| (i % 251).try_into().unwrap())
                .collect();
            let token = fernet.encrypt_at_time(&data, 1_000).unwrap();
            assert_eq!(
                fernet
                    .decrypt_at_time(token.as_bytes(), None, 1_000)
                    .unwrap(),
                data
            );
        }
        let a = fernet.encrypt_at_time(b"x", 1).unwrap();
        let b = fernet.encrypt_at_time(b"x", 1).unwrap();
        assert_ne!(a, b, "IVs are fresh");
    }

    #[test]
    fn wrong_key_and_bad_keys() {
        let a = Fernet::new(Fernet::generate_key().unwrap().as_bytes()).unwrap();
        let b = Fernet::new(Fernet::generate_key().unwrap().as_bytes()).unwrap();
        let token = a.encrypt_at_time(b"x", 1).unwrap();
        assert_eq!(
            b.decrypt_at_time(token.as_bytes(), None, 1),
            Err(FernetError::InvalidToken)
        );
        for bad in [
            "",
            "short",
            &"A".repeat(44),
            "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4==",
        ] {
            assert!(Fernet::new(bad.as_bytes()).is_err(), "{bad}");
        }
        // Unpadded keys are accepted.
        assert!(Fernet::new(SECRET.trim_end_matches('=').as_bytes()).is_ok());
    }
}
