//! Authenticated encryption with AES-256-GCM, key ids and rotation.
//!
//! Token: `v1.<key id>.<base64url(nonce ‖ ciphertext ‖ tag)>` with a fresh random 96-bit nonce.
//! The key id says which key of a [`Keyring`] to use, so old tokens stay readable after a new key
//! is added; [`Keyring::rotate`] re-encrypts a token under the newest key. The version, the key id
//! and the caller's associated data are all authenticated: the GCM associated data is
//! `"cuirass.crypto.v1" ‖ 0x00 ‖ key id ‖ 0x00 ‖ associated data`.
//!
//! Random nonces are safe for about 2^32 messages per key; rotate keys well before that.

use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce, Tag};

use crate::encoding::{b64url_into, unb64url};
use crate::random::{self, RandomError};

const VERSION: &str = "v1";
const AAD_CONTEXT: &[u8] = b"cuirass.crypto.v1\0";
const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
const MAX_KEY_ID_LEN: usize = 64;

/// Why a keyring could not be built or a token could not be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error("a keyring needs at least one key")]
    NoKeys,
    #[error("key `{0}` must be exactly 32 bytes (AES-256), got {1}")]
    KeyLength(String, usize),
    #[error("key id `{0}` is not valid: use 1 to 64 ASCII letters, digits, `-` or `_`")]
    KeyId(String),
    #[error("key id `{0}` appears twice in the keyring")]
    DuplicateKeyId(String),
    #[error("the token is malformed: {0}")]
    Malformed(&'static str),
    #[error("the token was encrypted with key `{0}`, which is not in the keyring")]
    UnknownKey(String),
    #[error("the token is not authentic: it was altered, or the associated data does not match")]
    NotAuthentic,
    #[error("the message is too long to encrypt")]
    TooLong,
    #[error(transparent)]
    Random(#[from] RandomError),
}

/// Keys by id; the first one encrypts, every one decrypts.
#[derive(Clone)]
pub struct Keyring {
    keys: Vec<(String, Aes256Gcm)>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring")
            .field("ids", &self.ids().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

fn valid_key_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_KEY_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A fresh random 32-byte key.
pub fn generate_key() -> Result<[u8; KEY_LEN], RandomError> {
    random::array::<KEY_LEN>()
}

/// The key id of a token, without checking anything else.
pub fn key_id(token: &str) -> Result<&str, CryptoError> {
    split(token).map(|(id, _)| id)
}

fn split(token: &str) -> Result<(&str, &str), CryptoError> {
    let mut fields = token.split('.');
    let (Some(version), Some(id), Some(data), None) =
        (fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return Err(CryptoError::Malformed(
            "expected `v1.<key id>.<data>` (three `.`-separated fields)",
        ));
    };
    if version != VERSION {
        return Err(CryptoError::Malformed("unknown version (expected `v1`)"));
    }
    if !valid_key_id(id) {
        return Err(CryptoError::Malformed("the key id is not valid"));
    }
    Ok((id, data))
}

fn aad(id: &str, associated_data: &[u8]) -> Vec<u8> {
    let mut aad = Vec::with_capacity(AAD_CONTEXT.len() + id.len() + 1 + associated_data.len());
    aad.extend_from_slice(AAD_CONTEXT);
    aad.extend_from_slice(id.as_bytes());
    aad.push(0);
    aad.extend_from_slice(associated_data);
    aad
}

impl Keyring {
    /// A keyring from `(id, 32-byte key)` pairs, newest (the encrypting key) first.
    pub fn new<I, K>(entries: I) -> Result<Self, CryptoError>
    where
        I: IntoIterator<Item = (String, K)>,
        K: AsRef<[u8]>,
    {
        let mut keys: Vec<(String, Aes256Gcm)> = Vec::new();
        for (id, key) in entries {
            if !valid_key_id(&id) {
                return Err(CryptoError::KeyId(id));
            }
            if keys.iter().any(|(existing, _)| *existing == id) {
                return Err(CryptoError::DuplicateKeyId(id));
            }
            let key = key.as_ref();
            let cipher = Aes256Gcm::new_from_slice(key)
                .map_err(|_| CryptoError::KeyLength(id.clone(), key.len()))?;
            keys.push((id, cipher));
        }
        if keys.is_empty() {
            return Err(CryptoError::NoKeys);
        }
        Ok(Self { keys })
    }

    /// Key ids, newest first.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|(id, _)| id.as_str())
    }

    /// The id of the key that encrypts.
    pub fn primary_id(&self) -> &str {
        self.keys.first().map_or("", |(id, _)| id.as_str())
    }

    fn find(&self, id: &str) -> Result<&Aes256Gcm, CryptoError> {
        self.keys
            .iter()
            .find(|(existing, _)| existing == id)
            .map(|(_, cipher)| cipher)
            .ok_or_else(|| CryptoError::UnknownKey(id.to_owned()))
    }

    /// Encrypts `plaintext` under the newest key, binding `associated_data`.
    pub fn encrypt(&self, plaintext: &[u8], associated_data: &[u8]) -> Result<String, CryptoError> {
        let (id, cipher) = self.keys.first().ok_or(CryptoError::NoKeys)?;
        let nonce = random::array::<NONCE_LEN>()?;
        let mut buffer = Vec::with_capacity(NONCE_LEN + plaintext.len() + TAG_LEN);
        buffer.extend_from_slice(&nonce);
        buffer.extend_from_slice(plaintext);
        let body = buffer.get_mut(NONCE_LEN..).unwrap_or_default();
        let tag = cipher
            .encrypt_inout_detached(&Nonce::from(nonce), &aad(id, associated_data), body.into())
            .map_err(|_| CryptoError::TooLong)?;
        buffer.extend_from_slice(&tag);
        let mut token =
            String::with_capacity(VERSION.len() + id.len() + 2 + buffer.len() * 4 / 3 + 3);
        token.push_str(VERSION);
        token.push('.');
        token.push_str(id);
        token.push('.');
        b64url_into(&buffer, &mut token);
        Ok(token)
    }

    /// Decrypts and authenticates `token` with the key it names.
    pub fn decrypt(&self, token: &str, associated_data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let (id, data) = split(token)?;
        let cipher = self.find(id)?;
        let mut raw = unb64url(data).ok_or(CryptoError::Malformed("the data is not base64"))?;
        if raw.len() < NONCE_LEN + TAG_LEN {
            return Err(CryptoError::Malformed("the data is too short"));
        }
        let tag_start = raw.len() - TAG_LEN;
        let tag: [u8; TAG_LEN] = raw
            .get(tag_start..)
            .and_then(|tag| tag.try_into().ok())
            .ok_or(CryptoError::Malformed("the data is too short"))?;
        let nonce: [u8; NONCE_LEN] = raw
            .get(..NONCE_LEN)
            .and_then(|nonce| nonce.try_into().ok())
            .ok_or(CryptoError::Malformed("the data is too short"))?;
        let body = raw
            .get_mut(NONCE_LEN..tag_start)
            .ok_or(CryptoError::Malformed("the data is too short"))?;
        cipher
            .decrypt_inout_detached(
                &Nonce::from(nonce),
                &aad(id, associated_data),
                body.into(),
                &Tag::from(tag),
            )
            .map_err(|_| CryptoError::NotAuthentic)?;
        raw.truncate(tag_start);
        raw.drain(..NONCE_LEN);
        Ok(raw)
    }

    /// Re-encrypts `token` under the newest key. A token already under the newest key is
    /// authenticated and returned unchanged.
    pub fn rotate(&self, token: &str, associated_data: &[u8]) -> Result<String, CryptoError> {
        let plaintext = self.decrypt(token, associated_data)?;
        if key_id(token)? == self.primary_id() {
            return Ok(token.to_owned());
        }
        self.encrypt(&plaintext, associated_data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(ids: &[&str]) -> Keyring {
        Keyring::new(ids.iter().map(|id| {
            let mut key = [0u8; 32];
            key[..id.len().min(32)].copy_from_slice(&id.as_bytes()[..id.len().min(32)]);
            ((*id).to_owned(), key)
        }))
        .unwrap()
    }

    #[test]
    fn round_trip_with_associated_data() {
        let keyring = ring(&["2024"]);
        for len in [0, 1, 16, 1000] {
            let plaintext = vec![7u8; len];
            let token = keyring.encrypt(&plaintext, b"user:42").unwrap();
            assert!(token.starts_with("v1.2024."), "{token}");
            assert_eq!(keyring.decrypt(&token, b"user:42").unwrap(), plaintext);
            assert_eq!(
                keyring.decrypt(&token, b"user:43"),
                Err(CryptoError::NotAuthentic)
            );
        }
        let a = keyring.encrypt(b"x", b"").unwrap();
        assert_ne!(a, keyring.encrypt(b"x", b"").unwrap(), "nonces are fresh");
    }

    /// NIST SP 800-38D / the GCM spec, test case 16 (AES-256, 96-bit IV, with AAD), through the
    /// same calls the token code makes.
    #[test]
    fn gcm_known_answer() {
        let hex = |s: &str| -> Vec<u8> {
            (0..s.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
                .collect()
        };
        let key = hex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
        let nonce: [u8; 12] = hex("cafebabefacedbaddecaf888").try_into().unwrap();
        let plaintext = hex(
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
        );
        let aad = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
        let cipher = Aes256Gcm::new_from_slice(&key).unwrap();
        let mut buffer = plaintext.clone();
        let tag = cipher
            .encrypt_inout_detached(&Nonce::from(nonce), &aad, buffer.as_mut_slice().into())
            .unwrap();
        assert_eq!(
            buffer,
            hex(
                "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
            )
        );
        assert_eq!(tag.to_vec(), hex("76fc6ece0f4e1768cddf8853bb2d551b"));
    }

    #[test]
    fn rotation() {
        let old = ring(&["k1"]);
        let both = ring(&["k2", "k1"]);
        let token = old.encrypt(b"secret", b"").unwrap();
        assert_eq!(key_id(&token).unwrap(), "k1");
        assert_eq!(both.decrypt(&token, b"").unwrap(), b"secret");
        let rotated = both.rotate(&token, b"").unwrap();
        assert_eq!(key_id(&rotated).unwrap(), "k2");
        assert_eq!(both.decrypt(&rotated, b"").unwrap(), b"secret");
        assert_eq!(
            both.rotate(&rotated, b"").unwrap(),
            rotated,
            "already newest"
        );
        assert_eq!(
            old.decrypt(&rotated, b""),
            Err(CryptoError::UnknownKey("k2".into()))
        );
        // Rotation authenticates: a tampered token is not silently re-encrypted.
        let mut tampered = token.clone();
        tampered.pop();
        tampered.push(if token.ends_with('A') { 'B' } else { 'A' });
        assert!(both.rotate(&tampered, b"").is_err());
    }

    #[test]
    fn key_id_is_authenticated() {
        // Same key bytes under two ids: swapping the id in the token must still fail.
        let keyring =
            Keyring::new([("a".to_owned(), [1u8; 32]), ("b".to_owned(), [1u8; 32])]).unwrap();
        let token = keyring.encrypt(b"x", b"").unwrap();
        let swapped = token.replacen("v1.a.", "v1.b.", 1);
        assert_eq!(
            keyring.decrypt(&swapped, b""),
            Err(CryptoError::NotAuthentic)
        );
    }

    #[test]
    fn bad_keyrings_and_tokens() {
        assert_eq!(
            Keyring::new(Vec::<(String, [u8; 32])>::new()).unwrap_err(),
            CryptoError::NoKeys
        );
        assert_eq!(
            Keyring::new([("k".to_owned(), vec![0u8; 16])]).unwrap_err(),
            CryptoError::KeyLength("k".into(), 16)
        );
        assert_eq!(
            Keyring::new([("bad.id".to_owned(), [0u8; 32])]).unwrap_err(),
            CryptoError::KeyId("bad.id".into())
        );
        assert_eq!(
            Keyring::new([("k".to_owned(), [0u8; 32]), ("k".to_owned(), [1u8; 32])]).unwrap_err(),
            CryptoError::DuplicateKeyId("k".into())
        );
        let keyring = ring(&["k"]);
        for bad in [
            "",
            "v1.k",
            "v2.k.AAAA",
            "v1.k.!!!!",
            "v1.k.AAAA",
            "v1..AAAA",
            "v1.k.a.b",
        ] {
            assert!(
                matches!(keyring.decrypt(bad, b""), Err(CryptoError::Malformed(_))),
                "{bad}: {:?}",
                keyring.decrypt(bad, b"")
            );
        }
    }
}
