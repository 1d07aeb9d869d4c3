//! The one fixture test: for every registered rule, run that rule alone over its fixtures,
//! check that it fires on exactly the lines marked `# expect: <rule>`, that each rule has
//! positives and negatives (`# ok: <rule>`), and snapshot the rendered findings.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use cuirass_python::{SourceFile, module_path_for};
use cuirass_rules::{AnalysisOptions, Rule, RuleSet, analyze_python, analyze_template, registry};

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("resources/test/fixtures")
}

/// `crates/cuirass_rules/src/rules/code/injection/x.rs` → `code/injection`.
fn topic_dir(rule: &Rule) -> Option<String> {
    let file = rule.meta.file.replace('\\', "/");
    let after = file.split("src/rules/").nth(1)?;
    let (dir, _) = after.rsplit_once('/')?;
    Some(dir.to_string())
}

fn fixtures_for(rule: &Rule) -> Vec<PathBuf> {
    let Some(dir) = topic_dir(rule) else {
        return Vec::new();
    };
    let dir = fixtures_root().join(dir);
    let name = rule.meta.name;
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name().and_then(|f| f.to_str()).is_some_and(|f| {
                let stem = f.rsplit_once('.').map_or(f, |(stem, _)| stem);
                stem == name || stem.starts_with(&format!("{name}__"))
            })
        })
        .collect();
    out.sort();
    out
}

/// Template fixtures (`.html`, `.jinja`, …) go through `analyze_template`; their markers sit in
/// template comments: `{# expect: rule #}`.
fn is_template(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ["html", "htm", "jinja", "jinja2", "j2", "djhtml"].contains(&e))
}

/// Lines carrying `# <marker>: …` naming `rule`.
fn marked_lines(text: &str, marker: &str, rule: &str) -> Vec<u32> {
    let needle = format!("{marker}:");
    let mut lines = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let Some(comment) = line.find('#').map(|i| &line[i..]) else {
            continue;
        };
        let mut rest = comment;
        while let Some(pos) = rest.find(&needle) {
            let before_ok = rest[..pos]
                .chars()
                .next_back()
                .is_none_or(|c| c == ' ' || c == '#');
            let after = &rest[pos + needle.len()..];
            if before_ok {
                let names = after
                    .split(|c: char| c == ',' || c.is_whitespace())
                    .filter(|w| !w.is_empty())
                    .take_while(|w| {
                        w.chars()
                            .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit())
                    });
                if names.into_iter().any(|n| n == rule) {
                    lines.push(u32::try_from(index + 1).unwrap_or(u32::MAX));
                }
            }
            rest = after;
        }
    }
    lines
}

