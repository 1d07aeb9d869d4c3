use cuirass_python::Ranged;

use super::helpers::is_loopback;
use crate::checker::{Context, Node};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks for `telnetlib.Telnet(…)` connections, except to the local machine.
    ///
    /// ## Why is this bad?
    /// Telnet sends everything in clear text, the login and password included: anyone on the
    /// network path reads them and can take over the session. `telnetlib` was also deprecated
    /// in Python 3.11 and removed in 3.13.
    ///
    /// Bandit (B312) reports any use of `telnetlib`; here only opening a connection is
    /// reported, and not to `localhost`/`127.0.0.1`/`::1`, where nothing crosses a network.
    /// Importing the module is `insecure-import`'s (off by default).
    ///
    /// ## Example
    /// ```python
    /// import telnetlib
    ///
    /// session = telnetlib.Telnet("switch-12.example.net", 23)
    /// session.write(b"admin\n" + password + b"\n")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import paramiko
    ///
    /// client = paramiko.SSHClient()
    /// client.load_system_host_keys()
    /// client.connect("switch-12.example.net", username="admin", password=password)
    /// ```
    ///
    /// ## Fix
    /// Use SSH (`paramiko`, `asyncssh`, `netmiko` for network devices) with host-key
    /// verification, and keep the password out of the code (`cuirass.secrets`).
    ///
    /// ## References
    /// - [CWE-319: Cleartext Transmission of Sensitive Information](https://cwe.mitre.org/data/definitions/319.html)
    /// - [PEP 594: removing dead batteries (`telnetlib`)](https://peps.python.org/pep-0594/#telnetlib)
    pub(super) RULE = {
        name: "telnet-usage",
        audit: Code,
        kind: Pattern,
        severity: Medium,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [319],
        owasp: A02CryptographicFailures,
        aliases: [Bandit("B312"), Ruff("S312")],
        tags: ["telnet", "cleartext", "deprecated"],
        interest: [Call],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    if call.name != Some("telnetlib.Telnet") {
        return;
    }
    if call.argument("host", 0).is_some_and(is_loopback) {
        return;
    }
    ctx.report(
        call.node.range(),
        "Telnet sends the login, the password and every command in clear text; use SSH",
    );
}
