//! File sizes as users write them: `10000`, `"10MB"`, `"512KiB"`.
//!
//! Decimal units are powers of 1000 and binary units powers of 1024, as their names say, so
//! `"10MB"` is exactly what `ls --si` shows. Fractions are not accepted: they are rarely meant
//! and would need rounding rules.

use std::fmt;

/// The default `max-file-size`: 10 MB. Larger files are almost always generated or vendored.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10_000_000;

/// A size that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{input}` is not a file size; expected a number of bytes, optionally followed by a unit \
     (B, KB, MB, GB, KiB, MiB, GiB), such as `10MB` or `512KiB`"
)]
pub struct ParseSizeError {
    pub input: String,
}

/// Parses `"10MB"`, `"512 KiB"`, `"4096"`. Units are case-insensitive. Zero is rejected: a
/// limit that skips every file is never what anyone wants.
///
/// The signature suits clap's `value_parser`.
pub fn parse_size(input: &str) -> Result<u64, ParseSizeError> {
    let err = || ParseSizeError {
        input: input.to_owned(),
    };
    let text = input.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit() && c != '_')
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number.replace('_', "").parse().map_err(|_| err())?;
    let multiplier: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => 1 << 30,
        _ => return Err(err()),
    };
    match number.checked_mul(multiplier) {
        Some(0) | None => Err(err()),
        Some(bytes) => Ok(bytes),
    }
}

/// Shows a byte count the way users write it (`10 MB`, `1.5 KB`, `312 B`).
pub struct HumanSize(pub u64);

impl fmt::Display for HumanSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [(u64, &str); 3] = [(1_000_000_000, "GB"), (1_000_000, "MB"), (1_000, "KB")];
        for (scale, unit) in UNITS {
            if self.0 >= scale {
                let whole = self.0 / scale;
                let tenth = (self.0 % scale) * 10 / scale;
                return if tenth == 0 {
                    write!(f, "{whole} {unit}")
                } else {
                    write!(f, "{whole}.{tenth} {unit}")
                };
            }
        }
        write!(f, "{} B", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units() {
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("10MB"), Ok(10_000_000));
        assert_eq!(parse_size("10mb"), Ok(10_000_000));
        assert_eq!(parse_size("512KiB"), Ok(524_288));
        assert_eq!(parse_size(" 2 GiB "), Ok(2 * 1024 * 1024 * 1024));
        assert_eq!(parse_size("1_000 B"), Ok(1000));
        assert_eq!(parse_size("3kb"), Ok(3000));
    }

    #[test]
    fn rejects_nonsense() {
        for bad in [
            "",
            "MB",
            "10 parsecs",
            "1.5MB",
            "-1",
            "0",
            "0KB",
            "99999999999999999999GB",
        ] {
            assert!(parse_size(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(
            parse_size("ten")
                .unwrap_err()
                .to_string()
                .starts_with("`ten` is not a file size")
        );
    }

    #[test]
    fn human_sizes() {
        assert_eq!(HumanSize(312).to_string(), "312 B");
        assert_eq!(HumanSize(10_000_000).to_string(), "10 MB");
        assert_eq!(HumanSize(12_345_678).to_string(), "12.3 MB");
        assert_eq!(HumanSize(1_500).to_string(), "1.5 KB");
    }
}
