//! The whole audit on a project fixture (`test-data/project`, an application with a
//! `pyproject.toml`, requirement files, a Poetry lock, a Dockerfile, tox and pyenv files, and a
//! second project under `services/worker`) against a small OSV folder (`test-data/osv-mini`):
//! advisory findings, hygiene, end of life and notices, snapshotted; then the fixer's diff
//! (snapshotted) and its effect on disk; then the CycloneDX output, validated against the
//! CycloneDX 1.5 schema offline.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers outside #[test] fns

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use cuirass_deps::cyclonedx::{BomMetadata, write_cyclonedx};
use cuirass_deps::fix::plan_fixes;
use cuirass_deps::{
    Database, Date, DepsOptions, DepsReport, Ignore, InputFile, ProjectInput, Until, audit,
};
use cuirass_diagnostics::FindingDetails;

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("test-data")
}

fn walk(dir: &Path, root: &Path, out: &mut Vec<InputFile>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, root, out);
        } else {
            let display = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.push(InputFile { path, display });
        }
    }
}

fn project_at(root: &Path) -> ProjectInput {
    let mut files = Vec::new();
    walk(root, root, &mut files);
    ProjectInput {
        root: root.to_path_buf(),
        cwd: root.to_path_buf(),
        files,
        python: None,
    }
}

fn options() -> DepsOptions {
    DepsOptions {
        today: Date::parse("2026-11-23").unwrap(),
        ignores: Vec::new(),
    }
}

fn db() -> Database {
    Database::open(&data().join("osv-mini")).unwrap()
}

fn render(report: &DepsReport) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let s = f.location.span.start;
        let _ = writeln!(
            out,
            "{}:{}:{}: {} [{}/{}] {}",
            f.location.path, s.line, s.column, f.rule.name, f.severity, f.confidence, f.message
        );
        for r in &f.related {
            let _ = writeln!(
                out,
                "    related {}:{}: {}",
                r.location.path, r.location.span.start.line, r.message
            );
        }
    }
    for n in &report.notices {
        let at = n
            .position
            .map(|p| format!(":{}", p.line))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "notice {}{at}: {}: {}",
            n.path,
            n.kind.as_str(),
            n.message
        );
    }
    out
}

#[test]
fn project_audit() {
    let db = db();
    assert_eq!(
        db.info().advisories,
        9,
        "one withdrawn, one npm-only record skipped"
    );
    let report = audit(&project_at(&data().join("project")), Some(&db), &options());
    insta::assert_snapshot!("project_audit", render(&report));

    // The reports' dependency table gets the details.
    let django = report
        .findings
        .iter()
        .find(|f| f.rule.name == "vulnerable-dependency" && f.message.contains("3.2.0"))
        .unwrap();
    let Some(FindingDetails::Dependency(details)) = &django.details else {
        panic!("no details")
    };
    assert_eq!(details.package, "django");
    assert_eq!(details.fixed_in.as_deref(), Some("3.2.19"));
    let ids: Vec<&str> = details.advisories.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["PYSEC-2099-1", "PYSEC-2099-2"]);
    assert_eq!(
        details.advisories[0].aliases,
        ["CVE-2099-0001", "GHSA-2099-aaaa-bbbb"],
        "the GHSA record is merged into its PYSEC twin"
    );
    assert_eq!(details.advisories[0].cvss_score.as_deref(), Some("9.8"));
    assert_eq!(django.severity, cuirass_diagnostics::Severity::Critical);
    assert!(!django.fingerprint_key.is_empty());

    // Without a database the rest still runs, and says the advisory check did not.
    let offline = audit(&project_at(&data().join("project")), None, &options());
    assert!(!offline.advisories_checked());
    assert!(
        offline
            .findings
            .iter()
            .all(|f| f.rule.name != "vulnerable-dependency")
    );
    assert!(offline.findings.iter().any(|f| f.rule.name == "eol-python"));
    assert!(
        offline
            .findings
            .iter()
            .any(|f| f.rule.name == "missing-hash")
    );
}

