//! The pinning-hygiene rules: `unpinned-requirement`, `missing-hash`, `conflicting-pins` and
//! `unauditable-requirement`. They need no advisory database.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use cuirass_diagnostics::{Finding, Location, Related};

use crate::model::{Dependency, FileRead, InputKind, Pin, Role, Unauditable, UnauditableKind};
use crate::name::PackageName;
use crate::rules;

/// `unpinned-requirement`: every direct requirement in a requirements file without an exact
/// pin, unless a constraints file read together with it (in any read that contains the line)
/// pins the package, or the file is a pip-tools `.in` with its compiled `.txt` beside it.
pub(crate) fn unpinned(
    deps: &[&Dependency],
    constrained: &BTreeMap<Location, BTreeSet<PackageName>>,
) -> Vec<Finding> {
    deps.iter()
        .filter(|d| d.declared.kind == InputKind::Requirements && d.role == Role::Direct)
        .filter(|d| d.pin != Pin::Exact)
        .filter(|d| {
            !constrained
                .get(&d.declared.location)
                .is_some_and(|names| names.contains(&d.name))
        })
        .filter(|d| !is_compiled_input(&d.declared.file))
        .map(|d| {
            let message = match d.pin {
                Pin::Any => format!(
                    "`{}` is not pinned: any version can be installed; pin the one you tested (`{}==…`)",
                    d.written_name, d.written_name
                ),
                _ => format!(
                    "`{}{}` allows a range of versions; pin the one you tested (`{}==…`)",
                    d.written_name, d.specifier, d.written_name
                ),
            };
            let mut finding = Finding::new(
                &rules::UNPINNED_REQUIREMENT,
                message,
                d.declared.location.clone(),
            );
            finding.fingerprint_key = format!("{}|{}", d.name, d.specifier);
            finding
        })
        .collect()
}

/// For every declaration, the packages that constraints files pin in the reads containing it.
pub(crate) fn constrained_names(reads: &[FileRead]) -> BTreeMap<Location, BTreeSet<PackageName>> {
    let mut out: BTreeMap<Location, BTreeSet<PackageName>> = BTreeMap::new();
    for read in reads {
        let pinned: BTreeSet<&PackageName> = read
            .dependencies
            .iter()
            .filter(|d| d.role == Role::Constraint && d.pin == Pin::Exact)
            .map(|d| &d.name)
            .collect();
        for dep in &read.dependencies {
            out.entry(dep.declared.location.clone())
                .or_default()
                .extend(pinned.iter().map(|n| (*n).clone()));
        }
    }
    out
}

/// A pip-tools input (`x.in`) whose compiled `x.txt` sits beside it: the `.txt` is the lock.
fn is_compiled_input(file: &Path) -> bool {
    file.extension().is_some_and(|e| e == "in") && file.with_extension("txt").is_file()
}

/// `missing-hash`: in each requirements file that hashes some lines (or says
/// `--require-hashes`), every requirement line without a hash.
pub(crate) fn missing_hashes(
    deps: &[&Dependency],
    require_hashes: &BTreeSet<String>,
) -> Vec<Finding> {
    let mut by_file: BTreeMap<&str, Vec<&Dependency>> = BTreeMap::new();
    for dep in deps {
        if dep.declared.kind == InputKind::Requirements && dep.role != Role::Installed {
            by_file
                .entry(dep.declared.location.path.as_str())
                .or_default()
                .push(dep);
        }
    }
    let mut findings = Vec::new();
    for (path, deps) in by_file {
        let hashed = deps.iter().filter(|d| !d.hashes.is_empty()).count();
        let required = require_hashes.contains(path);
        if hashed == 0 && !required {
            continue;
        }
        let why = if hashed > 0 {
            format!("{hashed} other line(s) of `{path}` are hashed")
        } else {
            format!("`{path}` says `--require-hashes`")
        };
        for dep in deps.iter().filter(|d| d.hashes.is_empty()) {
            let mut finding = Finding::new(
                &rules::MISSING_HASH,
                format!(
                    "`{}` has no `--hash`, but {why}: pip's hash-checking mode rejects the file, and without it this line is unprotected",
                    dep.written_name
                ),
                dep.declared.location.clone(),
            );
            finding.fingerprint_key = format!("{}|{}", dep.name, dep.specifier);
            findings.push(finding);
        }
    }
    findings
}

/// The project a file belongs to: the nearest folder at or below `root` holding a
/// `pyproject.toml`, `setup.cfg`, `setup.py` or `Pipfile`, else `root`.
fn project_of(file: &Path, root: &Path, cache: &mut BTreeMap<PathBuf, PathBuf>) -> PathBuf {
    let mut dir = file.parent().map(Path::to_path_buf);
    let mut visited = Vec::new();
    while let Some(current) = dir {
        if let Some(found) = cache.get(&current) {
            let found = found.clone();
            for v in visited {
                cache.insert(v, found.clone());
            }
            return found;
        }
        let is_project = ["pyproject.toml", "setup.cfg", "setup.py", "Pipfile"]
            .iter()
            .any(|marker| current.join(marker).is_file());
        if is_project || current == root || !current.starts_with(root) {
            let found = if is_project {
                current.clone()
            } else {
                root.to_path_buf()
            };
            visited.push(current);
            for v in visited {
                cache.insert(v, found.clone());
            }
            return found;
        }
        visited.push(current.clone());
        dir = current.parent().map(Path::to_path_buf);
    }
    root.to_path_buf()
}

