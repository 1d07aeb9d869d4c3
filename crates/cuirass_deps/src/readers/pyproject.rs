//! `pyproject.toml`: PEP 621 `[project]` `dependencies`, `optional-dependencies` and
//! `requires-python`; PEP 735 `[dependency-groups]` (with `{include-group = …}` references
//! checked, not expanded, so each requirement is reported once, where it is written); Poetry's
//! `[tool.poetry.dependencies]`, `dev-dependencies` and `group.<name>.dependencies` (its
//! `python` entry is a Python-version declaration); uv's and PDM's `dev-dependencies`.

use std::collections::{BTreeMap, BTreeSet};

use cuirass_diagnostics::NoticeKind;
use serde::Deserialize;
use toml::Spanned;

use super::toml_util::{self, poetry_pin, span_of};
use super::{Parsed, SourceRef, parse_pep508, url_kind};
use crate::model::{
    Dependency, FileRead, PythonDeclaration, PythonSpec, PythonUse, Role, Unauditable,
    UnauditableKind,
};
use crate::name::PackageName;
use crate::text::LineIndex;

#[derive(Deserialize)]
struct Pyproject {
    project: Option<Project>,
    #[serde(rename = "dependency-groups")]
    dependency_groups: Option<BTreeMap<Spanned<String>, Vec<Spanned<GroupItem>>>>,
    tool: Option<Tool>,
}

