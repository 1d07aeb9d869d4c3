// cuirass-fixture: fake secrets (the rule documentation's examples)
//! The keyword and entropy heuristic — a high-entropy literal assigned to a secret-sounding
//! name — and the committed `.env` file rule.
//!
//! The assignment is matched line by line in the syntax of the file ([`TextKind`]); the name
//! is split into words (`dbPassword`, `DB_PASSWORD`, `db-password` → `db`, `password`) and must
//! contain a secret word without ending in a word that makes it metadata (`password_url`,
//! `token_type`, `api_key_id`); the value must not be a placeholder and must pass
//! [`looks_random`](crate::entropy::looks_random). Findings in test files (a `tests/`
//! directory, `test_*.py`, `*_test.py`, `conftest.py`, fixtures) are kept at low severity and
//! confidence: tests are full of throwaway passwords, but a real key pasted into a test is still
//! a key.

use std::sync::OnceLock;

use cuirass_diagnostics::{Confidence, RuleMeta, Severity};
use regex::Regex;

use crate::ScanOptions;
use crate::engine::{self, Detector, Hit, PRIORITY_HEURISTIC, Placeholders, Scope, compile};
use crate::entropy::looks_random;
use crate::placeholder::value_is_placeholder;
use crate::text::{FileCtx, TextKind};

secret_rule! {
    /// ## What it does
    /// Finds a literal that looks random assigned to, or passed as, a secret-sounding name —
    /// `password`, `passwd`, `pwd`, `secret`, `token`, `api_key`, `apikey`, `access_key`,
    /// `private_key`, `client_secret`, `auth`, `credentials`, … — in Python (`NAME = "…"`,
    /// `name="…"` arguments, `{"name": "…"}`), YAML (`name: …`), JSON, TOML, INI/cfg and `.env`
    /// files (`NAME=…`), and quoted or shell-style assignments elsewhere.
    ///
    /// A value counts as random when it has at least 8 characters and its Shannon entropy
    /// reaches `0.75 × log2(length)` bits per character (between 2.5 and detect-secrets' 4.5,
    /// reached at 64 characters); hex values need 16 characters and 3.0 bits; values of a
    /// single character class need 20 characters and 3.5 bits. Placeholders (`changeme`,
    /// `<your-key>`, `${VAR}`, `{{ var }}`, `%(var)s`, `xxx`, `test`, `example`, …),
    /// environment lookups, paths, URLs, UUIDs, hashes with an algorithm prefix and
    /// identifiers are never reported. Values that a provider detector recognises are reported
    /// by that detector instead.
    ///
    /// ## Why is this bad?
    /// A password or key in the source is readable by everyone with access to the repository,
    /// its forks, CI logs and backups, and stays in the git history after it is removed. It
    /// also cannot differ between environments, so the production value tends to be the one
    /// committed.
    ///
    /// ## Example
    /// ```python
    /// db = connect(host="db.internal", user="app", password="hK3$jS8dQ1wZ")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// db = connect(host="db.internal", user="app", password=os.environ["DB_PASSWORD"])
    /// ```
    ///
    /// ## Fix
    /// Rotate the secret (it has been exposed), then read it at run time from the environment
    /// or a secret manager. If the value is not a secret, say so with
    /// `# pragma: allowlist secret` or `# cuirass: ignore[high-entropy-secret]`.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [CWE-259: Use of Hard-coded Password](https://cwe.mitre.org/data/definitions/259.html)
    /// - [OWASP Secrets Management Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html)
    pub(crate) HIGH_ENTROPY = {
        name: "high-entropy-secret",
        kind: Detector,
        severity: High,
        confidence: Medium,
        likelihood: Medium,
        impact: High,
        cwe: [798, 259],
        owasp: A07AuthenticationFailures,
        // Bandit's B105–B107 (Ruff's S105–S107) belong to the code rule `hardcoded-password`.
        aliases: [
            Other("KeywordDetector"),
            Other("Base64HighEntropyString"),
            Other("HexHighEntropyString"),
        ],
        tags: ["password", "entropy"],
    }
}

