use cuirass_diagnostics::Confidence;
use cuirass_python::ast::Expr;

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::rules::config::flask::helpers::flask_settings;
use crate::rules::config::helpers::{environment_fallback, report_secret};

declare_rule! {
    /// ## What it does
    /// Checks for a Flask `SECRET_KEY` written as a string literal wherever Flask applications
    /// set configuration: `app.secret_key = "…"`, `app.config["SECRET_KEY"] = "…"`,
    /// `app.config.update(SECRET_KEY="…")` / `from_mapping(…)`, a configuration class
    /// (`class ProductionConfig(Config): SECRET_KEY = "…"`) or a module-level name in a file that
    /// imports Flask. Entries of `SECRET_KEY_FALLBACKS` (Flask 3.1) count too. A literal used as
    /// the fallback of an environment lookup (`os.environ.get("SECRET_KEY", "dev")`) is reported
    /// at low confidence.
    ///
    /// The application is resolved through the semantic model (see `flask-debug-true`): an
    /// object bound to `Flask(…)` gives high confidence, an unknown one in a file that imports
    /// Flask medium, anything else nothing. In classes or files named for development or tests
    /// the finding has low confidence. An empty string is not reported. Messages and code frames
    /// show at most the first four characters of the key, never more than half of it.
    /// `hardcoded-password` reports some of the same lines by name; this rule knows the value
    /// is Flask's signing key and also reports values that read like words ("dev-key").
    ///
    /// ## Why is this bad?
    /// Flask signs its session cookie with `SECRET_KEY`: whoever knows the key can write any
    /// session — log in as any user, become an administrator. Extensions (Flask-Login's
    /// remember-me cookie, Flask-WTF's CSRF tokens, itsdangerous tokens for password resets)
    /// sign with it too. A key in the repository is known to everyone who can read it.
    ///
    /// ## Example
    /// ```python
    /// from flask import Flask
    ///
    /// app = Flask(__name__)
    /// app.secret_key = "dev"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// from flask import Flask
    ///
    /// app = Flask(__name__)
    /// app.secret_key = os.environ["FLASK_SECRET_KEY"]
    /// ```
    ///
    /// ## Fix
    /// Generate a key (`python -c 'import secrets; print(secrets.token_hex(32))'`), keep it in
    /// the environment or a secret store, and read it with `cuirass.secrets.env("FLASK_SECRET_KEY")`,
    /// which fails when it is missing rather than falling back to a known value. Rotate the
    /// committed key (`SECRET_KEY_FALLBACKS` keeps old sessions valid meanwhile).
    ///
    /// ## References
    /// - [CWE-321: Use of Hard-coded Cryptographic Key](https://cwe.mitre.org/data/definitions/321.html)
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [Flask: `SECRET_KEY`](https://flask.palletsprojects.com/en/stable/config/#SECRET_KEY)
    pub(super) RULE = {
        name: "flask-secret-key-literal",
        audit: Config,
        kind: Pattern,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [321, 798],
        owasp: A02CryptographicFailures,
        aliases: [],
        tags: ["flask", "secret"],
        interest: [Assign, Call],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    for setting in flask_settings(ctx, node) {
        let mut literals: Vec<(&Expr, bool)> = Vec::new();
        match setting.key.as_str() {
            "SECRET_KEY" => {
                if setting.value.is_string_literal_expr() {
                    literals.push((setting.value, false));
                } else if let Some(fallback) = environment_fallback(ctx, setting.value) {
                    literals.push((fallback, true));
                }
            }
            "SECRET_KEY_FALLBACKS" => {
                if let Expr::List(list) = setting.value {
                    literals.extend(
                        list.elts
                            .iter()
                            .filter(|e| e.is_string_literal_expr())
                            .map(|e| (e, false)),
                    );
                }
            }
            _ => continue,
        }
        for (literal, fallback) in literals {
            if matches!(literal, Expr::StringLiteral(s) if s.value.to_str().is_empty()) {
                continue;
            }
            let key = &setting.key;
            let finding = report_secret(ctx, literal, setting.range, |shown| {
                if fallback {
                    format!(
                        "Flask `{key}` falls back to the hard-coded key {shown} when the environment variable is unset; fail instead of falling back (`cuirass.secrets.env`)"
                    )
                } else {
                    format!(
                        "hard-coded Flask `{key}` {shown}: anyone with the code can forge session cookies; read it from the environment (`cuirass.secrets.env`) and rotate it"
                    )
                }
            });
            if let Some(finding) = finding {
                finding.confidence = if fallback || setting.is_for_development() {
                    Confidence::Low
                } else {
                    setting.confidence
                };
            }
        }
    }
}
