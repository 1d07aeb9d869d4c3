// cuirass-fixture: fake secrets (documented example keys and test lookalikes)
//! What is *not* a secret although it sits where one would: placeholders, template and
//! environment references, documented dummy keys, integrity hashes, UUIDs and data URIs.
//!
//! Two strengths. Provider tokens have a fixed shape, so only unmistakable markers reject them
//! ([`token_is_placeholder`]: `EXAMPLE`, `xxxx`, `your`, runs of one character, …); a random
//! token contains such a marker with a probability below 10⁻⁴. Free-form values found by the
//! keyword heuristic get the full list ([`value_is_placeholder`]: also `test`, `dummy`, `secret`,
//! `changeme`, common default passwords, identifiers, paths, …).

use crate::entropy;

/// Documented example credentials: reported at most as info (`ScanOptions::report_dummies`).
const DOCUMENTED_DUMMIES: &[(&str, &str)] = &[
    (
        "AKIAIOSFODNN7EXAMPLE",
        "the AWS documentation's example access key id",
    ),
    (
        "AKIAI44QH8DHBEXAMPLE",
        "the AWS documentation's example access key id",
    ),
    (
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "the AWS documentation's example secret access key",
    ),
    (
        "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
        "the AWS documentation's example secret access key",
    ),
    (
        "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        "the jwt.io example token",
    ),
    (
        r#"_5#y2L"F4Q8z\n\xec]/"#,
        "the Flask documentation's example secret key",
    ),
];

/// Whether `value` is (or ends with the signature of) a documented example credential; returns
/// which one.
pub fn documented_dummy(value: &str) -> Option<&'static str> {
    DOCUMENTED_DUMMIES
        .iter()
        .find(|(dummy, _)| value == *dummy || value.ends_with(&format!(".{dummy}")))
        .map(|&(_, what)| what)
}

/// Markers that reject even a well-shaped provider token (case-insensitive).
const TOKEN_MARKERS: &[&str] = &[
    "example",
    "xxxx",
    "your",
    "placeholder",
    "redacted",
    "dummy",
    "sample",
    "changeme",
    "replace",
    "insert",
    "****",
    "....",
    "…",
    "<",
    ">",
    "${",
    "{{",
    "%(",
];

/// Whether a provider-shaped token is obviously a placeholder.
pub fn token_is_placeholder(token: &str) -> bool {
    let lower = token.to_ascii_lowercase();
    TOKEN_MARKERS.iter().any(|m| lower.contains(m))
        || longest_run(token) >= 6
        || longest_sequence(token) >= 8
        || (token.chars().count() >= 16 && entropy::shannon_entropy(token) < 2.5)
}

/// Substrings that make a free-form value a placeholder or a default (case-insensitive).
const VALUE_MARKERS: &[&str] = &[
    "change",
    "replace",
    "your",
    "example",
    "sample",
    "placeholder",
    "dummy",
    "fake",
    "test",
    "mock",
    "demo",
    "xxx",
    "todo",
    "fixme",
    "tbd",
    "redacted",
    "secret",
    "password",
    "passwd",
    "passw0rd",
    "p@ss",
    "pass123",
    "insecure",
    "default",
    "qwerty",
    "letmein",
    "hunter2",
    "geheim",
    "123456",
    "abcdef",
    "admin",
    "foobar",
    "not-a-",
    "notreal",
    "not_real",
    "invalid",
    "nothing",
    "***",
    "...",
    "…",
];

/// Whole values that are never secrets (case-insensitive).
const VALUE_EXACT: &[&str] = &[
    "true",
    "false",
    "none",
    "null",
    "nil",
    "undefined",
    "string",
    "str",
    "bytes",
    "value",
    "token",
    "required",
    "optional",
    "enabled",
    "disabled",
];

/// Default and example passwords in their usual spellings (`p@ssw0rd`, `pa55word`, `s3cr3t`,
/// `ch4ngeme`, `4dmin`, `l3tmein`), found anywhere in a value.
fn is_default_password(value: &str) -> bool {
    static LEET: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    LEET.get_or_init(|| {
        regex::Regex::new(
            r"(?i)p[a@4][s5$3z]{1,2}w[o0]r[d]|s[e3]cr[e3]t|ch[a4]ng[e3]m[e3]|[a@4]dm[i1!]n|l[e3]tm[e3][i1]n|qw[e3]rty|h[u]nt[e3]r2",
        )
        .ok()
    })
    .as_ref()
    .is_some_and(|leet| leet.is_match(value))
}

