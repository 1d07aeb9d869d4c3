use cuirass_python::ast::Stmt;
use cuirass_python::{Ranged, TextRange};

use super::names::{Entry, entry_for};
use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::helpers::str_value;

declare_rule! {
    /// ## What it does
    /// Reports imports of the modules on Bandit's import blacklist (B401–B415): `telnetlib`,
    /// `ftplib`, `pickle`/`cPickle`/`dill`/`shelve`, `subprocess`, the standard library XML
    /// parsers, `xmlrpc`, CGI handlers open to httpoxy (`wsgiref.handlers.CGIHandler`,
    /// `twisted.web.twcgi.CGIScript`), PyCrypto (`Crypto`) and `pyghmi` (IPMI), also through
    /// `importlib.import_module("…")` and `__import__("…")`.
    ///
    /// Off by default, and low severity: an import is a place to look, not a weakness.
    ///
    /// ## Why is this bad?
    /// Each of these modules is a way into a known class of weakness (clear-text protocols,
    /// code execution by unpickling, shell injection, XML entity attacks, httpoxy, an
    /// unmaintained crypto library), so auditors like to see where they are used. The calls
    /// that are actually risky have their own, precise rules (`pickle-load`,
    /// `subprocess-shell-true`, `telnet-usage`, `ftp-usage`, `xml-external-entities`, …).
    ///
    /// Bandit reports every import of these modules. Here a `from … import` of names that do
    /// nothing risky is not reported (`from subprocess import CalledProcessError`,
    /// `from pickle import dumps`, `from xml.etree.ElementTree import Element`,
    /// `from ftplib import FTP_TLS`, `from xml.sax import saxutils`), nor are the helper
    /// submodules `xml.sax.saxutils`, `xml.sax.handler` and `xml.sax.xmlreader`. PyCrypto
    /// and its maintained fork pycryptodome share the `Crypto` package, so that finding may
    /// be about pycryptodome.
    ///
    /// ## Example
    /// ```python
    /// import pickle
    /// from xml.dom import minidom
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import json
    /// from defusedxml import minidom
    /// ```
    ///
    /// ## Fix
    /// Review how the module is used; the finding's message says what to look for. Replace
    /// clear-text protocols with encrypted ones, `pickle` with a data format for data from
    /// outside, the XML parsers with `defusedxml`, and PyCrypto with `cryptography`.
    ///
    /// ## References
    /// - [CWE-1104: Use of Unmaintained Third Party Components](https://cwe.mitre.org/data/definitions/1104.html)
    /// - [CWE-319: Cleartext Transmission of Sensitive Information](https://cwe.mitre.org/data/definitions/319.html)
    /// - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    /// - [CWE-78: OS Command Injection](https://cwe.mitre.org/data/definitions/78.html)
    /// - [CWE-776: XML Entity Expansion](https://cwe.mitre.org/data/definitions/776.html)
    /// - [Bandit: blacklisted imports](https://bandit.readthedocs.io/en/latest/blacklists/blacklist_imports.html)
    pub(super) RULE = {
        name: "insecure-import",
        audit: Code,
        kind: Pattern,
        severity: Low,
        confidence: High,
        likelihood: Low,
        impact: Medium,
        cwe: [1104, 319, 502, 78, 776],
        owasp: A06VulnerableComponents,
        aliases: [
            Bandit("B401"),
            Bandit("B402"),
            Bandit("B403"),
            Bandit("B404"),
            Bandit("B405"),
            Bandit("B406"),
            Bandit("B407"),
            Bandit("B408"),
            Bandit("B409"),
            Bandit("B411"),
            Bandit("B412"),
            Bandit("B413"),
            Bandit("B415"),
            Ruff("S401"),
            Ruff("S402"),
            Ruff("S403"),
            Ruff("S404"),
            Ruff("S405"),
            Ruff("S406"),
            Ruff("S407"),
            Ruff("S408"),
            Ruff("S409"),
            Ruff("S411"),
            Ruff("S412"),
            Ruff("S413"),
            Ruff("S415"),
        ],
        tags: ["import"],
        default_enabled: false,
        interest: [Import, Call],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    match node {
        Node::Stmt(Stmt::Import(import)) => {
            for alias in &import.names {
                if let Some(entry) = module_entry(alias.name.as_str()) {
                    report(ctx, alias.range(), alias.name.as_str(), entry);
                }
            }
        }
        Node::Stmt(Stmt::ImportFrom(import)) => {
            if import.level > 0 {
                return;
            }
            let Some(module) = import
                .module
                .as_ref()
                .map(cuirass_python::ast::Identifier::as_str)
            else {
                return;
            };
            for alias in &import.names {
                let name = alias.name.as_str();
                if let Some(entry) = member_entry(module, name) {
                    report(ctx, alias.range(), &format!("{module}.{name}"), entry);
                }
            }
        }
        Node::Call(call) => {
            if !call.is_any(&["importlib.import_module", "builtins.__import__"]) {
                return;
            }
            let Some(module) = call.arg(0).and_then(str_value) else {
                return;
            };
            if let Some(entry) = module_entry(&module) {
                report(ctx, call.node.range(), &module, entry);
            }
        }
        _ => {}
    }
}

/// The entry reported for `import module`.
fn module_entry(module: &str) -> Option<&'static Entry> {
    let (entry, rest) = entry_for(module)?;
    let submodule = rest.split('.').next().unwrap_or("");
    (entry.plain_import && !entry.harmless.contains(&submodule)).then_some(entry)
}

