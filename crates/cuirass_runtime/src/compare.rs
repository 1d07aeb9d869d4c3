//! Constant-time equality, for comparing secrets (tokens, MACs, digests) without leaking through
//! timing how many leading bytes matched.

use subtle::ConstantTimeEq;

/// Returns whether `a` and `b` are equal, in time that depends only on their lengths.
///
/// A length mismatch returns `false` at once: lengths of MACs and tokens are public.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

#[cfg(test)]
mod tests {
    use super::constant_time_eq;

    #[test]
    fn equal_and_unequal() {
        assert!(constant_time_eq(b"", b""));
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(!constant_time_eq(b"", b"a"));
    }
}
