use cuirass_diagnostics::Confidence;
use cuirass_python::ast::{self, CmpOp, Expr, Stmt};
use cuirass_python::{Ranged, TextRange};

use crate::checker::{Call, Context, Node};
use crate::declare_rule;
use crate::helpers::{identifier_words, str_value, terminal_name};

declare_rule! {
    /// ## What it does
    /// Checks for string literals used as passwords, secrets, tokens or keys in code: assigned
    /// to a credential-like name (`DB_PASSWORD = "…"`, `self.password = "…"`,
    /// `config["password"] = "…"`), passed as a credential-like keyword
    /// (`connect(password="…")`), used as a credential-like parameter's default, stored under a
    /// credential-like key of a dict display (`{"PASSWORD": "…"}`), or compared with one
    /// (`if token == "…"`, at low confidence).
    ///
    /// A name is credential-like when it *ends* with one of `password`, `passwd`, `pwd`,
    /// `pass`, `passphrase`, `secret`, `token`, `credential(s)`, `api_key`/`apikey`,
    /// `secret_key`, `private_key` (any case, snake or camel case, trailing digits and a
    /// `_value`/`_str`/`_text` suffix ignored). Anything after that word makes it name
    /// something else, which keeps out `password_field`, `password_label`,
    /// `password_reset_url`, `PASSWORD_MIN_LENGTH`, `token_type`, `token_url`, `secret_name`,
    /// `TOKEN_EXPIRY`, `password_hash` and the like.
    ///
    /// Values that are not secrets are not reported: empty strings; placeholders (`"<password>"`,
    /// `"${PASSWORD}"`, `"{{ password }}"`, `"%(password)s"`, `"xxx"`, `"***"`, `"..."`,
    /// `"changeme"`, `"TODO"`, `"REPLACE_ME"`, `"your-password"`, `"example"`); a value that
    /// spells the end of the name itself (`CONF_PASSWORD = "password"`,
    /// `ACCESS_TOKEN = "access_token"`: key names, not secrets — this also skips the weak
    /// `password = "password"`); environment variable names (`"DB_PASSWORD"`); URLs and file
    /// paths (`"secrets/client.json"`); prompts (`"Password: "`); password hashes
    /// (`"pbkdf2_sha256$…"`); key and parameter names of the same kind (`password="passwd"`,
    /// `"_password_reset_token"`: letters, `_` and `-` only — this also skips weak secrets
    /// such as `"super-secret-key"`); and, for tokens only, values shorter than eight
    /// characters, containing spaces, or without both letters and digits (lexer tokens,
    /// sentinels, auth scheme names). Names that start with a verb or flag word describe a
    /// setting, not a credential (`update_password = "always"`, `require_token`,
    /// `reset_url_token`). In test files findings are kept at low confidence.
    ///
    /// Messages and code frames show at most the first four characters of the value (never
    /// more than half of it).
    ///
    /// ## Why is this bad?
    /// A credential in source code is shared with everyone who can read the repository, its
    /// history, its forks, build logs and every image built from it, and it cannot be rotated
    /// without a code change. Leaked repository credentials are among the most common causes
    /// of breaches.
    ///
    /// ## Example
    /// ```python
    /// import psycopg
    ///
    /// DB_PASSWORD = "hunter2-production"
    ///
    /// def connect():
    ///     return psycopg.connect(host="db", user="app", password=DB_PASSWORD)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import psycopg
    ///
    /// from cuirass.secrets import env
    ///
    /// def connect():
    ///     return psycopg.connect(host="db", user="app", password=env("DB_PASSWORD"))
    /// ```
    ///
    /// ## Fix
    /// Read credentials at run time from the environment or a secret manager:
    /// `cuirass.secrets.env("DB_PASSWORD")` reads a required value and wraps it in a `Secret`
    /// that never prints. Rotate any credential that was committed: removing it from the code
    /// does not remove it from the history.
    ///
    /// ## References
    /// - [CWE-259: Use of Hard-coded Password](https://cwe.mitre.org/data/definitions/259.html)
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [OWASP Secrets Management Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html)
    pub(super) RULE = {
        name: "hardcoded-password",
        audit: Code,
        kind: Pattern,
        severity: Medium,
        confidence: Medium,
        likelihood: Medium,
        impact: High,
        cwe: [259, 798],
        owasp: A07AuthenticationFailures,
        aliases: [
            Bandit("B105"),
            Bandit("B106"),
            Bandit("B107"),
            Ruff("S105"),
            Ruff("S106"),
            Ruff("S107"),
        ],
        tags: ["secret", "credentials"],
        interest: [Assign, Call, FunctionDef, Compare, Dict],
        check: check,
    }
}