secret_rule! {
    /// ## What it does
    /// Reports a `.env`-style file tracked by git: `.env`, `.env.local`, `.env.production`,
    /// `app.env`, … (templates such as `.env.example`, `.env.sample`, `.env.template` and
    /// `.env.dist` are fine). The secrets inside it are reported by the other rules as well.
    ///
    /// ## Why is this bad?
    /// Env files exist to keep configuration and secrets *out* of the repository; a committed
    /// one ships its values to every clone and into the history, and teaches the next developer
    /// to put the production values there.
    ///
    /// ## Example
    /// ```shell
    /// git add .env
    /// ```
    ///
    /// ## Use instead
    /// ```shell
    /// echo ".env" >> .gitignore
    /// git rm --cached .env
    /// cp .env .env.example   # then replace every value with a placeholder
    /// ```
    ///
    /// ## Fix
    /// Remove the file from the index (`git rm --cached`), ignore it, commit a template with
    /// placeholders, and rotate every real secret it contained: removal does not erase the
    /// history (`cuirass check --git-history` shows what is still there).
    ///
    /// ## References
    /// - [CWE-540: Inclusion of Sensitive Information in Source Code](https://cwe.mitre.org/data/definitions/540.html)
    /// - [The Twelve-Factor App: Config](https://12factor.net/config)
    pub(crate) ENV_FILE = {
        name: "env-file-committed",
        kind: Hygiene,
        severity: Medium,
        confidence: High,
        likelihood: Medium,
        impact: Medium,
        cwe: [540],
        owasp: A05SecurityMisconfiguration,
        aliases: [],
        tags: ["env-file", "git"],
    }
}

pub(crate) static RULES: &[&RuleMeta] = &[&HIGH_ENTROPY, &ENV_FILE];

pub(crate) static DETECTORS: &[&Detector] = &[&Detector {
    id: "keyword-entropy",
    rule: &HIGH_ENTROPY,
    label: "high-entropy value",
    prefilter: &[
        "pass", "pwd", "secret", "token", "key", "auth", "cred", "private",
    ],
    pattern: "",
    scope: Scope::Custom(assignments),
    check: None,
    placeholders: Placeholders::Off,
    priority: PRIORITY_HEURISTIC,
    heuristic: true,
}];

/// Quoted values exclude backslashes so an escaped quote never ends a value early.
const Q_DOUBLE: &str = r#""(?P<s1>[^"\\\r\n]+)""#;
const Q_SINGLE: &str = r"'(?P<s2>[^'\\\r\n]+)'";

fn patterns(kind: TextKind) -> Vec<String> {
    let quoted = format!("(?:{Q_DOUBLE}|{Q_SINGLE})");
    let name = r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)";
    let dotted = r"(?P<name>[A-Za-z_][A-Za-z0-9_.\-]*)";
    let unquoted = r#"(?P<s3>[^\s#;"'&*!|>{}\[\],][^\s#;]*)"#;
    let python = vec![
        // NAME = "…", name: str = "…", f(name="…"), self.name = "…"
        format!(
            r"(?:^|[^A-Za-z0-9_]){name}[ \t]*(?::[ \t]*[A-Za-z_][A-Za-z0-9_.\[\], |]*)?=[ \t]*[rbuRBU]{{0,2}}{quoted}"
        ),
        // {"name": "…"}, d["name"] = "…"
        format!(r#"["']{dotted}["'][ \t]*(?::|\][ \t]*=)[ \t]*[rbuRBU]{{0,2}}{quoted}"#),
    ];
    match kind {
        TextKind::Python => python,
        TextKind::Yaml => vec![
            format!(
                r#"^[ \t]*(?:-[ \t]+)?["']?{dotted}["']?[ \t]*:[ \t]+(?:{quoted}|{unquoted})[ \t]*(?:#.*)?$"#
            ),
            format!(r#"^[ \t]*-[ \t]+["']?{name}=(?:{quoted}|{unquoted})["']?[ \t]*$"#),
        ],
        TextKind::Json => vec![format!(r#""{dotted}"[ \t]*:[ \t]*{Q_DOUBLE}"#)],
        TextKind::Toml => vec![format!(
            r#"(?:^|[ \t{{,])["']?{dotted}["']?[ \t]*=[ \t]*{quoted}"#
        )],
        TextKind::Ini => vec![format!(
            r"^[ \t]*{dotted}[ \t]*[=:][ \t]*(?:{quoted}|{unquoted})[ \t]*(?:[;#].*)?$"
        )],
        TextKind::Env => vec![format!(
            r"^[ \t]*(?:export[ \t]+)?{dotted}[ \t]*=[ \t]*(?:{quoted}|{unquoted})[ \t]*(?:#.*)?$"
        )],
        TextKind::Lock => Vec::new(),
        TextKind::Other => vec![
            format!(
                r#"(?:^|[^A-Za-z0-9_])["']?{dotted}["']?[ \t]*(?:=|:|:=|=>)[ \t]*[rbuRBU]{{0,2}}{quoted}"#
            ),
            format!(r#"(?:^|[ \t,;&?{{(])(?:export[ \t]+|--)?{dotted}=(?P<s3>[^\s"'&,;)}}<>`]+)"#),
        ],
    }
}

const KINDS: [TextKind; 8] = [
    TextKind::Python,
    TextKind::Yaml,
    TextKind::Json,
    TextKind::Toml,
    TextKind::Ini,
    TextKind::Env,
    TextKind::Lock,
    TextKind::Other,
];

/// Every name [`classify_name`] accepts holds one of these (any case): a cheap test before
/// the capture groups of a match are computed.
const NAME_WORDS: &[&str] = &["pass", "pw", "secret", "token", "key", "auth", "cred"];

fn name_words() -> Option<&'static aho_corasick::AhoCorasick> {
    static WORDS: OnceLock<Option<aho_corasick::AhoCorasick>> = OnceLock::new();
    WORDS
        .get_or_init(|| {
            aho_corasick::AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .build(NAME_WORDS)
                .ok()
        })
        .as_ref()
}

fn regexes(kind: TextKind) -> &'static [Regex] {
    static ALL: OnceLock<Vec<Vec<Regex>>> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        KINDS
            .iter()
            .map(|&k| {
                patterns(k)
                    .iter()
                    .filter_map(|p| compile(&format!("(?m){p}")))
                    .collect()
            })
            .collect()
    });
    KINDS
        .iter()
        .position(|&k| k == kind)
        .and_then(|i| all.get(i))
        .map_or(&[], Vec::as_slice)
}

