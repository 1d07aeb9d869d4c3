//! pyenv's `.python-version` (one version per line; `system`, `PyPy` and conda names are not
//! CPython and are skipped) and Heroku-style `runtime.txt` (`python-3.11.4`). Also the shared
//! parser of CPython version strings used by every interpreter reader.

use super::SourceRef;
use crate::model::{FileRead, PythonDeclaration, PythonSpec, PythonUse};
use crate::text::{line_span, to_u32};

/// The CPython `major.minor` a version string names: `3.11`, `3.11.4`, `python-3.11.4`,
/// `3.12-dev`, `3.13t`, `3.9-slim-bookworm`, `3.12.1.final.0`. `None` for anything else
/// (`3`, `system`, `pypy3.10`, `latest`).
pub fn parse_python_version(text: &str) -> Option<(u64, u64)> {
    let lower = text.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    let rest = ["cpython-", "cpython", "python-", "python"]
        .iter()
        .find_map(|p| lower.strip_prefix(p))
        .unwrap_or(&lower);
    let mut parts = rest.splitn(3, '.');
    let major: u64 = parts.next()?.parse().ok()?;
    let minor_part = parts.next()?;
    let digits: String = minor_part
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let tail = &minor_part[digits.len()..];
    // `3.11-slim`, `3.13t`, `3.12.1`: a suffix must not continue the number oddly (`3.1x1`).
    if digits.is_empty()
        || !(tail.is_empty() || tail.starts_with(['-', 't', '_', 'a', 'b', 'r', '+']))
    {
        return None;
    }
    let minor = digits.parse().ok()?;
    (major == 2 || major == 3).then_some((major, minor))
}

pub(crate) fn read(file: &SourceRef<'_>, read: &mut FileRead) {
    for (index, raw) in file.text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let content = line.split('#').next().unwrap_or("");
        for token in content.split_whitespace() {
            let Some((major, minor)) = parse_python_version(token) else {
                continue;
            };
            let start = line.find(token).unwrap_or(0);
            read.python.push(PythonDeclaration {
                text: token.to_string(),
                spec: PythonSpec::Version { major, minor },
                usage: PythonUse::Runs,
                declared: file.declared(line_span(
                    to_u32(index + 1),
                    line,
                    start,
                    start + token.len(),
                )),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_python_version;

    #[test]
    fn versions() {
        for (text, expected) in [
            ("3.11", Some((3, 11))),
            ("3.11.4", Some((3, 11))),
            ("python-3.8.10", Some((3, 8))),
            ("3.12-dev", Some((3, 12))),
            ("3.13t", Some((3, 13))),
            ("3.9-slim-bookworm", Some((3, 9))),
            ("3.12.1.final.0", Some((3, 12))),
            ("2.7.18", Some((2, 7))),
            ("\"3.10\"", Some((3, 10))),
            ("3", None),
            ("system", None),
            ("pypy3.10-7.3.12", None),
            ("latest", None),
            ("3.x", None),
        ] {
            assert_eq!(parse_python_version(text), expected, "{text}");
        }
    }
}
