use cuirass_diagnostics::Severity;
use cuirass_python::Ranged;
use cuirass_python::ast::{self, Expr};

use crate::checker::{Call, Context, Node};
use crate::declare_rule;
use crate::helpers::{bound_value, str_value};

declare_rule! {
    /// ## What it does
    /// Checks for asymmetric keys generated too small: RSA, DSA and Diffie-Hellman keys under
    /// 2048 bits, and elliptic curves under 224 bits. Covered: `cryptography`'s
    /// `rsa.generate_private_key`, `dsa.generate_private_key` / `generate_parameters`,
    /// `dh.generate_parameters` and the curves `SECP192R1`, `SECT163K1` and `SECT163R2`
    /// (constructed, or passed uncalled to `ec.generate_private_key`); PyCryptodome's
    /// `RSA.generate`, `DSA.generate` and `ECC.generate(curve="P-192")`; python-rsa's
    /// `rsa.newkeys`; and paramiko's `RSAKey.generate` / `DSSKey.generate` (whose default is
    /// 1024 bits). The size may be a literal or a name assigned one; keys under 1024 bits are
    /// high severity.
    ///
    /// ## Why is this bad?
    /// 512-bit RSA is factored in hours on rented machines and 768-bit RSA has been factored
    /// publicly; 1024-bit RSA and DSA are within reach of well-funded attackers and are refused
    /// by current standards (NIST SP 800-131A). Signatures and key exchanges made with small
    /// keys can be forged or decrypted later.
    ///
    /// ## Example
    /// ```python
    /// from cryptography.hazmat.primitives.asymmetric import rsa
    ///
    /// key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from cryptography.hazmat.primitives.asymmetric import rsa
    ///
    /// key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    /// ```
    ///
    /// ## Fix
    /// Use RSA with at least 2048 bits (3072 for keys meant to last beyond 2030), or
    /// Ed25519 / X25519 / P-256 and larger curves.
    ///
    /// ## References
    /// - [CWE-326: Inadequate Encryption Strength](https://cwe.mitre.org/data/definitions/326.html)
    /// - [NIST SP 800-131A Rev. 2: transitioning cryptographic algorithms and key lengths](https://csrc.nist.gov/pubs/sp/800/131/a/r2/final)
    /// - [Bandit B505: weak_cryptographic_key](https://bandit.readthedocs.io/en/latest/plugins/b505_weak_cryptographic_key.html)
    pub(super) RULE = {
        name: "weak-crypto-key",
        audit: Code,
        kind: Pattern,
        severity: Medium,
        confidence: High,
        likelihood: Low,
        impact: High,
        cwe: [326],
        owasp: A02CryptographicFailures,
        aliases: [Bandit("B505"), Ruff("S505")],
        tags: ["crypto", "key-size"],
        interest: [Call],
        check: check,
    }
}

const MINIMUM_BITS: u64 = 2048;
const MINIMUM_CURVE_BITS: u64 = 224;

/// Key generators: (qualified name, algorithm, size keyword, size position, default size).
const GENERATORS: &[(&str, &str, &str, usize, Option<u64>)] = &[
    (
        "cryptography.hazmat.primitives.asymmetric.rsa.generate_private_key",
        "RSA",
        "key_size",
        1,
        None,
    ),
    (
        "cryptography.hazmat.primitives.asymmetric.dsa.generate_private_key",
        "DSA",
        "key_size",
        0,
        None,
    ),
    (
        "cryptography.hazmat.primitives.asymmetric.dsa.generate_parameters",
        "DSA",
        "key_size",
        0,
        None,
    ),
    (
        "cryptography.hazmat.primitives.asymmetric.dh.generate_parameters",
        "Diffie-Hellman",
        "key_size",
        1,
        None,
    ),
    ("Crypto.PublicKey.RSA.generate", "RSA", "bits", 0, None),
    ("Crypto.PublicKey.DSA.generate", "DSA", "bits", 0, None),
    ("Cryptodome.PublicKey.RSA.generate", "RSA", "bits", 0, None),
    ("Cryptodome.PublicKey.DSA.generate", "DSA", "bits", 0, None),
    ("rsa.newkeys", "RSA", "nbits", 0, None),
    ("paramiko.RSAKey.generate", "RSA", "bits", 0, None),
    ("paramiko.rsakey.RSAKey.generate", "RSA", "bits", 0, None),
    ("paramiko.DSSKey.generate", "DSA", "bits", 0, Some(1024)),
    (
        "paramiko.dsskey.DSSKey.generate",
        "DSA",
        "bits",
        0,
        Some(1024),
    ),
];

