//! Private keys (PEM blocks of every common type, age identities) and JSON Web Tokens.

use cuirass_diagnostics::{RuleMeta, Severity};

use super::checks::random_token;
use crate::ScanOptions;
use crate::codec::base64_decode;
use crate::engine::{
    self, Candidate, Detector, Grade, Hit, PRIORITY_KEY_BLOCK, PRIORITY_PROVIDER, Placeholders,
    Scope,
};
use crate::entropy::shannon_entropy;
use crate::text::FileCtx;

secret_rule! {
    /// ## What it does
    /// Finds private keys: PEM blocks `-----BEGIN RSA PRIVATE KEY-----`, `EC`, `DSA`,
    /// `OPENSSH`, PKCS#8 (`BEGIN PRIVATE KEY`), encrypted PKCS#8 (`BEGIN ENCRYPTED PRIVATE
    /// KEY`) and `BEGIN PGP PRIVATE KEY BLOCK`, when a real base64 body follows (also inside a
    /// string with `\n` escapes), reported once per block at its `BEGIN` line; and age
    /// identities (`AGE-SECRET-KEY-1…`). Keys protected by a passphrase (PKCS#8 encrypted,
    /// `Proc-Type: 4,ENCRYPTED`, OpenSSH with a cipher) are reported at high instead of
    /// critical.
    ///
    /// ## Why is this bad?
    /// A private key is the identity itself: whoever has it can sign as you (TLS server,
    /// SSH login, code signing, JWT issuer) or decrypt what was encrypted for you. It cannot be
    /// "changed", only revoked and replaced everywhere it is trusted.
    ///
    /// ## Example
    /// ```python
    /// KEY = """-----BEGIN OPENSSH PRIVATE KEY-----
    /// b3BlbnNzaC1rZXktdjEAAAAA…
    /// -----END OPENSSH PRIVATE KEY-----"""
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from pathlib import Path
    ///
    /// KEY = Path(os.environ["DEPLOY_KEY_FILE"]).read_text()  # kept outside the repository
    /// ```
    ///
    /// ## Fix
    /// Treat the key as compromised: revoke its certificate, remove the public key from
    /// `authorized_keys`, deploy keys and signing trust stores, and generate a new pair. Keep
    /// private keys in a secret manager, an HSM/KMS, or a file outside the repository with
    /// tight permissions.
    ///
    /// ## References
    /// - [CWE-321: Use of Hard-coded Cryptographic Key](https://cwe.mitre.org/data/definitions/321.html)
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [RFC 7468: Textual Encodings of PKIX, PKCS, and CMS Structures](https://www.rfc-editor.org/rfc/rfc7468)
    pub(crate) PRIVATE_KEY = {
        name: "private-key",
        kind: Detector,
        severity: Critical,
        confidence: High,
        likelihood: High,
        impact: High,
        cwe: [321, 798],
        owasp: A02CryptographicFailures,
        aliases: [Other("PrivateKeyDetector")],
        tags: ["private-key", "crypto"],
    }
}

secret_rule! {
    /// ## What it does
    /// Finds JSON Web Tokens: three base64url parts whose header decodes to JSON with an `alg`
    /// and whose payload decodes to a JSON object. The well-known jwt.io example is reported at
    /// info.
    ///
    /// ## Why is this bad?
    /// A JWT is a bearer credential: until it expires (often never, for service tokens) anyone
    /// holding it is whoever it names, with its claims and scopes. Tokens in code are usually
    /// long-lived service tokens.
    ///
    /// ## Example
    /// ```python
    /// headers = {"Authorization": "Bearer eyJhbGciOi<…>.eyJzdWIiOi<…>.<signature>"}
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// headers = {"Authorization": f"Bearer {os.environ['SERVICE_TOKEN']}"}
    /// ```
    ///
    /// ## Fix
    /// Revoke the token if the issuer supports it (or rotate the signing key that made it), and
    /// fetch tokens at run time from the identity provider or the environment.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [RFC 7519: JSON Web Token](https://www.rfc-editor.org/rfc/rfc7519)
    pub(crate) JWT = {
        name: "jwt",
        kind: Detector,
        severity: Medium,
        confidence: Medium,
        likelihood: Medium,
        impact: Medium,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [Other("JwtTokenDetector")],
        tags: ["jwt", "token"],
    }
}

pub(crate) static RULES: &[&RuleMeta] = &[&PRIVATE_KEY, &JWT];

macro_rules! pem {
    ($id:literal, $label:literal, $marker:literal) => {
        &Detector {
            id: $id,
            rule: &PRIVATE_KEY,
            label: $label,
            prefilter: &[$marker],
            pattern: "",
            scope: Scope::Custom(pem_blocks),
            check: None,
            placeholders: Placeholders::Off,
            priority: PRIORITY_KEY_BLOCK,
            heuristic: false,
        }
    };
}

pub(crate) static DETECTORS: &[&Detector] = &[
    pem!(
        "private-key-rsa",
        "RSA private key",
        "BEGIN RSA PRIVATE KEY"
    ),
    pem!("private-key-ec", "EC private key", "BEGIN EC PRIVATE KEY"),
    pem!(
        "private-key-dsa",
        "DSA private key",
        "BEGIN DSA PRIVATE KEY"
    ),
    pem!(
        "private-key-openssh",
        "OpenSSH private key",
        "BEGIN OPENSSH PRIVATE KEY"
    ),
    pem!(
        "private-key-pkcs8",
        "PKCS#8 private key",
        "BEGIN PRIVATE KEY"
    ),
    pem!(
        "private-key-encrypted",
        "encrypted PKCS#8 private key",
        "BEGIN ENCRYPTED PRIVATE KEY"
    ),
    pem!(
        "private-key-pgp",
        "PGP private key block",
        "BEGIN PGP PRIVATE KEY BLOCK"
    ),
    &Detector {
        id: "age-secret-key",
        rule: &PRIVATE_KEY,
        label: "age secret key",
        prefilter: &["AGE-SECRET-KEY-1"],
        pattern: r"(?-u:\b)(?P<s>AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})(?-u:\b)",
        scope: Scope::Line,
        check: Some(random_token),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "jwt",
        rule: &JWT,
        label: "JSON Web Token",
        prefilter: &["eyJ"],
        pattern: r"(?-u:\b)(?P<s>eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*)",
        scope: Scope::Line,
        check: Some(jwt),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
];

/// A JWT's header must be JSON with an `alg`, its payload a JSON object, and its signature
/// present unless `alg` is `none`.
fn jwt(c: &Candidate<'_>) -> Option<Grade> {
    let mut parts = c.secret.split('.');
    let header = String::from_utf8(base64_decode(parts.next()?)?).ok()?;
    let payload = String::from_utf8(base64_decode(parts.next()?)?).ok()?;
    let signature = parts.next().unwrap_or("");
    let header = header.trim();
    if !header.starts_with('{') || !header.contains("\"alg\"") || !payload.trim().starts_with('{') {
        return None;
    }
    let compact: String = header.chars().filter(|c| !c.is_whitespace()).collect();
    let unsigned = compact.contains("\"alg\":\"none\"");
    if unsigned {
        return Some(c.detector.grade().with_note("unsigned (`alg: none`)"));
    }
    (signature.len() >= 16).then(|| c.detector.grade())
}

/// The base64 body of a PEM block or key string: header lines (`Proc-Type: …`), marker lines,
/// escapes (`\n`) and punctuation removed.
pub(crate) fn pem_body(region: &str) -> String {
    body_with_range(region).0
}

/// The body, and the byte range (within `region`) from its first to its last character.
fn body_with_range(region: &str) -> (String, Option<(usize, usize)>) {
    let mut body = String::new();
    let mut range: Option<(usize, usize)> = None;
    for (segment_start, segment) in segments(region) {
        if segment.contains(':') || segment.contains("-----") {
            continue;
        }
        for (i, ch) in segment.char_indices() {
            if ch.is_ascii_alphanumeric() || matches!(ch, '+' | '/' | '=') {
                body.push(ch);
                let at = segment_start + i;
                range = Some(range.map_or((at, at + 1), |(s, _)| (s, at + 1)));
            }
        }
    }
    (body, range)
}

/// Splits at real line breaks and at `\n`/`\r` escapes, with each segment's offset.
fn segments(region: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let bytes = region.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let cut = match bytes.get(i) {
            Some(b'\n' | b'\r') => Some(1),
            Some(b'\\') if matches!(bytes.get(i + 1), Some(b'n' | b'r')) => Some(2),
            _ => None,
        };
        if let Some(width) = cut {
            if let Some(segment) = region.get(start..i) {
                out.push((start, segment));
            }
            i += width;
            start = i;
        } else {
            i += 1;
        }
    }
    if let Some(segment) = region.get(start..) {
        out.push((start, segment));
    }
    out
}

/// Whether a PEM body is real key material rather than `...`, `<key>` or code: at least 64
/// base64 characters, mixed case and digits, and nearly the entropy of random base64. (No
/// marker words: a body of a few kilobytes contains `your` or `xxxx` by chance often enough.)
pub(crate) fn is_key_body(body: &str) -> bool {
    body.len() >= 64
        && body.bytes().any(|b| b.is_ascii_uppercase())
        && body.bytes().any(|b| b.is_ascii_lowercase())
        && body.bytes().any(|b| b.is_ascii_digit())
        && shannon_entropy(body) >= 4.8
}

/// Whether the region between the markers is key material with string syntax around it, not
/// code: the base64 body makes up at least 85% of its visible characters once whitespace,
/// quotes, `\n` escapes, `+` and `,` (string concatenation) and header lines are set aside.
fn mostly_base64(region: &str, body_len: usize) -> bool {
    let visible: usize = segments(region)
        .iter()
        .filter(|(_, s)| !s.contains(':') && !s.contains("-----"))
        .map(|(_, s)| {
            s.chars()
                .filter(|c| !c.is_whitespace() && !matches!(c, '"' | '\'' | '+' | ','))
                .count()
        })
        .sum();
    visible > 0 && body_len * 100 >= visible * 85
}

/// Whether an OpenSSH key body names a cipher other than `none`.
fn openssh_encrypted(body: &str) -> bool {
    let Some(bytes) = base64_decode(body) else {
        return false;
    };
    let Some(rest) = bytes.strip_prefix(b"openssh-key-v1\0") else {
        return false;
    };
    let len = rest.get(..4).map_or(0, |b| {
        b.iter().fold(0usize, |acc, &x| (acc << 8) | usize::from(x))
    });
    rest.get(4..4 + len).is_some_and(|cipher| cipher != b"none")
}

/// Finds the detector's PEM blocks on the woken lines.
fn pem_blocks(
    ctx: &FileCtx<'_>,
    detector: &'static Detector,
    lines: &[usize],
    options: &ScanOptions,
) -> Vec<Hit> {
    const MAX_BLOCK: usize = 16 * 1024;
    let Some(marker) = detector.prefilter.first() else {
        return Vec::new();
    };
    let begin = format!("-----{marker}-----");
    let end_marker = format!("-----END {}-----", marker.trim_start_matches("BEGIN "));
    let mut hits = Vec::new();
    for &line in lines {
        let (line_start, line_end) = ctx.line_range(line);
        let Some(text) = ctx.text.get(line_start..line_end) else {
            continue;
        };
        for (at, _) in text.match_indices(&begin) {
            let start = line_start + at;
            let after = start + begin.len();
            let limit = floor_char_boundary(ctx.text, (after + MAX_BLOCK).min(ctx.text.len()));
            let window = ctx.text.get(after..limit).unwrap_or("");
            // A block needs its END marker: code that merely mentions the BEGIN line (a PEM
            // parser, documentation) has none nearby.
            let Some(region_len) = window.find(&end_marker) else {
                continue;
            };
            let region = window.get(..region_len).unwrap_or("");
            let (body, range) = body_with_range(region);
            let Some((body_start, body_end)) = range else {
                continue;
            };
            if !is_key_body(&body) || !mostly_base64(region, body.len()) {
                continue;
            }
            let encrypted = detector.id == "private-key-encrypted"
                || region.contains("ENCRYPTED")
                || (detector.id == "private-key-openssh" && openssh_encrypted(&body));
            let mut grade = detector.grade();
            if encrypted {
                grade = grade
                    .with_severity(Severity::High)
                    .with_note("encrypted with a passphrase, which may be weak or nearby");
            }
            let Some(grade) = engine::vet(ctx, detector, start, &body, grade, options) else {
                continue;
            };
            hits.push(Hit {
                detector,
                start,
                end: after,
                masks: vec![(after + body_start, after + body_end)],
                value: body,
                grade,
                related: Vec::new(),
            });
        }
    }
    hits
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while index > 0 && !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}
