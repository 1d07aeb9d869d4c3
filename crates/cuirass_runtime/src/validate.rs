//! Input validators whose errors say exactly what is wrong (never echoing more of the input than
//! needed), plus full-match regular expressions on the linear-time `regex` engine, so a pattern
//! cannot be made to backtrack for hours (no `ReDoS`), and safe file names.

use std::fmt;

use regex::{Regex, RegexBuilder};

/// Why a value was refused. The message is meant for the person who typed the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError(pub String);

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ValidationError {}

fn fail<T>(message: impl Into<String>) -> Result<T, ValidationError> {
    Err(ValidationError(message.into()))
}

/// A user name: ASCII letters, digits, `.`, `_` and `-`, starting and ending with a letter or
/// digit, `min..=max` characters. ASCII only, so no two names look alike (homoglyphs).
pub fn username(value: &str, min: usize, max: usize) -> Result<(), ValidationError> {
    let length = value.chars().count();
    if length < min || length > max {
        return fail(format!(
            "a user name must be {min} to {max} characters long, this one has {length}"
        ));
    }
    if let Some(bad) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        return fail(format!(
            "a user name may contain only ASCII letters, digits, `.`, `_` and `-`, not {}",
            describe_char(bad)
        ));
    }
    let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !edge_ok(value.chars().next()) || !edge_ok(value.chars().last()) {
        return fail("a user name must start and end with a letter or a digit");
    }
    Ok(())
}

fn describe_char(c: char) -> String {
    if c.is_control() || c.is_whitespace() {
        format!("U+{:04X}", u32::from(c))
    } else {
        format!("`{c}`")
    }
}

/// An e-mail address in the form people and mail servers actually use: `local@domain`, at most
/// 254 characters, an unquoted ASCII local part (letters, digits and ``!#$%&'*+/=?^_`{|}~-``,
/// dots between them), and a domain of at least two DNS labels with an alphabetic top-level
/// label. Quoted local parts and IP literals are refused on purpose. Returns the address with
/// the domain lowercased.
pub fn email(value: &str) -> Result<String, ValidationError> {
    if value.len() > 254 {
        return fail(format!(
            "an e-mail address may be at most 254 characters long, this one has {}",
            value.len()
        ));
    }
    let Some((local, domain)) = value.rsplit_once('@') else {
        return fail("an e-mail address needs an `@` between the name and the domain");
    };
    if local.is_empty() {
        return fail("an e-mail address needs a name before the `@`");
    }
    if local.len() > 64 {
        return fail("the part of an e-mail address before the `@` may be at most 64 characters");
    }
    if let Some(bad) = local
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-.".contains(*c)))
    {
        return fail(format!(
            "the part of an e-mail address before the `@` may not contain {}",
            describe_char(bad)
        ));
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return fail(
            "the part of an e-mail address before the `@` may not start or end with a dot or \
             have two dots in a row",
        );
    }
    let domain = domain.to_ascii_lowercase();
    hostname(&domain).map_err(|ValidationError(reason)| {
        ValidationError(format!("the domain of an e-mail address {reason}"))
    })?;
    Ok(format!("{local}@{domain}"))
}

/// A DNS host name of at least two labels (checks only; messages continue "the domain …").
fn hostname(domain: &str) -> Result<(), ValidationError> {
    if domain.is_empty() {
        return fail("is missing");
    }
    if domain.len() > 253 {
        return fail("may be at most 253 characters long");
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return fail(format!(
            "`{domain}` needs at least one dot (as in `example.com`)"
        ));
    }
    for label in &labels {
        if label.is_empty() || label.len() > 63 {
            return fail(format!(
                "`{domain}` has an empty label or one longer than 63 characters"
            ));
        }
        if !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return fail(format!(
                "`{domain}` may contain only letters, digits, `-` and dots (use the xn-- form \
                 for international names)"
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return fail(format!(
                "`{domain}` has a label that starts or ends with `-`"
            ));
        }
    }
    let tld = labels.last().copied().unwrap_or_default();
    if !(tld.chars().all(|c| c.is_ascii_alphabetic()) || tld.starts_with("xn--")) || tld.len() < 2 {
        return fail(format!(
            "`{domain}` does not end in a top-level domain such as `.com`"
        ));
    }
    Ok(())
}

/// An absolute URL whose scheme is in `allowed_schemes` (compared case-insensitively), with a
/// host for the hierarchical schemes, no user name or password (`https://bank.com@evil.example`
/// is a phishing staple), no surrounding whitespace or control characters, and at most
/// `max_length` characters.
pub fn url(
    value: &str,
    allowed_schemes: &[&str],
    max_length: usize,
) -> Result<(), ValidationError> {
    if value.len() > max_length {
        return fail(format!(
            "a URL may be at most {max_length} characters long, this one has {}",
            value.len()
        ));
    }
    if let Some(bad) = value.chars().find(|c| c.is_control() || c.is_whitespace()) {
        return fail(format!(
            "a URL may not contain whitespace or control characters ({})",
            describe_char(bad)
        ));
    }
    let parsed = match url::Url::parse(value) {
        Ok(parsed) => parsed,
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            return fail("the URL must be absolute, with a scheme such as `https://`");
        }
        Err(error) => return fail(format!("the URL is not valid: {error}")),
    };
    let scheme = parsed.scheme();
    if !allowed_schemes
        .iter()
        .any(|allowed| allowed.eq_ignore_ascii_case(scheme))
    {
        let mut allowed: Vec<String> = allowed_schemes
            .iter()
            .map(|s| format!("`{}`", s.to_ascii_lowercase()))
            .collect();
        allowed.sort();
        return fail(format!(
            "the URL scheme `{scheme}` is not allowed (allowed: {})",
            allowed.join(", ")
        ));
    }
    if parsed.is_special() && scheme != "file" && parsed.host_str().is_none_or(str::is_empty) {
        return fail("the URL has no host");
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return fail("the URL may not contain a user name or password");
    }
    Ok(())
}

