use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::rules::config::django::helpers::Settings;
use crate::rules::config::helpers::{Value, string_elements};

declare_rule! {
    /// ## What it does
    /// Checks that the first entry of `PASSWORD_HASHERS` in a Django settings module — the one
    /// Django uses for every new and re-hashed password — is not a weak one:
    /// `MD5PasswordHasher`, `SHA1PasswordHasher`, `UnsaltedMD5PasswordHasher`,
    /// `UnsaltedSHA1PasswordHasher` or `CryptPasswordHasher`. Weak hashers *after* the first
    /// only verify old hashes (and upgrade them at the next login), which is how a migration
    /// away from them works, so they are fine.
    ///
    /// Settings named for development or tests are skipped: test settings commonly put
    /// `MD5PasswordHasher` first to make test runs fast, which is harmless there.
    ///
    /// ## Why is this bad?
    /// A fast hash (one round of MD5 or SHA-1, or DES `crypt`) can be brute-forced at billions
    /// of guesses per second on a GPU; unsalted ones fall to precomputed tables at once. A
    /// leaked database then gives away most users' passwords — which they reuse elsewhere.
    ///
    /// ## Example
    /// ```python
    /// PASSWORD_HASHERS = [
    ///     "django.contrib.auth.hashers.MD5PasswordHasher",
    ///     "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    /// ]
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// PASSWORD_HASHERS = [
    ///     "django.contrib.auth.hashers.Argon2PasswordHasher",
    ///     "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ///     "django.contrib.auth.hashers.MD5PasswordHasher",  # verifies old hashes only
    /// ]
    /// ```
    ///
    /// ## Fix
    /// Put a slow, salted hasher first (Argon2 with `argon2-cffi`, scrypt, or Django's default
    /// PBKDF2) and keep the weak one later in the list so old hashes still verify and get
    /// upgraded. `cuirass.passwords` hashes with Argon2id and verifies Django's PBKDF2 and
    /// bcrypt hashes for migrations.
    ///
    /// ## References
    /// - [CWE-916: Use of Password Hash With Insufficient Computational Effort](https://cwe.mitre.org/data/definitions/916.html)
    /// - [CWE-759: Use of a One-Way Hash without a Salt](https://cwe.mitre.org/data/definitions/759.html)
    /// - [Django: password management](https://docs.djangoproject.com/en/stable/topics/auth/passwords/)
    /// - [OWASP Password Storage Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html)
    pub(super) RULE = {
        name: "django-weak-password-hasher",
        audit: Config,
        kind: Pattern,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [916, 759],
        owasp: A02CryptographicFailures,
        aliases: [],
        tags: ["django", "passwords"],
        interest: [Module],
        check: check,
    }
}

/// Weak hashers, by class name, and what is wrong with each.
const WEAK: &[(&str, &str)] = &[
    ("MD5PasswordHasher", "one round of salted MD5"),
    ("SHA1PasswordHasher", "one round of salted SHA-1"),
    ("UnsaltedMD5PasswordHasher", "unsalted MD5"),
    ("UnsaltedSHA1PasswordHasher", "unsalted SHA-1"),
    (
        "CryptPasswordHasher",
        "DES-based crypt(3), which also truncates passwords to 8 characters",
    ),
];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Some(settings) = Settings::of(ctx, node) else {
        return;
    };
    if !settings.is_deployed() {
        return;
    }
    let Value::Set(assignment) = settings.top.value("PASSWORD_HASHERS") else {
        return;
    };
    let Some(entries) = string_elements(assignment.value) else {
        return;
    };
    let Some((path, element)) = entries.first() else {
        return;
    };
    let class = path.trim().rsplit('.').next().unwrap_or("");
    let Some((_, what)) = WEAK.iter().find(|(name, _)| *name == class) else {
        return;
    };
    let range = cuirass_python::Ranged::range(*element);
    settings.report(
        ctx,
        range,
        format!(
            "`{class}` is first in `PASSWORD_HASHERS`, so every new password is hashed with {what}, which is brute-forced quickly once the database leaks; put Argon2, scrypt or PBKDF2 first"
        ),
    );
}
