//! Against the frozen osv.dev-format export in `../shared/data/osv/PyPI-all.zip` (2,661 `PyPA`
//! advisories, 10 withdrawn): old pins of popular packages get exactly the advisories their
//! records name (the expected ids were worked out from the records with an independent
//! implementation on `packaging`, and a few read by hand: PYSEC-2018-28 is `requests`
//! `introduced 0, fixed 2.20.0`; PYSEC-2023-74 is `introduced 2.3.0, fixed 2.31.0`;
//! PYSEC-2020-96 is `pyyaml` `introduced 5.1, fixed 5.3.1`), and current versions get none.
//!
//! Skipped with a message when the file is absent locally; a failure when `CI=true`.
#![allow(clippy::print_stderr, reason = "the skip message is the point")]
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns

use std::path::{Path, PathBuf};

use cuirass_deps::{Database, Date, DepsOptions, Ignore, InputFile, ProjectInput, Until, audit};

fn export() -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/osv/PyPI-all.zip");
    if path.is_file() {
        return Some(path);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{} is missing, and CI=true: the OSV export test must run in CI",
        path.display()
    );
    eprintln!(
        "skipping: {} is not here (it is checked in CI)",
        path.display()
    );
    None
}

fn project(dir: &Path, requirements: &str) -> ProjectInput {
    let path = dir.join("requirements.txt");
    std::fs::write(&path, requirements).unwrap();
    ProjectInput {
        root: dir.to_path_buf(),
        cwd: dir.to_path_buf(),
        files: vec![InputFile {
            path,
            display: "requirements.txt".to_string(),
        }],
        python: None,
    }
}

fn options() -> DepsOptions {
    DepsOptions {
        today: Date::parse("2026-11-23").unwrap(),
        ignores: Vec::new(),
    }
}

const OLD_PINS: &str = "\
django==3.2.0
requests==2.19.0
jinja2==2.10
pyyaml==5.3
urllib3==1.24.1
arrayfire==3.1.20151111
";

/// `(package, advisory ids, smallest fix)`.
const EXPECTED: &[(&str, &[&str], Option<&str>)] = &[
    (
        "django",
        &[
            "PYSEC-2021-109",
            "PYSEC-2021-439",
            "PYSEC-2021-7",
            "PYSEC-2021-8",
            "PYSEC-2021-98",
            "PYSEC-2021-99",
            "PYSEC-2022-1",
            "PYSEC-2022-19",
            "PYSEC-2022-190",
            "PYSEC-2022-191",
            "PYSEC-2022-2",
            "PYSEC-2022-20",
            "PYSEC-2022-213",
            "PYSEC-2022-245",
            "PYSEC-2022-3",
            "PYSEC-2022-304",
            "PYSEC-2023-100",
            "PYSEC-2023-12",
            "PYSEC-2023-13",
            "PYSEC-2023-222",
            "PYSEC-2023-225",
            "PYSEC-2023-226",
            "PYSEC-2023-61",
            "PYSEC-2024-28",
            "PYSEC-2024-47",
        ],
        Some("3.2.25"),
    ),
    (
        "jinja2",
        &["PYSEC-2019-217", "PYSEC-2021-66"],
        Some("2.11.3"),
    ),
    ("pyyaml", &["PYSEC-2020-96", "PYSEC-2021-142"], Some("5.4")),
    (
        "requests",
        &["PYSEC-2018-28", "PYSEC-2023-74"],
        Some("2.31.0"),
    ),
    (
        "urllib3",
        &[
            "PYSEC-2019-132",
            "PYSEC-2019-133",
            "PYSEC-2020-148",
            "PYSEC-2021-108",
            "PYSEC-2023-192",
            "PYSEC-2023-207",
            "PYSEC-2023-212",
        ],
        Some("1.26.18"),
    ),
];

#[test]
fn old_pins_get_exactly_their_advisories() {
    let Some(zip) = export() else { return };
    let db = Database::open(&zip).unwrap();
    let info = db.info();
    assert_eq!(info.advisories, 2651);
    assert_eq!(info.withdrawn, 10);
    assert_eq!(info.invalid, 0);
    assert_eq!(
        info.newest_modified,
        Some(Date::parse("2024-10-10").unwrap())
    );

    let dir = tempfile::tempdir().unwrap();
    let report = audit(&project(dir.path(), OLD_PINS), Some(&db), &options());
    let mut vulnerable: Vec<(&str, Vec<&str>, Option<&str>)> = report
        .vulnerable
        .iter()
        .map(|v| {
            let mut ids: Vec<&str> = v.advisories.iter().map(|a| a.id.as_str()).collect();
            ids.sort_unstable();
            (v.name.as_str(), ids, v.fixed_in.as_deref())
        })
        .collect();
    vulnerable.sort();
    let mut expected: Vec<(&str, Vec<&str>, Option<&str>)> = EXPECTED
        .iter()
        .map(|(name, ids, fix)| {
            let mut ids = ids.to_vec();
            ids.sort_unstable();
            (*name, ids, *fix)
        })
        .collect();
    expected.sort();
    // `arrayfire` 3.1.20151111 is named only by PYSEC-2019-144, which is withdrawn.
    assert_eq!(vulnerable, expected);

    // One finding per vulnerable package, on its line, with CWE-1395 / A06 from the rule.
    let findings: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule.name == "vulnerable-dependency")
        .collect();
    assert_eq!(findings.len(), EXPECTED.len());
    let requests = findings
        .iter()
        .find(|f| f.message.starts_with("`requests`"))
        .unwrap();
    assert_eq!(requests.location.span.start.line, 2);
    assert_eq!(
        requests.message,
        "`requests` 2.19.0 has 2 known vulnerabilities: PYSEC-2018-28, PYSEC-2023-74; upgrade to 2.31.0, the smallest version that fixes all of them"
    );
    assert_eq!(requests.rule.cwe, [1395]);
    // Aliases are carried: PYSEC-2018-28 is CVE-2018-18074 and GHSA-x84v-xcm2-53pg.
    let vuln = report
        .vulnerable
        .iter()
        .find(|v| v.name.as_str() == "requests")
        .unwrap();
    let first = &vuln.advisories[0];
    assert_eq!(first.id, "PYSEC-2018-28");
    assert_eq!(first.aliases, ["CVE-2018-18074", "GHSA-x84v-xcm2-53pg"]);
    assert_eq!(first.fixed, ["2.20.0"]);

    // Every exact pin is in the package list (for the SBOM), vulnerable or not.
    let names: Vec<&str> = report.packages.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "arrayfire",
            "django",
            "jinja2",
            "pyyaml",
            "requests",
            "urllib3"
        ]
    );
    // The frozen export is old: the staleness warning is there.
    assert!(
        report
            .notices
            .iter()
            .any(|n| n.message.contains("days old"))
    );
}

