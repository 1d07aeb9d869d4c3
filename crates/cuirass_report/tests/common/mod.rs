//! The one finding set every format test renders: taint with a cross-file flow, related
//! locations, a masked secret, a whole-line finding, a path with a space and non-ASCII letters,
//! hostile characters in a message and a source line, a rule absent from the enabled list, and a
//! notice of every kind. Everything is fixed (no clock), so output is byte-for-byte stable.
#![allow(dead_code, unreachable_pub)]

pub mod hostile;
pub mod markup;

use std::time::Duration;

use cuirass_diagnostics::{
    AdvisoryRef, Alias, Audit, CodeFrame, Confidence, DataFlow, DependencyDetails, Finding,
    FindingDetails, FlowStep, Impact, Likelihood, Location, Notice, NoticeKind, Owasp2021,
    Position, Related, RuleKind, RuleMeta, Severity, Span, fingerprint,
};
use cuirass_report::{BaselineStats, RunInfo, ScanReport};

/// The secret the fixture's secret finding was made from. No report may ever contain it.
pub const RAW_SECRET: &str = "AKIAIOSFODNN7EXAMPLE";

pub static SQL_STRING_QUERY: RuleMeta = RuleMeta {
    name: "sql-string-query",
    audit: Audit::Code,
    kind: RuleKind::Taint,
    severity: Severity::High,
    confidence: Confidence::Medium,
    likelihood: Likelihood::High,
    impact: Impact::High,
    cwe: &[89],
    owasp: Some(Owasp2021::A03Injection),
    aliases: &[Alias::Bandit("B608"), Alias::Ruff("S608")],
    tags: &["sql"],
    doc: "## What it does\nChecks for SQL queries built from untrusted input. Strings, f-strings and `%` count.\n\n## Why is this bad?\nAn attacker can change the query.\n\n## Example\n```python\ncursor.execute(\"SELECT * FROM t WHERE id = \" + request.args[\"id\"])\n```\n\n## Use instead\n```python\ncursor.execute(\"SELECT * FROM t WHERE id = %s\", (request.args[\"id\"],))\n```\n\n## Fix\nPass the values as query parameters. Never format them into the SQL text.\n\n## References\n- [CWE-89](https://cwe.mitre.org/data/definitions/89.html)\n",
    default_enabled: true,
    file: file!(),
    since: "0.1.0",
};

pub static SUBPROCESS_SHELL_TRUE: RuleMeta = RuleMeta {
    name: "subprocess-shell-true",
    audit: Audit::Code,
    kind: RuleKind::Pattern,
    severity: Severity::High,
    confidence: Confidence::High,
    likelihood: Likelihood::Medium,
    impact: Impact::High,
    cwe: &[78],
    owasp: Some(Owasp2021::A03Injection),
    aliases: &[Alias::Bandit("B602"), Alias::Ruff("S602")],
    tags: &["subprocess"],
    doc: "## What it does\nChecks for `subprocess` calls with `shell=True`.\n\n## Why is this bad?\nThe shell interprets metacharacters.\n\n## Fix\n- Pass a list of arguments\n  and leave `shell` off. Quote with `shlex.quote` only as a last resort.\n\n## References\n- [CWE-78](https://cwe.mitre.org/data/definitions/78.html)\n",
    default_enabled: true,
    file: file!(),
    since: "0.1.0",
};

pub static AWS_ACCESS_KEY: RuleMeta = RuleMeta {
    name: "aws-access-key",
    audit: Audit::Secrets,
    kind: RuleKind::Detector,
    severity: Severity::Critical,
    confidence: Confidence::High,
    likelihood: Likelihood::High,
    impact: Impact::High,
    cwe: &[798],
    owasp: Some(Owasp2021::A07AuthenticationFailures),
    aliases: &[Alias::Other("AWSKeyDetector")],
    tags: &["aws"],
    doc: "## What it does\nFinds AWS access key ids.\n\n## Why is this bad?\nKeys in source leak.\n\n## Fix\nRevoke the key, then load it from the environment.\n",
    default_enabled: true,
    file: file!(),
    since: "0.1.0",
};

