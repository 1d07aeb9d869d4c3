use cuirass_taint::Vuln;

use crate::checker::{Context, Node};
use crate::declare_rule;

use super::helpers::report_flows;

declare_rule! {
    /// ## What it does
    /// Checks for input that chooses where a response redirects: Flask/Werkzeug `redirect()`,
    /// Django's `redirect()`, `HttpResponseRedirect` and `HttpResponsePermanentRedirect`, and
    /// Starlette/FastAPI's `RedirectResponse`. A target whose literal start is a local path
    /// (`"/profile/" + name`) or a fixed host is not reported, nor one checked with Django's
    /// `url_has_allowed_host_and_scheme()`.
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
    /// A link on your domain that sends visitors anywhere is a phishing tool: the victim sees
    /// your host in the link and lands on the attacker's look-alike login page.
    ///
    /// ## Example
    /// ```python
    /// from flask import redirect, request
    ///
    /// def login_done():
    ///     return redirect(request.args["next"])
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from flask import redirect, request, url_for
    /// from django.utils.http import url_has_allowed_host_and_scheme
    ///
    /// def login_done():
    ///     target = request.args.get("next", "")
    ///     if not url_has_allowed_host_and_scheme(target, allowed_hosts={"example.com"}):
    ///         target = url_for("home")
    ///     return redirect(target)
    /// ```
    ///
    /// ## Fix
    /// Redirect only to local paths or allow-listed hosts: check the target with
    /// `url_has_allowed_host_and_scheme()` (or `cuirass.validation`'s URL validator with allowed
    /// hosts), or redirect to a named route (`url_for`, `reverse`) chosen by a key.
    ///
    /// ## References
    /// - [CWE-601: Open Redirect](https://cwe.mitre.org/data/definitions/601.html)
    /// - [OWASP Unvalidated Redirects and Forwards Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html)
    pub(super) RULE = {
        name: "tainted-redirect",
        audit: Code,
        kind: Taint,
        severity: Medium,
        confidence: High,
        likelihood: High,
        impact: Medium,
        cwe: [601],
        owasp: A01BrokenAccessControl,
        aliases: [],
        tags: ["taint", "redirect"],
        interest: [Module],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    report_flows(ctx, node, Vuln::Redirect, |sink, source| {
        format!(
            "{sink} redirects to a URL taken from {source}; allow only local paths or known hosts"
        )
    });
}
