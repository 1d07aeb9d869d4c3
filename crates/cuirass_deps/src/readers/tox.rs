//! `tox.ini`: the Python versions named by `[tox] envlist` (or tox 4's `env_list`) factors
//! such as `py38`, `py3.10` or `python3.9`, with `{a,b}` brace expansion, and by
//! `basepython = python3.X` in `[testenv…]` sections. They are the versions the project tests
//! on.

use std::collections::BTreeSet;

use super::SourceRef;
use super::ini::parse_ini;
use super::python_version::parse_python_version;
use crate::model::{FileRead, PythonDeclaration, PythonSpec, PythonUse};
use crate::text::line_span;

pub(crate) fn read(file: &SourceRef<'_>, read: &mut FileRead) {
    let mut seen = BTreeSet::new();
    for entry in parse_ini(file.text) {
        let is_envlist =
            entry.section == "tox" && (entry.key == "envlist" || entry.key == "env_list");
        let is_base = entry.section.starts_with("testenv") && entry.key == "basepython";
        if !is_envlist && !is_base {
            continue;
        }
        for &(line, text, start) in &entry.lines {
            let value = text[start..].split('#').next().unwrap_or("");
            for item in split_top_level(value) {
                let item = item.trim();
                if item.is_empty() {
                    continue;
                }
                for env in expand_braces(item) {
                    for factor in env.split('-') {
                        let Some(version) = factor_version(factor) else {
                            continue;
                        };
                        if !seen.insert(version) {
                            continue;
                        }
                        let at = text.find(item).unwrap_or(start);
                        read.python.push(PythonDeclaration {
                            text: factor.to_string(),
                            spec: PythonSpec::Version {
                                major: version.0,
                                minor: version.1,
                            },
                            usage: PythonUse::Tests,
                            declared: file.declared(line_span(line, text, at, at + item.len())),
                        });
                    }
                }
            }
        }
    }
}

/// `py38` → 3.8, `py310` → 3.10, `py3.11` → 3.11, `python3.9` → 3.9; `py3`, `pypy3` → none.
fn factor_version(factor: &str) -> Option<(u64, u64)> {
    let lower = factor.to_ascii_lowercase();
    if let Some(v) = lower.strip_prefix("python") {
        return parse_python_version(v);
    }
    let digits = lower.strip_prefix("py")?;
    if digits.contains('.') {
        return parse_python_version(digits);
    }
    if digits.len() < 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (major, minor) = digits.split_at(1);
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// Splits at commas outside braces.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}

/// `py{38,39}-django{32,42}` → the four combinations (no nesting, as in tox).
fn expand_braces(item: &str) -> Vec<String> {
    let Some(open) = item.find('{') else {
        return vec![item.to_string()];
    };
    let Some(close) = item[open..].find('}').map(|c| open + c) else {
        return vec![item.to_string()];
    };
    let (head, tail) = (&item[..open], &item[close + 1..]);
    let tails = expand_braces(tail);
    item[open + 1..close]
        .split(',')
        .flat_map(|choice| {
            tails
                .iter()
                .map(move |t| format!("{head}{}{t}", choice.trim()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envlists() {
        assert_eq!(
            expand_braces("py{38,310}-django{32,42}"),
            [
                "py38-django32",
                "py38-django42",
                "py310-django32",
                "py310-django42"
            ]
        );
        assert_eq!(split_top_level("py{38,39}, lint"), ["py{38,39}", " lint"]);
        assert_eq!(factor_version("py38"), Some((3, 8)));
        assert_eq!(factor_version("py310"), Some((3, 10)));
        assert_eq!(factor_version("py3.11"), Some((3, 11)));
        assert_eq!(factor_version("python3.9"), Some((3, 9)));
        assert_eq!(factor_version("py3"), None);
        assert_eq!(factor_version("pypy3"), None);
        assert_eq!(factor_version("lint"), None);
    }
}
