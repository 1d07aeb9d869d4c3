use cuirass_taint::Vuln;

use crate::checker::{Context, Node};
use crate::declare_rule;

use super::helpers::report_flows;

declare_rule! {
    /// ## What it does
    /// Checks for input that reaches an LDAP search filter: python-ldap's `search*()` methods
    /// and ldap3's `Connection.search()`. Values escaped with `escape_filter_chars()` (or built with
    /// `filter_format()`) are safe.
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
    /// `*`, `(`, `)` and `|` in the input rewrite the filter: `*)(uid=*` matches every entry,
    /// which turns a login check into "any password works" or lists the whole directory.
    ///
    /// ## Example
    /// ```python
    /// import ldap
    /// from flask import request
    ///
    /// def find(conn):
    ///     user = request.form["user"]
    ///     return conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, f"(uid={user})")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import ldap
    /// from ldap.filter import escape_filter_chars
    /// from flask import request
    ///
    /// def find(conn):
    ///     user = escape_filter_chars(request.form["user"])
    ///     return conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, f"(uid={user})")
    /// ```
    ///
    /// ## Fix
    /// Escape every value put into a filter with `ldap.filter.escape_filter_chars` (or
    /// `ldap3.utils.conv.escape_filter_chars`), or build it with `ldap.filter.filter_format`.
    ///
    /// ## References
    /// - [CWE-90: LDAP Injection](https://cwe.mitre.org/data/definitions/90.html)
    /// - [OWASP LDAP Injection Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/LDAP_Injection_Prevention_Cheat_Sheet.html)
    pub(super) RULE = {
        name: "tainted-ldap",
        audit: Code,
        kind: Taint,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [90],
        owasp: A03Injection,
        aliases: [],
        tags: ["taint", "ldap"],
        interest: [Module],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    report_flows(ctx, node, Vuln::Ldap, |sink, source| {
        format!(
            "{sink} runs an LDAP filter built from {source}; escape the value with `escape_filter_chars`"
        )
    });
}
