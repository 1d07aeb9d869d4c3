//! A password policy after NIST SP 800-63B §5.1.1.2: a minimum length (8), acceptance of long
//! passwords (at least 64 characters), a check against a list of commonly used passwords and
//! obvious patterns, context words (the user's own name), and no composition rules ("one digit,
//! one symbol"), which the guideline advises against.
//!
//! The bundled list (`resources/common-passwords.txt`) holds base words; the checker undoes the
//! usual decorations (case, character substitutions, digits or symbols glued to either end), so a
//! short list covers the variants that dominate real leaks.

use std::collections::HashSet;
use std::fmt;
use std::sync::LazyLock;

/// Length limits, counted in Unicode scalar values as the guideline asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StrengthPolicy {
    pub min_length: usize,
    pub max_length: usize,
}

impl Default for StrengthPolicy {
    fn default() -> Self {
        Self {
            min_length: 8,
            max_length: 64,
        }
    }
}

/// One reason a password is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Weakness {
    TooShort { length: usize, min: usize },
    TooLong { length: usize, max: usize },
    Common,
    Sequential,
    Repetitive,
    ContainsContext(String),
}

impl Weakness {
    /// A stable machine-readable code.
    pub const fn code(&self) -> &'static str {
        match self {
            Weakness::TooShort { .. } => "too-short",
            Weakness::TooLong { .. } => "too-long",
            Weakness::Common => "common",
            Weakness::Sequential => "sequential",
            Weakness::Repetitive => "repetitive",
            Weakness::ContainsContext(_) => "contains-user-input",
        }
    }
}

impl fmt::Display for Weakness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Weakness::TooShort { length, min } => write!(
                f,
                "the password is too short: {length} characters, at least {min} required"
            ),
            Weakness::TooLong { length, max } => write!(
                f,
                "the password is too long: {length} characters, at most {max} allowed"
            ),
            Weakness::Common => {
                f.write_str("the password is a commonly used password or a simple variation of one")
            }
            Weakness::Sequential => {
                f.write_str("the password is a simple sequence of letters, digits or keys")
            }
            Weakness::Repetitive => f.write_str("the password repeats the same few characters"),
            Weakness::ContainsContext(word) => write!(
                f,
                "the password contains `{word}`, which is part of the account's own details"
            ),
        }
    }
}

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../resources/common-passwords.txt")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect()
});

/// Runs of keys or symbols that people type as "passwords".
const SEQUENCES: [&str; 6] = [
    "abcdefghijklmnopqrstuvwxyz",
    "01234567890",
    "qwertyuiopasdfghjklzxcvbnm",
    "qwertzuiopasdfghjklyxcvbnm",
    "azertyuiopqsdfghjklmwxcvbn",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
];

/// Checks `password` against `policy`, the common list and `context` (user name, e-mail, the
/// service's name: tokens of at least four characters are looked for). Returns every weakness
/// found, in a fixed order; empty means acceptable.
pub fn check(password: &str, policy: StrengthPolicy, context: &[&str]) -> Vec<Weakness> {
    let mut weaknesses = Vec::new();
    let length = password.chars().count();
    if length < policy.min_length {
        weaknesses.push(Weakness::TooShort {
            length,
            min: policy.min_length,
        });
    }
    if length > policy.max_length {
        weaknesses.push(Weakness::TooLong {
            length,
            max: policy.max_length,
        });
    }
    let lower = password.to_lowercase();
    if is_common(&lower) {
        weaknesses.push(Weakness::Common);
    }
    if is_sequential(&lower) {
        weaknesses.push(Weakness::Sequential);
    }
    if is_repetitive(&lower) {
        weaknesses.push(Weakness::Repetitive);
    }
    if let Some(word) = context_word(&lower, context) {
        weaknesses.push(Weakness::ContainsContext(word));
    }
    weaknesses
}

fn is_decoration(c: char) -> bool {
    c.is_ascii_digit() || c.is_ascii_punctuation() || c.is_whitespace()
}

fn unleet(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '@' | '4' => 'a',
            '3' => 'e',
            '1' | '!' => 'i',
            '0' => 'o',
            '$' | '5' => 's',
            '7' => 't',
            other => other,
        })
        .collect()
}

fn is_common(lower: &str) -> bool {
    let common = &*COMMON;
    let trimmed = [
        lower,
        lower.trim_end_matches(is_decoration),
        lower.trim_start_matches(is_decoration),
        lower.trim_matches(is_decoration),
    ];
    trimmed.iter().any(|candidate| {
        !candidate.is_empty()
            && (common.contains(candidate) || common.contains(unleet(candidate).as_str()))
    })
}

