//! Pipenv's `Pipfile`: `[packages]`, `[dev-packages]` and any custom category table, each
//! mapping a name to `"*"`, a PEP 440 specifier or a table (`version`, `extras`, `markers` and
//! per-variable markers, or a `git`/`path`/`file` source). `[requires] python_version` and
//! `python_full_version` say which Python runs the project.
//!
//! Read with `toml_edit` rather than serde, because category names are free and every key's
//! position is needed.

use cuirass_diagnostics::NoticeKind;
use toml_edit::{Document, Item, Value};

use super::python_version::parse_python_version;
use super::{SourceRef, classify_specifiers};
use crate::model::{
    Dependency, FileRead, Pin, PythonDeclaration, PythonSpec, PythonUse, Role, Unauditable,
    UnauditableKind, redact_url,
};
use crate::name::PackageName;
use crate::text::LineIndex;

/// Top-level tables that are not package categories.
const NOT_CATEGORIES: &[&str] = &["source", "requires", "scripts", "pipenv"];

/// Pipfile keys that are environment markers written as separate entries.
const MARKER_KEYS: &[&str] = &[
    "os_name",
    "sys_platform",
    "platform_machine",
    "platform_python_implementation",
    "platform_release",
    "platform_system",
    "platform_version",
    "python_version",
    "python_full_version",
    "implementation_name",
    "implementation_version",
];

pub(crate) fn read(file: &SourceRef<'_>, read: &mut FileRead) {
    let doc = match Document::parse(file.text) {
        Ok(doc) => doc,
        Err(err) => {
            let index = LineIndex::new(file.text);
            read.notice(file.notice(
                NoticeKind::ParseError,
                err.span().map(|r| index.span(r)),
                format!(
                    "`{}` is not a valid Pipfile: {}",
                    file.display,
                    err.message().trim()
                ),
            ));
            return;
        }
    };
    let index = LineIndex::new(file.text);
    for (category, item) in doc.as_table() {
        if NOT_CATEGORIES.contains(&category) {
            continue;
        }
        let Some(table) = item.as_table_like() else {
            continue;
        };
        let group = match category {
            "packages" => None,
            "dev-packages" => Some("dev".to_string()),
            other => Some(other.to_string()),
        };
        for (name, value) in table.iter() {
            let span = table
                .get_key_value(name)
                .and_then(|(k, _)| k.span())
                .map_or_else(|| cuirass_diagnostics::Span::line(1), |r| index.span(r));
            entry(file, name, value, span, group.clone(), read);
        }
    }
    if let Some(requires) = doc.get("requires").and_then(Item::as_table_like) {
        for key in ["python_version", "python_full_version"] {
            let Some((k, value)) = requires.get_key_value(key) else {
                continue;
            };
            let Some(text) = value.as_str() else { continue };
            let span = k
                .span()
                .map_or_else(|| cuirass_diagnostics::Span::line(1), |r| index.span(r));
            if let Some((major, minor)) = parse_python_version(text) {
                read.python.push(PythonDeclaration {
                    text: text.to_string(),
                    spec: PythonSpec::Version { major, minor },
                    usage: PythonUse::Runs,
                    declared: file.declared(span),
                });
                break;
            }
        }
    }
}

fn entry(
    file: &SourceRef<'_>,
    name: &str,
    value: &Item,
    span: cuirass_diagnostics::Span,
    group: Option<String>,
    read: &mut FileRead,
) {
    let get = |key: &str| -> Option<&Value> { value.as_table_like()?.get(key)?.as_value() };
    let string = |key: &str| get(key).and_then(Value::as_str).map(str::to_string);
    let source = string("git")
        .map(|g| (UnauditableKind::Vcs, g))
        .or_else(|| string("file").map(|f| (super::url_kind(&f), f)))
        .or_else(|| {
            string("path").map(|p| {
                let editable = get("editable").and_then(Value::as_bool) == Some(true);
                let kind = if editable {
                    UnauditableKind::Editable
                } else {
                    UnauditableKind::LocalPath
                };
                (kind, p)
            })
        });
    if let Some((kind, target)) = source {
        read.unauditable.push(Unauditable {
            kind,
            name: Some(PackageName::new(name)),
            text: format!("{name} = {}", redact_url(&target)),
            declared: file.declared(span),
        });
        return;
    }
    let specifier = value
        .as_str()
        .map(str::to_string)
        .or_else(|| string("version"))
        .unwrap_or_else(|| "*".to_string());
    let trimmed = specifier.trim();
    let (pin, version) = if trimmed.is_empty() || trimmed == "*" {
        (Pin::Any, None)
    } else {
        match trimmed.parse::<pep440_rs::VersionSpecifiers>() {
            Ok(specs) => classify_specifiers(&specs, trimmed),
            Err(err) => {
                read.notice(file.notice(
                    NoticeKind::ParseError,
                    Some(span),
                    format!("`{name} = \"{trimmed}\"` is not a valid version specifier: {err}"),
                ));
                return;
            }
        }
    };
    let extras = get("extras")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let mut markers: Vec<String> = string("markers").into_iter().collect();
    for key in MARKER_KEYS {
        if let Some(m) = string(key) {
            markers.push(format!("{key} {m}"));
        }
    }
    read.dependencies.push(Dependency {
        name: PackageName::new(name),
        written_name: name.to_string(),
        specifier: if pin == Pin::Any {
            String::new()
        } else {
            trimmed.to_string()
        },
        pin,
        version,
        extras,
        marker: (!markers.is_empty()).then(|| markers.join(" and ")),
        hashes: Vec::new(),
        group,
        role: Role::Direct,
        declared: file.declared(span),
    });
}
