use cuirass_taint::Vuln;

use crate::checker::{Context, Node};
use crate::declare_rule;

use super::helpers::report_flows;

declare_rule! {
    /// ## What it does
    /// Checks for input written to a log unescaped: the message and arguments of `logging`'s
    /// functions and of the methods of a logger (`logging.getLogger(…)`, or a variable named
    /// `logger`/`log`). Values whose line breaks were removed (`.replace("\n", "")`) or that were
    /// percent-encoded are safe.
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
    /// A line break in the value starts a new, forged log record (`…\nINFO admin logged in`),
    /// misleading whoever reads the log or the tools that parse it, and control characters can attack
    /// the terminal it is viewed in.
    ///
    /// ## Example
    /// ```python
    /// import logging
    /// from flask import request
    ///
    /// log = logging.getLogger(__name__)
    ///
    /// def login():
    ///     log.info("login attempt for %s", request.form["user"])
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import logging
    /// from flask import request
    ///
    /// log = logging.getLogger(__name__)
    ///
    /// def login():
    ///     log.info("login attempt for %r", request.form["user"].replace("\n", ""))
    /// ```
    ///
    /// ## Fix
    /// Log input with `%r` (which escapes line breaks), or strip CR and LF first; better, log
    /// structured records (JSON) whose encoder escapes every value. `cuirass.secrets`' logging filter
    /// also keeps secrets out of the same records.
    ///
    /// ## References
    /// - [CWE-117: Improper Output Neutralization for Logs](https://cwe.mitre.org/data/definitions/117.html)
    /// - [OWASP Logging Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html)
    pub(super) RULE = {
        name: "tainted-log",
        audit: Code,
        kind: Taint,
        severity: Low,
        confidence: High,
        likelihood: Medium,
        impact: Low,
        cwe: [117],
        owasp: A09LoggingFailures,
        aliases: [],
        tags: ["taint", "logging"],
        interest: [Module],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    report_flows(ctx, node, Vuln::Log, |sink, source| {
        format!(
            "{sink} logs {source} unescaped; a line break in it forges log records, so strip CR/LF or log it with `%r`"
        )
    });
}
