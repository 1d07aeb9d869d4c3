use cuirass_diagnostics::Related;
use cuirass_python::Ranged;
use cuirass_python::ast::{self, Expr};

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::helpers::{bound_value, constructed_by, is_constant};

declare_rule! {
    /// ## What it does
    /// Checks for initialisation vectors and nonces that are constants: a literal (`b"…"`,
    /// `"…".encode()`, `b"\0" * 16`, `bytes(16)`, `bytes.fromhex("…")`), directly or through a
    /// name assigned one, passed as
    /// - the IV or nonce of `cryptography`'s `modes.CBC`, `CFB`, `CFB8`, `OFB`, `CTR` and `GCM`,
    ///   or of `algorithms.ChaCha20`;
    /// - the nonce of `AESGCM(…).encrypt`, `ChaCha20Poly1305(…).encrypt`, `AESCCM`, `AESOCB3`
    ///   and `AESGCMSIV` (first argument);
    /// - `iv=` / `IV=` / `nonce=` (or the third positional argument) of PyCryptodome's
    ///   `Crypto.Cipher.*.new`.
    ///
    /// ## Why is this bad?
    /// With a fixed IV, CBC encrypts equal message prefixes to equal ciphertext, which leaks
    /// what messages share and enables chosen-plaintext attacks. For CTR, GCM and ChaCha20 a
    /// repeated nonce under the same key is worse: the keystream repeats, so XOR-ing two
    /// ciphertexts yields the XOR of the plaintexts, and GCM's authentication key can be
    /// recovered, letting an attacker forge messages.
    ///
    /// ## Example
    /// ```python
    /// from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    ///
    /// IV = b"0123456789abcdef"
    ///
    /// def encryptor(key):
    ///     return Cipher(algorithms.AES(key), modes.CBC(IV)).encryptor()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    ///
    /// def encrypt(key, data):
    ///     nonce = os.urandom(12)
    ///     return nonce + AESGCM(key).encrypt(nonce, data, None)
    /// ```
    ///
    /// ## Fix
    /// Generate a fresh IV or nonce for every message with `os.urandom` (or
    /// `secrets.token_bytes`) and send it with the ciphertext; better, let `cuirass.crypto`
    /// (AES-256-GCM) or Fernet handle nonces for you.
    ///
    /// ## References
    /// - [CWE-1204: Generation of Weak Initialization Vector (IV)](https://cwe.mitre.org/data/definitions/1204.html)
    /// - [CWE-329: Generation of Predictable IV with CBC Mode](https://cwe.mitre.org/data/definitions/329.html)
    /// - [`cryptography` docs: modes and nonces](https://cryptography.io/en/latest/hazmat/primitives/symmetric-encryption/#modes)
    pub(super) RULE = {
        name: "static-iv",
        audit: Code,
        kind: Pattern,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [1204, 329],
        owasp: A02CryptographicFailures,
        aliases: [],
        tags: ["crypto", "iv", "nonce"],
        interest: [Call],
        check: check,
    }
}

/// `cryptography` modes and ciphers taking an IV or nonce: (name, keyword, position).
const IV_TAKERS: &[(&str, &str, usize)] = &[
    (
        "cryptography.hazmat.primitives.ciphers.modes.CBC",
        "initialization_vector",
        0,
    ),
    (
        "cryptography.hazmat.primitives.ciphers.modes.CFB",
        "initialization_vector",
        0,
    ),
    (
        "cryptography.hazmat.primitives.ciphers.modes.CFB8",
        "initialization_vector",
        0,
    ),
    (
        "cryptography.hazmat.primitives.ciphers.modes.OFB",
        "initialization_vector",
        0,
    ),
    (
        "cryptography.hazmat.primitives.ciphers.modes.GCM",
        "initialization_vector",
        0,
    ),
    (
        "cryptography.hazmat.primitives.ciphers.modes.CTR",
        "nonce",
        0,
    ),
    (
        "cryptography.hazmat.primitives.ciphers.algorithms.ChaCha20",
        "nonce",
        1,
    ),
];