/// Whether every heuristic pattern compiles (for tests).
#[cfg(test)]
pub(crate) fn all_compiled() -> bool {
    KINDS.iter().all(|&k| regexes(k).len() == patterns(k).len())
}

/// Splits an identifier into lower-case words: `dbPassword` → `db`, `password`;
/// `APIKey` → `api`, `key`; `X-Api-Key` → `x`, `api`, `key`.
pub(crate) fn words(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let chars: Vec<char> = part.chars().collect();
        let mut current = String::new();
        for (i, &ch) in chars.iter().enumerate() {
            let prev = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
            let next = chars.get(i + 1).copied();
            let boundary = ch.is_ascii_uppercase()
                && prev.is_some_and(|p| {
                    p.is_ascii_lowercase()
                        || p.is_ascii_digit()
                        || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
                });
            if boundary && !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            current.push(ch.to_ascii_lowercase());
        }
        if !current.is_empty() {
            out.push(current);
        }
    }
    out
}

/// What a secret-sounding name names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameKind {
    Password,
    Secret,
}

const PASSWORD_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "pass",
    "passphrase",
    "passcode",
    "pw",
];
const SECRET_WORDS: &[&str] = &[
    "secret",
    "secrets",
    "token",
    "apikey",
    "credential",
    "credentials",
    "creds",
    "auth",
    "authorization",
];
/// Words that make `key` secret when they come right before it (`api_key`, `private_key`).
const KEY_QUALIFIERS: &[&str] = &[
    "api",
    "access",
    "private",
    "secret",
    "signing",
    "encryption",
    "encrypt",
    "master",
    "account",
    "app",
    "auth",
    "hmac",
    "jwt",
    "shared",
    "storage",
    "license",
    "service",
];
/// A final word that makes the name metadata about a secret rather than the secret.
const METADATA_LAST: &[&str] = &[
    "url",
    "uri",
    "urls",
    "endpoint",
    "file",
    "files",
    "path",
    "paths",
    "dir",
    "name",
    "names",
    "field",
    "fields",
    "type",
    "types",
    "len",
    "length",
    "id",
    "ids",
    "header",
    "headers",
    "prefix",
    "suffix",
    "env",
    "var",
    "format",
    "regex",
    "re",
    "pattern",
    "template",
    "count",
    "hash",
    "hashed",
    "digest",
    "salt",
    "expiry",
    "expires",
    "expiration",
    "ttl",
    "timeout",
    "at",
    "time",
    "date",
    "mode",
    "method",
    "scheme",
    "policy",
    "required",
    "enabled",
    "label",
    "hint",
    "placeholder",
    "position",
    "column",
    "index",
    "location",
    "size",
    "min",
    "max",
    "limit",
    "version",
    "algorithm",
    "alg",
    "class",
    "cls",
    "func",
    "callback",
    "handler",
    "validator",
    "validators",
    "checker",
    "source",
    "backend",
    "provider",
    "manager",
    "reset",
    "rotation",
    "param",
    "parameter",
    "arg",
    "key_id",
    "kid",
    "usage",
    "user",
    "username",
    "login",
    "email",
    "host",
    "port",
    "region",
    "scope",
    "scopes",
    "audience",
    "issuer",
    "error",
    "errors",
    "message",
    "msg",
    "text",
    "description",
    "help",
    "title",
    "widget",
    "input",
    "form",
    "strength",
    "complexity",
    "rule",
    "rules",
    "store",
    "cache",
    "hdr",
    "spec",
    "specs",
    "strategy",
    "kind",
    "style",
    "status",
    "state",
    "level",
    "encoding",
    "option",
    "options",
    "config",
    "settings",
    "flag",
    "flags",
    "used",
    "last",
    "created",
    "updated",
    "changed",
    "age",
    "lifetime",
];
/// Words anywhere in the name that mean it is not a secret.
const NOT_SECRET_WORDS: &[&str] = &[
    "public",
    "pub",
    "publishable",
    "csrf",
    "xsrf",
    "page",
    "next",
    "cursor",
    "continuation",
    "sort",
    "tokens",
    "tokenizer",
    "author",
    "bypass",
    "compass",
    // AWS idempotency, pagination and optimistic-locking tokens, domain verification records.
    "idempotency",
    "pagination",
    "output",
    "request",
    "verification",
    "update",
];

