//! Connection URLs and basic-auth URLs with a password in them.

use cuirass_diagnostics::{Confidence, RuleMeta, Severity};

use crate::engine::{Candidate, Detector, Grade, PRIORITY_URL, Placeholders, Scope};
use crate::placeholder::value_is_placeholder;

secret_rule! {
    /// ## What it does
    /// Finds passwords in URLs: database connection URLs (`postgres://user:pass@host`,
    /// `postgresql+psycopg://`, `mysql://`, `mariadb://`, `mongodb://`, `mongodb+srv://`),
    /// `redis://:pass@` / `rediss://`, `amqp://` / `amqps://`, and basic auth in any other
    /// `scheme://user:pass@host`. Not reported: an empty password (`user:@`), placeholders
    /// (`${PASSWORD}`, `{password}`, `%(pw)s`, `changeme`, `password`), a password equal to the
    /// user name (`postgres:postgres`), and `user@host` without a colon. Passwords for
    /// `localhost` are reported at low severity.
    ///
    /// ## Why is this bad?
    /// The URL is a complete login: anyone who reads it connects to the database or broker
    /// with that user's rights. Connection strings also end up in logs and error pages.
    ///
    /// ## Example
    /// ```python
    /// DATABASE_URL = "postgresql://app:<password>@db.internal:5432/app"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import os
    ///
    /// DATABASE_URL = os.environ["DATABASE_URL"]
    /// ```
    ///
    /// ## Fix
    /// Change the password on the server, and build the URL from the environment or a secret
    /// manager at run time (or use IAM/identity-based authentication where the service offers
    /// it). When logging URLs, redact them (`cuirass.secrets.redact`).
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [CWE-259: Use of Hard-coded Password](https://cwe.mitre.org/data/definitions/259.html)
    /// - [RFC 3986 §3.2.1: User Information](https://www.rfc-editor.org/rfc/rfc3986#section-3.2.1)
    pub(crate) URL_PASSWORD = {
        name: "url-password",
        kind: Detector,
        severity: High,
        confidence: Medium,
        likelihood: Medium,
        impact: High,
        cwe: [798, 259],
        owasp: A07AuthenticationFailures,
        aliases: [Other("BasicAuthDetector")],
        tags: ["password", "url", "database"],
    }
}

pub(crate) static RULES: &[&RuleMeta] = &[&URL_PASSWORD];

/// Schemes that have their own detector; the generic one leaves them alone.
const SPECIFIC: &[&str] = &[
    "postgres",
    "postgresql",
    "mysql",
    "mariadb",
    "mongodb",
    "redis",
    "rediss",
    "amqp",
    "amqps",
];

const LOCAL_HOSTS: &[&str] = &[
    "localhost",
    "127.0.0.1",
    "0.0.0.0",
    "[::1]",
    "host.docker.internal",
];

const EXAMPLE_HOSTS: &[&str] = &["host", "hostname", "server", "domain", "example"];

fn url_password(c: &Candidate<'_>, specific: bool) -> Option<Grade> {
    let scheme = c.group("scheme")?.to_ascii_lowercase();
    let base = scheme.split('+').next().unwrap_or("");
    if !specific && SPECIFIC.contains(&base) {
        return None;
    }
    let user = c.group("user").unwrap_or("");
    let password = c.secret;
    let host = c.group("host")?.to_ascii_lowercase();
    let user_lower = user.to_ascii_lowercase();
    if value_is_placeholder(password)
        || password.eq_ignore_ascii_case(user)
        || matches!(user_lower.as_str(), "anonymous" | "ftp")
        // SQLAlchemy's and Oracle's documentation login.
        || (user_lower == "scott" && password.to_ascii_lowercase().starts_with("tiger"))
        || user.contains('{')
        || user.starts_with('$')
        || EXAMPLE_HOSTS.contains(&host.as_str())
        || host
            .split('.')
            .any(|label| matches!(label, "foo" | "bar" | "baz" | "example" | "test"))
        || host.contains("example.")
        || host.starts_with('{')
        || host.starts_with('$')
    {
        return None;
    }
    let mut grade = c.detector.grade();
    if specific {
        grade = grade.with_confidence(Confidence::High);
    }
    if LOCAL_HOSTS.contains(&host.as_str()) {
        grade = grade
            .with_severity(Severity::Low)
            .with_note("for a local server; still a real password if it is reused");
    }
    Some(grade)
}

macro_rules! url_detector {
    ($id:literal, $label:literal, [$($pre:literal),+], $scheme:literal, $specific:literal) => {
        &Detector {
            id: $id,
            rule: &URL_PASSWORD,
            label: $label,
            prefilter: &[$($pre),+],
            pattern: concat!(
                r#"(?P<scheme>"#,
                $scheme,
                r#")://(?P<user>[^\s:@/?#'"<>`]*):(?P<s>[^\s@/?#'"<>`]+)@(?P<host>[^\s/?#'"<>`:@,;]+)"#
            ),
            scope: Scope::Line,
            check: Some(|c| url_password(c, $specific)),
            placeholders: Placeholders::Off,
            priority: PRIORITY_URL,
            heuristic: false,
        }
    };
}

pub(crate) static DETECTORS: &[&Detector] = &[
    url_detector!(
        "postgres-url-password",
        "password in a PostgreSQL URL",
        ["postgres"],
        r"(?-u:\b)(?i:postgres(?:ql)?(?:\+[a-z0-9]+)?)",
        true
    ),
    url_detector!(
        "mysql-url-password",
        "password in a MySQL URL",
        ["mysql", "mariadb"],
        r"(?-u:\b)(?i:(?:mysql|mariadb)(?:\+[a-z0-9]+)?)",
        true
    ),
    url_detector!(
        "mongodb-url-password",
        "password in a MongoDB URL",
        ["mongodb"],
        r"(?-u:\b)(?i:mongodb(?:\+srv)?)",
        true
    ),
    url_detector!(
        "redis-url-password",
        "password in a Redis URL",
        ["redis"],
        r"(?-u:\b)(?i:rediss?)",
        true
    ),
    url_detector!(
        "amqp-url-password",
        "password in an AMQP URL",
        ["amqp"],
        r"(?-u:\b)(?i:amqps?)",
        true
    ),
    url_detector!(
        "basic-auth-url-password",
        "password in a URL",
        ["://"],
        r"(?-u:\b)[A-Za-z][A-Za-z0-9+.\-]{1,30}",
        false
    ),
];