#[test]
fn current_versions_get_none() {
    let Some(zip) = export() else { return };
    let db = Database::open(&zip).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let report = audit(
        &project(
            dir.path(),
            "django==5.1.2\nrequests==2.32.3\njinja2==3.1.4\npyyaml==6.0.2\nurllib3==2.2.3\n",
        ),
        Some(&db),
        &options(),
    );
    assert!(report.vulnerable.is_empty(), "{:#?}", report.vulnerable);
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}

#[test]
fn ignores_by_alias_and_their_lapse() {
    let Some(zip) = export() else { return };
    let db = Database::open(&zip).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let project = project(dir.path(), "requests==2.19.0\n");
    let mut options = options();
    options.ignores = vec![
        // By CVE alias of PYSEC-2018-28: silenced until 2027.
        Ignore::new(
            "CVE-2018-18074",
            "no proxies here",
            Until::Date(Date::parse("2027-01-31").unwrap()),
        ),
        // `until = "fixed"` but 2.31.0 fixes PYSEC-2023-74: it no longer applies.
        Ignore::new("GHSA-j8r2-6x86-q33q", "waiting for a fix", Until::Fixed),
        Ignore::new("PYSEC-1999-1", "nothing matches this", Until::Fixed),
    ];
    let report = audit(&project, Some(&db), &options);
    let vuln = &report.vulnerable[0];
    let in_force: Vec<&str> = vuln.advisories.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(in_force, ["PYSEC-2023-74"]);
    assert_eq!(vuln.ignored.len(), 1);
    assert_eq!(vuln.ignored[0].advisory.id, "PYSEC-2018-28");
    assert_eq!(vuln.fixed_in.as_deref(), Some("2.31.0"));
    let notices: Vec<&str> = report.notices.iter().map(|n| n.message.as_str()).collect();
    assert!(
        notices.iter().any(|n| n
            .contains("`GHSA-j8r2-6x86-q33q` was ignored until a fix exists, and 2.31.0 fixes it")),
        "{notices:#?}"
    );
    assert!(
        notices
            .iter()
            .any(|n| n.contains("`PYSEC-1999-1` matches no vulnerable dependency")),
        "{notices:#?}"
    );

    // After the date, the first ignore lapses too.
    options.today = Date::parse("2027-02-01").unwrap();
    let report = audit(&project, Some(&db), &options);
    assert_eq!(report.vulnerable[0].advisories.len(), 2);
    assert!(report.notices.iter().any(|n| {
        n.message
            .contains("the ignore of `CVE-2018-18074` expired on 2027-01-31")
    }));
}

/// 1,007 `(package, version)` pairs drawn from the export — pre-releases, post-releases,
/// fixed versions, the records with unsorted or same-version events, `versions` entries the
/// ranges leave out (Django 3.2a1, gevent 23.9.0) — with the advisories an independent
/// implementation (Python's `packaging` ordering, the OSV algorithm) says affect them. The
/// full run over all 100,281 pairs that set was drawn from agreed too.
#[test]
fn matches_an_independent_implementation() {
    let Some(zip) = export() else { return };
    let db = Database::open(&zip).unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-data/osv/crosscheck-sample.json");
    let pairs: Vec<(String, String, Vec<String>)> =
        serde_json::from_str(&std::fs::read_to_string(sample).unwrap()).unwrap();
    assert!(pairs.len() > 1000);
    let mut mismatches = Vec::new();
    for (name, version, expected) in &pairs {
        let name = cuirass_deps::PackageName::new(name);
        let parsed: pep440_rs::Version = version.parse().unwrap();
        let mut got: Vec<String> = db
            .advisories_for(&name)
            .unwrap()
            .iter()
            .filter(|a| cuirass_deps::matching::affects(a, &name, &parsed, version))
            .map(|a| a.id.clone())
            .collect();
        got.sort();
        let mut expected = expected.clone();
        expected.sort();
        if got != expected {
            mismatches.push(format!(
                "{name} {version}: got {got:?}, expected {expected:?}"
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
