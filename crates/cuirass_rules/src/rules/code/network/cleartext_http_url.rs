use cuirass_python::Ranged;
use cuirass_python::ast::Expr;

use crate::checker::{Call, Context, Node};
use crate::declare_rule;
use crate::helpers::{bound_value, constructed_by, leading_literal};

declare_rule! {
    /// ## What it does
    /// Checks for `http://` URLs to other machines handed to an HTTP client: `requests` and
    /// `httpx` functions, `urllib.request.urlopen` / `Request` / `urlretrieve`,
    /// `aiohttp.request`, and the request methods of a `requests.Session`, `httpx.Client` /
    /// `AsyncClient`, `aiohttp.ClientSession` or `urllib3.PoolManager` built in sight. The URL
    /// may be a literal, an f-string or concatenation starting with `http://host`, or a name
    /// assigned one.
    ///
    /// Hosts that are local or not real are not reported: `localhost` and `*.localhost`,
    /// loopback, private and link-local addresses (`10.…`, `172.16–31.…`, `192.168.…`,
    /// `169.254.…`, such as the cloud metadata service), single-label names (`http://db:8000`,
    /// a container on the same network), `*.local`, `*.internal`, `*.lan`, `*.home.arpa`, and
    /// the reserved `example.com`/`.net`/`.org`, `*.test`, `*.example` and `*.invalid`. A URL
    /// whose host is a placeholder (`f"http://{host}/…"`) is not reported either: its host
    /// cannot be told.
    ///
    /// ## Why is this bad?
    /// Plain HTTP crosses every network between the two machines readable and writable: any
    /// router, Wi-Fi access point or proxy on the way can read credentials, tokens and data,
    /// and change the response (a downloaded file, a redirect, an API answer).
    ///
    /// ## Example
    /// ```python
    /// import requests
    ///
    /// def fetch_rates(api_key):
    ///     return requests.get("http://api.rates.example.org/latest", params={"key": api_key}, timeout=10)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import requests
    ///
    /// def fetch_rates(api_key):
    ///     return requests.get("https://api.rates.example.org/latest", params={"key": api_key}, timeout=10)
    /// ```
    ///
    /// ## Fix
    /// Use `https://`. When the server does not offer TLS, put it behind a TLS-terminating
    /// proxy or a VPN rather than sending data in the clear.
    ///
    /// ## References
    /// - [CWE-319: Cleartext Transmission of Sensitive Information](https://cwe.mitre.org/data/definitions/319.html)
    /// - [OWASP Transport Layer Security Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Transport_Layer_Security_Cheat_Sheet.html)
    pub(super) RULE = {
        name: "cleartext-http-url",
        audit: Code,
        kind: Pattern,
        severity: Low,
        confidence: Medium,
        likelihood: Medium,
        impact: Medium,
        cwe: [319],
        owasp: A02CryptographicFailures,
        aliases: [],
        tags: ["tls", "http", "requests", "httpx"],
        interest: [Call],
        check: check,
    }
}

/// Client functions, with the position of their URL argument.
const FUNCTIONS: &[(&str, usize)] = &[
    ("requests.get", 0),
    ("requests.post", 0),
    ("requests.put", 0),
    ("requests.patch", 0),
    ("requests.delete", 0),
    ("requests.head", 0),
    ("requests.options", 0),
    ("requests.request", 1),
    ("requests.api.get", 0),
    ("requests.api.post", 0),
    ("requests.api.request", 1),
    ("httpx.get", 0),
    ("httpx.post", 0),
    ("httpx.put", 0),
    ("httpx.patch", 0),
    ("httpx.delete", 0),
    ("httpx.head", 0),
    ("httpx.options", 0),
    ("httpx.request", 1),
    ("httpx.stream", 1),
    ("urllib.request.urlopen", 0),
    ("urllib.request.Request", 0),
    ("urllib.request.urlretrieve", 0),
    ("aiohttp.request", 1),
];

/// Session constructors whose methods take a URL.
const SESSIONS: &[&str] = &[
    "requests.Session",
    "requests.session",
    "requests.sessions.Session",
    "httpx.Client",
    "httpx.AsyncClient",
    "aiohttp.ClientSession",
    "urllib3.PoolManager",
    "urllib3.poolmanager.PoolManager",
];

