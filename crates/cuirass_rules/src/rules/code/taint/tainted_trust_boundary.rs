use cuirass_taint::Vuln;

use crate::checker::{Context, Node};
use crate::declare_rule;

use super::helpers::report_flows;

declare_rule! {
    /// ## What it does
    /// Checks for input stored into the server-side session without validation: Flask's
    /// `session[...] = …` and Django's `request.session[...] = …`.
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
    /// Code reads the session as trusted state the server itself wrote (who the user is, what
    /// they may do). Input stored there unchecked crosses that boundary: later code trusts a value
    /// the client chose, such as a role, a user id or a redirect target.
    ///
    /// ## Example
    /// ```python
    /// from flask import request, session
    ///
    /// def set_role():
    ///     session["role"] = request.form["role"]
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from flask import abort, request, session
    ///
    /// ROLES = {"viewer", "editor"}
    ///
    /// def set_role():
    ///     role = request.form["role"]
    ///     if role not in ROLES:
    ///         abort(400)
    ///     session["role"] = role
    /// ```
    ///
    /// ## Fix
    /// Validate input before storing it in the session: an allow-list, a conversion
    /// (`int(...)`), or a lookup of the server's own record (store the user id you looked up, not the
    /// name the client sent). `cuirass.sessions` keeps session state server-side.
    ///
    /// ## References
    /// - [CWE-501: Trust Boundary Violation](https://cwe.mitre.org/data/definitions/501.html)
    /// - [OWASP Session Management Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html)
    pub(super) RULE = {
        name: "tainted-trust-boundary",
        audit: Code,
        kind: Taint,
        severity: Medium,
        confidence: High,
        likelihood: Low,
        impact: High,
        cwe: [501],
        owasp: A04InsecureDesign,
        aliases: [],
        tags: ["taint", "session"],
        interest: [Module],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    report_flows(ctx, node, Vuln::TrustBoundary, |sink, source| {
        format!(
            "{source} is stored into {sink}, which the application trusts, without validation; validate it first"
        )
    });
}
