use cuirass_taint::Vuln;

use crate::checker::{Context, Node};
use crate::declare_rule;

use super::helpers::report_flows;

declare_rule! {
    /// ## What it does
    /// Checks for input that reaches SQL text: the query of `.execute()`, `.executemany()`,
    /// `.executescript()`, `.mogrify()`, Django's `.raw()`/`.extra()` and `RawSQL()`,
    /// `sqlalchemy.text()` and `pandas.read_sql()`. Values passed as query *parameters* (the second
    /// argument of `execute`) are bound by the driver and are not reported.
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
    /// A value pasted into SQL text is parsed as SQL: `x' OR '1'='1` changes what the query
    /// selects, and a stacked `; DROP TABLE …` may run too. This is a proven flow from input, so
    /// unlike `sql-string-query` (which flags any SQL built at run time) it is reported at high
    /// confidence.
    ///
    /// ## Example
    /// ```python
    /// from flask import request
    ///
    /// def search(cursor):
    ///     name = request.args["name"]
    ///     cursor.execute(f"SELECT * FROM users WHERE name = '{name}'")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from flask import request
    ///
    /// def search(cursor):
    ///     name = request.args["name"]
    ///     cursor.execute("SELECT * FROM users WHERE name = %s", (name,))
    /// ```
    ///
    /// ## Fix
    /// Pass values as query parameters (`%s`, `?` or `:name`, as the driver wants) or use the
    /// ORM's query builder. Identifiers (table and column names) cannot be parameters: pick them from
    /// an allow-list (`if column not in ALLOWED_COLUMNS: abort(400)`), which the analysis recognises.
    ///
    /// ## References
    /// - [CWE-89: SQL Injection](https://cwe.mitre.org/data/definitions/89.html)
    /// - [OWASP Query Parameterization Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Query_Parameterization_Cheat_Sheet.html)
    pub(super) RULE = {
        name: "tainted-sql",
        audit: Code,
        kind: Taint,
        severity: Critical,
        confidence: High,
        likelihood: High,
        impact: High,
        cwe: [89],
        owasp: A03Injection,
        aliases: [],
        tags: ["taint", "sql"],
        interest: [Module],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    report_flows(ctx, node, Vuln::Sql, |sink, source| {
        format!("{sink} runs SQL built from {source}; pass the value as a query parameter instead")
    });
}
