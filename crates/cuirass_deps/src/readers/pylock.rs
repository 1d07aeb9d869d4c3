//! PEP 751 `pylock.toml`: `[[packages]]` with `name` and `version`. A package installed from
//! `vcs`, `directory` or `archive` (a direct URL or a local file) is unauditable, as is one
//! with no `version` (which the specification allows only for those sources).

use serde::Deserialize;
use toml::Spanned;

use super::toml_util::{self, span_of};
use super::{SourceRef, locked};
use crate::model::{FileRead, Role, Unauditable, UnauditableKind, redact_url};
use crate::name::PackageName;
use crate::text::LineIndex;

#[derive(Deserialize)]
struct Lock {
    #[serde(default)]
    packages: Vec<Package>,
}

#[derive(Deserialize)]
struct Package {
    name: Spanned<String>,
    version: Option<String>,
    vcs: Option<toml::Table>,
    directory: Option<toml::Table>,
    archive: Option<toml::Table>,
}

pub(crate) fn read(file: &SourceRef<'_>, read: &mut FileRead) {
    let Some(lock) = toml_util::parse::<Lock>(file, read) else {
        return;
    };
    let index = LineIndex::new(file.text);
    for package in lock.packages {
        let span = span_of(&index, &package.name);
        let name = package.name.get_ref();
        let location = |t: &toml::Table| -> String {
            t.get("url")
                .or_else(|| t.get("path"))
                .and_then(toml::Value::as_str)
                .map(redact_url)
                .unwrap_or_default()
        };
        let unauditable = package
            .vcs
            .as_ref()
            .map(|t| (UnauditableKind::Vcs, location(t)))
            .or_else(|| {
                package.directory.as_ref().map(|t| {
                    let editable = t.get("editable").and_then(toml::Value::as_bool) == Some(true);
                    let kind = if editable {
                        UnauditableKind::Editable
                    } else {
                        UnauditableKind::LocalPath
                    };
                    (kind, location(t))
                })
            })
            .or_else(|| {
                package.archive.as_ref().map(|t| {
                    let kind = if t.contains_key("url") {
                        UnauditableKind::Url
                    } else {
                        UnauditableKind::LocalPath
                    };
                    (kind, location(t))
                })
            });
        if let Some((kind, target)) = unauditable {
            read.unauditable.push(Unauditable {
                kind,
                name: Some(PackageName::new(name)),
                text: format!("{name} ({target})"),
                declared: file.declared(span),
            });
            continue;
        }
        let Some(version) = package.version.as_deref() else {
            read.unauditable.push(Unauditable {
                kind: UnauditableKind::InvalidVersion,
                name: Some(PackageName::new(name)),
                text: format!("{name} (no version)"),
                declared: file.declared(span),
            });
            continue;
        };
        read.dependencies.push(locked(
            name,
            version,
            file.declared(span),
            Role::Locked,
            None,
        ));
    }
}
