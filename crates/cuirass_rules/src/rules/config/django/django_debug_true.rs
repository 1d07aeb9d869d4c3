use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::rules::config::django::helpers::Settings;
use crate::rules::config::helpers::{Value, bool_literal};

declare_rule! {
    /// ## What it does
    /// Checks for `DEBUG = True` in a Django settings module (Django's deployment check
    /// `security.W018`).
    ///
    /// Only a literal counts: `DEBUG = env.bool("DEBUG")`, `DEBUG = os.environ.get("DEBUG") ==
    /// "1"` and assignments inside `if` blocks depend on the environment and are not reported.
    /// Settings named for development or tests (`dev.py`, `local_settings.py`,
    /// `settings/test.py`) are expected to turn debugging on and are skipped; in a base module
    /// (`base.py`, `common.py`), which the deployed settings may override, the finding has low
    /// confidence. See the crate docs for how a settings module is recognised.
    ///
    /// ## Why is this bad?
    /// With `DEBUG` on, every error page shows a full traceback with local variables, the
    /// settings (Django masks only names that look secret), the SQL queries run and the URL
    /// configuration. Django also keeps every SQL query in memory, and serves static files
    /// itself.
    ///
    /// ## Example
    /// ```python
    /// DEBUG = True
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
    /// ```
    ///
    /// ## Fix
    /// Read `DEBUG` from the environment with a default of off, or keep it in a development-only
    /// settings module. Serve error pages that show a correlation id, not a trace
    /// (`cuirass.web`'s safe error pages).
    ///
    /// ## References
    /// - [CWE-489: Active Debug Code](https://cwe.mitre.org/data/definitions/489.html)
    /// - [CWE-215: Insertion of Sensitive Information Into Debugging Code](https://cwe.mitre.org/data/definitions/215.html)
    /// - [Django: `DEBUG`](https://docs.djangoproject.com/en/stable/ref/settings/#debug)
    /// - [Django deployment checklist](https://docs.djangoproject.com/en/stable/howto/deployment/checklist/)
    pub(super) RULE = {
        name: "django-debug-true",
        audit: Config,
        kind: Pattern,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [489, 215],
        owasp: A05SecurityMisconfiguration,
        aliases: [],
        tags: ["django", "debug"],
        interest: [Module],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Some(settings) = Settings::of(ctx, node) else {
        return;
    };
    if !settings.is_deployed() {
        return;
    }
    if let Value::Set(assignment) = settings.top.value("DEBUG")
        && bool_literal(assignment.value) == Some(true)
    {
        settings.report(
            ctx,
            assignment.range(),
            "`DEBUG = True` shows tracebacks, settings and SQL to anyone who triggers an error; read it from the environment and keep it off in deployment".to_string(),
        );
    }
}
