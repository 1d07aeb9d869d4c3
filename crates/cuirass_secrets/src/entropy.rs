//! Shannon entropy and the thresholds that decide whether a value assigned to a secret-sounding
//! name looks random enough to be a real secret.
//!
//! detect-secrets flags strings found *anywhere* when their entropy per character reaches 4.5
//! (base64 alphabet) or 3.0 (hex). Our values are already in a secret-named assignment, so we can
//! accept shorter values, but a fixed 4.5 would need 23+ distinct characters and miss every
//! password. The threshold therefore scales with length — `0.75 × log2(len)`, at least 2.5 and at
//! most 4.5 — which reaches detect-secrets' 4.5 exactly at 64 characters:
//!
//! | length | 8 | 12 | 16 | 24 | 32 | 40 | ≥ 64 |
//! | --- | --- | --- | --- | --- | --- | --- | --- |
//! | bits/char needed | 2.50 | 2.69 | 3.00 | 3.44 | 3.75 | 3.99 | 4.50 |
//!
//! Further gates: at least [`MIN_LEN`] characters; hex values need [`MIN_HEX_LEN`] characters and
//! detect-secrets' 3.0; values drawn from one character class (only lower-case letters, say)
//! need [`MIN_SINGLE_CLASS_LEN`] characters and [`SINGLE_CLASS_ENTROPY`], since words and
//! identifiers are single-class and random secrets rarely are.

/// Shortest value the keyword heuristic reports.
pub const MIN_LEN: usize = 8;
/// Shortest all-hex value the keyword heuristic reports (shorter hex is colours, ids, ports).
pub const MIN_HEX_LEN: usize = 16;
/// detect-secrets' `HexHighEntropyString` limit.
pub const HEX_ENTROPY: f64 = 3.0;
/// detect-secrets' `Base64HighEntropyString` limit, our ceiling.
pub const MAX_ENTROPY: f64 = 4.5;
/// Our floor, whatever the length.
pub const MIN_ENTROPY: f64 = 2.5;
/// Shortest value made of a single character class that is still reported.
pub const MIN_SINGLE_CLASS_LEN: usize = 20;
/// Entropy a single-class value needs.
pub const SINGLE_CLASS_ENTROPY: f64 = 3.5;

/// Shannon entropy of `text` in bits per character (over Unicode scalar values).
pub fn shannon_entropy(text: &str) -> f64 {
    let mut counts: Vec<(char, u32)> = Vec::new();
    let mut total = 0u32;
    for ch in text.chars() {
        total += 1;
        match counts.iter_mut().find(|(c, _)| *c == ch) {
            Some((_, n)) => *n += 1,
            None => counts.push((ch, 1)),
        }
    }
    if total == 0 {
        return 0.0;
    }
    let total = f64::from(total);
    counts
        .iter()
        .map(|&(_, n)| {
            let p = f64::from(n) / total;
            -p * p.log2()
        })
        .sum()
}

/// The entropy a value of `len` characters needs (see the module docs).
pub fn required_entropy(len: usize) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let scaled = 0.75 * (len.max(1) as f64).log2();
    scaled.clamp(MIN_ENTROPY, MAX_ENTROPY)
}

/// Whether every character is a hex digit of one case (a digest, a key, an id).
pub fn is_hex(text: &str) -> bool {
    !text.is_empty()
        && (text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
            || text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'A'..=b'F')))
}

/// How many of the classes lower case, upper case, digit and other appear.
pub fn char_classes(text: &str) -> usize {
    let mut classes = [false; 4];
    for ch in text.chars() {
        let slot = if ch.is_ascii_lowercase() {
            0
        } else if ch.is_ascii_uppercase() {
            1
        } else if ch.is_ascii_digit() {
            2
        } else {
            3
        };
        if let Some(flag) = classes.get_mut(slot) {
            *flag = true;
        }
    }
    classes.iter().filter(|&&c| c).count()
}

/// The keyword heuristic's randomness gate (see the module docs).
pub fn looks_random(value: &str) -> bool {
    let len = value.chars().count();
    if len < MIN_LEN {
        return false;
    }
    let entropy = shannon_entropy(value);
    if is_hex(value) {
        return len >= MIN_HEX_LEN && entropy >= HEX_ENTROPY;
    }
    match char_classes(value) {
        0 => false,
        1 => len >= MIN_SINGLE_CLASS_LEN && entropy >= SINGLE_CLASS_ENTROPY,
        _ => entropy >= required_entropy(len),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_of_simple_strings() {
        assert!(shannon_entropy("").abs() < f64::EPSILON);
        assert!(shannon_entropy("aaaa").abs() < f64::EPSILON);
        assert!((shannon_entropy("ab") - 1.0).abs() < 1e-9);
        assert!((shannon_entropy("abcd") - 2.0).abs() < 1e-9);
    }

    #[test]
    fn thresholds_scale_with_length() {
        assert!((required_entropy(8) - 2.5).abs() < 1e-9);
        assert!((required_entropy(16) - 3.0).abs() < 1e-9);
        assert!((required_entropy(64) - 4.5).abs() < 1e-9);
        assert!((required_entropy(1000) - 4.5).abs() < 1e-9);
    }

    #[test]
    fn random_values_pass_words_do_not() {
        assert!(looks_random("Xk9#mQ2$vL7p"));
        assert!(looks_random("wJ4lrXUtnFEMIaK7MDENGbPxRfiCY1xAmPLEKEY9"));
        assert!(looks_random("9f86d081884c7d659a2feaa0c55ad015"));
        assert!(!looks_random("0000000000000000"));
        assert!(!looks_random("abcabcabcabc"));
        assert!(!looks_random("correcthorsebattery"));
        assert!(!looks_random("short1A"));
        assert!(!looks_random("deadbeef"));
    }
}
