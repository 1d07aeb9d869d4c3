//! `uv.lock`: one `[[package]]` per locked distribution, each with a `source` inline table.
//! Workspace members (`editable`/`virtual` sources) are the project itself, not dependencies,
//! and are skipped; `git`, `url`, `path` and `directory` sources are unauditable; `registry`
//! sources are matched by name and version.

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
    package: Vec<Package>,
}

#[derive(Deserialize)]
struct Package {
    name: Spanned<String>,
    version: Option<String>,
    source: Option<toml::Table>,
}

pub(crate) fn read(file: &SourceRef<'_>, read: &mut FileRead) {
    let Some(lock) = toml_util::parse::<Lock>(file, read) else {
        return;
    };
    let index = LineIndex::new(file.text);
    for package in lock.package {
        let span = span_of(&index, &package.name);
        let name = package.name.get_ref();
        let source = package.source.unwrap_or_default();
        let string = |key: &str| source.get(key).and_then(toml::Value::as_str);
        if string("editable").is_some() || string("virtual").is_some() {
            continue;
        }
        let unauditable = string("git")
            .map(|u| (UnauditableKind::Vcs, u))
            .or_else(|| string("url").map(|u| (UnauditableKind::Url, u)))
            .or_else(|| string("path").map(|p| (UnauditableKind::LocalPath, p)))
            .or_else(|| string("directory").map(|p| (UnauditableKind::LocalPath, p)));
        let version = package.version.as_deref();
        if let Some((kind, target)) = unauditable {
            read.unauditable.push(Unauditable {
                kind,
                name: Some(PackageName::new(name)),
                text: format!("{name} {} ({})", version.unwrap_or("?"), redact_url(target)),
                declared: file.declared(span),
            });
            continue;
        }
        let Some(version) = version else {
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
