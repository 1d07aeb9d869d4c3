//! Dockerfiles: `FROM python:3.X…` base images (any registry or namespace whose image is named
//! `python`), with `${ARG}` defaults from global `ARG` lines substituted. Every stage counts:
//! a build stage on an end-of-life Python still builds what ships.

use std::collections::BTreeMap;

use super::SourceRef;
use super::python_version::parse_python_version;
use crate::model::{FileRead, PythonDeclaration, PythonSpec, PythonUse};
use crate::text::{line_span, to_u32};

pub(crate) fn read(file: &SourceRef<'_>, read: &mut FileRead) {
    let mut args: BTreeMap<String, String> = BTreeMap::new();
    let mut seen_from = false;
    let lines: Vec<&str> = file
        .text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut index = 0;
    while let Some(&first) = lines.get(index) {
        let number = to_u32(index + 1);
        // Join `\` continuations; the instruction keeps its first line.
        let mut logical = first.to_string();
        while logical.trim_end().ends_with('\\') {
            let trimmed = logical.trim_end();
            logical = trimmed[..trimmed.len() - 1].to_string();
            index += 1;
            match lines.get(index) {
                Some(next) => {
                    logical.push(' ');
                    logical.push_str(next.trim());
                }
                None => break,
            }
        }
        index += 1;
        let trimmed = logical.trim();
        if trimmed.starts_with('#') || trimmed.is_empty() {
            continue;
        }
        let mut words = trimmed.split_whitespace();
        let instruction = words.next().unwrap_or("").to_ascii_uppercase();
        match instruction.as_str() {
            "ARG" if !seen_from => {
                for word in words {
                    if let Some((name, value)) = word.split_once('=') {
                        args.insert(
                            name.to_string(),
                            value.trim_matches(['"', '\'']).to_string(),
                        );
                    }
                }
            }
            "FROM" => {
                seen_from = true;
                let Some(image) = words.find(|w| !w.starts_with("--")) else {
                    continue;
                };
                let resolved = substitute(image, &args);
                let Some(tag) = python_tag(&resolved) else {
                    continue;
                };
                let Some((major, minor)) = parse_python_version(tag) else {
                    continue;
                };
                let start = first.find(image).unwrap_or(0);
                read.python.push(PythonDeclaration {
                    text: resolved.clone(),
                    spec: PythonSpec::Version { major, minor },
                    usage: PythonUse::Runs,
                    declared: file.declared(line_span(number, first, start, start + image.len())),
                });
            }
            _ => {}
        }
    }
}

/// The tag of an image reference whose last path segment is `python`.
fn python_tag(image: &str) -> Option<&str> {
    let image = image.split('@').next().unwrap_or(image);
    let last_slash = image.rfind('/').map_or(0, |i| i + 1);
    let (repo_end, tag) = match image[last_slash..].find(':') {
        Some(colon) => (last_slash + colon, Some(&image[last_slash + colon + 1..])),
        None => (image.len(), None),
    };
    let name = &image[last_slash..repo_end];
    (name.eq_ignore_ascii_case("python"))
        .then_some(tag)
        .flatten()
}

/// Replaces `$NAME`, `${NAME}` and `${NAME:-default}` from the global `ARG` defaults.
fn substitute(text: &str, args: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(dollar) = rest.find('$') {
        out.push_str(&rest[..dollar]);
        let after = &rest[dollar + 1..];
        if let Some(body) = after.strip_prefix('{') {
            let Some(end) = body.find('}') else {
                out.push_str(&rest[dollar..]);
                return out;
            };
            let inner = &body[..end];
            let (name, default) = match inner.split_once(":-") {
                Some((n, d)) => (n, Some(d)),
                None => (inner, None),
            };
            out.push_str(args.get(name).map(String::as_str).or(default).unwrap_or(""));
            rest = &body[end + 1..];
        } else {
            let len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            out.push_str(args.get(&after[..len]).map_or("", String::as_str));
            rest = &after[len..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_args() {
        assert_eq!(python_tag("python:3.9-slim"), Some("3.9-slim"));
        assert_eq!(
            python_tag("docker.io/library/python:3.8@sha256:ab"),
            Some("3.8")
        );
        assert_eq!(python_tag("localhost:5000/python:3.12"), Some("3.12"));
        assert_eq!(python_tag("python"), None);
        assert_eq!(python_tag("node:20"), None);
        assert_eq!(python_tag("mypython:3.9"), None);
        let args = BTreeMap::from([("PY".to_string(), "3.10".to_string())]);
        assert_eq!(substitute("python:${PY}-slim", &args), "python:3.10-slim");
        assert_eq!(substitute("python:$PY", &args), "python:3.10");
        assert_eq!(substitute("python:${V:-3.7}", &args), "python:3.7");
    }
}
