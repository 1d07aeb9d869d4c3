//! A report of a hostile repository: file names, messages, code lines, advisory data, notices and
//! run facts that carry HTML and script payloads. A payload that ran in a browser would set
//! `data-pwned` on `<body>` or change the title, which the browser test looks for.

use cuirass_diagnostics::{
    AdvisoryRef, Audit, Confidence, DataFlow, DependencyDetails, Finding, FindingDetails, FlowStep,
    Impact, Likelihood, Location, Notice, NoticeKind, Position, Related, RuleKind, RuleMeta,
    Severity,
};
use cuirass_report::ScanReport;

use super::{SQL_STRING_QUERY, finish, frame, info, span};

/// Every payload, each of which must reach the page as text only.
pub const PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "</script><script>document.body.dataset.pwned=1</script>",
    "'><svg onload=document.body.dataset.pwned=1>",
    "javascript:alert(1)",
    "<!-- ]]> -->",
];

/// Even our own rule texts are escaped: a rule whose name and docs carry payloads.
pub static HOSTILE_RULE: RuleMeta = RuleMeta {
    name: "hostile\"><img src=x onerror=alert(1)>",
    audit: Audit::Code,
    kind: RuleKind::Pattern,
    severity: Severity::High,
    confidence: Confidence::High,
    likelihood: Likelihood::High,
    impact: Impact::High,
    cwe: &[79],
    owasp: None,
    aliases: &[],
    tags: &[],
    doc: "## What it does\nNothing.\n\n## Fix\n<script>document.body.dataset.pwned=1</script> \
          see [docs](javascript:document.body.dataset.pwned=1) or \
          [more](https://example.test/\"onmouseover=\"alert(1)) and `</code><img src=x onerror=alert(1)>`.\n\n\
          ```\n</pre><script>alert(1)</script>\n```\n",
    default_enabled: true,
    file: file!(),
    since: "0.1.0",
};

pub fn report() -> ScanReport {
    let evil_path = "src/\"><img src=x onerror=alert(1)>.py";
    let script_path = "</script><script>document.body.dataset.pwned=1</script>/x.py";

    let mut first = Finding::new(
        &SQL_STRING_QUERY,
        "<script>alert(1)</script> reaches `</code><script>alert(1)</script>` \u{2028}end",
        Location::new(evil_path, span(2, 5, 2, 30)),
    )
    .with_flow(DataFlow {
        steps: vec![
            FlowStep {
                location: Location::new(script_path, span(1, 1, 1, 5)),
                message: "source: `'><svg onload=document.body.dataset.pwned=1>`".into(),
            },
            FlowStep {
                location: Location::new(evil_path, span(2, 5, 2, 30)),
                message: "sink: javascript:alert(1)".into(),
            },
        ],
    });
    first.related = vec![Related {
        location: Location::new(script_path, span(3, 1, 3, 2)),
        message: "<a href=\"javascript:alert(1)\">click</a>".into(),
    }];
    first.frame = Some(frame(
        1,
        &[
            "x = \"</script><script>document.body.dataset.pwned=1</script>\"",
            "cursor.execute('\"><img src=x onerror=alert(1)>' + q)",
            "# <!-- ]]> --> \u{2028} \u{2029} \u{202E} \u{1b}[2J",
        ],
    ));

    let mut second = Finding::new(
        &HOSTILE_RULE,
        "`\"><img src=x onerror=alert(1)>`",
        Location::new(script_path, span(1, 1, 1, 40)),
    );
    second.frame = Some(frame(1, &["<svg onload=document.body.dataset.pwned=1>"]));
    second.details = Some(FindingDetails::Secret {
        masked: "<scr****".into(),
        sha256: "<script>never shown</script>".into(),
    });

    let mut third = Finding::new(
        &SQL_STRING_QUERY,
        "dependency <img src=x onerror=alert(1)>",
        Location::new("requirements.txt", span(1, 1, 1, 2)),
    );
    third.details = Some(FindingDetails::Dependency(DependencyDetails {
        package: "<img src=x onerror=alert(1)>".into(),
        version: "</td></tr></table><script>alert(1)</script>".into(),
        fixed_in: Some("\"><svg onload=alert(1)>".into()),
        advisories: vec![AdvisoryRef {
            id: "<script>alert(1)</script>".into(),
            aliases: vec!["\"><img src=x onerror=alert(1)>".into()],
            summary: "</script><script>document.body.dataset.pwned=1</script>".into(),
            severity: Severity::High,
            cvss_score: Some("<b>9.9</b>".into()),
            cvss_vector: Some("\" onmouseover=\"alert(1)".into()),
            url: "javascript:document.body.dataset.pwned=1".into(),
            fixed: vec!["<i>2.0</i>".into()],
        }],
    }));

    let mut findings = vec![finish(first, "a"), finish(second, "b"), finish(third, "c")];
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));

    let mut info = info();
    info.tool_version = "0.1.0\"><script>alert(1)</script>".into();
    info.paths = vec!["<img src=x onerror=alert(1)>".into(), "\u{2028}".into()];
    info.audits_not_run = vec![(
        Audit::Dependencies,
        "</div><script>document.body.dataset.pwned=1</script>".into(),
    )];
    info.rules.push(&HOSTILE_RULE);

    ScanReport {
        findings,
        notices: vec![
            Notice::new(
                NoticeKind::ParseError,
                "<img src=x onerror=alert(1)>.py",
                "`</code><script>alert(1)</script>`",
            )
            .at(Position::new(1, 1)),
            Notice::new(NoticeKind::Warning, "", "javascript:alert(1) \u{2029}"),
        ],
        info,
    }
}