#[derive(Deserialize)]
struct Project {
    dependencies: Option<Vec<Spanned<String>>>,
    #[serde(rename = "optional-dependencies")]
    optional_dependencies: Option<BTreeMap<String, Vec<Spanned<String>>>>,
    #[serde(rename = "requires-python")]
    requires_python: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum GroupItem {
    Requirement(String),
    Include {
        #[serde(rename = "include-group")]
        include_group: String,
    },
}

#[derive(Deserialize)]
struct Tool {
    poetry: Option<Poetry>,
    uv: Option<Uv>,
    pdm: Option<Pdm>,
}

#[derive(Deserialize)]
struct Uv {
    #[serde(rename = "dev-dependencies")]
    dev_dependencies: Option<Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
struct Pdm {
    #[serde(rename = "dev-dependencies")]
    dev_dependencies: Option<BTreeMap<String, Vec<Spanned<String>>>>,
}

pub(crate) type PoetryTable = BTreeMap<Spanned<String>, Spanned<PoetryDep>>;

#[derive(Deserialize)]
struct Poetry {
    dependencies: Option<PoetryTable>,
    #[serde(rename = "dev-dependencies")]
    dev_dependencies: Option<PoetryTable>,
    group: Option<BTreeMap<String, PoetryGroup>>,
}

#[derive(Deserialize)]
struct PoetryGroup {
    dependencies: Option<PoetryTable>,
}

/// A Poetry dependency value: a constraint string, a table, or a list of tables (one per
/// marker).
#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum PoetryDep {
    Constraint(String),
    Detailed(PoetryDetail),
    Multiple(Vec<PoetryDetail>),
}

#[derive(Deserialize, Default, Clone)]
pub(crate) struct PoetryDetail {
    version: Option<String>,
    extras: Option<Vec<String>>,
    markers: Option<String>,
    python: Option<String>,
    git: Option<String>,
    path: Option<String>,
    url: Option<String>,
    develop: Option<bool>,
}

pub(crate) fn read(file: &SourceRef<'_>, read: &mut FileRead) {
    let Some(doc) = toml_util::parse::<Pyproject>(file, read) else {
        return;
    };
    let index = LineIndex::new(file.text);
    if let Some(project) = doc.project {
        pep508_list(file, &index, project.dependencies.as_deref(), None, read);
        for (extra, list) in project.optional_dependencies.iter().flatten() {
            pep508_list(
                file,
                &index,
                Some(list),
                Some(format!("optional:{extra}").as_str()),
                read,
            );
        }
        if let Some(requires) = project.requires_python {
            read.python.push(PythonDeclaration {
                text: requires.get_ref().clone(),
                spec: PythonSpec::Specifiers(requires.get_ref().clone()),
                usage: PythonUse::Allows,
                declared: file.declared(span_of(&index, &requires)),
            });
        }
    }
    if let Some(groups) = doc.dependency_groups {
        dependency_groups(file, &index, &groups, read);
    }
    let Some(tool) = doc.tool else { return };
    if let Some(poetry) = tool.poetry {
        if let Some(deps) = &poetry.dependencies {
            poetry_table(file, &index, deps, None, read);
        }
        if let Some(deps) = &poetry.dev_dependencies {
            poetry_table(file, &index, deps, Some("dev"), read);
        }
        for (name, group) in poetry.group.iter().flatten() {
            if let Some(deps) = &group.dependencies {
                poetry_table(
                    file,
                    &index,
                    deps,
                    Some(format!("group:{name}").as_str()),
                    read,
                );
            }
        }
    }
    if let Some(list) = tool.uv.and_then(|uv| uv.dev_dependencies) {
        pep508_list(file, &index, Some(&list), Some("dev"), read);
    }
    for (group, list) in tool.pdm.and_then(|p| p.dev_dependencies).iter().flatten() {
        pep508_list(
            file,
            &index,
            Some(list),
            Some(format!("group:{group}").as_str()),
            read,
        );
    }
}

fn pep508_list(
    file: &SourceRef<'_>,
    index: &LineIndex<'_>,
    list: Option<&[Spanned<String>]>,
    group: Option<&str>,
    read: &mut FileRead,
) {
    for item in list.unwrap_or_default() {
        pep508_item(file, item.get_ref(), span_of(index, item), group, read);
    }
}

fn pep508_item(
    file: &SourceRef<'_>,
    text: &str,
    span: cuirass_diagnostics::Span,
    group: Option<&str>,
    read: &mut FileRead,
) {
    match parse_pep508(
        text,
        file.declared(span),
        Role::Direct,
        group.map(str::to_string),
    ) {
        Ok(Parsed::Dependency(dep)) => read.dependencies.push(dep),
        Ok(Parsed::Unauditable(u)) => read.unauditable.push(u),
        Err(message) => read.notice(file.notice(
            NoticeKind::ParseError,
            Some(span),
            format!("`{text}` is not a valid requirement: {message}"),
        )),
    }
}

fn dependency_groups(
    file: &SourceRef<'_>,
    index: &LineIndex<'_>,
    groups: &BTreeMap<Spanned<String>, Vec<Spanned<GroupItem>>>,
    read: &mut FileRead,
) {
    // PEP 735 compares group names normalised like package names.
    let names: BTreeMap<PackageName, &str> = groups
        .keys()
        .map(|k| (PackageName::new(k.get_ref()), k.get_ref().as_str()))
        .collect();
    let includes = |group: &str| -> Vec<PackageName> {
        groups
            .iter()
            .find(|(k, _)| k.get_ref() == group)
            .map(|(_, items)| {
                items
                    .iter()
                    .filter_map(|i| match i.get_ref() {
                        GroupItem::Include { include_group } => {
                            Some(PackageName::new(include_group))
                        }
                        GroupItem::Requirement(_) => None,
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    for (name, items) in groups {
        for item in items {
            let span = span_of(index, item);
            match item.get_ref() {
                GroupItem::Requirement(text) => pep508_item(
                    file,
                    text,
                    span,
                    Some(format!("group:{}", name.get_ref()).as_str()),
                    read,
                ),
                GroupItem::Include { include_group } => {
                    let target = PackageName::new(include_group);
                    if !names.contains_key(&target) {
                        read.notice(file.notice(
                            NoticeKind::Warning,
                            Some(span),
                            format!(
                                "dependency group `{}` includes `{include_group}`, which is not defined",
                                name.get_ref()
                            ),
                        ));
                    } else if reaches(
                        &target,
                        &PackageName::new(name.get_ref()),
                        &names,
                        &includes,
                    ) {
                        read.notice(file.notice(
                            NoticeKind::Warning,
                            Some(span),
                            format!(
                                "dependency group `{}` includes itself through `{include_group}` (a cycle)",
                                name.get_ref()
                            ),
                        ));
                    }
                }
            }
        }
    }
}

/// Whether group `from` includes `to`, directly or through other groups.
fn reaches(
    from: &PackageName,
    to: &PackageName,
    names: &BTreeMap<PackageName, &str>,
    includes: &dyn Fn(&str) -> Vec<PackageName>,
) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.clone()];
    while let Some(current) = stack.pop() {
        if &current == to {
            return true;
        }
        if !seen.insert(current.clone()) {
            continue;
        }
        if let Some(written) = names.get(&current) {
            stack.extend(includes(written));
        }
    }
    false
}

/// A `[tool.poetry.*dependencies]` table.
pub(crate) fn poetry_table(
    file: &SourceRef<'_>,
    index: &LineIndex<'_>,
    table: &PoetryTable,
    group: Option<&str>,
    read: &mut FileRead,
) {
    for (key, value) in table {
        let name = key.get_ref();
        let span = span_of(index, key);
        if name.eq_ignore_ascii_case("python") {
            if let PoetryDep::Constraint(c) = value.get_ref() {
                read.python.push(PythonDeclaration {
                    text: c.clone(),
                    spec: PythonSpec::Specifiers(
                        c.split("||")
                            .map(toml_util::poetry_to_pep440)
                            .collect::<Vec<_>>()
                            .join(" || "),
                    ),
                    usage: PythonUse::Allows,
                    declared: file.declared(span),
                });
            }
            continue;
        }
        let details: Vec<PoetryDetail> = match value.get_ref() {
            PoetryDep::Constraint(c) => vec![PoetryDetail {
                version: Some(c.clone()),
                ..PoetryDetail::default()
            }],
            PoetryDep::Detailed(d) => vec![d.clone()],
            PoetryDep::Multiple(list) => list.clone(),
        };
        for detail in details {
            let source = detail
                .git
                .as_deref()
                .map(|g| (UnauditableKind::Vcs, g))
                .or_else(|| detail.url.as_deref().map(|u| (url_kind(u), u)))
                .or_else(|| {
                    detail.path.as_deref().map(|p| {
                        let kind = if detail.develop == Some(true) {
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
                    text: format!("{name} = {}", crate::model::redact_url(target)),
                    declared: file.declared(span),
                });
                continue;
            }
            let constraint = detail.version.unwrap_or_default();
            let (pin, version) = poetry_pin(&constraint);
            let marker = match (detail.markers, detail.python) {
                (Some(m), Some(p)) => Some(format!("{m} and python {p}")),
                (Some(m), None) => Some(m),
                (None, Some(p)) => Some(format!("python {p}")),
                (None, None) => None,
            };
            read.dependencies.push(Dependency {
                name: PackageName::new(name),
                written_name: name.clone(),
                specifier: constraint.trim().to_string(),
                pin,
                version,
                extras: detail.extras.unwrap_or_default(),
                marker,
                hashes: Vec::new(),
                group: group.map(str::to_string),
                role: Role::Direct,
                declared: file.declared(span),
            });
        }
    }
}