/// A secret found in one node. All of a node's secrets are collected before reporting, so
/// that each finding's code frame masks every one of them.
struct Found {
    range: TextRange,
    message: String,
    masked_literal: String,
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let mut found = Vec::new();
    let mut confidence = None;
    match node {
        Node::Stmt(Stmt::Assign(assign)) => {
            for target in &assign.targets {
                collect_assignment(ctx, target, &assign.value, &mut found);
            }
        }
        Node::Stmt(Stmt::AnnAssign(assign)) => {
            if let Some(value) = &assign.value {
                collect_assignment(ctx, &assign.target, value, &mut found);
            }
        }
        Node::Stmt(Stmt::FunctionDef(function)) => {
            for parameter in function.parameters.iter_non_variadic_params() {
                if let Some(default) = parameter.default() {
                    let name = parameter.parameter.name.as_str();
                    found.extend(secret(ctx, name, default, |kind, shown| {
                        format!("hard-coded {kind} {shown} as the default of parameter `{name}`")
                    }));
                }
            }
        }
        Node::Call(call) => collect_keywords(ctx, call, &mut found),
        Node::Expr(Expr::Dict(dict)) => {
            for item in &dict.items {
                let Some(key) = item.key.as_ref().and_then(str_value) else {
                    continue;
                };
                found.extend(secret(ctx, &key, &item.value, |kind, shown| {
                    format!("hard-coded {kind} {shown} stored under the key `\"{key}\"`")
                }));
            }
        }
        Node::Expr(Expr::Compare(compare)) => {
            found.extend(compared(ctx, compare));
            confidence = Some(Confidence::Low);
        }
        _ => {}
    }
    report_all(ctx, &found, confidence);
}

fn collect_assignment(ctx: &Context<'_>, target: &Expr, value: &Expr, found: &mut Vec<Found>) {
    match (target, value) {
        (
            Expr::Tuple(ast::ExprTuple { elts: targets, .. })
            | Expr::List(ast::ExprList { elts: targets, .. }),
            Expr::Tuple(ast::ExprTuple { elts: values, .. })
            | Expr::List(ast::ExprList { elts: values, .. }),
        ) if targets.len() == values.len() => {
            for (target, value) in targets.iter().zip(values.iter()) {
                collect_assignment(ctx, target, value, found);
            }
        }
        _ => {
            let Some(name) = terminal_name(target) else {
                return;
            };
            let text = ctx.text(target.range());
            let shown_target = if text.len() <= 40 && !text.contains('\n') {
                text
            } else {
                name
            };
            found.extend(secret(ctx, name, value, |kind, shown| {
                format!("hard-coded {kind} {shown} assigned to `{shown_target}`")
            }));
        }
    }
}

fn collect_keywords(ctx: &Context<'_>, call: &Call<'_>, found: &mut Vec<Found>) {
    for keyword in &call.node.arguments.keywords {
        let Some(arg) = &keyword.arg else {
            continue;
        };
        let arg = arg.as_str();
        found.extend(secret(ctx, arg, &keyword.value, |kind, shown| {
            format!("hard-coded {kind} {shown} passed as `{arg}=`")
        }));
    }
}

/// `password == "…"` or `"…" != token`.
fn compared(ctx: &Context<'_>, compare: &ast::ExprCompare) -> Option<Found> {
    let ([op], [right]) = (&*compare.ops, &*compare.comparators) else {
        return None;
    };
    if !matches!(op, CmpOp::Eq | CmpOp::NotEq) {
        return None;
    }
    let left = compare.left.as_ref();
    let (subject, literal) = if right.is_string_literal_expr() {
        (left, right)
    } else {
        (right, left)
    };
    let name = terminal_name(subject)?;
    secret(ctx, name, literal, |kind, shown| {
        format!("`{name}` compared with the hard-coded {kind} {shown}")
    })
}