/// Whether a free-form value found by the keyword heuristic is a placeholder, a reference to
/// somewhere else (environment, template, file) or structured data rather than a secret.
pub fn value_is_placeholder(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    if value.is_empty()
        || VALUE_EXACT.contains(&lower.as_str())
        || VALUE_MARKERS.iter().any(|m| lower.contains(m))
        || is_default_password(value)
        || is_reference(value)
        || is_structured(value)
        || longest_run(value) >= run_limit(value)
        || longest_sequence(value) >= sequence_limit(value)
        || is_constant_name(value)
        || is_timestamp(value)
    {
        return true;
    }
    is_identifier_like(value)
}

/// A gentler check for framework keys, whose alphabet includes `(`, `$`, `%` and `{`: the
/// marker words and obvious templates or environment lookups only.
pub fn framework_key_is_placeholder(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    value.trim().is_empty()
        || VALUE_EXACT.contains(&lower.as_str())
        || VALUE_MARKERS
            .iter()
            .filter(|m| **m != "insecure")
            .any(|m| lower.contains(m))
        || is_default_password(value)
        || ["${", "{{", "{%", "%(", "environ", "getenv", "env("]
            .iter()
            .any(|m| lower.contains(m))
        || value.starts_with('<')
        || longest_run(value) >= run_limit(value)
        || longest_sequence(value) >= 5
}

/// `${VAR}`, `$VAR`, `{{ var }}`, `%(var)s`, `{var}`, `<your-key>`, `@VAR@`, `__VAR__`, `%s`,
/// environment lookups and code.
pub fn is_reference(value: &str) -> bool {
    let v = value.trim();
    v.starts_with('$')
        || v.starts_with('<')
        || v.starts_with('[')
        || v.starts_with('@')
        || v.starts_with('%')
        || (v.starts_with("__") && v.ends_with("__"))
        || v.contains("${")
        || v.contains("{{")
        || v.contains("{%")
        || v.contains("%(")
        || v.contains('{')
        || v.contains('}')
        || v.contains("%s")
        || v.contains("environ")
        || v.contains("getenv")
        || v.contains("env(")
        || v.contains("ENV[")
        || v.contains("secrets.")
        || v.contains("vault:")
        || v.contains('(')
        || v.contains('[')
        || v.contains(']')
}

/// Prefixes of structured values: hashes, schemes, paths.
const PREFIXES: &[&str] = &[
    "sha1:", "sha1-", "sha256:", "sha256-", "sha384:", "sha384-", "sha512:", "sha512-", "md5:",
    "md5-", "blake2b", "pbkdf2", "argon2", "bcrypt", "scrypt", "data:", "file:", "http:", "https:",
    "s3:", "gs:", "./", "../", "~/", "/", "--hash", "arn:",
];
const SUFFIXES: &[&str] = &[
    ".pem",
    ".key",
    ".crt",
    ".cer",
    ".der",
    ".p12",
    ".pfx",
    ".json",
    ".txt",
    ".yaml",
    ".yml",
    ".toml",
    ".ini",
    ".cfg",
    ".env",
    ".py",
    ".gpg",
    ".asc",
    ".pub",
    ".jks",
    ".keystore",
];

/// Hashes with an algorithm prefix (`sha256:…`, `sha512-…`), password hashes (`$2b$…`,
/// `pbkdf2_sha256$…`), UUIDs, data URIs, URLs, paths and file names.
fn is_structured(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    let lower = lower.as_str();
    PREFIXES.iter().any(|p| lower.starts_with(p))
        || SUFFIXES.iter().any(|s| lower.ends_with(s))
        || lower.contains("://")
        || lower.contains('\\')
        || is_relative_path(value)
        || is_uuid(lower)
        || lower
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
        || is_hostname(value)
}

/// `prod/api/key`, `secrets/db-password`: lower-case words joined by slashes (random base64
/// with a `/` nearly always has upper case too).
fn is_relative_path(value: &str) -> bool {
    value.contains('/')
        && value.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.' | b'/')
        })
}

/// Whether `text` is a UUID (`8-4-4-4-12` hex).
pub fn is_uuid(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(part, len)| part.len() == len && part.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `db.example.com`, `my-host.internal`: lower-case labels joined by dots.
fn is_hostname(value: &str) -> bool {
    let labels: Vec<&str> = value.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_lowercase()))
}