/// `cryptography` curves under 224 bits, with their size.
const WEAK_CURVES: &[(&str, u64)] = &[
    (
        "cryptography.hazmat.primitives.asymmetric.ec.SECP192R1",
        192,
    ),
    (
        "cryptography.hazmat.primitives.asymmetric.ec.SECT163K1",
        163,
    ),
    (
        "cryptography.hazmat.primitives.asymmetric.ec.SECT163R2",
        163,
    ),
];

const EC_GENERATORS: &[&str] = &[
    "cryptography.hazmat.primitives.asymmetric.ec.generate_private_key",
    "cryptography.hazmat.primitives.asymmetric.ec.derive_private_key",
];

const ECC_GENERATORS: &[&str] = &[
    "Crypto.PublicKey.ECC.generate",
    "Cryptodome.PublicKey.ECC.generate",
];

/// `PyCryptodome` curve names under 224 bits (compared lower-cased).
const WEAK_ECC_NAMES: &[&str] = &["p-192", "p192", "nist p-192", "secp192r1", "prime192v1"];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let Some(name) = call.name else {
        return;
    };
    if let Some(&(_, algorithm, keyword, position, default)) =
        GENERATORS.iter().find(|(n, ..)| *n == name)
    {
        let bits = match call.argument(keyword, position) {
            Some(size) => integer(ctx, size),
            None if !call.has_kwargs_splat() => default,
            None => None,
        };
        if let Some(bits) = bits.filter(|bits| *bits < MINIMUM_BITS) {
            report(
                ctx,
                call,
                bits < 1024,
                format!(
                    "`{name}` makes a {bits}-bit {algorithm} key; use at least {MINIMUM_BITS} bits (3072 for long-lived keys)"
                ),
            );
        }
    } else if let Some(&(curve, bits)) = WEAK_CURVES.iter().find(|(n, _)| *n == name) {
        report(ctx, call, false, curve_message(curve, bits));
    } else if EC_GENERATORS.contains(&name) {
        // A curve class passed uncalled; a called one is reported where it is constructed.
        let position = usize::from(name.ends_with("derive_private_key"));
        let Some(curve) = call
            .argument("curve", position)
            .filter(|c| !c.is_call_expr())
        else {
            return;
        };
        let Some(curve_name) = ctx.qualified_name(curve) else {
            return;
        };
        if let Some(&(_, bits)) = WEAK_CURVES.iter().find(|(n, _)| *n == curve_name) {
            report(ctx, call, false, curve_message(&curve_name, bits));
        }
    } else if ECC_GENERATORS.contains(&name) {
        let Some(curve) = call.keyword("curve").and_then(str_value) else {
            return;
        };
        if WEAK_ECC_NAMES.contains(&curve.to_ascii_lowercase().as_str()) {
            report(
                ctx,
                call,
                false,
                curve_message(&format!("{name}(curve=\"{curve}\")"), 192),
            );
        }
    }
}

fn curve_message(curve: &str, bits: u64) -> String {
    format!(
        "`{curve}` is a {bits}-bit elliptic curve; use at least {MINIMUM_CURVE_BITS} bits (P-256, X25519 or Ed25519)"
    )
}

/// Reports the call; keys under 1024 bits are high severity.
fn report(ctx: &mut Context<'_>, call: &Call<'_>, high: bool, message: String) {
    if let Some(finding) = ctx.report(call.node.range(), message)
        && high
    {
        finding.severity = Severity::High;
    }
}

/// An integer literal, or a name assigned one.
fn integer(ctx: &Context<'_>, expr: &Expr) -> Option<u64> {
    match expr {
        Expr::NumberLiteral(ast::ExprNumberLiteral {
            value: ast::Number::Int(i),
            ..
        }) => i.as_u64(),
        Expr::Name(name) => integer(ctx, bound_value(ctx.semantic, name)?),
        _ => None,
    }
}