/// AEAD classes whose `encrypt(nonce, data, associated_data)` takes the nonce first.
const AEADS: &[&str] = &[
    "cryptography.hazmat.primitives.ciphers.aead.AESGCM",
    "cryptography.hazmat.primitives.ciphers.aead.ChaCha20Poly1305",
    "cryptography.hazmat.primitives.ciphers.aead.AESCCM",
    "cryptography.hazmat.primitives.ciphers.aead.AESOCB3",
    "cryptography.hazmat.primitives.ciphers.aead.AESGCMSIV",
];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let (what, iv) = if let Some(name) = call.name {
        if let Some(&(_, keyword, position)) = IV_TAKERS.iter().find(|(n, ..)| *n == name) {
            (format!("`{name}`"), call.argument(keyword, position))
        } else if (name.starts_with("Crypto.Cipher.") || name.starts_with("Cryptodome.Cipher."))
            && name.rsplit('.').next() == Some("new")
        {
            let iv = ["iv", "IV", "nonce"]
                .iter()
                .find_map(|keyword| call.keyword(keyword))
                .or_else(|| call.arg(2));
            (format!("`{name}`"), iv)
        } else {
            return;
        }
    } else if call.method() == Some("encrypt") {
        let Expr::Attribute(attr) = call.node.func.as_ref() else {
            return;
        };
        let Some(aead) =
            constructed_by(ctx.semantic, &attr.value).filter(|n| AEADS.contains(&n.as_str()))
        else {
            return;
        };
        (format!("`{aead}(…).encrypt`"), call.argument("nonce", 0))
    } else {
        return;
    };
    let Some(iv) = iv else {
        return;
    };
    let Some(constant) = static_bytes(ctx, iv, 0).map(Ranged::range) else {
        return;
    };
    let defined_at = (constant != iv.range()).then(|| ctx.source.location(constant));
    let message = format!(
        "{what} gets a constant IV/nonce, so every message reuses it; generate a fresh one per message with `os.urandom`"
    );
    if let Some(finding) = ctx.report(iv.range(), message)
        && let Some(location) = defined_at
    {
        finding.related.push(Related {
            location,
            message: "the constant is defined here".to_string(),
        });
    }
}

/// The constant behind `expr`, when it is one: a literal, `b"\0" * 16`, `bytes(16)`,
/// `bytearray(b"…")`, `bytes.fromhex("…")`, `"…".encode()`, or a name assigned one of these.
fn static_bytes<'x>(ctx: &'x Context<'_>, expr: &'x Expr, depth: u32) -> Option<&'x Expr> {
    if depth > 8 {
        return None;
    }
    match expr {
        Expr::BytesLiteral(_) | Expr::StringLiteral(_) => Some(expr),
        Expr::BinOp(ast::ExprBinOp { .. }) if is_constant(expr) => Some(expr),
        Expr::Call(call) => {
            let constant_arguments = call.arguments.args.iter().all(is_constant)
                && call
                    .arguments
                    .keywords
                    .iter()
                    .all(|k| is_constant(&k.value));
            if !constant_arguments {
                return None;
            }
            let builds_bytes = match call.func.as_ref() {
                Expr::Attribute(attr) => {
                    // `"…".encode()`, `bytes.fromhex("…")`.
                    (attr.attr.as_str() == "encode" && is_constant(&attr.value))
                        || (attr.attr.as_str() == "fromhex"
                            && matches!(
                                ctx.qualified_name(&attr.value).as_deref(),
                                Some("builtins.bytes" | "builtins.bytearray")
                            ))
                }
                func => {
                    matches!(
                        ctx.qualified_name(func).as_deref(),
                        Some("builtins.bytes" | "builtins.bytearray")
                    ) && !call.arguments.args.is_empty()
                }
            };
            builds_bytes.then_some(expr)
        }
        Expr::Name(name) => static_bytes(ctx, bound_value(ctx.semantic, name)?, depth + 1),
        _ => None,
    }
}