/// A regular expression that must match a whole value. Built on the `regex` crate: matching is
/// linear in the input whatever the pattern, and patterns that need backtracking (look-around,
/// back-references) are refused at compile time.
#[derive(Debug, Clone)]
pub struct FullMatch {
    regex: Regex,
    pattern: String,
}

/// A pattern that failed to compile (a programming error, not a validation failure).
#[derive(Debug, thiserror::Error)]
#[error("invalid regular expression `{pattern}`: {reason}")]
pub struct PatternError {
    pub pattern: String,
    pub reason: String,
}

impl FullMatch {
    /// Compiles `pattern` anchored at both ends.
    pub fn new(pattern: &str) -> Result<Self, PatternError> {
        let regex = RegexBuilder::new(&format!(r"\A(?:{pattern})\z"))
            // Bounded compiled size: a pattern like `(a{1000}){1000}` fails fast instead of
            // eating memory.
            .size_limit(1 << 22)
            .build()
            .map_err(|error| PatternError {
                pattern: pattern.to_owned(),
                reason: error.to_string(),
            })?;
        Ok(Self {
            regex,
            pattern: pattern.to_owned(),
        })
    }

    /// The pattern as given.
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// Whether the whole of `value` matches.
    pub fn is_match(&self, value: &str) -> bool {
        self.regex.is_match(value)
    }
}

