use cuirass_python::Ranged;
use cuirass_python::ast::{self, Expr};

use crate::checker::{Call, Context, Node};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks for broken ciphers and the ECB mode:
    /// - PyCryptodome / PyCrypto `Crypto.Cipher` (and `Cryptodome.Cipher`) `DES`, `DES3`,
    ///   `ARC2`, `ARC4`, `Blowfish`, `CAST` and `XOR` `.new(…)`;
    /// - `cryptography`'s `algorithms.TripleDES`, `ARC4`, `Blowfish`, `CAST5`, `IDEA` and `SEED`
    ///   (also from `cryptography.hazmat.decrepit`), and pyDes `des` / `triple_des`;
    /// - ECB mode: `modes.ECB()`, and any `Crypto.Cipher.*.new(key, X.MODE_ECB)` (or
    ///   `mode=1`, or AES without a mode, which is ECB in the old PyCrypto).
    ///
    /// One call is one finding: `DES.new(key, DES.MODE_ECB)` is reported once, naming both.
    ///
    /// ## Why is this bad?
    /// DES keys (56 bits) fall to brute force; 3DES, Blowfish, CAST5 and IDEA have 64-bit
    /// blocks, which repeat after a few dozen gigabytes of traffic (Sweet32); RC4's keystream
    /// is biased enough to recover plaintext. ECB encrypts equal blocks to equal ciphertext,
    /// so the structure of the data shows through (the "ECB penguin") and blocks can be cut
    /// and pasted between messages. None of these modes authenticates the data either.
    ///
    /// ## Example
    /// ```python
    /// from Crypto.Cipher import AES
    ///
    /// def encrypt(key, data):
    ///     return AES.new(key, AES.MODE_ECB).encrypt(data)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    /// import os
    ///
    /// def encrypt(key, data):
    ///     nonce = os.urandom(12)
    ///     return nonce + AESGCM(key).encrypt(nonce, data, None)
    /// ```
    ///
    /// ## Fix
    /// Use authenticated encryption: `cuirass.crypto` (AES-256-GCM with key ids and rotation),
    /// `cryptography`'s `AESGCM` / `ChaCha20Poly1305`, or Fernet for simple tokens.
    ///
    /// ## References
    /// - [CWE-327: Use of a Broken or Risky Cryptographic Algorithm](https://cwe.mitre.org/data/definitions/327.html)
    /// - [Sweet32: birthday attacks on 64-bit block ciphers](https://sweet32.info/)
    /// - [OWASP Cryptographic Storage Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Cryptographic_Storage_Cheat_Sheet.html)
    pub(super) RULE = {
        name: "weak-cipher",
        audit: Code,
        kind: Pattern,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [327],
        owasp: A02CryptographicFailures,
        aliases: [Bandit("B304"), Bandit("B305"), Ruff("S304"), Ruff("S305")],
        tags: ["crypto", "cipher"],
        interest: [Call],
        check: check,
    }
}

/// Broken ciphers of `PyCryptodome` / `PyCrypto`, by module (under `Crypto.Cipher.` and
/// `Cryptodome.Cipher.`), with what is wrong with them.
const CRYPTO_CIPHERS: &[(&str, &str)] = &[
    ("DES", "DES (56-bit key)"),
    ("DES3", "Triple DES (64-bit blocks)"),
    ("ARC2", "RC2"),
    ("ARC4", "RC4 (biased keystream)"),
    ("Blowfish", "Blowfish (64-bit blocks)"),
    ("CAST", "CAST (64-bit blocks)"),
    ("XOR", "XOR"),
];

/// Broken ciphers of `cryptography` (under `…ciphers.algorithms.`).
const CRYPTOGRAPHY_CIPHERS: &[(&str, &str)] = &[
    ("TripleDES", "Triple DES (64-bit blocks)"),
    ("ARC4", "RC4 (biased keystream)"),
    ("Blowfish", "Blowfish (64-bit blocks)"),
    ("CAST5", "CAST5 (64-bit blocks)"),
    ("IDEA", "IDEA (64-bit blocks)"),
    ("SEED", "SEED"),
];

const CRYPTOGRAPHY_ALGORITHMS: &[&str] = &[
    "cryptography.hazmat.primitives.ciphers.algorithms.",
    "cryptography.hazmat.decrepit.ciphers.algorithms.",
];

const ECB_MODES: &[&str] = &["cryptography.hazmat.primitives.ciphers.modes.ECB"];

const PYDES: &[(&str, &str)] = &[
    ("pyDes.des", "DES (56-bit key)"),
    ("pyDes.triple_des", "Triple DES (64-bit blocks)"),
];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let Some(name) = call.name else {
        return;
    };
    if ECB_MODES.contains(&name) {
        ctx.report(call.node.range(), ecb_message(&format!("`{name}`")));
        return;
    }
    if let Some(weakness) = cryptography_cipher(name).or_else(|| {
        PYDES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, weakness)| *weakness)
    }) {
        ctx.report(call.node.range(), cipher_message(name, weakness, false));
        return;
    }
    let Some(module) = name
        .strip_prefix("Crypto.Cipher.")
        .or_else(|| name.strip_prefix("Cryptodome.Cipher."))
        .and_then(|rest| rest.strip_suffix(".new"))
    else {
        return;
    };
    let ecb = mode_is_ecb(ctx, call, module);
    if let Some((_, weakness)) = CRYPTO_CIPHERS.iter().find(|(m, _)| *m == module) {
        ctx.report(call.node.range(), cipher_message(name, weakness, ecb));
    } else if ecb {
        ctx.report(call.node.range(), ecb_message(&format!("`{name}`")));
    }
}

fn cryptography_cipher(name: &str) -> Option<&'static str> {
    let class = CRYPTOGRAPHY_ALGORITHMS
        .iter()
        .find_map(|prefix| name.strip_prefix(prefix))?;
    CRYPTOGRAPHY_CIPHERS
        .iter()
        .find(|(c, _)| *c == class)
        .map(|(_, weakness)| *weakness)
}

/// `X.new(key, X.MODE_ECB)`, `mode=1`, or `AES.new(key)` (`PyCrypto`'s default mode was ECB).
fn mode_is_ecb(ctx: &Context<'_>, call: &Call<'_>, module: &str) -> bool {
    match call.argument("mode", 1) {
        Some(mode) => {
            ctx.qualified_name(mode)
                .is_some_and(|name| name.ends_with(".MODE_ECB"))
                || matches!(mode, Expr::NumberLiteral(ast::ExprNumberLiteral { value: ast::Number::Int(i), .. }) if i.as_u64() == Some(1))
        }
        None => {
            module == "AES"
                && call.node.arguments.args.len() == 1
                && call.node.arguments.keywords.is_empty()
        }
    }
}

fn cipher_message(name: &str, weakness: &str, ecb: bool) -> String {
    let mode = if ecb { " in ECB mode" } else { "" };
    format!(
        "`{name}` uses {weakness}{mode}, a broken cipher; use authenticated encryption (AES-GCM, ChaCha20-Poly1305, `cuirass.crypto`)"
    )
}

fn ecb_message(what: &str) -> String {
    format!(
        "{what} selects ECB mode, which encrypts equal blocks to equal ciphertext; use an authenticated mode (AES-GCM, `cuirass.crypto`)"
    )
}
