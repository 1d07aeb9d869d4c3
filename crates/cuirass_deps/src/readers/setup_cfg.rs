//! setuptools' `setup.cfg`: `[options] install_requires`, `[options.extras_require]` and
//! `python_requires`, read as setuptools reads them: a value spanning several lines is one
//! requirement per line; a one-line value is split at `;` (setuptools' "list-semi").
//! `file:` directives are not followed (a notice says so).

use cuirass_diagnostics::NoticeKind;

use super::ini::parse_ini;
use super::{Parsed, SourceRef, parse_pep508};
use crate::model::{FileRead, PythonDeclaration, PythonSpec, PythonUse, Role};
use crate::text::line_span;

pub(crate) fn read(file: &SourceRef<'_>, read: &mut FileRead) {
    for entry in parse_ini(file.text) {
        let group = match (entry.section.as_str(), entry.key.as_str()) {
            ("options", "install_requires") => None,
            ("options.extras_require", extra) => Some(format!("optional:{extra}")),
            ("options", "python_requires") => {
                if let Some(&(line, text, start)) = entry.lines.first() {
                    let value = text[start..].trim();
                    read.python.push(PythonDeclaration {
                        text: value.to_string(),
                        spec: PythonSpec::Specifiers(value.to_string()),
                        usage: PythonUse::Allows,
                        declared: file.declared(line_span(line, text, start, start + value.len())),
                    });
                }
                continue;
            }
            _ => continue,
        };
        if entry
            .lines
            .first()
            .is_some_and(|&(_, text, start)| text[start..].trim_start().starts_with("file:"))
        {
            read.notice(
                file.notice(
                    NoticeKind::Warning,
                    None,
                    format!(
                        "`{}` reads its requirements from a file (`file:`); audit that file directly",
                        entry.key
                    ),
                )
                .at(cuirass_diagnostics::Position::new(entry.key_line, 1)),
            );
            continue;
        }
        // (line, line text, byte range of one requirement in the line)
        let mut items: Vec<(u32, &str, usize, usize)> = Vec::new();
        if entry.lines.len() == 1 {
            if let Some(&(line, text, start)) = entry.lines.first() {
                let mut offset = start;
                for part in text[start..].split(';') {
                    let lead = part.len() - part.trim_start().len();
                    items.push((line, text, offset + lead, offset + part.trim_end().len()));
                    offset += part.len() + 1;
                }
            }
        } else {
            for &(line, text, start) in &entry.lines {
                items.push((line, text, start, text.trim_end().len()));
            }
        }
        for (line, text, start, end) in items {
            let requirement = text.get(start..end).unwrap_or("").trim();
            if requirement.is_empty() || requirement.starts_with('#') {
                continue;
            }
            let span = line_span(line, text, start, end);
            match parse_pep508(
                requirement,
                file.declared(span),
                Role::Direct,
                group.clone(),
            ) {
                Ok(Parsed::Dependency(dep)) => read.dependencies.push(dep),
                Ok(Parsed::Unauditable(u)) => read.unauditable.push(u),
                Err(message) => read.notice(file.notice(
                    NoticeKind::ParseError,
                    Some(span),
                    format!("`{requirement}` is not a valid requirement: {message}"),
                )),
            }
        }
    }
}