/// Names Windows reserves in every directory, with any extension.
const WINDOWS_RESERVED: [&str; 22] = [
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// Turns an untrusted file name (an upload's, say) into one that is safe to create in a
/// directory: no path separators, no `..`, no leading dot (hidden files), no control or shell
/// metacharacters, no Windows device names, at most `max_bytes` bytes with the extension kept.
/// Letters and digits of any script are kept; whitespace runs become `_`.
pub fn safe_filename(name: &str, max_bytes: usize) -> Result<String, ValidationError> {
    let mut out = String::with_capacity(name.len());
    let mut pending_underscore = false;
    for c in name.chars() {
        let keep = c.is_alphanumeric() || matches!(c, '.' | '-' | '_');
        if keep {
            if pending_underscore && !out.is_empty() {
                out.push('_');
            }
            pending_underscore = false;
            out.push(c);
        } else {
            pending_underscore = true;
        }
    }
    // No hidden files, no `.`/`..`, no trailing dots (Windows drops them).
    let trimmed = out.trim_matches(|c| c == '.' || c == '_' || c == '-');
    if trimmed.is_empty() {
        return fail("the file name has no usable characters");
    }
    let mut result = trimmed.to_owned();
    let stem = result
        .split('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if WINDOWS_RESERVED.contains(&stem.as_str()) {
        result.insert(0, '_');
    }
    if result.len() > max_bytes {
        result = truncate_keeping_extension(&result, max_bytes);
        if result.is_empty() {
            return fail(format!("the file name does not fit in {max_bytes} bytes"));
        }
    }
    Ok(result)
}

fn truncate_keeping_extension(name: &str, max_bytes: usize) -> String {
    let (stem, extension) = match name.rfind('.') {
        // A short extension is worth keeping; a long "extension" is just part of the name.
        Some(dot) if dot > 0 && name.len() - dot <= 16 => name.split_at(dot),
        _ => (name, ""),
    };
    let budget = max_bytes.saturating_sub(extension.len());
    let mut cut = budget.min(stem.len());
    while cut > 0 && !stem.is_char_boundary(cut) {
        cut -= 1;
    }
    let stem = stem.get(..cut).unwrap_or_default().trim_end_matches('.');
    if stem.is_empty() {
        return String::new();
    }
    format!("{stem}{extension}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        for good in ["bob", "alice.smith", "a_b-c", "X9", "user123"] {
            assert!(username(good, 2, 32).is_ok(), "{good}");
        }
        let message = |v: &str| username(v, 3, 32).unwrap_err().0;
        assert!(message("ab").contains("3 to 32"), "{}", message("ab"));
        assert!(message("bob smith").contains("U+0020"));
        assert!(message("bøb").contains("`ø`"));
        assert!(message(".bob").contains("start and end"));
        assert!(message("bob-").contains("start and end"));
        assert!(message("аdmin").contains("`а`"), "Cyrillic a is refused");
    }

    #[test]
    fn emails() {
        assert_eq!(
            email("Bob.Smith+tag@Example.COM").unwrap(),
            "Bob.Smith+tag@example.com"
        );
        assert!(email("a@b.co").is_ok());
        assert!(email("x@xn--bcher-kva.example").is_ok());
        for (bad, needle) in [
            ("plainaddress", "`@`"),
            ("@example.com", "name before"),
            ("a..b@example.com", "two dots"),
            (".a@example.com", "two dots"),
            ("a b@example.com", "U+0020"),
            ("a@localhost", "at least one dot"),
            ("a@-example.com", "starts or ends with `-`"),
            ("a@example.c", "top-level"),
            ("a@example.123", "top-level"),
            ("a@exa_mple.com", "only letters"),
            ("a@example..com", "empty label"),
            ("a@", "missing"),
            ("\"quoted\"@example.com", "`\"`"),
            ("a@[127.0.0.1]", "only letters"),
        ] {
            let message = email(bad).unwrap_err().0;
            assert!(message.contains(needle), "{bad}: {message}");
        }
        assert!(email(&format!("{}@example.com", "a".repeat(65))).is_err());
        assert!(email(&format!("a@{}.com", "b".repeat(250))).is_err());
    }

    #[test]
    fn urls() {
        let https = ["https"];
        assert!(url("https://example.com/path?q=1#f", &https, 2048).is_ok());
        assert!(url("HTTPS://example.com", &https, 2048).is_ok());
        for (bad, needle) in [
            (
                "http://example.com",
                "scheme `http` is not allowed (allowed: `https`)",
            ),
            ("javascript:alert(1)", "scheme `javascript`"),
            ("JaVaScRiPt:alert(1)", "scheme `javascript`"),
            ("//example.com", "absolute"),
            ("/relative", "absolute"),
            (" https://example.com", "whitespace"),
            ("https://exa\tmple.com", "U+0009"),
            ("https://user:pw@example.com", "user name or password"),
            ("https://bank.com@evil.example", "user name or password"),
            ("https://", "not valid"),
            ("https://exa mple.com", "whitespace"),
        ] {
            let message = url(bad, &https, 2048).unwrap_err().0;
            assert!(message.contains(needle), "{bad}: {message}");
        }
        assert!(url("mailto:a@example.com", &["mailto"], 2048).is_ok());
        assert!(url(&format!("https://e.com/{}", "a".repeat(100)), &https, 50).is_err());
    }

    #[test]
    fn full_match_is_anchored_and_linear() {
        let digits = FullMatch::new(r"[0-9]+").unwrap();
        assert!(digits.is_match("12345"));
        assert!(!digits.is_match("123a"));
        assert!(!digits.is_match("a123"));
        assert!(!digits.is_match("123\n"));
        let alternation = FullMatch::new("cat|dog").unwrap();
        assert!(alternation.is_match("dog"));
        assert!(
            !alternation.is_match("catdog"),
            "anchors apply to the whole alternation"
        );
        // The classic catastrophic pattern runs in linear time here.
        let evil = FullMatch::new(r"(a+)+$").unwrap();
        let input = format!("{}!", "a".repeat(100_000));
        assert!(!evil.is_match(&input));
        assert!(FullMatch::new(r"(?=a)a").is_err(), "look-ahead is refused");
        assert!(
            FullMatch::new(r"(a)\1").is_err(),
            "back-references are refused"
        );
        let error = FullMatch::new("(").unwrap_err();
        assert!(error.to_string().contains("`(`"), "{error}");
    }

    #[test]
    fn file_names() {
        let safe = |name: &str| safe_filename(name, 255).unwrap();
        assert_eq!(safe("report.pdf"), "report.pdf");
        assert_eq!(safe("../../etc/passwd"), "etc_passwd");
        assert_eq!(safe("..\\..\\windows\\system32"), "windows_system32");
        assert_eq!(safe(".bashrc"), "bashrc");
        assert_eq!(safe("my résumé 2024.docx"), "my_résumé_2024.docx");
        assert_eq!(safe("a\0b\nc.txt"), "a_b_c.txt");
        assert_eq!(safe("CON.txt"), "_CON.txt");
        assert_eq!(safe("lpt1"), "_lpt1");
        assert_eq!(safe("$(rm -rf ~);.sh"), "rm_-rf_.sh");
        assert_eq!(safe("name..."), "name");
        assert!(safe_filename("../..", 255).is_err());
        assert!(safe_filename("", 255).is_err());
        let long = format!("{}.tar.gz", "é".repeat(200));
        let cut = safe_filename(&long, 255).unwrap();
        assert!(
            cut.len() <= 255 && cut.rsplit_once('.').unwrap().1 == "gz",
            "{cut}"
        );
        assert_eq!(safe_filename("abcdef.txt", 8).unwrap(), "abcd.txt");
    }
}
