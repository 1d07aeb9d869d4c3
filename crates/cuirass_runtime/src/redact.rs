//! Masking secrets in free text (log messages): every secret the auditor's detectors
//! (`cuirass_secrets`) find — so the library and `cuirass check` can never disagree about what
//! a secret is — plus what only a log line has: values of secret-named keys (`password=…`,
//! `"api_key": "…"`), credentials in URLs and bearer tokens. Every secret becomes [`MASK`]; the
//! text around it is kept.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex};

/// What a secret is replaced with.
pub const MASK: &str = "[REDACTED]";

/// Words that make a key name secret-bearing (matched case-insensitively inside the name, so
/// `DB_PASSWORD`, `stripeApiKey` and `x-auth-token` all count).
const SECRET_NAME_WORDS: &str = r"passw(?:or)?d|passphrase|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credentials?|authorization|session[_-]?id|cookie|pwd";

static SECRET_NAME: LazyLock<Regex> =
    LazyLock::new(|| compile(&format!(r"(?i)(?:{SECRET_NAME_WORDS})")));

/// `key = value`, `key: value`, `"key": "value"`, `'key': 'value'` with a secret-named key.
static ASSIGNMENT: LazyLock<Regex> = LazyLock::new(|| {
    compile(&format!(
        r#"(?i)(?P<key>["']?[A-Za-z0-9_.\-]*(?:{SECRET_NAME_WORDS})[A-Za-z0-9_.\-]*["']?)(?P<sep>\s*[:=]\s*)(?P<value>\[REDACTED\]|"[^"\r\n]*"|'[^'\r\n]*'|[^\s,;&'"}}\]\)]+)"#
    ))
});

/// The password in `scheme://user:password@host`.
static URL_CREDENTIALS: LazyLock<Regex> = LazyLock::new(|| {
    compile(r"(?i)(?P<prefix>\b[a-z][a-z0-9+.\-]*://[^\s:/@]*:)(?P<value>[^\s@/]+)(?P<at>@)")
});

/// `Bearer <token>` / `Basic <credentials>`.
static AUTH_SCHEME: LazyLock<Regex> = LazyLock::new(|| {
    compile(r"(?i)(?P<prefix>\b(?:bearer|basic)\s+)(?P<value>[A-Za-z0-9._~+/\-]{8,}=*)")
});

fn compile(pattern: &str) -> Regex {
    // The patterns are constants covered by the tests below; failing to compile is a bug.
    Regex::new(pattern).unwrap_or_else(|error| unreachable!("invalid built-in pattern: {error}"))
}

/// A detector reports a private key at its `BEGIN` line; a log must lose the whole block.
fn pem_block_end(text: &str, start: usize) -> Option<usize> {
    let rest = text.get(start..)?;
    if !rest.starts_with("-----BEGIN") {
        return None;
    }
    let end_marker = rest.find("-----END")?;
    let after = rest.get(end_marker + "-----END".len()..)?;
    let close = after.find("-----")?;
    Some(start + end_marker + "-----END".len() + close + "-----".len())
}

/// Whether a key or variable name suggests its value is a secret.
pub fn is_secret_name(name: &str) -> bool {
    SECRET_NAME.is_match(name)
}

