//! Small decoders the detectors use to check a candidate's structure: CRC-32 and base62 (the
//! GitHub and npm token checksums), and a lenient base64 decoder (JWT headers, PyPI macaroons,
//! Discord user ids, OpenSSH key bodies). Written here rather than pulled in as crates because
//! each is a few lines and only ever sees short inputs.

/// The CRC-32 (IEEE 802.3, reflected, as zlib and `binascii.crc32` compute it) lookup table.
const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        #[allow(clippy::cast_possible_truncation)]
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 == 1 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[n] = c;
        n += 1;
    }
    table
};

/// CRC-32 of `data`.
pub(crate) fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        let low = crc.to_le_bytes()[0];
        let index = usize::from(low ^ byte);
        crc = CRC_TABLE.get(index).copied().unwrap_or(0) ^ (crc >> 8);
    }
    !crc
}

/// Base62 digits in the order GitHub's token checksum uses: digits, upper case, lower case.
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `n` in base62, left-padded with `0` to `width` digits.
pub(crate) fn base62(mut n: u64, width: usize) -> String {
    let mut digits = Vec::new();
    while n > 0 {
        #[allow(clippy::cast_possible_truncation)]
        let digit = (n % 62) as usize;
        digits.push(BASE62.get(digit).copied().unwrap_or(b'0'));
        n /= 62;
    }
    while digits.len() < width {
        digits.push(b'0');
    }
    digits.reverse();
    String::from_utf8(digits).unwrap_or_default()
}

/// Whether the last six characters of a GitHub (`ghp_` …) or npm (`npm_`) token are the base62
/// CRC-32 of the thirty random characters before them — the checksum GitHub introduced with the
/// prefixed formats in 2021 and npm adopted. `body` is the token without its four-character
/// prefix.
pub(crate) fn base62_crc32_ok(body: &str) -> bool {
    if body.len() != 36 || !body.is_ascii() {
        return false;
    }
    let (random, check) = body.split_at(30);
    base62(u64::from(crc32(random.as_bytes())), 6) == check
}

fn b64_value(byte: u8) -> Option<u8> {
    match byte {
        b'A'..=b'Z' => Some(byte - b'A'),
        b'a'..=b'z' => Some(byte - b'a' + 26),
        b'0'..=b'9' => Some(byte - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

/// Decodes standard or URL-safe base64, padded or not. `None` on any other character.
pub(crate) fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for &byte in text.as_bytes() {
        acc = (acc << 6) | u32::from(b64_value(byte)?);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            #[allow(clippy::cast_possible_truncation)]
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Encodes bytes as URL-safe base64 without padding (the fake-value generator needs it).
pub fn base64url_encode(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b0 = u32::from(chunk.first().copied().unwrap_or(0));
        let b1 = u32::from(chunk.get(1).copied().unwrap_or(0));
        let b2 = u32::from(chunk.get(2).copied().unwrap_or(0));
        let n = (b0 << 16) | (b1 << 8) | b2;
        let emit = chunk.len() + 1;
        for i in 0..emit {
            let index = ((n >> (18 - 6 * i)) & 63) as usize;
            out.push(char::from(ALPHABET.get(index).copied().unwrap_or(b'A')));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_zlib() {
        // zlib.crc32(b"123456789") == 0xCBF43926, the standard check value.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn base62_pads_and_orders_digits_first() {
        assert_eq!(base62(0, 6), "000000");
        assert_eq!(base62(61, 1), "z");
        assert_eq!(base62(62, 1), "10");
        assert_eq!(base62(u64::from(u32::MAX), 6), "4gfFC3");
    }

    #[test]
    fn checksum_accepts_only_the_right_suffix() {
        let random = "abcdefghijklmnopqrstuvwxyz0123";
        let good = format!("{random}{}", base62(u64::from(crc32(random.as_bytes())), 6));
        assert!(base62_crc32_ok(&good));
        let mut bad = good.clone();
        bad.replace_range(35..36, if good.ends_with('A') { "B" } else { "A" });
        assert!(!base62_crc32_ok(&bad));
        assert!(!base62_crc32_ok("short"));
    }

    #[test]
    fn base64_round_trips_both_alphabets() {
        let data = b"\x02\x01\x08pypi.org\xff\xfe";
        let encoded = base64url_encode(data);
        assert_eq!(base64_decode(&encoded).as_deref(), Some(&data[..]));
        assert_eq!(base64_decode("aGk=").as_deref(), Some(&b"hi"[..]));
        assert_eq!(base64_decode("a+/b").map(|v| v.len()), Some(3));
        assert!(base64_decode("not base64!").is_none());
    }
}