/// Whether `name` sounds like it holds a secret, and what kind.
pub(crate) fn classify_name(name: &str) -> Option<NameKind> {
    let words = words(name);
    let last = words.last()?;
    if METADATA_LAST.contains(&last.as_str())
        || words.iter().any(|w| NOT_SECRET_WORDS.contains(&w.as_str()))
    {
        return None;
    }
    let password = words.iter().any(|w| {
        PASSWORD_WORDS.contains(&w.as_str()) || w.contains("password") || w.contains("passwd")
    });
    if password {
        return Some(NameKind::Password);
    }
    // `ClientToken` in AWS APIs is an idempotency key, not a credential.
    if words.len() == 2 && words.first().is_some_and(|w| w == "client") && last == "token" {
        return None;
    }
    let secret = words.iter().any(|w| {
        SECRET_WORDS.contains(&w.as_str())
            || w.contains("secret")
            || (w.len() > 5 && w.ends_with("token"))
            || [
                "apikey",
                "accesskey",
                "privatekey",
                "secretkey",
                "masterkey",
                "authkey",
            ]
            .iter()
            .any(|k| w.ends_with(k))
    }) || words
        .windows(2)
        .any(|pair| matches!(pair, [q, k] if k == "key" && KEY_QUALIFIERS.contains(&q.as_str())));
    secret.then_some(NameKind::Secret)
}

/// Whether a display path is a test, fixture, example or documentation file, where
/// throwaway passwords and realistic-looking examples abound.
pub(crate) fn is_test_path(path: &str) -> bool {
    const DIRS: &[&str] = &[
        "tests",
        "test",
        "testing",
        "fixtures",
        "testdata",
        "test-data",
        "__tests__",
        "spec",
        "specs",
        "examples",
        "example",
        "samples",
        "docs",
        "doc",
    ];
    let lower = path.replace('\\', "/").to_ascii_lowercase();
    let file = lower.rsplit('/').next().unwrap_or(&lower);
    lower.split('/').any(|dir| DIRS.contains(&dir))
        || file.starts_with("test_")
        || file.starts_with("example")
        || file.ends_with("_test.py")
        || file.ends_with("_tests.py")
        || file == "conftest.py"
        || file.contains(".test.")
        || file.contains(".spec.")
        || [".md", ".rst", ".adoc"]
            .iter()
            .any(|ext| file.ends_with(ext))
}

/// Longest value the heuristic considers (longer ones are data: certificates, blobs).
const MAX_VALUE_LEN: usize = 512;

