//! Package indexes: PyPI upload tokens and npm access tokens.

use cuirass_diagnostics::{RuleMeta, Severity};

use super::source_hosts::checksummed;
use crate::codec::base64_decode;
use crate::engine::{Candidate, Detector, Grade, PRIORITY_PROVIDER, Placeholders, Scope};

secret_rule! {
    /// ## What it does
    /// Finds PyPI API tokens: `pypi-` followed by a base64url macaroon whose location is
    /// `pypi.org` (the token starts `pypi-AgEIcHlwaS5vcmc`). The macaroon's header is decoded
    /// and checked. TestPyPI tokens (`test.pypi.org`) are reported at medium.
    ///
    /// ## Why is this bad?
    /// An upload token publishes new releases of your packages — or of every package of the
    /// account, for an account-wide token. Whoever has it can ship malware to everyone who
    /// installs them.
    ///
    /// ## Example
    /// ```ini
    /// # .pypirc
    /// [pypi]
    /// username = __token__
    /// password = pypi-AgEIcHlwaS5vcmc<…>
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// # Trusted publishing from CI: no token at all.
    /// - uses: pypa/gh-action-pypi-publish@release/v1
    /// ```
    ///
    /// ## Fix
    /// Delete the token on pypi.org (Account settings → API tokens), check the project's
    /// release history, and publish with trusted publishing (OIDC) or a project-scoped token
    /// kept in the CI's secret store.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [PyPI: API tokens](https://pypi.org/help/#apitoken)
    /// - [PyPI: Trusted publishers](https://docs.pypi.org/trusted-publishers/)
    pub(crate) PYPI = {
        name: "pypi-upload-token",
        kind: Detector,
        severity: Critical,
        confidence: High,
        likelihood: High,
        impact: High,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [Other("PypiTokenDetector")],
        tags: ["pypi", "supply-chain"],
    }
}

secret_rule! {
    /// ## What it does
    /// Finds npm access tokens: `npm_` + 36 base62 characters, the last six a CRC-32 checksum
    /// of the thirty before them (verified, so lookalikes are not reported).
    ///
    /// ## Why is this bad?
    /// A publish token releases new versions of your packages to everyone who depends on them.
    ///
    /// ## Example
    /// ```ini
    /// # .npmrc
    /// //registry.npmjs.org/:_authToken=npm_<36 characters>
    /// ```
    ///
    /// ## Use instead
    /// ```ini
    /// //registry.npmjs.org/:_authToken=${NPM_TOKEN}
    /// ```
    ///
    /// ## Fix
    /// Revoke the token (`npm token revoke`, or Access Tokens on npmjs.com), create a granular
    /// token with an expiry, and read it from the environment.
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [GitHub: npm's new access token format](https://github.blog/security/announcing-npms-new-access-token-format/)
    pub(crate) NPM = {
        name: "npm-access-token",
        kind: Detector,
        severity: Critical,
        confidence: High,
        likelihood: High,
        impact: High,
        cwe: [798],
        owasp: A07AuthenticationFailures,
        aliases: [Other("NpmDetector")],
        tags: ["npm", "supply-chain"],
    }
}

pub(crate) static RULES: &[&RuleMeta] = &[&PYPI, &NPM];

/// Reads an unsigned LEB128 number.
fn varint(bytes: &[u8], pos: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *bytes.get(*pos)?;
        *pos += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

/// The location of a version-2 binary macaroon that also has a non-empty identifier.
pub(crate) fn macaroon_location(bytes: &[u8]) -> Option<String> {
    if bytes.first() != Some(&2) {
        return None;
    }
    let mut pos = 1;
    let mut field = varint(bytes, &mut pos)?;
    let mut location = String::new();
    if field == 1 {
        let len = usize::try_from(varint(bytes, &mut pos)?).ok()?;
        let data = bytes.get(pos..pos.checked_add(len)?)?;
        location = String::from_utf8(data.to_vec()).ok()?;
        pos += len;
        field = varint(bytes, &mut pos)?;
    }
    if field != 2 {
        return None;
    }
    let len = usize::try_from(varint(bytes, &mut pos)?).ok()?;
    (len > 0 && bytes.get(pos..pos.checked_add(len)?).is_some()).then_some(location)
}

fn pypi_macaroon(c: &Candidate<'_>) -> Option<Grade> {
    let bytes = base64_decode(c.secret.strip_prefix("pypi-")?)?;
    match macaroon_location(&bytes)?.as_str() {
        "pypi.org" => Some(c.detector.grade()),
        "test.pypi.org" => Some(
            c.detector
                .grade()
                .with_severity(Severity::Medium)
                .with_note("a TestPyPI token"),
        ),
        _ => None,
    }
}

pub(crate) static DETECTORS: &[&Detector] = &[
    &Detector {
        id: "pypi-upload-token",
        rule: &PYPI,
        label: "PyPI upload token",
        prefilter: &["pypi-AgE"],
        pattern: r"(?-u:\b)(?P<s>pypi-AgE[A-Za-z0-9_\-]{50,})(?:[^A-Za-z0-9_\-]|$)",
        scope: Scope::Line,
        check: Some(pypi_macaroon),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
    &Detector {
        id: "npm-access-token",
        rule: &NPM,
        label: "npm access token",
        prefilter: &["npm_"],
        pattern: r"(?-u:\b)(?P<s>npm_[A-Za-z0-9]{36})(?-u:\b)",
        scope: Scope::Line,
        check: Some(checksummed),
        placeholders: Placeholders::Token,
        priority: PRIORITY_PROVIDER,
        heuristic: false,
    },
];
