use cuirass_diagnostics::Confidence;
use cuirass_python::Ranged;
use cuirass_python::ast::Expr;

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::rules::config::django::helpers::Settings;
use crate::rules::config::helpers::{
    Assignment, Purpose, environment_fallback, report_secret, weak_key_reason,
};

declare_rule! {
    /// ## What it does
    /// Checks for a Django `SECRET_KEY` (or an entry of `SECRET_KEY_FALLBACKS`) written as a
    /// string literal in a settings module, and for a literal used as the fallback of an
    /// environment lookup (`os.environ.get("SECRET_KEY", "…")`, `env("SECRET_KEY",
    /// default="…")`, `os.getenv("SECRET_KEY") or "…"`, at low confidence). The message says
    /// when the value also fails Django's own check (`security.W009`/`W025`: shorter than 50
    /// characters, fewer than 5 distinct characters, or the `django-insecure-` prefix of the key
    /// `startproject` generates).
    ///
    /// A key read from the environment or a file without a fallback is fine. An empty string is
    /// not reported (Django refuses to start with it). In settings named for development or
    /// tests the finding has low confidence, in a base module medium. Messages and code frames
    /// show at most the first four characters of the key, never more than half of it.
    ///
    /// `hardcoded-password` also reports many of these lines (its heuristics see a secret-key
    /// name); this rule knows it is Django's signing key, applies Django's own strength check,
    /// and also reports values that look like words.
    ///
    /// ## Why is this bad?
    /// `SECRET_KEY` signs sessions (with the signed-cookie session backend, a forged session
    /// is a login as anyone), password-reset tokens, CSRF tokens and everything made with
    /// `django.core.signing`. A key in the repository is known to everyone with access to it,
    /// its history and its forks, and rotating it needs a code change.
    ///
    /// ## Example
    /// ```python
    /// SECRET_KEY = "django-insecure-3x!q…"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
    /// ```
    ///
    /// ## Fix
    /// Generate a new key (`django.core.management.utils.get_random_secret_key()`), keep it in
    /// the environment or a secret store and read it with `cuirass.secrets.env("DJANGO_SECRET_KEY")`,
    /// which fails loudly when it is missing instead of falling back to a known value. Rotate
    /// the committed key: put the new one in `SECRET_KEY` and the old one in
    /// `SECRET_KEY_FALLBACKS` until old sessions expire.
    ///
    /// ## References
    /// - [CWE-321: Use of Hard-coded Cryptographic Key](https://cwe.mitre.org/data/definitions/321.html)
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [Django: `SECRET_KEY`](https://docs.djangoproject.com/en/stable/ref/settings/#secret-key)
    /// - [Django deployment checklist: `SECRET_KEY`](https://docs.djangoproject.com/en/stable/howto/deployment/checklist/#secret-key)
    pub(super) RULE = {
        name: "django-secret-key-literal",
        audit: Config,
        kind: Pattern,
        severity: High,
        confidence: High,
        likelihood: Medium,
        impact: High,
        cwe: [321, 798],
        owasp: A02CryptographicFailures,
        aliases: [],
        tags: ["django", "secret"],
        interest: [Module],
        check: check,
    }
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Some(settings) = Settings::of(ctx, node) else {
        return;
    };
    let confidence = match settings.purpose {
        Purpose::Development => Some(Confidence::Low),
        Purpose::Base => Some(Confidence::Medium),
        Purpose::Production => None,
    };
    let mut reports: Vec<(&Expr, &Assignment<'_>, bool)> = Vec::new();
    for assignment in settings.top.of("SECRET_KEY") {
        if assignment.value.is_string_literal_expr() {
            reports.push((assignment.value, assignment, false));
        } else if let Some(fallback) = environment_fallback(ctx, assignment.value) {
            reports.push((fallback, assignment, true));
        }
    }
    for assignment in settings.top.of("SECRET_KEY_FALLBACKS") {
        if let Expr::List(list) = assignment.value {
            for element in &list.elts {
                if element.is_string_literal_expr() {
                    reports.push((element, assignment, false));
                }
            }
        } else if let Expr::Tuple(tuple) = assignment.value {
            for element in &tuple.elts {
                if element.is_string_literal_expr() {
                    reports.push((element, assignment, false));
                }
            }
        }
    }
    for (literal, assignment, fallback) in reports {
        let Expr::StringLiteral(string) = literal else {
            continue;
        };
        let value = string.value.to_str();
        if value.is_empty() {
            continue;
        }
        let weak = weak_key_reason(value)
            .map(|reason| format!(", and Django's deployment check rejects it: {reason}"))
            .unwrap_or_default();
        let name = assignment.name;
        let range = if fallback {
            assignment.range()
        } else {
            literal.range()
        };
        let finding = report_secret(ctx, literal, range, |shown| {
            if fallback {
                format!(
                    "`{name}` falls back to the hard-coded key {shown} when the environment variable is unset{weak}; fail instead of falling back (`cuirass.secrets.env`)"
                )
            } else {
                format!(
                    "hard-coded Django `{name}` {shown}: anyone with the code can forge sessions and signed tokens{weak}; read it from the environment (`cuirass.secrets.env`) and rotate it"
                )
            }
        });
        let confidence = if fallback {
            Some(Confidence::Low)
        } else {
            confidence
        };
        if let (Some(finding), Some(confidence)) = (finding, confidence) {
            finding.confidence = confidence;
        }
    }
}