/// `value` when it is a real-looking secret held by a credential-like `name`.
fn secret(
    ctx: &Context<'_>,
    name: &str,
    value: &Expr,
    describe: impl FnOnce(&str, &str) -> String,
) -> Option<Found> {
    let Expr::StringLiteral(_) = value else {
        return None;
    };
    let secret = str_value(value)?;
    let kind = credential_kind(name)?;
    if names_a_setting(name) || !looks_like_secret(kind, name, &secret) {
        return None;
    }
    let prefix = masked_prefix(&secret);
    Some(Found {
        range: value.range(),
        message: format!(
            "{}; read it at run time from the environment or a secret store (`cuirass.secrets.env`)",
            describe(kind, &format!("`{prefix}…`"))
        ),
        masked_literal: masked_literal(ctx.text(value.range()), &prefix),
    })
}

/// Reports every secret of a node; frames show only the reported lines, each secret masked.
fn report_all(ctx: &mut Context<'_>, found: &[Found], confidence: Option<Confidence>) {
    let masks: Vec<(TextRange, &str)> = found
        .iter()
        .map(|f| (f.range, f.masked_literal.as_str()))
        .collect();
    // Tests are full of throwaway passwords; keep them visible but at low confidence.
    let confidence = if ctx.is_test_file() {
        Some(Confidence::Low)
    } else {
        confidence
    };
    for f in found {
        let frame = ctx.masked_frame(f.range, &masks);
        if let Some(finding) = ctx.report(f.range, f.message.clone()) {
            finding.frame = Some(frame);
            if let Some(confidence) = confidence {
                finding.confidence = confidence;
            }
        }
    }
}

/// Trailing words that still denote the value itself (`password_value`, `token_str`).
const VALUE_SUFFIXES: &[&str] = &[
    "value",
    "val",
    "str",
    "string",
    "text",
    "plain",
    "plaintext",
];

/// What a credential-like name holds, by its last words; `None` when it is not one.
fn credential_kind(name: &str) -> Option<&'static str> {
    let mut words = identifier_words(name);
    while words
        .last()
        .is_some_and(|w| w.chars().all(|c| c.is_ascii_digit()))
    {
        words.pop();
    }
    if words.len() > 1
        && words
            .last()
            .is_some_and(|w| VALUE_SUFFIXES.contains(&w.as_str()))
    {
        words.pop();
    }
    let last = words.last()?.as_str();
    let before = words
        .len()
        .checked_sub(2)
        .and_then(|i| words.get(i))
        .map(String::as_str);
    Some(match (before, last) {
        (Some("api"), "key") | (_, "apikey") => "API key",
        (Some("private"), "key") | (_, "privatekey") => "private key",
        (Some("secret"), "key") | (_, "secretkey") => "secret key",
        (_, "password" | "passwd" | "pwd" | "pass" | "passphrase") => "password",
        (_, "secret" | "clientsecret") => "secret",
        (_, "token" | "authtoken" | "accesstoken") => "token",
        (_, "credentials" | "credential") => "credential",
        _ => return None,
    })
}

/// First words that make a credential-like name a mode, flag or action
/// (`update_password = "always"`, `require_token`, `reset_url_token`).
const SETTING_PREFIXES: &[&str] = &[
    "update", "change", "reset", "forgot", "rotate", "expire", "generate", "require", "requires",
    "required", "use", "check", "validate", "verify", "show", "hide", "ask", "prompt", "is", "has",
    "enable", "enabled", "disable", "disabled", "allow", "no", "need", "needs", "get", "set",
    "send",
];

/// Whether a credential-like name rather names a setting about the credential.
fn names_a_setting(name: &str) -> bool {
    let words = identifier_words(name);
    words.len() > 1
        && words
            .first()
            .is_some_and(|first| SETTING_PREFIXES.contains(&first.as_str()))
}

/// Words that are placeholders, not secrets (compared with separators removed, lower-cased).
const PLACEHOLDERS: &[&str] = &[
    "changeme",
    "changethis",
    "replaceme",
    "todo",
    "tbd",
    "fixme",
    "placeholder",
    "example",
    "dummy",
    "redacted",
    "none",
    "null",
    "nil",
    "undefined",
    "notset",
    "unset",
];

