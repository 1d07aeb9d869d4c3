//! The taint analysis across files: the two-phase scan over a project (cross-module flows),
//! a project's own sources and sinks from its configuration, and taint findings superseding
//! the pattern findings of the same place.
#![allow(clippy::unwrap_used)] // Tests fail loudly.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use cuirass_diagnostics::Finding;
use cuirass_python::{SourceFile, module_path_for};
use cuirass_rules::{
    AnalysisOptions, FileAnalysis, RuleSet, TaintConfig, TaintOptions, TaintProject, TaintSpec,
    analyze_python, find_rule,
};

fn project_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("resources/test/projects")
        .join(name)
}

/// The project's Python files, sorted, as the scan would read them.
fn sources(dir: &Path) -> Vec<SourceFile> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "py") {
                out.push(path);
            }
        }
    }
    let mut paths = Vec::new();
    walk(dir, &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let display = path
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&path).unwrap();
            SourceFile::new(path.clone(), display, text).with_module_path(module_path_for(&path))
        })
        .collect()
}

fn rules(names: &[&str]) -> RuleSet {
    RuleSet::new(names.iter().map(|name| find_rule(name).unwrap()))
}

/// The two-phase scan, sequentially: every file, then the files the project says need it.
/// Returns the final analyses and the indexes of the files analysed twice.
fn two_phase(
    files: &[SourceFile],
    rules: &RuleSet,
    options: &AnalysisOptions,
) -> (Vec<FileAnalysis>, Vec<usize>) {
    let mut analyses: Vec<FileAnalysis> = files
        .iter()
        .map(|file| analyze_python(file, rules, options))
        .collect();
    let project = Arc::new(TaintProject::new(
        analyses.iter().filter_map(|a| a.taint.clone()),
    ));
    let second = AnalysisOptions {
        taint: options.taint.with_project(project.clone()),
        ..options.clone()
    };
    let mut rerun = Vec::new();
    for (index, file) in files.iter().enumerate() {
        let needs = analyses[index]
            .taint
            .as_ref()
            .is_some_and(|module| project.needs_rerun(module));
        if needs {
            analyses[index] = analyze_python(file, rules, &second);
            rerun.push(index);
        }
    }
    (analyses, rerun)
}

fn findings(analyses: &mut [FileAnalysis]) -> Vec<Finding> {
    let mut all: Vec<Finding> = analyses
        .iter_mut()
        .flat_map(|analysis| analysis.apply_suppressions().0)
        .collect();
    all.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    all
}

fn summary(findings: &[Finding]) -> Vec<(String, &'static str, u32)> {
    findings
        .iter()
        .map(|f| {
            (
                f.location.path.clone(),
                f.rule.name,
                f.location.span.start.line,
            )
        })
        .collect()
}

/// `(file, rule, line)` of every `# expect: <rule>` marker.
fn expected(files: &[SourceFile]) -> Vec<(String, &'static str, u32)> {
    let mut expected = Vec::new();
    for file in files {
        for (index, line) in file.text.lines().enumerate() {
            let Some((_, rule)) = line.split_once("# expect: ") else {
                continue;
            };
            let rule = find_rule(rule.trim()).unwrap().meta.name;
            expected.push((
                file.display.clone(),
                rule,
                u32::try_from(index + 1).unwrap(),
            ));
        }
    }
    expected.sort_by(|a, b| (&a.0, a.2, a.1).cmp(&(&b.0, b.2, b.1)));
    expected
}

