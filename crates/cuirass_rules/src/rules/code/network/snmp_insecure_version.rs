use cuirass_python::Ranged;

use crate::checker::{Context, Node};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks for pysnmp's `CommunityData(…)`, the credentials of SNMP version 1 and 2c.
    ///
    /// ## Why is this bad?
    /// SNMPv1 and SNMPv2c authenticate with a community string sent in clear text in every
    /// packet, and encrypt nothing: anyone who can see the traffic learns the string and can
    /// read, and often write, the device's configuration.
    ///
    /// Bandit (B508) only reports `CommunityData` with an explicit `mpModel=0` or `mpModel=1`,
    /// but those are its only two values, and the default (`1`, SNMPv2c) is just as clear-text,
    /// so every `CommunityData` is reported here.
    ///
    /// ## Example
    /// ```python
    /// from pysnmp.hlapi import CommunityData
    ///
    /// auth = CommunityData("public", mpModel=1)
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
    /// Use SNMPv3 with `UsmUserData`, an authentication key and a privacy key with AES
    /// (`authPriv`); keep the keys out of the code (`cuirass.secrets`).
    ///
    /// ## References
    /// - [CWE-319: Cleartext Transmission of Sensitive Information](https://cwe.mitre.org/data/definitions/319.html)
    /// - [RFC 3414: User-based Security Model for SNMPv3](https://www.rfc-editor.org/rfc/rfc3414)
    pub(super) RULE = {
        name: "snmp-insecure-version",
        audit: Code,
        kind: Pattern,
        severity: Medium,
        confidence: High,
        likelihood: Medium,
        impact: Medium,
        cwe: [319],
        owasp: A02CryptographicFailures,
        aliases: [Bandit("B508"), Ruff("S508")],
        tags: ["snmp", "cleartext"],
        interest: [Call],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let Some(name) = call
        .name
        .filter(|name| name.starts_with("pysnmp.") && name.ends_with(".CommunityData"))
    else {
        return;
    };
    let version = match call.keyword("mpModel").map(|model| ctx.text(model.range())) {
        Some("0") => "SNMPv1",
        _ => "SNMPv2c",
    };
    ctx.report(
        call.node.range(),
        format!(
            "`{name}` configures {version}, which sends its community string in clear text and encrypts nothing; use SNMPv3 `UsmUserData` with authentication and AES privacy"
        ),
    );
}