/// No *Fix* section: the text report must print no `fix:` line for it.
pub static FLASK_DEBUG_TRUE: RuleMeta = RuleMeta {
    name: "flask-debug-true",
    audit: Audit::Config,
    kind: RuleKind::Pattern,
    severity: Severity::Medium,
    confidence: Confidence::High,
    likelihood: Likelihood::Medium,
    impact: Impact::Medium,
    cwe: &[489, 215],
    owasp: Some(Owasp2021::A05SecurityMisconfiguration),
    aliases: &[Alias::Bandit("B201"), Alias::Ruff("S201")],
    tags: &["flask"],
    doc: "## What it does\nChecks for Flask apps run with `debug=True`.\n\n## Why is this bad?\nThe debugger runs code.\n",
    default_enabled: true,
    file: file!(),
    since: "0.1.0",
};

pub static INSECURE_HASH_MD5: RuleMeta = RuleMeta {
    name: "insecure-hash-md5",
    audit: Audit::Code,
    kind: RuleKind::Pattern,
    severity: Severity::Low,
    confidence: Confidence::Medium,
    likelihood: Likelihood::Low,
    impact: Impact::Medium,
    cwe: &[328],
    owasp: Some(Owasp2021::A02CryptographicFailures),
    aliases: &[Alias::Bandit("B324"), Alias::Ruff("S324")],
    tags: &[],
    doc: "## What it does\nChecks for MD5.\n\n## Fix\nUse SHA-256.\n",
    default_enabled: true,
    file: file!(),
    since: "0.1.0",
};

/// Enabled, but nothing fires: it must still be listed in SARIF `driver.rules`.
pub static YAML_LOAD: RuleMeta = RuleMeta {
    name: "yaml-load",
    audit: Audit::Code,
    kind: RuleKind::Pattern,
    severity: Severity::High,
    confidence: Confidence::High,
    likelihood: Likelihood::Medium,
    impact: Impact::High,
    cwe: &[502],
    owasp: Some(Owasp2021::A08IntegrityFailures),
    aliases: &[Alias::Bandit("B506"), Alias::Ruff("S506")],
    tags: &["yaml"],
    doc: "## What it does\nChecks for `yaml.load` without a safe loader.\n\n## Fix\nUse `yaml.safe_load`.\n",
    default_enabled: true,
    file: file!(),
    since: "0.1.0",
};

/// Not in `RunInfo::rules`: SARIF must add it so its result's `ruleIndex` points somewhere.
pub static PYTHON_EOL: RuleMeta = RuleMeta {
    name: "python-eol",
    audit: Audit::Interpreter,
    kind: RuleKind::Hygiene,
    severity: Severity::Medium,
    confidence: Confidence::High,
    likelihood: Likelihood::Low,
    impact: Impact::Medium,
    cwe: &[1104],
    owasp: Some(Owasp2021::A06VulnerableComponents),
    aliases: &[],
    tags: &[],
    doc: "## What it does\nReports Python versions past their end of life.\n\n## Fix\nMove to a supported Python.\n",
    default_enabled: true,
    file: file!(),
    since: "0.1.0",
};

/// The dependency audit's rule, for the findings of [`dependency_findings`].
pub static VULNERABLE_DEPENDENCY: RuleMeta = RuleMeta {
    name: "vulnerable-dependency",
    audit: Audit::Dependencies,
    kind: RuleKind::Advisory,
    severity: Severity::High,
    confidence: Confidence::High,
    likelihood: Likelihood::Medium,
    impact: Impact::High,
    cwe: &[1395],
    owasp: Some(Owasp2021::A06VulnerableComponents),
    aliases: &[],
    tags: &["osv"],
    doc: "## What it does\nReports dependencies with known vulnerabilities.\n\n## Fix\nUpgrade to the version in *fixed in*. Where there is none, replace or isolate the package.\n",
    default_enabled: true,
    file: file!(),
    since: "0.1.0",
};