/// `text` with every recognised secret replaced by [`MASK`]. Borrows when nothing matched.
pub fn redact(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    // The auditor's detectors first: they know every provider's format.
    let detections = cuirass_secrets::find_secrets(&out, cuirass_secrets::TextKind::Other);
    if !detections.is_empty() {
        let mut masked = String::with_capacity(out.len());
        let mut last = 0;
        let mut ranges: Vec<(usize, usize)> = detections
            .iter()
            .map(|d| (d.start, pem_block_end(&out, d.start).unwrap_or(d.end)))
            .collect();
        ranges.sort_unstable();
        for (start, end) in ranges {
            if start < last
                || end > out.len()
                || !out.is_char_boundary(start)
                || !out.is_char_boundary(end)
            {
                continue;
            }
            masked.push_str(&out[last..start]);
            masked.push_str(MASK);
            last = end;
        }
        masked.push_str(&out[last..]);
        out = Cow::Owned(masked);
    }
    let mut apply = |regex: &Regex, replace: &dyn Fn(&Captures<'_>) -> String| {
        if regex.is_match(&out) {
            out = Cow::Owned(regex.replace_all(&out, replace).into_owned());
        }
    };
    apply(&URL_CREDENTIALS, &|caps| {
        format!("{}{MASK}{}", &caps["prefix"], &caps["at"])
    });
    apply(&AUTH_SCHEME, &|caps| format!("{}{MASK}", &caps["prefix"]));
    apply(&ASSIGNMENT, &|caps| {
        let value = &caps["value"];
        // Already masked, or an auth scheme word whose credential the pattern above masked.
        if value.trim_matches(|c| c == '"' || c == '\'') == MASK
            || value.eq_ignore_ascii_case("bearer")
            || value.eq_ignore_ascii_case("basic")
        {
            return caps[0].to_owned();
        }
        let quote = match value.chars().next() {
            Some(q @ ('"' | '\'')) => q.to_string(),
            _ => String::new(),
        };
        format!("{}{}{quote}{MASK}{quote}", &caps["key"], &caps["sep"])
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for name in [
            "password",
            "DB_PASSWORD",
            "stripeApiKey",
            "x-auth-token",
            "client_secret",
            "passwd",
            "SESSION_ID",
            "aws_access_key_id",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in ["user", "email", "path", "author", "count"] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn assignments() {
        assert_eq!(
            redact("login password=hunter2 ok"),
            "login password=[REDACTED] ok"
        );
        assert_eq!(redact("DB_PASSWORD: s3cr3t"), "DB_PASSWORD: [REDACTED]");
        assert_eq!(
            redact(r#"{"user": "bob", "api_key": "abc123"}"#),
            r#"{"user": "bob", "api_key": "[REDACTED]"}"#
        );
        assert_eq!(
            redact("{'user': 'bob', 'password': 'hunter2'}"),
            "{'user': 'bob', 'password': '[REDACTED]'}"
        );
        assert_eq!(
            redact("token=abc&next=/home"),
            "token=[REDACTED]&next=/home"
        );
        assert_eq!(redact("user=bob count=3"), "user=bob count=3");
        // Idempotent.
        let once = redact("password=hunter2").into_owned();
        assert_eq!(redact(&once), once);
    }

    #[test]
    fn urls_and_headers() {
        assert_eq!(
            redact("connecting to postgres://app:pa55@db.internal:5432/app"),
            "connecting to postgres://app:[REDACTED]@db.internal:5432/app"
        );
        assert_eq!(
            redact("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig"),
            "Authorization: Bearer [REDACTED]"
        );
        assert_eq!(redact("https://example.com/a:b"), "https://example.com/a:b");
    }

    #[test]
    fn provider_tokens() {
        // The auditor's detectors decide: `ghp_` + 36 × `a` fails GitHub's checksum, so it is
        // not a token for either.
        let lookalike = format!("found ghp_{} in config", "a".repeat(36));
        assert_eq!(redact(&lookalike), lookalike);
        for secret in [
            "AKIAIOSFODNN7EXAMPLE",
            "xoxb-48215097233-5208713456291-Qk3VbN7rT2mXc9LpWz4HdF1s",
            "sk_live_4eC39HqLyjWDarjtT1zdp7dcQ2",
            "AIzaSyD8q3Lk2Vn7Xw0Rt5Yb9Pm4Hc1Jf6Gs2Ua",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        ] {
            let text = format!("found {secret} in config");
            assert_eq!(redact(&text), "found [REDACTED] in config", "{secret}");
        }
        let body = "MIIEowIBAAKCAQEAx7Qk3VbN7rT2mXc9LpWz4HdF1sR8yG2uJ5nK0aP6eL3oQ9iB\n\
                    Zt4Cw1Vf8Mh2Ds7Ya5Xk0Nr3Jq6Pb9Ue2Lg8Ti4Wo1Hc5Fz7Ry3Km0Sv6Ad9Gn2Xq\n";
        let pem = format!("-----BEGIN RSA PRIVATE KEY-----\n{body}-----END RSA PRIVATE KEY-----");
        assert_eq!(redact(&format!("key: {pem}!")), "key: [REDACTED]!");
    }

    #[test]
    fn clean_text_is_borrowed() {
        assert!(matches!(redact("nothing to see here"), Cow::Borrowed(_)));
    }
}
