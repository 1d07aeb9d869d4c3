use cuirass_taint::Vuln;

use crate::checker::{Context, Node};
use crate::declare_rule;

use super::helpers::report_flows;

declare_rule! {
    /// ## What it does
    /// Checks for input that chooses the URL (or host) of an outgoing request: `requests`,
    /// `httpx` and `aiohttp` functions, `urllib.request.urlopen()`/`Request()`,
    /// `http.client.HTTPConnection()`, and the request methods of sessions and clients built in
    /// sight. A URL whose literal start fixes scheme and host (`f"https://api.example.com/{id}"`) is
    /// not reported: the input only picks a path on a known host.
    ///
    /// The taint analysis follows input from where it enters — Flask/Werkzeug `request.*` and route
    /// parameters, Django and other views' `request` (`GET`, `POST`, `COOKIES`, `META`, `headers`,
    /// `body`, `FILES`), FastAPI/Starlette parameters and `Request`, aiohttp `match_info`/`query`/
    /// `post()`, `sys.argv`, `input()`, socket reads, and `os.environ` (at medium confidence) —
    /// through assignments, string building, containers, function calls (in this module and, in a
    /// second phase, the project's other modules), `self` attributes, branches and loops, to this
    /// sink. Each finding carries that path. Sources, sinks and sanitisers are data: add your own in
    /// `[tool.cuirass.taint]`.
    ///
    /// ## Why is this bad?
    /// The server makes the request from inside the network with its own credentials: a URL
    /// the client chooses reaches internal services, admin interfaces and the cloud metadata service
    /// (`http://169.254.169.254/`), whose temporary keys open the whole account.
    ///
    /// ## Example
    /// ```python
    /// import requests
    /// from flask import request
    ///
    /// def preview():
    ///     return requests.get(request.args["url"], timeout=5).text
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import requests
    /// from flask import request
    ///
    /// def preview():
    ///     item = request.args["id"]
    ///     return requests.get(f"https://images.example.com/{item}", timeout=5).text
    /// ```
    ///
    /// ## Fix
    /// Build the URL from a fixed scheme and host, or allow only known hosts, checked on the
    /// parsed URL (`cuirass.validation` URL validators); refuse private and link-local addresses after
    /// resolving the name, and do not follow redirects blindly.
    ///
    /// ## References
    /// - [CWE-918: Server-Side Request Forgery (SSRF)](https://cwe.mitre.org/data/definitions/918.html)
    /// - [OWASP SSRF Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html)
    pub(super) RULE = {
        name: "tainted-ssrf",
        audit: Code,
        kind: Taint,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [918],
        owasp: A10Ssrf,
        aliases: [],
        tags: ["taint", "ssrf", "requests", "httpx"],
        interest: [Module],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    report_flows(ctx, node, Vuln::Ssrf, |sink, source| {
        format!(
            "{sink} requests a URL built from {source}, so the client chooses which host the server calls; fix the host or allow only known ones"
        )
    });
}
