//! The modules Bandit's import blacklist (B401–B415) names, why each deserves a look, and
//! which of their names actually do the risky thing, so that `from xml.sax import saxutils`
//! or `from subprocess import CalledProcessError` is not reported.

/// One blacklisted module (or a module holding one blacklisted name).
pub(super) struct Entry {
    /// The module, dotted; submodules match too.
    pub module: &'static str,
    /// Bandit's id.
    pub bandit: &'static str,
    /// Why it is worth a look.
    pub reason: &'static str,
    /// The names whose `from … import` is reported; `None`: every name.
    pub risky: Option<&'static [&'static str]>,
    /// Whether `import module` itself is reported (not for a module that is blacklisted for
    /// one of its names only).
    pub plain_import: bool,
    /// Submodules with nothing risky in them (`xml.sax.saxutils`).
    pub harmless: &'static [&'static str],
}

const CLEARTEXT: &str = "a clear-text protocol: logins and data cross the network unencrypted";
const UNPICKLE: &str = "its loaders run arbitrary code from the data they read";
const PROCESS: &str = "starts processes: check that no program or shell command comes from outside";
const XML: &str = "parses XML with entity expansion; use `defusedxml` for documents from outside";
const XMLRPC: &str = "XML-RPC parses untrusted XML and gzip bodies; call `defusedxml.xmlrpc.monkey_patch()` or avoid it";
const HTTPOXY: &str = "CGI copies the client's `Proxy` header into `HTTP_PROXY`, which HTTP clients then use (httpoxy)";
const PYCRYPTO: &str = "PyCrypto is unmaintained and has known vulnerabilities; if this is pycryptodome, prefer `cryptography`";

const PICKLE_LOADERS: &[&str] = &["load", "loads", "Unpickler", "*"];
const XML_PARSERS: &[&str] = &[
    "parse",
    "iterparse",
    "fromstring",
    "fromstringlist",
    "XML",
    "XMLID",
    "XMLParser",
    "XMLPullParser",
    "parseString",
    "make_parser",
    "create_parser",
    "*",
];

pub(super) const ENTRIES: &[Entry] = &[
    Entry {
        module: "telnetlib",
        bandit: "B401",
        reason: CLEARTEXT,
        risky: Some(&["Telnet", "*"]),
        plain_import: true,
        harmless: &[],
    },
    Entry {
        module: "ftplib",
        bandit: "B402",
        reason: CLEARTEXT,
        risky: Some(&["FTP", "*"]),
        plain_import: true,
        harmless: &[],
    },
    Entry {
        module: "pickle",
        bandit: "B403",
        reason: UNPICKLE,
        risky: Some(PICKLE_LOADERS),
        plain_import: true,
        harmless: &[],
    },
    Entry {
        module: "cPickle",
        bandit: "B403",
        reason: UNPICKLE,
        risky: Some(PICKLE_LOADERS),
        plain_import: true,
        harmless: &[],
    },
    Entry {
        module: "_pickle",
        bandit: "B403",
        reason: UNPICKLE,
        risky: Some(PICKLE_LOADERS),
        plain_import: true,
        harmless: &[],
    },
    Entry {
        module: "dill",
        bandit: "B403",
        reason: UNPICKLE,
        risky: Some(&[
            "load",
            "loads",
            "Unpickler",
            "load_session",
            "load_module",
            "*",
        ]),
        plain_import: true,
        harmless: &[],
    },
    Entry {
        module: "shelve",
        bandit: "B403",
        reason: UNPICKLE,
        risky: Some(&["open", "Shelf", "DbfilenameShelf", "BsdDbShelf", "*"]),
        plain_import: true,
        harmless: &[],
    },
    Entry {
        module: "subprocess",
        bandit: "B404",
        reason: PROCESS,
        risky: Some(&[
            "Popen",
            "call",
            "check_call",
            "check_output",
            "run",
            "getoutput",
            "getstatusoutput",
            "*",
        ]),
        plain_import: true,
        harmless: &[],
    },
    Entry {
        module: "xml.etree.ElementTree",
        bandit: "B405",
        reason: XML,
        risky: Some(XML_PARSERS),
        plain_import: true,
        harmless: &[],
    },
    Entry {
        module: "xml.etree.cElementTree",
        bandit: "B405",
        reason: XML,
        risky: Some(XML_PARSERS),
        plain_import: true,
        harmless: &[],
    },
    Entry {
        module: "xml.sax",
        bandit: "B406",
        reason: XML,
        risky: Some(XML_PARSERS),
        plain_import: true,
        harmless: &["saxutils", "handler", "xmlreader", "_exceptions"],
    },
    Entry {
        module: "xml.dom.expatbuilder",
        bandit: "B407",
        reason: XML,
        risky: Some(XML_PARSERS),
        plain_import: true,
        harmless: &[],
    },
    Entry {
        module: "xml.dom.minidom",
        bandit: "B408",
        reason: XML,
        risky: Some(XML_PARSERS),
        plain_import: true,
        harmless: &[],
    },
    Entry {
        module: "xml.dom.pulldom",
        bandit: "B409",
        reason: XML,
        risky: Some(XML_PARSERS),
        plain_import: true,
        harmless: &[],
    },
    Entry {
        module: "xmlrpc",
        bandit: "B411",
        reason: XMLRPC,
        risky: Some(&[
            "client",
            "server",
            "ServerProxy",
            "Server",
            "loads",
            "SimpleXMLRPCServer",
            "CGIXMLRPCRequestHandler",
            "DocXMLRPCServer",
            "MultiPathXMLRPCServer",
            "*",
        ]),
        plain_import: true,
        harmless: &[],
    },
    Entry {
        module: "xmlrpclib",
        bandit: "B411",
        reason: XMLRPC,
        risky: None,
        plain_import: true,
        harmless: &[],
    },
    Entry {
        module: "wsgiref.handlers",
        bandit: "B412",
        reason: HTTPOXY,
        risky: Some(&["CGIHandler", "*"]),
        plain_import: false,
        harmless: &[],
    },
    Entry {
        module: "twisted.web.twcgi",
        bandit: "B412",
        reason: HTTPOXY,
        risky: Some(&["CGIScript", "*"]),
        plain_import: false,
        harmless: &[],
    },
    Entry {
        module: "Crypto",
        bandit: "B413",
        reason: PYCRYPTO,
        risky: None,
        plain_import: true,
        harmless: &[],
    },
    Entry {
        module: "pyghmi",
        bandit: "B415",
        reason: "IPMI, whose authentication is weak and whose traffic is readable; keep it on an isolated management network",
        risky: None,
        plain_import: true,
        harmless: &[],
    },
];

/// The entry covering module `module` (itself or a submodule), and the rest of its path.
pub(super) fn entry_for(module: &str) -> Option<(&'static Entry, &str)> {
    ENTRIES.iter().find_map(|entry| {
        if module == entry.module {
            Some((entry, ""))
        } else {
            module
                .strip_prefix(entry.module)
                .and_then(|rest| rest.strip_prefix('.'))
                .map(|rest| (entry, rest))
        }
    })
}