/// File name endings of paths to key and config files.
const FILE_EXTENSIONS: &[&str] = &[
    ".pem", ".key", ".crt", ".cer", ".der", ".p12", ".pfx", ".jks", ".pub", ".gpg", ".asc",
    ".json", ".txt", ".yaml", ".yml", ".toml", ".ini", ".cfg", ".conf", ".env",
];

/// Prefixes of password hashes (Django, passlib, crypt): a hash is not the password.
const HASH_PREFIXES: &[&str] = &[
    "pbkdf2_", "argon2", "bcrypt", "scrypt", "$2a$", "$2b$", "$2y$", "$1$", "$5$", "$6$",
    "$argon2", "$pbkdf2",
];

/// Whether `secret` looks like a real value rather than a placeholder, a name or a path.
fn looks_like_secret(kind: &str, name: &str, secret: &str) -> bool {
    let value = secret.trim();
    if value.is_empty() || !value.chars().any(char::is_alphanumeric) {
        return false;
    }
    // Masks: `xxxx`, `XXXX-XXXX`, `****`.
    if value
        .chars()
        .all(|c| matches!(c, 'x' | 'X' | '*' | '•' | '.' | '#' | '?' | '-' | '_' | ' '))
    {
        return false;
    }
    // Templates: `<password>`, `${PASSWORD}`, `{{ password }}`, `{password}`, `%(pw)s`, `$PW`.
    let is_identifier = |text: &str| {
        !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    if (value.starts_with('<') && value.ends_with('>'))
        || (value.starts_with('[') && value.ends_with(']'))
        || value.starts_with("${")
        || value.starts_with("$(")
        || (value.contains('{') && value.contains('}'))
        || (value.contains("%(") && value.contains(")s"))
        || value == "%s"
        || value.strip_prefix('$').is_some_and(is_identifier)
    {
        return false;
    }
    let squashed: String = value
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    let lower = value.to_ascii_lowercase();
    // `your-password`, `your_api_key_here`, `YourToken`.
    let is_yours = ["your-", "your_", "your "]
        .iter()
        .any(|p| lower.starts_with(p))
        || squashed
            .strip_prefix("your")
            .is_some_and(|rest| credential_kind(rest).is_some());
    if PLACEHOLDERS.contains(&squashed.as_str()) || is_yours {
        return false;
    }
    // A key name: `CONF_PASSWORD = "password"`, `DB_PASSWORD = "db.password"`.
    let is_name_like = value
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if is_name_like {
        let value_words = identifier_words(value);
        let name_words = identifier_words(name);
        if !value_words.is_empty() && name_words.ends_with(&value_words) {
            return false;
        }
    }
    // A key or parameter name of the same kind: `password="passwd"` (a DB-API keyword),
    // `SESSION_TOKEN = "_password_reset_token"`.
    let is_identifier_shaped = value
        .chars()
        .all(|c| c.is_ascii_alphabetic() || matches!(c, '_' | '-'));
    if is_identifier_shaped && credential_kind(value) == Some(kind) {
        return false;
    }
    // An environment variable name: `"DB_PASSWORD"`.
    if value.contains('_')
        && value.starts_with(|c: char| c.is_ascii_uppercase())
        && value
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    {
        return false;
    }
    // URLs and file paths.
    if value.contains("://")
        || ["/", "./", "../", "~/"]
            .iter()
            .any(|p| value.starts_with(p))
        || FILE_EXTENSIONS.iter().any(|ext| lower.ends_with(ext))
    {
        return false;
    }
    // Messages about the credential: `INVALID_CREDENTIALS = "invalid user name or password"`.
    // A passphrase rarely names its own kind (but `"super secret key"` is a weak key).
    if value.split_whitespace().nth(3).is_some()
        && identifier_words(value)
            .iter()
            .any(|word| credential_kind(word).is_some())
    {
        return false;
    }
    // Prompts and labels: `"Password: "`, `"Token?"`.
    if value.ends_with(':') || value.ends_with('?') {
        return false;
    }
    if HASH_PREFIXES.iter().any(|p| lower.starts_with(p)) {
        return false;
    }
    // `token` names lexer tokens and sentinels as often as credentials: a real token is
    // long, has no spaces, and mixes letters and digits.
    if kind == "token"
        && (value.chars().count() < 8
            || value.contains(char::is_whitespace)
            || !value.chars().any(|c| c.is_ascii_digit())
            || !value.chars().any(char::is_alphabetic))
    {
        return false;
    }
    true
}

/// At most four characters of a secret, and never more than half of it.
fn masked_prefix(secret: &str) -> String {
    let count = secret.chars().count();
    secret
        .chars()
        .take((count / 2).min(4))
        .map(|c| if c.is_control() || c == '`' { '?' } else { c })
        .collect()
}

/// The literal's source with its content replaced by `shown…`, quotes and prefix kept.
fn masked_literal(source: &str, shown: &str) -> String {
    let Some(start) = source.find(['"', '\'']) else {
        return format!("{shown}…");
    };
    let quote = source[start..].chars().next().unwrap_or('"');
    let triple: String = std::iter::repeat_n(quote, 3).collect();
    let quotes = if source[start..].starts_with(&triple) {
        triple
    } else {
        quote.to_string()
    };
    format!("{}{quotes}{shown}…{quotes}", &source[..start])
}

#[cfg(test)]
mod tests {
    use super::{credential_kind, looks_like_secret, masked_literal, masked_prefix};

    #[test]
    fn credential_names() {
        for name in [
            "password",
            "DB_PASSWORD",
            "dbPassword",
            "user_pass",
            "password2",
            "SECRET_KEY",
            "apiKey",
            "api_key",
            "client_secret",
            "GITHUB_TOKEN",
            "password_value",
            "credentials",
        ] {
            assert!(credential_kind(name).is_some(), "{name}");
        }
        for name in [
            "password_field",
            "password_label",
            "password_reset_url",
            "PASSWORD_MIN_LENGTH",
            "token_type",
            "token_url",
            "secret_name",
            "TOKEN_EXPIRY",
            "password_hash",
            "bypass",
            "key",
            "value",
        ] {
            assert!(credential_kind(name).is_none(), "{name}");
        }
        assert!(super::names_a_setting("update_password"));
        assert!(!super::names_a_setting("new_password"));
        assert!(!super::names_a_setting("password"));
    }

    #[test]
    fn secret_values() {
        assert!(looks_like_secret("password", "password", "hunter2"));
        assert!(looks_like_secret(
            "secret key",
            "SECRET_KEY",
            "super secret key"
        ));
        assert!(looks_like_secret("secret key", "secret_key", "secret"));
        for placeholder in [
            "",
            "   ",
            "<password>",
            "${PASSWORD}",
            "{{ password }}",
            "%(password)s",
            "xxx",
            "***",
            "...",
            "TODO",
            "REPLACE_ME",
            "changeme",
            "your-password",
            "password",
            "DB_PASSWORD",
            "https://vault.example/secret",
            "/run/secrets/db",
            "keys/client.pem",
            "Password: ",
            "pbkdf2_sha256$260000$abc$def",
        ] {
            assert!(
                !looks_like_secret("password", "DB_PASSWORD", placeholder),
                "{placeholder:?}"
            );
        }
        assert!(!looks_like_secret("token", "token", "NAME"));
        assert!(!looks_like_secret("token", "token", "NOTPROVIDED"));
        assert!(!looks_like_secret(
            "token",
            "token",
            "_password_reset_token"
        ));
        assert!(!looks_like_secret("password", "password", "passwd"));
        assert!(!looks_like_secret("token", "token", "Bearer abc123456"));
        assert!(looks_like_secret("token", "token", "ghp_abcdef123456"));
    }

    #[test]
    fn masking_never_shows_more_than_half() {
        assert_eq!(masked_prefix("hunter2-production"), "hunt");
        assert_eq!(masked_prefix("abcde"), "ab");
        assert_eq!(masked_prefix("ab"), "a");
        assert_eq!(masked_prefix("a"), "");
        assert_eq!(masked_literal("'hunter2'", "hunt"), "'hunt…'");
        assert_eq!(masked_literal("r\"\"\"x\"\"\"", "x"), "r\"\"\"x…\"\"\"");
    }
}
