//! `pdm.lock` (lock format 4.x): one `[[package]]` per locked distribution with its `groups`.
//! Entries with `git`, `url` or `path` keys (and `editable = true`) are unauditable.

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
    groups: Option<Vec<String>>,
    git: Option<String>,
    url: Option<String>,
    path: Option<String>,
    editable: Option<bool>,
}

pub(crate) fn read(file: &SourceRef<'_>, read: &mut FileRead) {
    let Some(lock) = toml_util::parse::<Lock>(file, read) else {
        return;
    };
    let index = LineIndex::new(file.text);
    for package in lock.package {
        let span = span_of(&index, &package.name);
        let name = package.name.get_ref();
        let unauditable = package
            .git
            .as_deref()
            .map(|g| (UnauditableKind::Vcs, g))
            .or_else(|| package.url.as_deref().map(|u| (UnauditableKind::Url, u)))
            .or_else(|| {
                package.path.as_deref().map(|p| {
                    if package.editable == Some(true) {
                        (UnauditableKind::Editable, p)
                    } else {
                        (UnauditableKind::LocalPath, p)
                    }
                })
            });
        if let Some((kind, target)) = unauditable {
            read.unauditable.push(Unauditable {
                kind,
                name: Some(PackageName::new(name)),
                text: format!("{name} ({})", redact_url(target)),
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
        let group = package
            .groups
            .map(|g| g.join(","))
            .filter(|g| g != "default");
        read.dependencies.push(locked(
            name,
            version,
            file.declared(span),
            Role::Locked,
            group,
        ));
    }
}