/// The entry reported for `from module import name`.
fn member_entry(module: &str, name: &str) -> Option<&'static Entry> {
    if let Some((entry, rest)) = entry_for(module) {
        // `from xml.sax import saxutils`, `from xml.sax.saxutils import escape`
        let submodule = if rest.is_empty() {
            name
        } else {
            rest.split('.').next().unwrap_or("")
        };
        if entry.harmless.contains(&submodule) {
            return None;
        }
        return match entry.risky {
            None => Some(entry),
            Some(risky) => risky.contains(&name).then_some(entry),
        };
    }
    // `from xml.etree import ElementTree`: the name is a blacklisted module.
    module_entry(&format!("{module}.{name}"))
}

fn report(ctx: &mut Context<'_>, range: TextRange, what: &str, entry: &Entry) {
    ctx.report(
        range,
        format!("`{what}` ({}): {}", entry.bandit, entry.reason),
    );
}

#[cfg(test)]
mod tests {
    use super::{member_entry, module_entry};

    #[test]
    fn plain_imports_follow_the_table() {
        assert_eq!(module_entry("pickle").map(|e| e.bandit), Some("B403"));
        assert_eq!(
            module_entry("xml.etree.ElementTree").map(|e| e.bandit),
            Some("B405")
        );
        assert_eq!(
            module_entry("Crypto.Cipher.AES").map(|e| e.bandit),
            Some("B413")
        );
        assert!(module_entry("xml.sax.saxutils").is_none());
        assert!(module_entry("wsgiref.handlers").is_none());
        assert!(module_entry("xml.etree").is_none());
        assert!(module_entry("pickletools").is_none());
    }

    #[test]
    fn from_imports_report_only_risky_names() {
        assert!(member_entry("subprocess", "CalledProcessError").is_none());
        assert!(member_entry("subprocess", "run").is_some());
        assert!(member_entry("xml.sax", "saxutils").is_none());
        assert!(member_entry("xml.etree", "ElementTree").is_some());
        assert!(member_entry("xmlrpc.client", "Fault").is_none());
        assert!(member_entry("xmlrpc.client", "ServerProxy").is_some());
        assert!(member_entry("wsgiref.handlers", "CGIHandler").is_some());
        assert!(member_entry("wsgiref", "handlers").is_none());
        assert!(member_entry("ftplib", "FTP_TLS").is_none());
    }
}