pub(crate) fn span(line: u32, column: u32, end_line: u32, end_column: u32) -> Span {
    Span::new(
        Position::new(line, column),
        Position::new(end_line, end_column),
    )
}

pub(crate) fn frame(first_line: u32, lines: &[&str]) -> CodeFrame {
    CodeFrame {
        first_line,
        lines: lines.iter().map(|l| (*l).to_string()).collect(),
    }
}

pub(crate) fn finish(mut finding: Finding, key: &str) -> Finding {
    finding.fingerprint_key = key.to_string();
    finding.fingerprint = fingerprint(finding.rule.name, &finding.location.path, key, 0);
    finding
}

/// The findings, sorted as the pipeline sorts them.
pub fn findings() -> Vec<Finding> {
    let views = "app/views.py";

    let mut sql = Finding::new(
        &SQL_STRING_QUERY,
        "SQL query built from `request.args` reaches `cursor.execute`",
        Location::new(views, span(14, 5, 14, 26)),
    )
    .with_flow(DataFlow {
        steps: vec![
            FlowStep {
                location: Location::new(views, span(12, 12, 12, 24)),
                message: "source: `request.args`".into(),
            },
            FlowStep {
                location: Location::new("app/queries.py", span(8, 12, 8, 40)),
                message: "returned by `build_query`".into(),
            },
            FlowStep {
                location: Location::new(views, span(14, 5, 14, 26)),
                message: "sink: `cursor.execute`".into(),
            },
        ],
    });
    sql.frame = Some(frame(
        12,
        &[
            "    name = request.args[\"name\"]",
            "    query = build_query(name)",
            "    cursor.execute(query)\r",
            "",
        ],
    ));

    let mut shell = Finding::new(
        &SUBPROCESS_SHELL_TRUE,
        // A hostile message: an escape sequence and a newline must not reach the terminal raw.
        "`subprocess.run` called with `shell=True`\u{1b}[2J\nfake: line",
        Location::new(views, span(20, 2, 22, 1)),
    );
    shell.related = vec![
        Related {
            location: Location::new(views, span(2, 1, 2, 18)),
            message: "`subprocess` is imported here".into(),
        },
        Related {
            location: Location::new(views, span(21, 20, 21, 30)),
            message: "`shell=True` is set here".into(),
        },
    ];
    shell.frame = Some(frame(
        20,
        &[
            "\tsubprocess.run(cmd,",
            "\t               shell=True)  # \u{202E} check ok",
        ],
    ));

    let mut md5_text = Finding::new(
        &INSECURE_HASH_MD5,
        "`hashlib.md5` is not collision resistant",
        Location::new("my app/données.py", span(3, 6, 3, 23)),
    );
    md5_text.frame = Some(frame(3, &["名前 = hashlib.md5(data).hexdigest()"]));
    let md5_cache = Finding::new(
        &INSECURE_HASH_MD5,
        "`hashlib.md5` used for a cache key",
        Location::new("my app/données.py", span(9, 5, 9, 16)),
    )
    .with_severity(Severity::Info)
    .with_confidence(Confidence::Low);

    let mut flask = Finding::new(
        &FLASK_DEBUG_TRUE,
        "`app.run(debug=True)` enables the Werkzeug debugger",
        Location::new("config/settings.py", Span::line(3)),
    );
    flask.frame = Some(frame(2, &["", "app.run(debug=True)", ""]));

    let eol = Finding::new(
        &PYTHON_EOL,
        "`requires-python = \">=3.8\"` allows Python 3.8, past its end of life (2024-10-07)",
        Location::new("pyproject.toml", span(5, 1, 5, 28)),
    );

    let mut secret = Finding::new(
        &AWS_ACCESS_KEY,
        "AWS access key id `AKIA****************`",
        Location::new("secrets/.env", span(1, 9, 1, 29)),
    );
    secret.details = Some(FindingDetails::Secret {
        masked: "AKIA****************".into(),
        sha256: "f0a2b6e1c3d4a5b6c7d8e9f00112233445566778899aabbccddeeff001122334".into(),
    });
    secret.frame = Some(frame(1, &["AWS_KEY=AKIA****************"]));

    let mut findings = vec![
        finish(sql, "cursor.execute(query)"),
        finish(shell, "subprocess.run(cmd, shell=True)"),
        finish(md5_text, "名前 = hashlib.md5(data).hexdigest()"),
        finish(md5_cache, "key = hashlib.md5(k)"),
        finish(flask, "app.run(debug=True)"),
        finish(eol, "requires-python = \">=3.8\""),
        // The producer keys a secret by its hash; here the raw value stands in, to prove the
        // key itself is never printed.
        finish(secret, RAW_SECRET),
    ];
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings
}

