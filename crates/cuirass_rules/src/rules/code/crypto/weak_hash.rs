use cuirass_python::Ranged;

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::helpers::{is_false, str_value};

use super::weak_password_hash::password_data;

declare_rule! {
    /// ## What it does
    /// Checks for MD5, SHA-1 and older hashes: `hashlib.md5`, `hashlib.sha1`,
    /// `hashlib.new("md5" | "sha1" | "md4" | …)` (any case, positional or `name=`), PyCryptodome's
    /// `Crypto.Hash.MD5.new` / `SHA.new` / `SHA1.new` (and `Cryptodome.Hash.*`), and
    /// `cryptography`'s `hashes.MD5()` / `hashes.SHA1()`.
    ///
    /// ## Why is this bad?
    /// Collisions are practical for MD5 and SHA-1 (SHAttered, chosen-prefix attacks), so they
    /// cannot protect signatures, certificates, integrity checks against an attacker, or
    /// anything an adversary may choose the input of. For passwords, any fast hash is wrong:
    /// a GPU tries billions of MD5 or SHA-1 guesses per second. A `hashlib` call with
    /// `usedforsecurity=False` (Python 3.9+) declares a non-security use (a cache key, a
    /// checksum against accidents) and is not reported. Passing `hashlib.md5` uncalled (to
    /// `hmac.new`, whose HMAC construction does not rely on collision resistance) is not
    /// reported either. A password hashed with MD5 or SHA-1 (`hashlib.md5(password.encode())`)
    /// is reported by the more specific `weak-password-hash` instead.
    ///
    /// ## Example
    /// ```python
    /// import hashlib
    ///
    /// def fingerprint(document: bytes) -> str:
    ///     return hashlib.md5(document).hexdigest()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import hashlib
    ///
    /// def fingerprint(document: bytes) -> str:
    ///     return hashlib.sha256(document).hexdigest()
    /// ```
    ///
    /// ## Fix
    /// Use SHA-256 or better (`hashlib.sha256`, `hashlib.sha3_256`, `hashlib.blake2b`). Hash
    /// passwords with `cuirass.passwords.hash` (Argon2id), never with a plain digest. If the
    /// hash is not a security control, say so with `usedforsecurity=False`.
    ///
    /// ## References
    /// - [CWE-328: Use of Weak Hash](https://cwe.mitre.org/data/definitions/328.html)
    /// - [Python docs: `hashlib` and `usedforsecurity`](https://docs.python.org/3/library/hashlib.html#hashlib.new)
    /// - [OWASP Password Storage Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html)
    pub(super) RULE = {
        name: "weak-hash",
        audit: Code,
        kind: Pattern,
        severity: Medium,
        confidence: High,
        likelihood: Medium,
        impact: Medium,
        cwe: [328],
        owasp: A02CryptographicFailures,
        aliases: [Bandit("B303"), Bandit("B324"), Ruff("S303"), Ruff("S324")],
        tags: ["crypto", "hash"],
        interest: [Call],
        check: check,
    }
}

/// `hashlib` constructors of weak hashes.
const HASHLIB_WEAK: &[&str] = &["hashlib.md5", "hashlib.sha1"];

/// Algorithm names `hashlib.new` accepts for weak hashes (compared lower-cased).
const WEAK_NAMES: &[&str] = &["md2", "md4", "md5", "md5-sha1", "sha", "sha1", "sha-1"];

/// Weak hashes of other libraries.
const OTHER_WEAK: &[&str] = &[
    "Crypto.Hash.MD2.new",
    "Crypto.Hash.MD4.new",
    "Crypto.Hash.MD5.new",
    "Crypto.Hash.SHA.new",
    "Crypto.Hash.SHA1.new",
    "Cryptodome.Hash.MD2.new",
    "Cryptodome.Hash.MD4.new",
    "Cryptodome.Hash.MD5.new",
    "Cryptodome.Hash.SHA.new",
    "Cryptodome.Hash.SHA1.new",
    "cryptography.hazmat.primitives.hashes.MD5",
    "cryptography.hazmat.primitives.hashes.SHA1",
];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let Some(name) = call.name else {
        return;
    };
    // A password hashed this way is reported once, by the more specific `weak-password-hash`.
    if password_data(call).is_some() {
        return;
    }
    let callee = if HASHLIB_WEAK.contains(&name) {
        format!("`{name}`")
    } else if name == "hashlib.new" {
        let Some(algorithm) = call.argument("name", 0).and_then(str_value) else {
            return;
        };
        if !WEAK_NAMES.contains(&algorithm.to_ascii_lowercase().as_str()) {
            return;
        }
        format!("`hashlib.new(\"{algorithm}\")`")
    } else if OTHER_WEAK.contains(&name) {
        let message = format!(
            "`{name}` is a broken hash; use SHA-256 or better, and `cuirass.passwords.hash` for passwords"
        );
        ctx.report(call.node.range(), message);
        return;
    } else {
        return;
    };
    if call.keyword("usedforsecurity").is_some_and(is_false) {
        return;
    }
    ctx.report(
        call.node.range(),
        format!(
            "{callee} is a broken hash; use `hashlib.sha256` (`cuirass.passwords.hash` for passwords), or pass `usedforsecurity=False` if this is not a security use"
        ),
    );
}