fn is_sequential(lower: &str) -> bool {
    if lower.chars().count() < 3 {
        return false;
    }
    SEQUENCES.iter().any(|sequence| {
        let reversed: String = sequence.chars().rev().collect();
        sequence.contains(lower) || reversed.contains(lower)
    })
}

/// The whole password is one short unit (at most eight characters) repeated, e.g. `aaaaaaaa`,
/// `abababab`, `passwordpassword`.
fn is_repetitive(lower: &str) -> bool {
    let chars: Vec<char> = lower.chars().collect();
    let len = chars.len();
    if len < 3 {
        return false;
    }
    (1..=(len / 2).min(8)).any(|unit| {
        chars
            .iter()
            .enumerate()
            .skip(unit)
            .all(|(i, c)| chars.get(i - unit) == Some(c))
    })
}

fn context_word(lower: &str, context: &[&str]) -> Option<String> {
    let mut words: Vec<String> = Vec::new();
    for input in context {
        let input = input.trim().to_lowercase();
        if input.chars().count() >= 3 {
            words.push(input.clone());
        }
        words.extend(
            input
                .split(|c: char| !c.is_alphanumeric())
                .filter(|token| token.chars().count() >= 4)
                .map(str::to_owned),
        );
    }
    words.into_iter().find(|word| lower.contains(word.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(password: &str, context: &[&str]) -> Vec<&'static str> {
        check(password, StrengthPolicy::default(), context)
            .iter()
            .map(Weakness::code)
            .collect()
    }

    #[test]
    fn good_passwords_pass() {
        for password in [
            "correct horse battery staple",
            "tXq8-vienna-lamp",
            "ünïcödé-passphrase",
            "Gl4ss-Of-W4ter-On-Tuesday",
        ] {
            assert_eq!(codes(password, &[]), Vec::<&str>::new(), "{password}");
        }
    }

    #[test]
    fn length_limits_count_characters() {
        assert_eq!(codes("Xk9#", &[]), ["too-short"]);
        assert_eq!(codes("", &[]), ["too-short"]);
        // Eight non-ASCII characters are eight characters, not sixteen bytes.
        assert_eq!(codes("éèêëēėęǽ", &[]), Vec::<&str>::new());
        assert_eq!(codes("éèêëēėę", &[]), ["too-short"]);
        let sixty_four: String = "the quick brown fox jumps over the lazy dog while seven cats nap"
            .chars()
            .take(64)
            .collect();
        assert_eq!(sixty_four.chars().count(), 64);
        assert_eq!(codes(&sixty_four, &[]), Vec::<&str>::new());
        let long = format!("{}q", "correct horse battery staple ".repeat(3));
        assert!(long.chars().count() > 64);
        assert_eq!(codes(&long, &[]), ["too-long"]);
        let lenient = StrengthPolicy {
            min_length: 8,
            max_length: 128,
        };
        assert!(check(&long, lenient, &[]).is_empty());
    }

    #[test]
    fn common_passwords_and_their_decorations() {
        for password in [
            "password",
            "Password1",
            "P@ssw0rd!",
            "password2024",
            "!!password!!",
            "iloveyou",
            "ILoveYou123",
            "qwerty123",
            "1q2w3e4r",
            "Dragon99",
            "letmein!",
            "monkey12345",
        ] {
            assert!(codes(password, &[]).contains(&"common"), "{password}");
        }
    }

    #[test]
    fn sequences_and_repetition() {
        for password in [
            "12345678",
            "abcdefgh",
            "87654321",
            "qwertyuiop",
            "asdfghjkl",
        ] {
            assert!(codes(password, &[]).contains(&"sequential"), "{password}");
        }
        for password in [
            "aaaaaaaa",
            "abababab",
            "12121212",
            "passwordpassword",
            "xyzxyzxyz",
        ] {
            assert!(codes(password, &[]).contains(&"repetitive"), "{password}");
        }
        assert!(!codes("abcdefgx", &[]).contains(&"sequential"));
    }

    #[test]
    fn context_words() {
        assert_eq!(
            codes("Alice-Loves-Tea", &["alice"]),
            ["contains-user-input"]
        );
        assert_eq!(
            codes("my-example-account", &["bob@example.com"]),
            ["contains-user-input"]
        );
        assert_eq!(codes("Alice-Loves-Tea", &["bob", "x"]), Vec::<&str>::new());
        let weakness = &check("Alice-Loves-Tea", StrengthPolicy::default(), &["Alice"])[0];
        assert!(weakness.to_string().contains("`alice`"), "{weakness}");
    }

    #[test]
    fn list_loads() {
        assert!(COMMON.len() > 300, "{}", COMMON.len());
        assert!(COMMON.iter().all(|entry| *entry == entry.to_lowercase()));
    }
}