#[test]
fn ignores_in_the_project() {
    let db = db();
    let mut options = options();
    options.ignores = vec![
        Ignore::new(
            "MAL-2099-7",
            "vendored and reviewed",
            Until::Date(Date::parse("2026-12-31").unwrap()),
        ),
        Ignore::new("cve-2099-0001", "not using annotate()", Until::Fixed),
        Ignore::new("PYSEC-2099-4", "no fix yet", Until::Fixed),
    ];
    let report = audit(&project_at(&data().join("project")), Some(&db), &options);
    let messages: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.rule.name == "vulnerable-dependency")
        .map(|f| f.message.as_str())
        .collect();
    assert!(
        !messages.iter().any(|m| m.contains("evil-pkg")),
        "MAL ignored until a date"
    );
    assert!(
        !messages.iter().any(|m| m.contains("urllib3")),
        "no fix yet: still ignored"
    );
    // The CVE alias names the PYSEC/GHSA pair, which has a fix: the ignore lapsed.
    let django = report
        .vulnerable
        .iter()
        .find(|v| v.version == "3.2.0")
        .unwrap();
    assert_eq!(django.advisories.len(), 2);
    assert!(report.notices.iter().any(|n| {
        n.message
            .contains("`cve-2099-0001` was ignored until a fix exists, and 3.2.14 fixes it")
    }));
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn fix_rewrites_pins_and_keeps_everything_else() {
    let temp = tempfile::tempdir().unwrap();
    copy_tree(&data().join("project"), temp.path());
    let db = db();
    let project = project_at(temp.path());
    let report = audit(&project, Some(&db), &options());
    let plan = plan_fixes(&report).unwrap();
    let mut skipped = String::new();
    for s in &plan.skipped {
        let _ = writeln!(
            skipped,
            "{}:{}: {} {}: {}",
            s.location.path, s.location.span.start.line, s.package, s.version, s.reason
        );
    }
    insta::assert_snapshot!(
        "fix_diff",
        format!("{}\n--- skipped ---\n{skipped}", plan.diff())
    );

    #[cfg(unix)]
    let mode = {
        use std::os::unix::fs::PermissionsExt;
        let path = temp.path().join("requirements.txt");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        0o644
    };
    plan.apply().unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(temp.path().join("requirements.txt")).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, mode, "permissions kept");
    }
    let text = std::fs::read_to_string(temp.path().join("requirements.txt")).unwrap();
    assert!(text.contains("Django==3.2.19  # LTS\n"), "{text}");
    assert!(
        text.contains("requests == 2.20.0 ; python_version >= \"3.8\""),
        "{text}"
    );
    assert!(text.contains("urllib3==1.24.1 \\"), "hashed line untouched");
    assert!(
        text.contains("sqlparse==0.4.3 --hash"),
        "hashed line untouched"
    );
    let worker =
        std::fs::read_to_string(temp.path().join("services/worker/pyproject.toml")).unwrap();
    assert!(worker.contains(
        "requests = { version = \"==2.20.0\", extras = [\"socks\"] }  # socks proxy in the DC"
    ));
    // Applying twice is refused once the file changed under the plan.
    assert!(matches!(
        plan.apply(),
        Err(cuirass_deps::fix::FixError::Changed(_))
    ));

    // After the fix only what could not be fixed is left.
    let after = audit(&project, Some(&db), &options());
    let vulnerable: Vec<String> = after
        .vulnerable
        .iter()
        .filter(|v| !v.advisories.is_empty())
        .map(|v| format!("{} {}", v.name, v.version))
        .collect();
    assert_eq!(
        vulnerable,
        [
            "django 3.2.0",
            "evil-pkg 1.0.0",
            "sqlparse 0.4.3",
            "urllib3 1.24.1"
        ],
        "the lock still pins 3.2.0; sqlparse's line is hashed; no fix for evil-pkg and urllib3"
    );
}

#[test]
fn cyclonedx_is_valid_1_5() {
    let db = db();
    let mut options = options();
    options.ignores = vec![Ignore::new(
        "MAL-2099-7",
        "vendored and reviewed",
        Until::Date(Date::parse("2026-12-31").unwrap()),
    )];
    let report = audit(&project_at(&data().join("project")), Some(&db), &options);
    let mut out = Vec::new();
    write_cyclonedx(
        &mut out,
        &report.packages,
        &report.vulnerable,
        &BomMetadata {
            tool_version: "0.1.0".to_string(),
            timestamp_unix: Some(1_795_392_000),
            project_name: Some("acme-shop".to_string()),
        },
    )
    .unwrap();
    let text = String::from_utf8(out).unwrap();
    let bom: serde_json::Value = serde_json::from_str(&text).unwrap();

    let schemas = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/cyclonedx");
    let load = |name: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(schemas.join(name)).unwrap()).unwrap()
    };
    let registry = jsonschema::Registry::new()
        .add(
            "http://cyclonedx.org/schema/spdx.schema.json",
            load("spdx.schema.json"),
        )
        .unwrap()
        .add(
            "http://cyclonedx.org/schema/jsf-0.82.schema.json",
            load("jsf-0.82.schema.json"),
        )
        .unwrap()
        .prepare()
        .unwrap();
    let validator = jsonschema::options()
        .offline()
        .should_validate_formats(true)
        .with_registry(&registry)
        .build(&load("bom-1.5.schema.json"))
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&bom)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    // A broken document must fail, or the check proves nothing.
    let mut broken = bom.clone();
    broken["components"][0]["type"] = serde_json::json!("gadget");
    assert!(!validator.is_valid(&broken));

    assert_eq!(bom["components"][0]["purl"], "pkg:pypi/certifi@2019.3.9");
    let mal = bom["vulnerabilities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == "MAL-2099-7")
        .unwrap();
    assert_eq!(mal["analysis"]["state"], "not_affected");
    insta::assert_snapshot!("cyclonedx", text);
}

#[test]
fn requirements_with_constraints_includes_and_unauditable_lines() {
    // No database: hygiene only. `idna` and `chardet` are ranges or bare names in
    // `requirements/base.txt` but pinned by `constraints.txt` (`-c`), so they are not unpinned.
    let root = data().join("requirements/app");
    let report = audit(&project_at(&root), None, &options());
    insta::assert_snapshot!("requirements_app_audit", render(&report));
    let unpinned: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.rule.name == "unpinned-requirement")
        .map(|f| f.message.split('`').nth(1).unwrap())
        .collect();
    assert_eq!(unpinned, ["requests>=2.19", "flask", "Jinja2~=2.10.0"]);
}

#[test]
fn require_hashes_and_one_file_reached_twice() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("requirements.txt"),
        "--require-hashes\n-r ./requirements-base.txt\nsix==1.16.0\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("requirements-base.txt"), "idna==3.7\n").unwrap();
    let report = audit(&project_at(dir.path()), None, &options());
    let rendered = render(&report);
    // `--require-hashes` makes every unhashed line of that file a finding; the included file
    // (walked on its own too) is read once.
    assert_eq!(
        rendered,
        "requirements.txt:3:1: missing-hash [medium/high] `six` has no `--hash`, but `requirements.txt` says `--require-hashes`: pip's hash-checking mode rejects the file, and without it this line is unprotected\n"
    );
    assert_eq!(report.packages.len(), 2);
    assert_eq!(
        report.packages[0].declared.len(),
        1,
        "{:?}",
        report.packages[0]
    );
}