#[test]
fn cross_module_flows_are_found_in_the_second_phase() {
    let files = sources(&project_dir("taint_cross_module"));
    let rules = rules(&["tainted-sql", "tainted-command"]);
    let options = AnalysisOptions::default();

    // Phase 1 alone sees what stays inside one file: a call into another module passes its
    // arguments' taint to its result (line 19 is right), so it misses the helper's own sources
    // and sinks, and does not know `helpers.quote` sanitises (line 36 is wrong).
    let mut phase_one: Vec<FileAnalysis> = files
        .iter()
        .map(|file| analyze_python(file, &rules, &options))
        .collect();
    let phase_one = summary(&findings(&mut phase_one));
    assert_eq!(
        phase_one,
        [
            ("shop/views.py".to_string(), "tainted-sql", 19),
            ("shop/views.py".to_string(), "tainted-command", 36),
            ("shop/views.py".to_string(), "tainted-command", 40),
        ],
        "phase 1"
    );

    let (mut analyses, rerun) = two_phase(&files, &rules, &options);
    // Only the views import producers or pass input to another module.
    let rerun: Vec<&str> = rerun.iter().map(|&i| files[i].display.as_str()).collect();
    assert_eq!(rerun, ["shop/views.py"]);
    let found = findings(&mut analyses);
    assert_eq!(summary(&found), expected(&files));

    // The path of a flow into a sink of another module crosses into that module.
    let into_helper = found
        .iter()
        .find(|f| f.location.span.start.line == 28)
        .unwrap();
    let steps: Vec<(String, u32, String)> = into_helper
        .flow
        .as_ref()
        .unwrap()
        .steps
        .iter()
        .map(|s| {
            (
                s.location.path.clone(),
                s.location.span.start.line,
                s.message.clone(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            (
                "shop/views.py".to_string(),
                28,
                "source: `request.args`".to_string()
            ),
            (
                "shop/views.py".to_string(),
                28,
                "passed to `run_sql()`".to_string()
            ),
            (
                "shop/helpers.py".to_string(),
                23,
                "received as parameter `sql`".to_string()
            ),
            (
                "shop/helpers.py".to_string(),
                24,
                "sink: `cursor.execute`".to_string()
            ),
        ]
    );
    // A source in another module is named with its file.
    let returned = found
        .iter()
        .find(|f| f.location.span.start.line == 11)
        .unwrap();
    assert!(
        returned.message.contains("(shop/helpers.py:8)"),
        "{}",
        returned.message
    );
}

#[test]
fn configured_sources_sinks_and_sanitisers_are_used() {
    // As the configuration reader does: straight from the text, so values keep their spans.
    #[derive(serde::Deserialize)]
    struct Document {
        taint: TaintConfig,
    }

    let dir = project_dir("taint_custom");
    let files = sources(&dir);
    let text = std::fs::read_to_string(dir.join("cuirass.toml")).unwrap();
    let config = toml::from_str::<Document>(&text).unwrap().taint;
    let spec = TaintSpec::builtin().extend(&config).unwrap();
    let options = AnalysisOptions {
        taint: TaintOptions::new(spec),
        ..AnalysisOptions::default()
    };
    let rules = rules(&["tainted-sql"]);
    let (mut analyses, _) = two_phase(&files, &rules, &options);
    let found = findings(&mut analyses);
    assert_eq!(summary(&found), expected(&files));
    assert_eq!(summary(&found), [("app.py".to_string(), "tainted-sql", 6)]);
    let steps: Vec<(u32, String)> = found[0]
        .flow
        .as_ref()
        .unwrap()
        .steps
        .iter()
        .map(|s| (s.location.span.start.line, s.message.clone()))
        .collect();
    assert_eq!(
        steps,
        [
            (5, "source: `acme.web.param()`".to_string()),
            (5, "assigned to `name`".to_string()),
            (6, "sink: `db.run_sql`".to_string()),
        ]
    );

    // Without the configuration, nothing is known about `acme`.
    let (mut analyses, _) = two_phase(&files, &rules, &AnalysisOptions::default());
    assert!(findings(&mut analyses).is_empty());
}

#[test]
fn taint_findings_supersede_pattern_findings_at_the_same_place() {
    let text = "\
from flask import request


def view(cursor, name):
    cursor.execute(f\"SELECT * FROM users WHERE name = '{request.args['n']}'\")
    cursor.execute(f\"SELECT * FROM users WHERE name = '{name}'\")
";
    let source = SourceFile::new("app.py".into(), "app.py".into(), text.to_string());
    let rules = rules(&["tainted-sql", "sql-string-query"]);
    let mut analysis = analyze_python(&source, &rules, &AnalysisOptions::default());
    let found = findings(std::slice::from_mut(&mut analysis));
    assert_eq!(
        summary(&found),
        [
            ("app.py".to_string(), "tainted-sql", 5),
            ("app.py".to_string(), "sql-string-query", 6),
        ]
    );
}
