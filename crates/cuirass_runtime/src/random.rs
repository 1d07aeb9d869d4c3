//! The operating system's CSPRNG (`getrandom`), for salts, nonces, keys and generated passwords.
//! Nothing in the library uses a user-space generator.

/// The OS random source failed (no entropy source, sandbox denial): there is nothing safe to fall
/// back to, so callers must surface this.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the operating system's random number generator failed: {0}")]
pub struct RandomError(String);

/// Fills `buf` from the OS CSPRNG.
pub fn fill(buf: &mut [u8]) -> Result<(), RandomError> {
    getrandom::fill(buf).map_err(|error| RandomError(error.to_string()))
}

/// `N` fresh random bytes.
pub fn array<const N: usize>() -> Result<[u8; N], RandomError> {
    let mut out = [0u8; N];
    fill(&mut out)?;
    Ok(out)
}

/// `len` fresh random bytes.
pub fn bytes(len: usize) -> Result<Vec<u8>, RandomError> {
    let mut out = vec![0u8; len];
    fill(&mut out)?;
    Ok(out)
}

/// A uniformly random index below `bound` (which must be at least 1), by rejection sampling so no
/// index is more likely than another (a plain `% bound` would bias small values).
pub fn below(bound: u32) -> Result<u32, RandomError> {
    debug_assert!(bound > 0);
    let bound = bound.max(1);
    // Largest multiple of `bound` that fits: values at or above it are redrawn.
    let zone = u32::MAX - (u32::MAX % bound);
    loop {
        let value = u32::from_le_bytes(array::<4>()?);
        if value < zone {
            return Ok(value % bound);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_fresh() {
        let a = bytes(32).unwrap();
        let b = bytes(32).unwrap();
        assert_eq!(a.len(), 32);
        assert_ne!(a, b, "two 256-bit draws collided");
    }

    #[test]
    fn below_stays_in_range_and_covers_it() {
        let mut seen = [false; 7];
        for _ in 0..2000 {
            let value = below(7).unwrap();
            assert!(value < 7);
            seen[value as usize] = true;
        }
        assert!(
            seen.iter().all(|&s| s),
            "some value in 0..7 never drawn: {seen:?}"
        );
        assert_eq!(below(1).unwrap(), 0);
    }
}
