//! GitHub Actions workflows, read line by line (no YAML parser) for the simple shapes that
//! cover nearly every workflow: `python-version: "3.9"`, an inline list
//! `python-version: ["3.9", "3.10"]`, or a block list of `- "3.9"` items under the key.
//! Expressions (`${{ matrix.python-version }}`) and anything else are skipped.

use super::SourceRef;
use super::python_version::parse_python_version;
use crate::model::{FileRead, PythonDeclaration, PythonSpec, PythonUse};
use crate::text::{line_span, to_u32};

const KEYS: &[&str] = &["python-version:", "python-versions:"];

pub(crate) fn read(file: &SourceRef<'_>, read: &mut FileRead) {
    let lines: Vec<&str> = file
        .text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    for (index, line) in lines.iter().enumerate() {
        let content = strip_comment(line);
        let Some((key_at, key)) = KEYS.iter().find_map(|k| content.find(k).map(|at| (at, *k)))
        else {
            continue;
        };
        // Only a key at the start of the line (after indentation or a list dash).
        let before = content[..key_at].trim();
        if !(before.is_empty() || before == "-") {
            continue;
        }
        let value_at = key_at + key.len();
        let value = content[value_at..].trim();
        let mut items: Vec<(usize, usize, usize)> = Vec::new(); // (line index, start, end)
        if value.is_empty() {
            let indent = content.len() - content.trim_start().len();
            for (next_index, next) in lines.iter().enumerate().skip(index + 1) {
                let next_content = strip_comment(next);
                if next_content.trim().is_empty() {
                    continue;
                }
                let next_indent = next_content.len() - next_content.trim_start().len();
                let trimmed = next_content.trim_start();
                if next_indent < indent || !trimmed.starts_with('-') {
                    break;
                }
                let item = trimmed[1..].trim();
                let start = next_content.find(item).unwrap_or(0);
                items.push((next_index, start, start + item.len()));
            }
        } else if let Some(inner) = value.strip_prefix('[') {
            let inner = inner.split(']').next().unwrap_or("");
            let base = content.find('[').map_or(0, |b| b + 1);
            let mut offset = base;
            for part in inner.split(',') {
                let item = part.trim();
                let lead = part.len() - part.trim_start().len();
                items.push((index, offset + lead, offset + lead + item.len()));
                offset += part.len() + 1;
            }
        } else {
            let start =
                value_at + (content[value_at..].len() - content[value_at..].trim_start().len());
            items.push((index, start, start + value.len()));
        }
        for (line_index, start, end) in items {
            let Some(text) = lines.get(line_index) else {
                continue;
            };
            let item = text.get(start..end).unwrap_or("").trim();
            if item.contains("${{") {
                continue;
            }
            let Some((major, minor)) = parse_python_version(item) else {
                continue;
            };
            read.python.push(PythonDeclaration {
                text: item.trim_matches(['"', '\'']).to_string(),
                spec: PythonSpec::Version { major, minor },
                usage: PythonUse::Tests,
                declared: file.declared(line_span(to_u32(line_index + 1), text, start, end)),
            });
        }
    }
}

/// Cuts a YAML comment (`#` at the start or after whitespace, outside quotes is close enough
/// for version lists).
fn strip_comment(line: &str) -> &str {
    let mut prev_ws = true;
    for (i, c) in line.char_indices() {
        if c == '#' && prev_ws {
            return &line[..i];
        }
        prev_ws = c.is_whitespace();
    }
    line
}
