//! Bandit parity: `docs/bandit-parity.md` accounts for every Bandit 1.9 id, every rule it names
//! exists, the rule it says covers an id carries that Bandit id and the Ruff code as aliases,
//! and no rule claims a Bandit id the table gives to another rule or leaves out.

use std::collections::BTreeMap;
use std::path::Path;

use cuirass_diagnostics::Alias;
use cuirass_rules::registry;

/// Bandit's id ranges (1.9), inclusive.
const RANGES: &[(u16, u16)] = &[
    (101, 113),
    (201, 202),
    (301, 324),
    (401, 415),
    (501, 509),
    (601, 615),
    (701, 704),
];

/// One row of the table.
#[derive(Debug)]
struct Row {
    line: usize,
    /// Rules that cover the id (backticked names before any parenthesis).
    covering: Vec<String>,
    /// Related rules (backticked names inside parentheses): they must exist, nothing more.
    related: Vec<String>,
    left_out: bool,
    ruff: Option<String>,
}

/// Splits a Markdown table row on `|`, except escaped `\|`.
fn cells(line: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut current = String::new();
    let mut chars = line.trim().trim_start_matches('|').chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                current.push('|');
                chars.next();
            }
            '|' => cells.push(std::mem::take(&mut current).trim().to_string()),
            other => current.push(other),
        }
    }
    if !current.trim().is_empty() {
        cells.push(current.trim().to_string());
    }
    cells
}

/// The backticked words of `text`.
fn backticked(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// A kebab-case rule name (`pickle-load`), as opposed to quoted code.
fn is_rule_name(text: &str) -> bool {
    text.contains('-')
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn is_bandit_id(text: &str) -> bool {
    text.len() == 4 && text.starts_with('B') && text[1..].chars().all(|c| c.is_ascii_digit())
}

/// Every row of the parity table, by Bandit id (duplicates are reported).
fn parse(text: &str, failures: &mut Vec<String>) -> BTreeMap<String, Row> {
    let mut rows = BTreeMap::new();
    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        let cells = cells(line);
        let Some(id) = cells.first().filter(|id| is_bandit_id(id)) else {
            continue;
        };
        let (Some(cuirass), Some(ruff)) = (cells.get(2), cells.get(3)) else {
            failures.push(format!(
                "line {line_no}: row {id} has fewer than four columns"
            ));
            continue;
        };
        let (covering_text, related_text) = cuirass.split_once('(').unwrap_or((cuirass, ""));
        let left_out = cuirass.starts_with("left out");
        let row = Row {
            line: line_no,
            covering: if left_out {
                Vec::new()
            } else {
                backticked(covering_text)
            },
            // Reasons also quote code (`oslo.config`); only rule-like names are rules.
            related: backticked(if left_out { cuirass } else { related_text })
                .into_iter()
                .filter(|name| is_rule_name(name))
                .collect(),
            left_out,
            ruff: ruff.starts_with('S').then(|| ruff.clone()),
        };
        if !left_out && row.covering.is_empty() {
            failures.push(format!(
                "line {line_no}: {id} names no covering rule and does not say `left out`"
            ));
        }
        if let Some(previous) = rows.insert(id.clone(), row) {
            failures.push(format!(
                "line {line_no}: {id} appears twice (also line {})",
                previous.line
            ));
        }
    }
    rows
}

#[test]
fn bandit_parity_table_is_complete_and_matches_the_registry() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/bandit-parity.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut failures = Vec::new();
    let rows = parse(&text, &mut failures);

    for &(first, last) in RANGES {
        for number in first..=last {
            let id = format!("B{number}");
            if !rows.contains_key(&id) {
                failures.push(format!("{id} has no row in docs/bandit-parity.md"));
            }
        }
    }

    let rule = |name: &str| registry().iter().find(|rule| rule.meta.name == name);
    for (id, row) in &rows {
        for name in row.covering.iter().chain(&row.related) {
            if rule(name).is_none() {
                failures.push(format!(
                    "line {}: {id} names `{name}`, which is not a registered rule (yet?)",
                    row.line
                ));
            }
        }
        for name in &row.covering {
            let Some(rule) = rule(name) else {
                continue;
            };
            let has = |want: fn(&Alias) -> Option<&str>, code: &str| {
                rule.meta
                    .aliases
                    .iter()
                    .any(|alias| want(alias) == Some(code))
            };
            if !has(bandit_id, id) {
                failures.push(format!(
                    "line {}: `{name}` covers {id} but does not carry the alias Bandit(\"{id}\")",
                    row.line
                ));
            }
            if let Some(ruff) = &row.ruff
                && !has(ruff_code, ruff)
            {
                failures.push(format!(
                    "line {}: `{name}` covers {id} but does not carry the alias Ruff(\"{ruff}\")",
                    row.line
                ));
            }
        }
    }

    // The other way round: a Bandit alias in the registry must be documented, for that rule.
    for rule in registry() {
        for alias in rule.meta.aliases {
            let Alias::Bandit(id) = alias else {
                continue;
            };
            match rows.get(*id) {
                None => failures.push(format!(
                    "`{}` carries {id}, which has no row in docs/bandit-parity.md",
                    rule.meta.name
                )),
                Some(row) if !row.covering.iter().any(|name| name == rule.meta.name) => {
                    let says = if row.left_out {
                        "the row says it is left out"
                    } else {
                        "the row does not name it as covering it"
                    };
                    failures.push(format!(
                        "line {}: `{}` carries {id}, but {says}",
                        row.line, rule.meta.name
                    ));
                }
                Some(_) => {}
            }
        }
    }

    assert!(
        failures.is_empty(),
        "docs/bandit-parity.md and the registry disagree:\n{}",
        failures.join("\n")
    );
}

fn bandit_id(alias: &Alias) -> Option<&str> {
    match alias {
        Alias::Bandit(id) => Some(id),
        _ => None,
    }
}

fn ruff_code(alias: &Alias) -> Option<&str> {
    match alias {
        Alias::Ruff(code) => Some(code),
        _ => None,
    }
}

#[test]
fn cells_split_on_unescaped_pipes() {
    assert_eq!(
        cells("| B103 | x | `a` | S103 | `m \\| n` |"),
        ["B103", "x", "`a`", "S103", "`m | n`"]
    );
    assert_eq!(backticked("`a` (also `b`, `c`)"), ["a", "b", "c"]);
}