/// Session methods, with the position of their URL argument.
const METHODS: &[(&str, usize)] = &[
    ("get", 0),
    ("post", 0),
    ("put", 0),
    ("patch", 0),
    ("delete", 0),
    ("head", 0),
    ("options", 0),
    ("request", 1),
    ("stream", 1),
    ("urlopen", 1),
];

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Call(call) = node else {
        return;
    };
    let Some((callee, position)) = client_call(ctx, call) else {
        return;
    };
    let Some(url) = call.argument("url", position) else {
        return;
    };
    let Some(text) = url_text(ctx, url) else {
        return;
    };
    let Some(rest) = text
        .get(..7)
        .filter(|scheme| scheme.eq_ignore_ascii_case("http://"))
        .and_then(|_| text.get(7..))
    else {
        return;
    };
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .rsplit('@')
        .next()
        .unwrap_or("");
    let host = host_without_port(host);
    if host.is_empty() || host.contains(' ') || is_local_host(host) {
        return;
    }
    ctx.report(
        url.range(),
        format!("{callee} sends this request to `{host}` over plain `http://`, readable and changeable on the way; use `https://`"),
    );
}

/// The callee and URL position of an HTTP client call.
fn client_call(ctx: &Context<'_>, call: &Call<'_>) -> Option<(String, usize)> {
    if let Some(name) = call.name {
        let (_, position) = FUNCTIONS.iter().find(|(n, _)| *n == name)?;
        return Some((format!("`{name}`"), *position));
    }
    let method = call.method()?;
    let (_, position) = METHODS.iter().find(|(m, _)| *m == method)?;
    let Expr::Attribute(attr) = call.node.func.as_ref() else {
        return None;
    };
    let session = constructed_by(ctx.semantic, &attr.value)?;
    SESSIONS
        .contains(&session.as_str())
        .then(|| (format!("`{session}(…).{method}`"), *position))
}

/// The literal text of a URL (placeholders as ` ? `), directly or through a name.
fn url_text(ctx: &Context<'_>, url: &Expr) -> Option<String> {
    match url {
        Expr::Name(name) => leading_literal(bound_value(ctx.semantic, name)?),
        other => leading_literal(other),
    }
}

/// `host:port` → `host`; `[::1]:80` → `::1`.
fn host_without_port(host: &str) -> &str {
    if let Some(inner) = host.strip_prefix('[') {
        return inner.split(']').next().unwrap_or(inner);
    }
    host.split(':').next().unwrap_or(host)
}

/// Domains for one machine or one network, or reserved for examples and tests.
const LOCAL_SUFFIXES: &[&str] = &[
    ".localhost",
    ".local",
    ".internal",
    ".lan",
    ".home.arpa",
    ".test",
    ".example",
    ".invalid",
];

/// Domains reserved for documentation (RFC 2606).
const EXAMPLE_DOMAINS: &[&str] = &["example.com", "example.net", "example.org"];

/// Loopback, private, link-local, single-label, local-only and reserved example hosts.
fn is_local_host(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host == "localhost" || host == "::1" || host == "0.0.0.0" || !host.contains('.') {
        return true;
    }
    if LOCAL_SUFFIXES.iter().any(|suffix| host.ends_with(suffix))
        || EXAMPLE_DOMAINS
            .iter()
            .any(|domain| host == *domain || host.ends_with(&format!(".{domain}")))
    {
        return true;
    }
    let octets: Vec<u8> = host.split('.').filter_map(|o| o.parse().ok()).collect();
    match octets.as_slice() {
        [127 | 10, ..] | [192, 168, ..] | [169, 254, ..] => true,
        [172, second, ..] => (16..=31).contains(second),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{host_without_port, is_local_host};

    #[test]
    fn local_hosts() {
        for host in [
            "localhost",
            "api.localhost",
            "127.0.0.1",
            "10.1.2.3",
            "172.20.0.5",
            "192.168.1.10",
            "169.254.169.254",
            "db",
            "printer.local",
            "metadata.google.internal",
            "example.com",
            "api.example.org",
            "service.test",
        ] {
            assert!(is_local_host(host), "{host}");
        }
        for host in [
            "api.github.com",
            "8.8.8.8",
            "172.32.0.1",
            "examples.com",
            "rates.io",
        ] {
            assert!(!is_local_host(host), "{host}");
        }
        assert_eq!(host_without_port("db:5432"), "db");
        assert_eq!(host_without_port("[::1]:80"), "::1");
    }
}