#[test]
fn fixtures() {
    let mut failures = Vec::new();
    let mut snapshots = Vec::new();
    // `CUIRASS_FIXTURE_RULES=django-,flask-` runs only the rules whose names start with one of
    // the prefixes (while other rules are being written).
    let only = std::env::var("CUIRASS_FIXTURE_RULES").unwrap_or_default();
    let prefixes: Vec<&str> = only.split(',').filter(|p| !p.is_empty()).collect();
    for &rule in registry() {
        let name = rule.meta.name;
        if !prefixes.is_empty() && !prefixes.iter().any(|p| name.starts_with(p)) {
            continue;
        }
        let fixtures = fixtures_for(rule);
        if fixtures.is_empty() {
            failures.push(format!(
                "{name}: no fixture (expected resources/test/fixtures/{}/{name}.py)",
                topic_dir(rule).unwrap_or_default()
            ));
            continue;
        }
        let rules = RuleSet::new([rule]);
        let (mut expect_total, mut ok_total) = (0, 0);
        for path in fixtures {
            let text = std::fs::read_to_string(&path).unwrap();
            let display = path
                .strip_prefix(fixtures_root())
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let source = SourceFile::new(path.clone(), display.clone(), text.clone())
                .with_module_path(module_path_for(&path));
            let mut analysis = if is_template(&path) {
                analyze_template(&source, &rules, &AnalysisOptions::default())
            } else {
                analyze_python(&source, &rules, &AnalysisOptions::default())
            };
            if !display.contains("__syntax") {
                for notice in &analysis.notices {
                    failures.push(format!("{display}: unexpected notice: {}", notice.message));
                }
            }
            let (findings, _) = analysis.apply_suppressions();
            let expected = marked_lines(&text, "expect", name);
            let ok = marked_lines(&text, "ok", name);
            expect_total += expected.len();
            ok_total += ok.len();
            let mut actual: Vec<u32> = findings
                .iter()
                .map(|f| f.location.span.start.line)
                .collect();
            actual.dedup();
            // A taint finding is only as good as its path: source first, sink last.
            for finding in &findings {
                let steps = finding.flow.as_ref().map_or(0, |flow| flow.steps.len());
                if finding.rule.kind == cuirass_diagnostics::RuleKind::Taint && steps < 2 {
                    failures.push(format!(
                        "{display}:{}: `{name}` finding without a data-flow path",
                        finding.location.span.start.line
                    ));
                }
            }
            if actual != expected {
                let missing: Vec<_> = expected.iter().filter(|l| !actual.contains(l)).collect();
                let extra: Vec<_> = actual.iter().filter(|l| !expected.contains(l)).collect();
                failures.push(format!(
                    "{display}: rule `{name}` missed lines {missing:?}, fired on unmarked lines {extra:?}"
                ));
            }
            let mut rendered = String::new();
            for finding in &findings {
                let start = finding.location.span.start;
                let _ = writeln!(
                    rendered,
                    "{}:{}:{}: {} [{}/{}] {}",
                    finding.location.path,
                    start.line,
                    start.column,
                    finding.rule.name,
                    finding.severity,
                    finding.confidence,
                    finding.message
                );
                for related in &finding.related {
                    let at = related.location.span.start;
                    let _ = writeln!(
                        rendered,
                        "  related {}:{}:{}: {}",
                        related.location.path, at.line, at.column, related.message
                    );
                }
                // Taint findings: the data-flow path, source first.
                for step in finding.flow.iter().flat_map(|flow| &flow.steps) {
                    let at = step.location.span.start;
                    let _ = writeln!(
                        rendered,
                        "  flow {}:{}:{}: {}",
                        step.location.path, at.line, at.column, step.message
                    );
                }
                if let Some(frame) = &finding.frame {
                    for (offset, line) in frame.lines.iter().enumerate() {
                        let number = frame.first_line + u32::try_from(offset).unwrap();
                        let mark = if number == start.line { '>' } else { ' ' };
                        let _ = writeln!(rendered, "  {mark} {number:>4} | {line}");
                    }
                }
                rendered.push('\n');
            }
            let snapshot = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap()
                .to_string();
            snapshots.push((snapshot, rendered));
        }
        if expect_total == 0 {
            failures.push(format!("{name}: fixtures have no `# expect: {name}` line"));
        }
        if ok_total == 0 {
            failures.push(format!(
                "{name}: fixtures have no `# ok: {name}` line (negatives)"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "fixture failures:\n{}",
        failures.join("\n")
    );
    for (snapshot, rendered) in snapshots {
        insta::assert_snapshot!(snapshot, rendered);
    }
}

/// Every `.rs` file under `src/rules/` that is not a `mod.rs` or a shared helper must be the
/// home of a registered rule, so a rule cannot be written and forgotten.
#[test]
fn every_rule_file_is_registered() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
    let mut stack = vec![root];
    let registered: Vec<String> = registry()
        .iter()
        .map(|rule| rule.meta.file.replace('\\', "/"))
        .collect();
    let mut unregistered = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let file = path.file_name().unwrap().to_string_lossy().to_string();
            if path.extension().is_none_or(|ext| ext != "rs")
                || ["mod.rs", "helpers.rs", "names.rs"].contains(&file.as_str())
            {
                continue;
            }
            let rel = path.to_string_lossy().replace('\\', "/");
            let rel = rel.split("cuirass_rules/").nth(1).unwrap().to_string();
            if !registered.iter().any(|r| r.ends_with(&rel)) {
                unregistered.push(rel);
            }
        }
    }
    assert!(
        unregistered.is_empty(),
        "rule files not behind a registered rule: {unregistered:?}"
    );
}
