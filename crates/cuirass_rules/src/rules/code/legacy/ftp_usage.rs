use cuirass_python::Ranged;

use super::helpers::is_loopback;
use crate::checker::{Context, Node};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks for plain FTP connections, `ftplib.FTP(…)`, except to the local machine.
    /// `ftplib.FTP_TLS` is not reported.
    ///
    /// ## Why is this bad?
    /// FTP sends the login, the password and the files in clear text: anyone on the network
    /// path reads them, and can change files in transit.
    ///
    /// Bandit (B321) reports every `ftplib` call, including `FTP_TLS`, which encrypts (once
    /// `prot_p()` is called for the data channel). Here only plain `FTP` is reported, and not
    /// to `localhost`/`127.0.0.1`/`::1`. Importing the module is `insecure-import`'s (off by
    /// default).
    ///
    /// ## Example
    /// ```python
    /// from ftplib import FTP
    ///
    /// with FTP("files.example.com") as ftp:
    ///     ftp.login("reports", password)
    ///     ftp.storbinary("STOR daily.csv", report)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from ftplib import FTP_TLS
    ///
    /// with FTP_TLS("files.example.com") as ftp:
    ///     ftp.login("reports", password)
    ///     ftp.prot_p()
    ///     ftp.storbinary("STOR daily.csv", report)
    /// ```
    ///
    /// ## Fix
    /// Use SFTP (`paramiko.SFTPClient`), HTTPS, or at least `ftplib.FTP_TLS` followed by
    /// `prot_p()` so that the data channel is encrypted too.
    ///
    /// ## References
    /// - [CWE-319: Cleartext Transmission of Sensitive Information](https://cwe.mitre.org/data/definitions/319.html)
    /// - [Python docs: `ftplib.FTP_TLS`](https://docs.python.org/3/library/ftplib.html#ftplib.FTP_TLS)
    pub(super) RULE = {
        name: "ftp-usage",
        audit: Code,
        kind: Pattern,
        severity: Medium,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [319],
        owasp: A02CryptographicFailures,
        aliases: [Bandit("B321"), Ruff("S321")],
        tags: ["ftp", "cleartext"],
        interest: [Call],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    if call.name != Some("ftplib.FTP") {
        return;
    }
    if call.argument("host", 0).is_some_and(is_loopback) {
        return;
    }
    ctx.report(
        call.node.range(),
        "plain FTP sends the login, the password and the files in clear text; use SFTP, HTTPS or `ftplib.FTP_TLS` with `prot_p()`",
    );
}
