use cuirass_python::Ranged;
use cuirass_python::ast::{self, Expr};

use crate::checker::{Call, Context, Node};
use crate::declare_rule;
use crate::helpers::{
    constructed_by, dynamic_parts, is_constant, is_dynamic_string, secret_kind, value_name,
};

declare_rule! {
    /// ## What it does
    /// Checks for passwords hashed with a fast digest instead of a password-hashing function:
    /// `hashlib.md5`, `sha1`, `sha224`, `sha256`, `sha384`, `sha512`, `sha3_*`, `blake2b`,
    /// `blake2s` and `hashlib.new(…)` (and PyCryptodome's `Crypto.Hash.*.new`), given a
    /// password-like value — directly, encoded (`password.encode()`), or concatenated with a
    /// salt (`salt + password`, `f"{salt}{password}"`) — or a hash object of these fed one
    /// with `.update(…)`. A value is password-like when its name ends with `password`,
    /// `passwd`, `pwd`, `pass`, `passphrase` or `passcode` (`raw_password`, `self.password`,
    /// `form["password"]`, `data.get("password")`), not `password_hash` or `hashed_password`.
    ///
    /// This rule is the specific form of `weak-hash`, which does not report the same call.
    /// `hashlib.pbkdf2_hmac` and `hashlib.scrypt` are key-derivation functions and are fine.
    ///
    /// ## Why is this bad?
    /// General-purpose hashes are built to be fast: a single GPU computes billions of SHA-256
    /// or MD5 hashes per second, so a leaked table of them gives up most passwords within
    /// days. Without a per-user salt (CWE-759), identical passwords share a hash and
    /// precomputed tables crack them at once. A salt alone does not help against the speed.
    ///
    /// ## Example
    /// ```python
    /// import hashlib
    ///
    /// def hash_password(password):
    ///     return hashlib.sha256(password.encode()).hexdigest()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from cuirass.passwords import hash
    ///
    /// def hash_password(password):
    ///     return hash(password)
    /// ```
    ///
    /// ## Fix
    /// Hash passwords with `cuirass.passwords.hash` (Argon2id with OWASP parameters; its
    /// `verify` also accepts existing bcrypt/PBKDF2 hashes, so stored passwords can be
    /// migrated at the next login), or with `argon2-cffi`, `bcrypt`, or `hashlib.scrypt`.
    ///
    /// ## References
    /// - [CWE-916: Use of Password Hash With Insufficient Computational Effort](https://cwe.mitre.org/data/definitions/916.html)
    /// - [CWE-759: Use of a One-Way Hash without a Salt](https://cwe.mitre.org/data/definitions/759.html)
    /// - [OWASP Password Storage Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html)
    pub(super) RULE = {
        name: "weak-password-hash",
        audit: Code,
        kind: Pattern,
        severity: High,
        confidence: Medium,
        likelihood: Medium,
        impact: High,
        cwe: [916, 759],
        owasp: A02CryptographicFailures,
        aliases: [],
        tags: ["crypto", "password", "hash"],
        interest: [Call],
        check: check,
    }
}

/// Fast hash constructors taking the data first (`hashlib.sha256(data)`).
const HASHLIB_FAST: &[&str] = &[
    "hashlib.md5",
    "hashlib.sha1",
    "hashlib.sha224",
    "hashlib.sha256",
    "hashlib.sha384",
    "hashlib.sha512",
    "hashlib.sha3_224",
    "hashlib.sha3_256",
    "hashlib.sha3_384",
    "hashlib.sha3_512",
    "hashlib.blake2b",
    "hashlib.blake2s",
];

/// A password found in the data of a hash call.
pub(super) struct PasswordData {
    /// The name the password goes by (`password`, `form["pwd"]` → `pwd`).
    pub(super) name: String,
    /// Whether anything else (a salt) is hashed with it.
    pub(super) salted: bool,
}

/// Whether `name` builds a fast hash object.
fn is_fast_hash(name: &str) -> bool {
    HASHLIB_FAST.contains(&name)
        || name == "hashlib.new"
        || ((name.starts_with("Crypto.Hash.") || name.starts_with("Cryptodome.Hash."))
            && name.rsplit('.').next() == Some("new"))
}

