//! `poetry.lock`: one `[[package]]` per locked distribution (lock versions 1.1, 2.0 and 2.1).
//! Packages from git, a local directory or file, or a direct URL (`[package.source]` of type
//! `git`, `directory`, `file`, `url`) are unauditable; `legacy` sources are private indexes and
//! are matched by name like PyPI packages.

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
    version: String,
    /// Lock 1.x/2.0: `main` or `dev`.
    category: Option<String>,
    /// Lock 2.1: the groups that need the package.
    groups: Option<Vec<String>>,
    develop: Option<bool>,
    source: Option<Source>,
}

#[derive(Deserialize)]
struct Source {
    #[serde(rename = "type")]
    kind: String,
    url: Option<String>,
}

pub(crate) fn read(file: &SourceRef<'_>, read: &mut FileRead) {
    let Some(lock) = toml_util::parse::<Lock>(file, read) else {
        return;
    };
    let index = LineIndex::new(file.text);
    for package in lock.package {
        let span = span_of(&index, &package.name);
        let name = package.name.get_ref();
        let unauditable = package.source.as_ref().and_then(|s| {
            let kind = match s.kind.as_str() {
                "git" => UnauditableKind::Vcs,
                "directory" | "file" if package.develop == Some(true) => UnauditableKind::Editable,
                "directory" | "file" => UnauditableKind::LocalPath,
                "url" => UnauditableKind::Url,
                _ => return None,
            };
            Some((kind, s.url.clone().unwrap_or_default()))
        });
        if let Some((kind, url)) = unauditable {
            read.unauditable.push(Unauditable {
                kind,
                name: Some(PackageName::new(name)),
                text: format!("{name} {} ({})", package.version, redact_url(&url)),
                declared: file.declared(span),
            });
            continue;
        }
        let group = package
            .groups
            .map(|g| g.join(","))
            .or(package.category)
            .filter(|g| g != "main");
        read.dependencies.push(locked(
            name,
            &package.version,
            file.declared(span),
            Role::Locked,
            group,
        ));
    }
}