/// Authorization schemes that precede the token in a header value.
const AUTH_SCHEMES: &[&str] = &["Bearer ", "bearer ", "Basic ", "Token ", "token "];

fn assignments(
    ctx: &FileCtx<'_>,
    detector: &'static Detector,
    lines: &[usize],
    options: &ScanOptions,
) -> Vec<Hit> {
    let mut hits = Vec::new();
    if lines.is_empty() {
        return hits;
    }
    let in_tests = is_test_path(ctx.path);
    // One pass per pattern over the whole text rather than a regex call per woken line: in
    // ordinary code `token`, `key` and `auth` are on every other line. The patterns never cross
    // a line break.
    let name_words = name_words();
    for regex in regexes(ctx.kind) {
        // Finding a match is cheap, its capture groups are not: most `name = "…"` in code
        // name nothing secret, so only matches holding a word `classify_name` could accept
        // get their groups.
        for found in regex.find_iter(ctx.text) {
            if name_words.is_some_and(|words| !words.is_match(found.as_str())) {
                continue;
            }
            let Some(caps) = regex.captures_at(ctx.text, found.start()) else {
                continue;
            };
            let (Some(name), Some(value)) = (
                caps.name("name"),
                ["s1", "s2", "s3"].iter().find_map(|g| caps.name(g)),
            ) else {
                continue;
            };
            let Some(kind) = classify_name(name.as_str()) else {
                continue;
            };
            let mut secret = value.as_str();
            let mut start = value.start();
            if let Some(scheme) = AUTH_SCHEMES.iter().find(|s| secret.starts_with(**s)) {
                secret = secret.get(scheme.len()..).unwrap_or("");
                start += scheme.len();
            }
            if secret.len() > MAX_VALUE_LEN
                || secret.contains(char::is_whitespace)
                || value_is_placeholder(secret)
                || !looks_random(secret)
            {
                continue;
            }
            let what = match kind {
                NameKind::Password => "password",
                NameKind::Secret => "secret",
            };
            let mut grade = detector
                .grade()
                .with_note(format!("a {what} assigned to `{}`", name.as_str()));
            if in_tests {
                grade = grade
                    .with_severity(Severity::Low)
                    .with_confidence(Confidence::Low);
            }
            let Some(grade) = engine::vet(ctx, detector, start, secret, grade, options) else {
                continue;
            };
            hits.push(Hit::simple(
                ctx,
                detector,
                start,
                start + secret.len(),
                grade,
            ));
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_every_convention() {
        assert_eq!(words("dbPassword"), ["db", "password"]);
        assert_eq!(words("DB_PASSWORD"), ["db", "password"]);
        assert_eq!(words("APIKey"), ["api", "key"]);
        assert_eq!(words("X-Api-Key"), ["x", "api", "key"]);
        assert_eq!(words("aws.secret2"), ["aws", "secret2"]);
    }

    #[test]
    fn names() {
        for name in [
            "password",
            "DB_PASSWORD",
            "dbPassword",
            "api_key",
            "apiKey",
            "APIKEY",
            "x-api-key",
            "client_secret",
            "SECRET_KEY",
            "auth",
            "access_token",
            "bot_token",
            "private_key",
            "credentials",
            "mysql_pwd",
            "SIGNING_KEY",
        ] {
            assert!(classify_name(name).is_some(), "{name}");
            assert!(name_words().is_some_and(|w| w.is_match(name)), "{name}");
        }
        for name in [
            "password_url",
            "token_type",
            "api_key_id",
            "public_key",
            "csrf_token",
            "max_tokens",
            "tokenizer",
            "author",
            "key",
            "monkey",
            "next_page_token",
            "password_field",
            "secret_name",
            "passenger",
            "bypass",
        ] {
            assert!(classify_name(name).is_none(), "{name}");
        }
        assert_eq!(classify_name("DB_PASS"), Some(NameKind::Password));
        assert_eq!(classify_name("api_token"), Some(NameKind::Secret));
    }

    #[test]
    fn test_paths() {
        assert!(is_test_path("tests/test_login.py"));
        assert!(is_test_path("src/app/conftest.py"));
        assert!(is_test_path("pkg/login_test.py"));
        assert!(!is_test_path("src/app/settings.py"));
        assert!(!is_test_path("contest/app.py"));
        assert!(is_test_path("docs/usage.py"));
        assert!(is_test_path("README.md"));
        assert!(is_test_path("data/examples-1.json"));
    }
}