/// Fails to compile when `NoticeKind` gains a variant: add it to [`notices`] and to the `kind`
/// enum of `docs/json-schema.json`.
fn every_kind_is_covered(kind: NoticeKind) {
    match kind {
        NoticeKind::ParseError
        | NoticeKind::Encoding
        | NoticeKind::Binary
        | NoticeKind::TooLarge
        | NoticeKind::Unreadable
        | NoticeKind::SymlinkLoop
        | NoticeKind::UnknownSuppression
        | NoticeKind::UnusedSuppression
        | NoticeKind::InternalError
        | NoticeKind::Warning => {}
    }
}

/// One notice of every kind, sorted.
pub fn notices() -> Vec<Notice> {
    let mut notices = vec![
        Notice::new(
            NoticeKind::ParseError,
            "demo/bad.py",
            "expected `:`, found newline",
        )
        .at(Position::new(3, 1)),
        Notice::new(
            NoticeKind::Encoding,
            "legacy/latin1.py",
            "not valid UTF-8; decoded lossily",
        ),
        Notice::new(
            NoticeKind::Binary,
            "static/logo.png",
            "looks binary; skipped",
        ),
        Notice::new(
            NoticeKind::TooLarge,
            "data/dump.py",
            "12.0 MiB is over the 2 MiB limit; skipped",
        ),
        Notice::new(
            NoticeKind::Unreadable,
            "private",
            "permission denied (os error 13)",
        ),
        Notice::new(
            NoticeKind::SymlinkLoop,
            "vendor/loop",
            "symbolic link points back at `vendor`",
        ),
        Notice::new(
            NoticeKind::UnknownSuppression,
            "app/views.py",
            "no rule is named `sql-injection`",
        )
        .at(Position::new(7, 20)),
        Notice::new(
            NoticeKind::UnusedSuppression,
            "app/views.py",
            "`# cuirass: ignore[pickle-load]` suppresses nothing",
        )
        .at(Position::new(9, 12)),
        Notice::new(
            NoticeKind::InternalError,
            "app/weird.py",
            "analysis panicked: index out of bounds; please report this",
        ),
        Notice::new(
            NoticeKind::Warning,
            "",
            "the advisory database is 40 days old",
        ),
    ];
    notices.sort();
    notices
}

/// The run facts: fixed, including the clock.
pub fn info() -> RunInfo {
    RunInfo {
        tool_version: "0.1.0".into(),
        paths: vec![".".into(), "my app".into()],
        started_unix: 1_767_225_600, // 2026-01-01T00:00:00Z
        duration: Duration::from_millis(1_234),
        files_scanned: 42,
        audits_run: vec![
            Audit::Code,
            Audit::Config,
            Audit::Secrets,
            Audit::Interpreter,
        ],
        audits_not_run: vec![(
            Audit::Dependencies,
            "no advisory database (run `cuirass db update` or pass --db)".into(),
        )],
        suppressed_inline: 3,
        baseline: Some(BaselineStats {
            matched: 5,
            fixed: 2,
        }),
        rules: vec![
            &YAML_LOAD,
            &SQL_STRING_QUERY,
            &SUBPROCESS_SHELL_TRUE,
            &AWS_ACCESS_KEY,
            &FLASK_DEBUG_TRUE,
            &INSECURE_HASH_MD5,
        ],
    }
}

