use cuirass_python::Ranged;
use cuirass_python::ast::Expr;

use crate::checker::{Context, Node};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks for pysnmp's SNMPv3 `UsmUserData(…)` that does not both authenticate and
    /// encrypt with a sound cipher:
    /// - no authentication key (`noAuthNoPriv`) or no privacy key (`authNoPriv`);
    /// - a privacy key with no `privProtocol` (pysnmp then uses DES), or with
    ///   `usmDESPrivProtocol`, `usm3DESEDEPrivProtocol` or `usmNoPrivProtocol`;
    /// - `authProtocol=usmNoAuthProtocol`.
    ///
    /// ## Why is this bad?
    /// Without privacy, SNMPv3 sends every value (configuration, routing tables, sometimes
    /// credentials set through SNMP) in clear text; without authentication anyone can send
    /// requests as that user. DES has a 56-bit key that is searched exhaustively in hours.
    ///
    /// Bandit (B509) reports `UsmUserData` with fewer than three positional arguments, so it
    /// misses keys passed by name and the DES default, and reports nothing about the ciphers.
    /// HMAC-MD5 authentication, pysnmp's default, is not reported: HMAC-MD5-96 has no
    /// practical forgery, though SHA-2 is better.
    ///
    /// ## Example
    /// ```python
    /// from pysnmp.hlapi import UsmUserData
    ///
    /// auth = UsmUserData("monitor", auth_key, priv_key)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from pysnmp.hlapi import UsmUserData, usmAesCfb128Protocol, usmHMACSHAAuthProtocol
    ///
    /// auth = UsmUserData(
    ///     "monitor",
    ///     authKey=auth_key,
    ///     privKey=priv_key,
    ///     authProtocol=usmHMACSHAAuthProtocol,
    ///     privProtocol=usmAesCfb128Protocol,
    /// )
    /// ```
    ///
    /// ## Fix
    /// Pass both keys and `privProtocol=usmAesCfb128Protocol` (or a longer AES variant), and
    /// an SHA authentication protocol; keep the keys out of the code (`cuirass.secrets`).
    ///
    /// ## References
    /// - [CWE-319: Cleartext Transmission of Sensitive Information](https://cwe.mitre.org/data/definitions/319.html)
    /// - [CWE-327: Use of a Broken or Risky Cryptographic Algorithm](https://cwe.mitre.org/data/definitions/327.html)
    /// - [RFC 3826: AES for the SNMP User-based Security Model](https://www.rfc-editor.org/rfc/rfc3826)
    pub(super) RULE = {
        name: "snmp-weak-crypto",
        audit: Code,
        kind: Pattern,
        severity: Medium,
        confidence: High,
        likelihood: Medium,
        impact: Medium,
        cwe: [319, 327],
        owasp: A02CryptographicFailures,
        aliases: [Bandit("B509"), Ruff("S509")],
        tags: ["snmp", "cleartext"],
        interest: [Call],
        check: check,
    }
}

/// Privacy protocols that are no protection.
const WEAK_PRIVACY: &[&str] = &[
    "usmDESPrivProtocol",
    "usm3DESEDEPrivProtocol",
    "usmNoPrivProtocol",
];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    if !call
        .name
        .is_some_and(|name| name.starts_with("pysnmp.") && name.ends_with(".UsmUserData"))
        || call.has_kwargs_splat()
        || call.node.arguments.args.iter().any(Expr::is_starred_expr)
    {
        return;
    }
    let present = |name: &str, index: usize| {
        call.argument(name, index)
            .is_some_and(|value| !value.is_none_literal_expr())
    };
    let protocol = |name: &str, index: usize| {
        call.argument(name, index).and_then(|value| {
            ctx.qualified_name(value)
                .and_then(|q| q.rsplit('.').next().map(str::to_string))
        })
    };
    let message = if !present("authKey", 1) {
        "`UsmUserData` without an authentication key is SNMPv3 `noAuthNoPriv`: anyone can send requests as this user and read the replies; pass `authKey` and `privKey`"
            .to_string()
    } else if protocol("authProtocol", 3).as_deref() == Some("usmNoAuthProtocol") {
        "`UsmUserData` with `usmNoAuthProtocol` authenticates nothing; use an SHA authentication protocol and AES privacy".to_string()
    } else if !present("privKey", 2) {
        "`UsmUserData` without a privacy key is SNMPv3 `authNoPriv`: every value travels in clear text; pass `privKey` with `privProtocol=usmAesCfb128Protocol`"
            .to_string()
    } else {
        match call.argument("privProtocol", 4) {
            None => "`UsmUserData` with a privacy key but no `privProtocol` encrypts with pysnmp's default, 56-bit DES; pass `privProtocol=usmAesCfb128Protocol`".to_string(),
            Some(_) => match protocol("privProtocol", 4) {
                Some(weak) if WEAK_PRIVACY.contains(&weak.as_str()) => {
                    let why = match weak.as_str() {
                        "usmNoPrivProtocol" => "encrypts nothing",
                        "usmDESPrivProtocol" => "encrypts with 56-bit DES, which is broken by exhaustive search",
                        _ => "encrypts with Triple DES, a deprecated 64-bit block cipher (Sweet32)",
                    };
                    format!(
                        "`UsmUserData` with `{weak}` {why}; use `privProtocol=usmAesCfb128Protocol` or a longer AES variant"
                    )
                }
                _ => return,
            },
        }
    };
    ctx.report(call.node.range(), message);
}