/// Words and identifiers: letters joined by `-`, `_`, `.` or camel case, no digits, every
/// segment at most 20 letters (`auth-token`, `X-Api-Key`, `passwordReset`, `settings.SECRET`).
fn is_identifier_like(value: &str) -> bool {
    if !value
        .bytes()
        .all(|b| b.is_ascii_alphabetic() || matches!(b, b'-' | b'_' | b'.' | b':'))
    {
        return false;
    }
    let mut segment = 0usize;
    let mut previous_lower = false;
    for ch in value.chars() {
        if !ch.is_ascii_alphabetic() {
            segment = 0;
            previous_lower = false;
            continue;
        }
        if ch.is_ascii_uppercase() && previous_lower {
            segment = 0;
        }
        previous_lower = ch.is_ascii_lowercase();
        segment += 1;
        if segment > 20 {
            return false;
        }
    }
    true
}

/// An ascending run this long marks a placeholder (`abcd`, `1234` in short values).
fn sequence_limit(value: &str) -> usize {
    if value.len() < 32 { 4 } else { 5 }
}

/// `RSA_2048`, `SMART_ON_FHIR_V1`, `TLS_V1_2`: upper-case words joined by underscores.
fn is_constant_name(value: &str) -> bool {
    value.contains('_')
        && value.starts_with(|c: char| c.is_ascii_uppercase())
        && value
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// `2016-09-21T23:14:45Z`, `2024-01-01`: dates and timestamps.
fn is_timestamp(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() >= 10
        && b.iter().take(4).all(u8::is_ascii_digit)
        && b.get(4) == Some(&b'-')
        && b.get(5..7)
            .is_some_and(|m| m.iter().all(u8::is_ascii_digit))
        && b.get(7) == Some(&b'-')
}

/// A run of one character this long marks a placeholder (`aaaa`, `0000`): four in short
/// values, longer in long ones, where random runs happen (a 64-digit hex key has a run of four
/// about once in seventy).
fn run_limit(value: &str) -> usize {
    (value.len() / 8).max(4)
}

/// Length of the longest run of one repeated character.
fn longest_run(text: &str) -> usize {
    let mut best = 0;
    let mut run = 0;
    let mut last = None;
    for ch in text.chars() {
        if Some(ch) == last {
            run += 1;
        } else {
            run = 1;
            last = Some(ch);
        }
        best = best.max(run);
    }
    best
}

/// Length of the longest ascending sequence (`abcdef`, `123456`).
fn longest_sequence(text: &str) -> usize {
    let mut best = 0;
    let mut run = 0;
    let mut last: Option<u32> = None;
    for ch in text.chars() {
        let code = u32::from(ch);
        if ch.is_ascii_alphanumeric() && last.is_some_and(|l| l + 1 == code) {
            run += 1;
        } else {
            run = 1;
        }
        last = Some(code);
        best = best.max(run);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        assert!(token_is_placeholder(
            "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        ));
        assert!(token_is_placeholder("sk_live_YOUR_KEY_HERE_0000000000"));
        assert!(token_is_placeholder("AKIA0000000000000000"));
        assert!(token_is_placeholder("sk_live_abcdefghijklmnopqrstuvwx"));
        assert!(!token_is_placeholder(
            "ghp_R8fQ2kLmZ0vXa9TbC3dE7gH1jK5nP6sUwY4z"
        ));
    }

    #[test]
    fn values() {
        for placeholder in [
            "changeme",
            "your-api-key",
            "<your-key>",
            "${DB_PASSWORD}",
            "$DB_PASSWORD",
            "{{ vault_token }}",
            "%(password)s",
            "{password}",
            "xxxxxxxx",
            "********",
            "REPLACE_ME",
            "example-token",
            "dummy-value",
            "test1234",
            "os.environ['TOKEN']",
            "env(\"API_KEY\")",
            "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "03#pa33w0rd",
            "P@55w0rd!2024",
            "S3cr3t-Value-9",
            "sha512-abc",
            "123e4567-e89b-12d3-a456-426614174000",
            "data:image/png;base64,iVBORw0KGgo",
            "/etc/secrets/token",
            "secrets/api.key",
            "X-Api-Key",
            "auth_token_header",
            "passwordReset",
            "db.internal.example",
            "1234567890123",
        ] {
            assert!(value_is_placeholder(placeholder), "{placeholder}");
        }
        for secret in ["Xk9#mQ2$vL7pRt", "hK3jS8dQ1wZ", "9f86d081884c7d65"] {
            assert!(!value_is_placeholder(secret), "{secret}");
        }
    }

    #[test]
    fn dummies() {
        assert!(documented_dummy("AKIAIOSFODNN7EXAMPLE").is_some());
        assert!(documented_dummy("AKIAIOSFODNN7EXAMPLF").is_none());
    }
}
