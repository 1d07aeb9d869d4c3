//! End-to-end tests of the `cuirass` binary: exit codes, formats, suppressions, bad input.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)] // Tests fail loudly and say why they skip.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn cuirass() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cuirass"));
    command.env("NO_COLOR", "1");
    // No advisory cache: tests must not depend on what `db update` left on this machine.
    command.env("XDG_CACHE_HOME", "/nonexistent/cuirass-test-cache");
    command
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    cuirass().current_dir(dir).args(args).output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", stdout(output), stderr(output)))
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn write(dir: &Path, rel: &str, content: impl AsRef<[u8]>) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

fn findings(value: &serde_json::Value) -> Vec<(String, String, u64)> {
    value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["location"]["path"].as_str().unwrap().to_string(),
                f["location"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn nosec_and_noqa_suppress_through_aliases() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app.py",
        "import subprocess\n\
         def f(cmd):\n\
         \x20   subprocess.run(cmd, shell=True)\n\
         \x20   subprocess.run(cmd, shell=True)  # nosec B602\n\
         \x20   subprocess.run(cmd, shell=True)  # noqa: S602\n\
         \x20   subprocess.run(cmd, shell=True)  # nosec B101\n\
         \x20   subprocess.run(cmd, shell=True)  # cuirass: ignore[no-such-rule]\n",
    );
    let output = run_in(dir.path(), &["check", ".", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let value = json(&output);
    let lines: Vec<u64> = findings(&value).iter().map(|f| f.2).collect();
    assert_eq!(lines, vec![3, 6, 7]);
    assert_eq!(value["run"]["suppressed_inline"], 2);
    let notices = value["notices"].as_array().unwrap();
    assert!(
        notices.iter().any(|n| n["kind"] == "unknown-suppression"
            && n["message"].as_str().unwrap().contains("no-such-rule")),
        "{notices:?}"
    );
}

#[test]
fn exit_codes_follow_fail_on_not_min_severity() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.py", "import pickle\npickle.loads(blob)\n");
    // A high finding fails at the default threshold…
    assert_eq!(run_in(dir.path(), &["check", "."]).status.code(), Some(1));
    // …not when only critical findings fail the run, though it is still reported.
    let output = run_in(dir.path(), &["check", ".", "--fail-on", "critical"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("pickle-load"));
    // Reporting threshold above it: nothing reported, nothing fails.
    let output = run_in(dir.path(), &["check", ".", "--min-severity", "critical"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(!stdout(&output).contains("pickle-load"));
    // Clean tree.
    let clean = tempfile::tempdir().unwrap();
    write(clean.path(), "b.py", "print('hello')\n");
    assert_eq!(run_in(clean.path(), &["check", "."]).status.code(), Some(0));
}

#[test]
fn usage_and_config_errors_exit_2_naming_the_place() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.py", "x = 1\n");
    write(
        dir.path(),
        "pyproject.toml",
        "[project]\nname = \"x\"\n\n[tool.cuirass]\nselect = [\"pickle-load\"]\nfail-onn = \"high\"\n",
    );
    let output = run_in(dir.path(), &["check", "."]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("pyproject.toml:6:1"), "{err}");
    assert!(err.contains("fail-onn"), "{err}");

    write(
        dir.path(),
        "pyproject.toml",
        "[tool.cuirass]\nselect = [\"pickle-lod\"]\n",
    );
    let output = run_in(dir.path(), &["check", "."]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("unknown rule `pickle-lod`"), "{err}");
    assert!(err.contains("pyproject.toml:2"), "{err}");
    assert!(err.contains("did you mean `pickle-load`"), "{err}");

    std::fs::remove_file(dir.path().join("pyproject.toml")).unwrap();
    let output = run_in(dir.path(), &["check", "does-not-exist"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("does-not-exist"));

    let output = run_in(dir.path(), &["check", ".", "--fail-on", "severe"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--fail-on"));
}

#[test]
fn config_selects_and_per_file_ignores() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "cuirass.toml",
        "ignore = [\"B602\"]\n[per-file-ignores]\n\"legacy/**\" = [\"pickle-load\"]\n",
    );
    let body = "import pickle, subprocess\npickle.loads(blob)\nsubprocess.run(x, shell=True)\n";
    write(dir.path(), "app.py", body);
    write(dir.path(), "legacy/old.py", body);
    let output = run_in(dir.path(), &["check", ".", "--format", "json"]);
    let rules: Vec<(String, String, u64)> = findings(&json(&output));
    assert_eq!(
        rules,
        vec![("pickle-load".to_string(), "app.py".to_string(), 2)]
    );
    // The command line beats the file.
    let output = run_in(
        dir.path(),
        &[
            "check",
            ".",
            "--format",
            "json",
            "--select",
            "subprocess-shell-true",
        ],
    );
    let rules: Vec<String> = findings(&json(&output)).into_iter().map(|f| f.0).collect();
    assert_eq!(
        rules,
        vec!["subprocess-shell-true", "subprocess-shell-true"]
    );
}

#[test]
fn bad_input_is_reported_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "good.py", "import pickle\npickle.loads(blob)\n");
    write(
        root,
        "syntax.py",
        "import pickle\ndef broken(:\n    pass\npickle.loads(blob)\n",
    );
    write(root, "binary.py", b"\x00\x01\x02ELF\x00\x00");
    write(
        root,
        "latin.py",
        b"# no coding line\nname = 'caf\xe9'\nimport pickle\npickle.loads(blob)\n",
    );
    write(
        root,
        "declared.py",
        b"# -*- coding: latin-1 -*-\nname = 'caf\xe9'\nimport pickle\npickle.loads(blob)\n",
    );
    std::fs::create_dir_all(root.join("loop")).unwrap();
    std::os::unix::fs::symlink(root.join("loop"), root.join("loop/again")).unwrap();
    let output = run_in(root, &["check", ".", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let value = json(&output);
    let found: Vec<(String, u64)> = findings(&value).into_iter().map(|f| (f.1, f.2)).collect();
    assert_eq!(
        found,
        vec![
            ("declared.py".to_string(), 4),
            ("good.py".to_string(), 2),
            ("latin.py".to_string(), 4),
            ("syntax.py".to_string(), 4),
        ],
        "the rules still run on what the parser recovered, and lossy decoding keeps lines"
    );
    let kinds: Vec<(String, String)> = value["notices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["kind"].as_str().unwrap().to_string(),
                n["path"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for (kind, path) in [
        ("parse-error", "syntax.py"),
        ("binary-file", "binary.py"),
        ("encoding", "latin.py"),
        ("symlink-loop", "loop/again"),
    ] {
        assert!(
            kinds.iter().any(|(k, p)| k == kind && p.starts_with(path)),
            "missing {kind} for {path} in {kinds:?}"
        );
    }
    assert!(
        !kinds.iter().any(|(_, p)| p == "declared.py"),
        "a declared encoding is not a problem: {kinds:?}"
    );
}

#[test]
fn deep_nesting_does_not_crash() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let parens = format!("x = {}1{}\n", "(".repeat(100_000), ")".repeat(100_000));
    let chain = format!("x = {}a\n", "a+".repeat(50_000));
    let lists = format!("x = {}{}\n", "[".repeat(20_000), "]".repeat(20_000));
    let calls = format!(
        "import pickle\nx = {}pickle.loads(blob){}\n",
        "f(".repeat(5_000),
        ")".repeat(5_000)
    );
    write(root, "parens.py", parens);
    write(root, "chain.py", chain);
    write(root, "lists.py", lists);
    write(root, "calls.py", calls);
    let output = run_in(root, &["check", ".", "--format", "json"]);
    let code = output.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "exit {code:?}\n{}",
        stderr(&output)
    );
    let value = json(&output);
    assert!(
        findings(&value).contains(&("pickle-load".to_string(), "calls.py".to_string(), 2)),
        "rules still run inside deep nesting"
    );
}

#[test]
fn sarif_of_the_demo_validates_against_the_schema() {
    let schema_path = repo_root().join("../shared/data/sarif/sarif-schema-2.1.0.json");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&schema_path)
            .unwrap_or_else(|e| panic!("SARIF schema missing at {}: {e}", schema_path.display())),
    )
    .unwrap();
    let output = run_in(&repo_root(), &["check", "demo", "--format", "sarif"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let sarif = json(&output);
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "SARIF invalid: {errors:#?}");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        assert!(result["partialFingerprints"]["cuirassFingerprint/v1"].is_string());
    }
    // Every taint finding carries its path as a code flow: source first, sink last, and
    // cross-module flows name the other file.
    let tainted: Vec<&serde_json::Value> = results
        .iter()
        .filter(|r| r["ruleId"].as_str().unwrap().starts_with("tainted-"))
        .collect();
    assert!(tainted.len() >= 6, "{tainted:#?}");
    for result in &tainted {
        let steps = result["codeFlows"][0]["threadFlows"][0]["locations"]
            .as_array()
            .unwrap_or_else(|| panic!("no codeFlows: {result:#}"));
        assert!(steps.len() >= 2, "{result:#}");
        let first = steps[0]["location"]["message"]["text"].as_str().unwrap();
        let last = steps.last().unwrap()["location"]["message"]["text"]
            .as_str()
            .unwrap();
        assert!(first.starts_with("source"), "{first}");
        assert!(last.starts_with("sink"), "{last}");
    }
    let calc = tainted
        .iter()
        .find(|r| {
            r["ruleId"] == "tainted-code"
                && r["locations"][0]["physicalLocation"]["region"]["startLine"] == 102
        })
        .expect("tainted-code at app.py:102");
    let steps = calc["codeFlows"][0]["threadFlows"][0]["locations"]
        .as_array()
        .unwrap();
    let sink = &steps.last().unwrap()["location"]["physicalLocation"];
    assert_eq!(sink["artifactLocation"]["uri"], "demo/vulnerable/calc.py");
    assert_eq!(sink["region"]["startLine"], 5);
}

#[test]
fn taint_configuration_adds_a_source_and_a_sink() {
    let project = repo_root().join("crates/cuirass_rules/resources/test/projects/taint_custom");
    let output = run_in(&project, &["check", ".", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let value = json(&output);
    assert_eq!(
        findings(&value),
        vec![("tainted-sql".to_string(), "app.py".to_string(), 6)]
    );
    let steps = value["findings"][0]["flow"]["steps"].as_array().unwrap();
    assert!(
        steps.first().unwrap()["message"]
            .as_str()
            .unwrap()
            .contains("acme.web.param")
    );
    assert_eq!(steps.last().unwrap()["location"]["start"]["line"], 6);

    // The same project without its configuration: nothing knows `acme`.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(project.join("app.py"), dir.path().join("app.py")).unwrap();
    let output = run_in(dir.path(), &["check", ".", "--format", "json"]);
    assert_eq!(findings(&json(&output)), vec![]);

    // The same table in a pyproject.toml works, and a bad entry names file, line and key.
    write(
        dir.path(),
        "pyproject.toml",
        std::fs::read_to_string(project.join("cuirass.toml"))
            .unwrap()
            .replace("[taint]", "[tool.cuirass.taint]"),
    );
    let output = run_in(dir.path(), &["check", ".", "--format", "json"]);
    assert_eq!(findings(&json(&output)).len(), 1, "{}", stderr(&output));
    write(
        dir.path(),
        "pyproject.toml",
        "[tool.cuirass.taint]\nsinks = [{ name = \"acme.db.run_sql\", arg = 0, vuln = \"sqll\" }]\n",
    );
    let output = run_in(dir.path(), &["check", "."]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("pyproject.toml:2:"), "{message}");
    assert!(message.contains("sqll"), "{message}");
}

#[test]
fn output_file_is_written_and_paths_are_relative_to_cwd() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "pkg/mod.py",
        "import pickle\npickle.loads(blob)\n",
    );
    let output = run_in(
        dir.path(),
        &["check", "pkg", "--format", "json", "-o", "report.json"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap();
    assert_eq!(findings(&value)[0].1, "pkg/mod.py");
}

#[test]
fn explain_accepts_names_and_aliases() {
    let by_name = cuirass()
        .args(["explain", "subprocess-shell-true"])
        .output()
        .unwrap();
    let by_bandit = cuirass().args(["explain", "B602"]).output().unwrap();
    let by_ruff = cuirass().args(["explain", "s602"]).output().unwrap();
    assert_eq!(by_name.status.code(), Some(0));
    assert_eq!(stdout(&by_name), stdout(&by_bandit));
    assert_eq!(stdout(&by_name), stdout(&by_ruff));
    assert!(stdout(&by_name).contains("## Why is this bad?"));
    let unknown = cuirass().args(["explain", "nope"]).output().unwrap();
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn template_findings_carry_the_template_path_and_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app/templates/page.html",
        "<html>\n<body>\n  <h1>{{ title }}</h1>\n  <div>{{ body|safe }}</div>\n</body>\n</html>\n",
    );
    let output = run_in(dir.path(), &["check", ".", "--format", "json"]);
    let found = findings(&json(&output));
    assert!(
        found.contains(&(
            "template-safe-filter".to_string(),
            "app/templates/page.html".to_string(),
            4
        )),
        "{found:?}"
    );
}

fn osv_export() -> Option<PathBuf> {
    let path = repo_root().join("../shared/data/osv/PyPI-all.zip");
    if path.is_file() {
        return Some(path);
    }
    assert!(
        std::env::var("CI").map_or(true, |v| v != "true"),
        "the OSV export must be present in CI: {}",
        path.display()
    );
    eprintln!("skipping: no OSV export at {}", path.display());
    None
}

#[test]
fn without_a_database_the_dependency_audit_is_reported_as_not_run() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "requirements.txt", "django==3.2.0\n");
    write(dir.path(), "app.py", "import pickle\npickle.loads(blob)\n");
    let output = run_in(dir.path(), &["check", ".", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "the other audits still ran");
    let value = json(&output);
    let not_run = value["run"]["audits_not_run"].to_string();
    assert!(not_run.contains("dependencies"), "{not_run}");
    assert!(not_run.contains("cuirass db update"), "{not_run}");
    assert!(stderr(&output).contains("dependency audit did not run"));
    let text = stdout(&run_in(dir.path(), &["check", "."]));
    assert!(text.contains("did not run"), "{text}");

    let output = run_in(dir.path(), &["check", ".", "--require-db"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--require-db"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn old_pins_are_matched_against_the_osv_export() {
    let Some(db) = osv_export() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "requirements.txt",
        "# web app\ndjango==3.2.0\nrequests==2.32.3  # cuirass: ignore[vulnerable-dependency]\n",
    );
    let db = db.to_string_lossy().into_owned();
    let output = run_in(dir.path(), &["check", ".", "--format", "json", "--db", &db]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let value = json(&output);
    let vulnerable: Vec<&serde_json::Value> = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "vulnerable-dependency")
        .collect();
    assert_eq!(vulnerable.len(), 1, "{value:#}");
    assert_eq!(vulnerable[0]["location"]["path"], "requirements.txt");
    assert_eq!(vulnerable[0]["location"]["start"]["line"], 2);
    assert_eq!(vulnerable[0]["cwe"], serde_json::json!([1395]));
    assert_eq!(value["run"]["audits_not_run"], serde_json::json!([]));

    let output = run_in(
        dir.path(),
        &["check", ".", "--format", "cyclonedx", "--db", &db],
    );
    let bom = json(&output);
    assert_eq!(bom["bomFormat"], "CycloneDX");
    assert_eq!(bom["specVersion"], "1.5");
    assert!(
        bom["vulnerabilities"]
            .as_array()
            .is_some_and(|v| !v.is_empty())
    );

    let output = cuirass()
        .args(["db", "info", "--db", &db])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("advisories:"));
}

#[test]
fn deps_fix_dry_run_prints_a_diff() {
    let Some(db) = osv_export() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "requirements.txt",
        "# pinned\nurllib3==1.24.1  # http\n",
    );
    let db = db.to_string_lossy().into_owned();
    let output = run_in(dir.path(), &["deps", "fix", ".", "--dry-run", "--db", &db]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let diff = stdout(&output);
    assert!(diff.contains("-urllib3==1.24.1  # http"), "{diff}");
    assert!(diff.contains("+urllib3=="), "{diff}");
    let unchanged = std::fs::read_to_string(dir.path().join("requirements.txt")).unwrap();
    assert!(
        unchanged.contains("urllib3==1.24.1"),
        "a dry run writes nothing"
    );
    let output = run_in(dir.path(), &["deps", "fix", ".", "--db", &db]);
    assert_eq!(output.status.code(), Some(0));
    let fixed = std::fs::read_to_string(dir.path().join("requirements.txt")).unwrap();
    assert!(fixed.starts_with("# pinned\nurllib3=="), "{fixed}");
    assert!(fixed.contains("  # http"), "comments kept: {fixed}");
    assert!(!fixed.contains("1.24.1"), "{fixed}");
}

#[test]
fn a_typo_in_the_deps_table_is_an_error_even_when_the_audit_is_off() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.py", "x = 1\n");
    write(
        dir.path(),
        "pyproject.toml",
        "[tool.cuirass]\nselect = [\"code\"]\n\n[tool.cuirass.deps]\nrequire-dbb = true\n",
    );
    let output = run_in(dir.path(), &["check", "."]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("pyproject.toml:5:1"), "{err}");
    assert!(err.contains("require-dbb"), "{err}");
}
