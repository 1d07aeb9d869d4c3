use cuirass_taint::Vuln;

use crate::checker::{Context, Node};
use crate::declare_rule;

use super::helpers::report_flows;

declare_rule! {
    /// ## What it does
    /// Checks for input written into an HTTP response header: stores into
    /// `response.headers[...]`, into a Django response (`response["X-Thing"] = …`), the `headers=`
    /// of a response, and Tornado's `set_header()`. Percent-encoding (`urllib.parse.quote`) and
    /// `werkzeug.utils.secure_filename` are sanitisers; so is `.replace("\n", …)`.
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
    /// A carriage return and line feed in the value end the header: the client adds headers of
    /// its choosing (a `Set-Cookie`, a cache directive) or a whole second response. Current servers
    /// refuse most of these, but the value still controls what the header says.
    ///
    /// ## Example
    /// ```python
    /// from flask import make_response, request
    ///
    /// def download():
    ///     response = make_response(data)
    ///     response.headers["Content-Disposition"] = f"attachment; filename={request.args['name']}"
    ///     return response
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from urllib.parse import quote
    /// from flask import make_response, request
    ///
    /// def download():
    ///     response = make_response(data)
    ///     name = quote(request.args["name"])
    ///     response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    ///     return response
    /// ```
    ///
    /// ## Fix
    /// Percent-encode values put into headers (`urllib.parse.quote`), or allow only the
    /// expected characters; never copy input into `Location`, `Set-Cookie` or `Content-Disposition`
    /// unchecked.
    ///
    /// ## References
    /// - [CWE-113: HTTP Response Splitting](https://cwe.mitre.org/data/definitions/113.html)
    /// - [OWASP: HTTP Response Splitting](https://owasp.org/www-community/attacks/HTTP_Response_Splitting)
    pub(super) RULE = {
        name: "tainted-header",
        audit: Code,
        kind: Taint,
        severity: Medium,
        confidence: High,
        likelihood: Medium,
        impact: Medium,
        cwe: [113],
        owasp: A03Injection,
        aliases: [],
        tags: ["taint", "headers", "http"],
        interest: [Module],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    report_flows(ctx, node, Vuln::Header, |sink, source| {
        format!(
            "{source} is written into {sink}; percent-encode it (`urllib.parse.quote`) so line breaks cannot add headers"
        )
    });
}