/// `conflicting-pins`: one package pinned to different versions by files of one project.
pub(crate) fn conflicting(deps: &[&Dependency], root: &Path) -> Vec<Finding> {
    let mut cache = BTreeMap::new();
    // project → package → file → declarations
    let mut pins: BTreeMap<PathBuf, BTreeMap<&PackageName, BTreeMap<&str, Vec<&Dependency>>>> =
        BTreeMap::new();
    for dep in deps {
        if dep.pin != Pin::Exact || dep.role == Role::Installed {
            continue;
        }
        if dep
            .version
            .as_deref()
            .and_then(crate::audit::parse_version)
            .is_none()
        {
            continue;
        }
        let project = project_of(&dep.declared.file, root, &mut cache);
        pins.entry(project)
            .or_default()
            .entry(&dep.name)
            .or_default()
            .entry(dep.declared.location.path.as_str())
            .or_default()
            .push(dep);
    }
    let mut findings = Vec::new();
    for packages in pins.values() {
        for (name, files) in packages {
            if let Some(finding) = conflict(name, files) {
                findings.push(finding);
            }
        }
    }
    findings
}

fn conflict(name: &PackageName, files: &BTreeMap<&str, Vec<&Dependency>>) -> Option<Finding> {
    let parse = |v: &str| crate::audit::parse_version(v);
    let version_of = |d: &Dependency| d.version.as_deref().and_then(parse);
    let mut clashing: Vec<(&Dependency, &Dependency)> = Vec::new();
    // Within one (non-lock) file: different versions under the same marker.
    for deps in files.values() {
        for (i, a) in deps.iter().enumerate() {
            for b in deps.iter().skip(i + 1) {
                if !a.declared.kind.is_lock()
                    && a.marker == b.marker
                    && version_of(a) != version_of(b)
                {
                    clashing.push((a, b));
                }
            }
        }
    }
    // Across files: no version in common, and no markers that could explain it.
    let entries: Vec<(&&str, &Vec<&Dependency>)> = files.iter().collect();
    for (i, (_, a)) in entries.iter().enumerate() {
        for (_, b) in entries.iter().skip(i + 1) {
            let marked = a.iter().chain(b.iter()).any(|d| d.marker.is_some());
            let shared = a
                .iter()
                .any(|x| b.iter().any(|y| version_of(x) == version_of(y)));
            if !marked
                && !shared
                && let (Some(x), Some(y)) = (a.first(), b.first())
            {
                clashing.push((x, y));
            }
        }
    }
    if clashing.is_empty() {
        return None;
    }
    let mut involved: Vec<&Dependency> = clashing.iter().flat_map(|&(a, b)| [a, b]).collect();
    involved.sort_by(|a, b| {
        crate::audit::actionability(a)
            .cmp(&crate::audit::actionability(b))
            .then(a.declared.cmp(&b.declared))
    });
    involved.dedup_by(|a, b| a.declared == b.declared);
    let first = involved.first()?;
    // "3.2.0 in `a:1`, `b:4`; 3.2.5 in `c:3`", versions in the order first met.
    let mut groups: Vec<(&str, Vec<String>)> = Vec::new();
    for d in &involved {
        let version = d.version.as_deref().unwrap_or("?");
        let place = format!("`{}`", d.declared.short());
        match groups.iter_mut().find(|(v, _)| version_of(d) == parse(v)) {
            Some((_, places)) => places.push(place),
            None => groups.push((version, vec![place])),
        }
    }
    let described: Vec<String> = groups
        .iter()
        .map(|(version, places)| format!("{version} in {}", places.join(", ")))
        .collect();
    let mut versions: Vec<&str> = groups.iter().map(|(v, _)| *v).collect();
    versions.sort_unstable();
    let mut finding = Finding::new(
        &rules::CONFLICTING_PINS,
        format!(
            "`{name}` is pinned to different versions: {}; keep one source of truth",
            described.join("; ")
        ),
        first.declared.location.clone(),
    );
    finding.related = involved
        .iter()
        .skip(1)
        .map(|d| Related {
            location: d.declared.location.clone(),
            message: format!(
                "`{name}` pinned to {} here",
                d.version.as_deref().unwrap_or("?")
            ),
        })
        .collect();
    finding.fingerprint_key = format!("{name}|{}", versions.join(","));
    Some(finding)
}

/// `unauditable-requirement` for one entry.
pub(crate) fn unauditable(entry: &Unauditable) -> Finding {
    let what = entry
        .name
        .as_ref()
        .map_or_else(|| format!("`{}`", entry.text), |n| format!("`{n}`"));
    let message = match entry.kind {
        UnauditableKind::InvalidVersion => format!(
            "{what} has no PEP 440 version (`{}`), so advisories cannot be matched against it",
            entry.text
        ),
        kind => format!(
            "{what} is {}: advisories cannot be matched against it, so review it yourself",
            kind.describe()
        ),
    };
    let mut finding = Finding::new(
        &rules::UNAUDITABLE_REQUIREMENT,
        message,
        entry.declared.location.clone(),
    );
    finding.fingerprint_key.clone_from(&entry.text);
    finding
}
