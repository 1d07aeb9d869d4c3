//! Base64 flavours shared by the token formats.

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// URL-safe alphabet, no padding, strict on decode (rejects padding and trailing bits), so every
/// token has exactly one encoding.
pub(crate) const URL_SAFE_NO_PAD: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone),
);

/// URL-safe alphabet with `=` padding: Fernet tokens and keys (what Python's
/// `base64.urlsafe_b64encode` produces).
pub(crate) const URL_SAFE_PAD: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
);

/// Standard alphabet with padding (Django's PBKDF2 hashes).
pub(crate) const STANDARD: GeneralPurpose = base64::engine::general_purpose::STANDARD;

pub(crate) fn b64url(data: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(data)
}

/// Appends the URL-safe, unpadded encoding of `data` to `out` (no intermediate string).
pub(crate) fn b64url_into(data: &[u8], out: &mut String) {
    URL_SAFE_NO_PAD.encode_string(data, out);
}

pub(crate) fn unb64url(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}