pub fn report() -> ScanReport {
    ScanReport {
        findings: findings(),
        notices: notices(),
        info: info(),
    }
}

/// Two vulnerable packages (one with a fix, one without) as the dependency audit reports them.
/// Kept out of [`findings`] so the JSON, SARIF and text snapshots stay as they are.
pub fn dependency_findings() -> Vec<Finding> {
    let pyyaml = DependencyDetails {
        package: "pyyaml".into(),
        version: "5.3".into(),
        fixed_in: Some("5.4".into()),
        advisories: vec![
            AdvisoryRef {
                id: "PYSEC-2021-142".into(),
                aliases: vec!["CVE-2020-14343".into(), "GHSA-8q59-q68h-6hv4".into()],
                summary: "Arbitrary code execution through `full_load` and `FullLoader`".into(),
                severity: Severity::Critical,
                cvss_score: Some("9.8".into()),
                cvss_vector: Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".into()),
                url: "https://osv.dev/vulnerability/PYSEC-2021-142".into(),
                fixed: vec!["5.4".into()],
            },
            AdvisoryRef {
                id: "PYSEC-2020-96".into(),
                aliases: vec!["CVE-2020-1747".into()],
                summary: "Code execution with `FullLoader`".into(),
                severity: Severity::Critical,
                cvss_score: None,
                cvss_vector: None,
                url: "https://osv.dev/vulnerability/PYSEC-2020-96".into(),
                fixed: vec!["5.3.1".into()],
            },
        ],
    };
    let mut yaml = Finding::new(
        &VULNERABLE_DEPENDENCY,
        "`pyyaml` 5.3 has 2 known vulnerabilities; 5.4 fixes them",
        Location::new("requirements.txt", span(3, 1, 3, 13)),
    )
    .with_severity(Severity::Critical);
    yaml.details = Some(FindingDetails::Dependency(pyyaml));
    yaml.frame = Some(frame(3, &["pyyaml==5.3"]));

    let legacy = DependencyDetails {
        package: "legacy-crypto".into(),
        version: "0.9".into(),
        fixed_in: None,
        advisories: vec![AdvisoryRef {
            id: "GHSA-xxxx-yyyy-zzzz".into(),
            aliases: Vec::new(),
            summary: "Predictable IVs in `encrypt`".into(),
            severity: Severity::Medium,
            cvss_score: Some("5.9".into()),
            cvss_vector: None,
            url: "https://osv.dev/vulnerability/GHSA-xxxx-yyyy-zzzz".into(),
            fixed: Vec::new(),
        }],
    };
    let mut crypto = Finding::new(
        &VULNERABLE_DEPENDENCY,
        "`legacy-crypto` 0.9 has a known vulnerability and no fixed release",
        Location::new("requirements.txt", span(5, 1, 5, 19)),
    )
    .with_severity(Severity::Medium);
    crypto.details = Some(FindingDetails::Dependency(legacy));

    vec![
        finish(yaml, "pyyaml==5.3"),
        finish(crypto, "legacy-crypto==0.9"),
    ]
}

/// The HTML report's fixture: [`report`] plus [`dependency_findings`], with every audit run.
pub fn html_report() -> ScanReport {
    let mut report = report();
    report.findings.extend(dependency_findings());
    report
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    report.info.audits_run.push(Audit::Dependencies);
    report.info.audits_not_run.clear();
    report.info.rules.push(&VULNERABLE_DEPENDENCY);
    report
}

/// A clean run: nothing found, one audit skipped, no baseline.
pub fn empty_report() -> ScanReport {
    let mut info = info();
    info.baseline = None;
    info.suppressed_inline = 0;
    info.files_scanned = 1;
    ScanReport {
        findings: Vec::new(),
        notices: Vec::new(),
        info,
    }
}

/// Renders with one of the writers into a string.
pub fn render(write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>) -> String {
    let mut buffer = Vec::new();
    write(&mut buffer).unwrap();
    String::from_utf8(buffer).unwrap()
}