/// The password hashed by a call of a fast hash constructor (`hashlib.md5(password.encode())`,
/// `hashlib.new("sha256", salt + pwd)`), if its data is password-like. `weak-hash` asks this to
/// leave such calls to this rule.
pub(super) fn password_data(call: &Call<'_>) -> Option<PasswordData> {
    let name = call.name?;
    if !is_fast_hash(name) {
        return None;
    }
    let data = if name == "hashlib.new" {
        call.argument("data", 1)
    } else {
        call.keyword("data")
            .or_else(|| call.keyword("string"))
            .or_else(|| call.arg(0))
    }?;
    password_in(data)
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let (hash, found) = if let Some(found) = password_data(call) {
        (call.name.unwrap_or("hash").to_string(), found)
    } else if call.method() == Some("update") && call.name.is_none() {
        // `h = hashlib.sha256(); h.update(password.encode())`.
        let Expr::Attribute(attr) = call.node.func.as_ref() else {
            return;
        };
        let Some(hash) = constructed_by(ctx.semantic, &attr.value).filter(|n| is_fast_hash(n))
        else {
            return;
        };
        let Some(found) = call.arg(0).and_then(password_in) else {
            return;
        };
        (hash, found)
    } else {
        return;
    };
    let message = if found.salted {
        format!(
            "`{hash}` hashes the password `{}` with a fast digest; a salt does not slow down guessing — use `cuirass.passwords.hash` (Argon2id)",
            found.name
        )
    } else {
        format!(
            "`{hash}` hashes the password `{}` with a fast, unsalted digest; use `cuirass.passwords.hash` (Argon2id)",
            found.name
        )
    };
    ctx.report(call.node.range(), message);
}

/// The password-like value inside hashed data, and whether something else is hashed with it.
fn password_in(data: &Expr) -> Option<PasswordData> {
    let mut leaves = Vec::new();
    collect_leaves(data, &mut leaves, 0);
    let password = leaves.iter().find_map(|leaf| {
        value_name(leaf)
            .filter(|name| secret_kind(name) == Some("password"))
            .map(str::to_string)
    })?;
    let others = leaves.iter().filter(|leaf| !is_constant(leaf)).count();
    Some(PasswordData {
        name: password,
        salted: others > 1,
    })
}

/// The values that end up hashed: through `.encode()`, `bytes(…)`, `str(…)`, `+`,
/// f-strings, `%`, `.format()` and `"".join([…])`.
fn collect_leaves<'a>(expr: &'a Expr, leaves: &mut Vec<&'a Expr>, depth: u32) {
    if depth > 16 {
        return;
    }
    match expr {
        Expr::Call(call) => {
            let conversion = match call.func.as_ref() {
                Expr::Attribute(attr) if attr.attr.as_str() == "encode" => {
                    Some(attr.value.as_ref())
                }
                Expr::Attribute(attr) if attr.attr.as_str() == "join" => {
                    match call.arguments.args.first() {
                        Some(
                            Expr::List(ast::ExprList { elts, .. })
                            | Expr::Tuple(ast::ExprTuple { elts, .. }),
                        ) => {
                            for element in elts {
                                collect_leaves(element, leaves, depth + 1);
                            }
                            return;
                        }
                        _ => None,
                    }
                }
                Expr::Name(name) if matches!(name.id.as_str(), "bytes" | "str" | "bytearray") => {
                    call.arguments.args.first()
                }
                _ => None,
            };
            match conversion {
                Some(inner) => collect_leaves(inner, leaves, depth + 1),
                None if is_dynamic_string(expr) => {
                    for part in dynamic_parts(expr) {
                        collect_leaves(part, leaves, depth + 1);
                    }
                }
                None => leaves.push(expr),
            }
        }
        Expr::BinOp(ast::ExprBinOp {
            left,
            op: ast::Operator::Add,
            right,
            ..
        }) => {
            collect_leaves(left, leaves, depth + 1);
            collect_leaves(right, leaves, depth + 1);
        }
        Expr::FString(_) | Expr::BinOp(_) => {
            for part in dynamic_parts(expr) {
                collect_leaves(part, leaves, depth + 1);
            }
        }
        other => leaves.push(other),
    }
}
