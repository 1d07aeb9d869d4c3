//! The dependency and interpreter audits over a project: read every input, match exact
//! versions against the advisory database, apply ignores, and run the hygiene and
//! end-of-life rules. One call, [`audit`], gives everything the CLI and the reports need.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use cuirass_diagnostics::{
    AdvisoryRef, Confidence, DependencyDetails, Finding, FindingDetails, Notice, NoticeKind,
    Related, Severity,
};
use pep440_rs::Version;

use crate::advisory::Advisory;
use crate::config::{Ignore, Until};
use crate::date::Date;
use crate::db::{Database, DbInfo};
use crate::eol::{self, Support};
use crate::hygiene;
use crate::matching;
use crate::model::{
    Declared, Dependency, FileRead, InputKind, Pin, PythonDeclaration, PythonSpec, PythonUse, Role,
    Unauditable, UnauditableKind,
};
use crate::name::PackageName;
use crate::readers::{self, ReadContext};
use crate::rules;

/// One file found by the walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// The path to open.
    pub path: PathBuf,
    /// The path shown in reports.
    pub display: String,
}

/// What to audit.
#[derive(Debug, Clone, Default)]
pub struct ProjectInput {
    /// The project root (files of one project are compared for conflicting pins).
    pub root: PathBuf,
    /// Display paths of files found through other files (`-r` includes, an environment's
    /// metadata) are relative to this directory.
    pub cwd: PathBuf,
    /// The files the walk found. Any file may be passed: the ones neither audit reads (by
    /// name, see [`InputKind::for_path`]) are ignored.
    pub files: Vec<InputFile>,
    /// `--python`: an environment to audit too (an interpreter in a virtualenv, a virtualenv
    /// directory or a `site-packages` directory). It is read, never run.
    pub python: Option<PathBuf>,
}

/// How to audit.
#[derive(Debug, Clone)]
pub struct DepsOptions {
    /// The date end-of-life dates, ignore expiry and database age are measured against.
    pub today: Date,
    /// `[tool.cuirass.deps] ignore`.
    pub ignores: Vec<Ignore>,
}

impl Default for DepsOptions {
    fn default() -> Self {
        Self {
            today: Date::today_utc(),
            ignores: Vec::new(),
        }
    }
}

/// A package at an exact version, as found in the project (for the SBOM and the dependency
/// table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedPackage {
    pub name: PackageName,
    /// The version as first written.
    pub version: String,
    /// Every place that pins it, most actionable first (requirement and manifest pins, then
    /// lock entries, then installed distributions).
    pub declared: Vec<Declared>,
}

/// One vulnerability (an advisory and those that alias it) affecting a package version.
#[derive(Debug, Clone, PartialEq)]
pub struct AdvisoryMatch {
    /// The id shown first (`PYSEC-` preferred, then `GHSA-`, then others).
    pub id: String,
    /// Every other id of the vulnerability (merged advisories and their aliases), sorted.
    pub aliases: Vec<String>,
    pub summary: String,
    pub severity: Severity,
    /// Whether `severity` comes from the advisory (a CVSS vector or a label, or `MAL-`);
    /// `false`: unrated, counted as high.
    pub rated: bool,
    pub cvss_score: Option<f64>,
    pub cvss_vector: Option<String>,
    /// Versions above the installed one that fix it, lowest first.
    pub fixed: Vec<String>,
    pub references: Vec<String>,
    pub cwes: Vec<u16>,
    pub published: Option<String>,
    pub modified: String,
}

impl AdvisoryMatch {
    /// The OSV page of the advisory.
    pub fn url(&self) -> String {
        format!("https://osv.dev/vulnerability/{}", self.id)
    }

    fn is_named(&self, id: &str) -> bool {
        self.id.eq_ignore_ascii_case(id) || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(id))
    }
}

/// An advisory silenced by an ignore.
#[derive(Debug, Clone, PartialEq)]
pub struct IgnoredAdvisory {
    pub advisory: AdvisoryMatch,
    pub reason: String,
    pub until: Until,
}

/// A package version with advisories against it.
#[derive(Debug, Clone, PartialEq)]
pub struct VulnerablePackage {
    pub name: PackageName,
    pub version: String,
    /// Advisories in force (not ignored), sorted by id.
    pub advisories: Vec<AdvisoryMatch>,
    /// Advisories silenced by an ignore.
    pub ignored: Vec<IgnoredAdvisory>,
    /// The smallest version that fixes every advisory in force; `None`: no fix yet.
    pub fixed_in: Option<String>,
    /// Where it is pinned, most actionable first.
    pub declared: Vec<Declared>,
}

/// Everything the dependency and interpreter audits found.
#[derive(Debug, Default)]
pub struct DepsReport {
    /// Sorted by path, line, column, rule.
    pub findings: Vec<Finding>,
    /// Input problems and warnings (unreadable files, include cycles, a stale database,
    /// expired or unused ignores, requirements that could not be checked), sorted.
    pub notices: Vec<Notice>,
    /// Every package at an exact version, sorted by name and version.
    pub packages: Vec<ResolvedPackage>,
    /// The packages with advisories (in force or ignored), sorted by name and version.
    pub vulnerable: Vec<VulnerablePackage>,
    /// The database the advisories came from; `None`: no database, so the advisory match did
    /// not run (the hygiene and interpreter rules did).
    pub db: Option<DbInfo>,
    /// Display paths of every file read.
    pub files_read: Vec<String>,
}

impl DepsReport {
    /// Whether dependencies were checked against advisories.
    pub fn advisories_checked(&self) -> bool {
        self.db.is_some()
    }
}

/// The warning to show (once, on stderr) and the line for every report's summary when no
/// advisory database is available.
pub const NO_DATABASE_MESSAGE: &str = "dependency audit not run: no advisory database; run `cuirass db update` to download it, or pass `--db PATH` (an OSV PyPI export zip or a folder of OSV JSON files)";

/// Parses a PEP 440 version, dropping surrounding whitespace.
pub(crate) fn parse_version(text: &str) -> Option<Version> {
    Version::from_str(text.trim()).ok()
}

/// Audits the project's dependencies and interpreter declarations.
pub fn audit(project: &ProjectInput, db: Option<&Database>, options: &DepsOptions) -> DepsReport {
    let ctx = ReadContext {
        cwd: project.cwd.clone(),
    };
    let mut report = DepsReport {
        db: db.map(|d| d.info().clone()),
        ..DepsReport::default()
    };
    let mut reads = Vec::new();
    let mut files: Vec<&InputFile> = project.files.iter().collect();
    files.sort_by(|a, b| a.display.cmp(&b.display));
    for file in files {
        if let Some(kind) = InputKind::for_path(&file.path) {
            reads.push(readers::read_file(&file.path, &file.display, kind, &ctx));
        }
    }
    if let Some(python) = &project.python {
        match readers::read_environment(python, &ctx) {
            Ok(read) => reads.push(read),
            Err(err) => report.notices.push(Notice::new(
                NoticeKind::Unreadable,
                python.display().to_string(),
                err.to_string(),
            )),
        }
    }

    let constrained = hygiene::constrained_names(&reads);

    // Merge the reads: a file included by two roots is one set of declarations.
    let mut deps: Vec<&Dependency> = Vec::new();
    let mut seen_deps = BTreeSet::new();
    let mut unauditable: Vec<Unauditable> = Vec::new();
    let mut seen_unauditable = BTreeSet::new();
    let mut python: Vec<&PythonDeclaration> = Vec::new();
    let mut seen_python = BTreeSet::new();
    let mut require_hashes = BTreeSet::new();
    let mut files_read = BTreeSet::new();
    // A line read both as a constraint (through `-c`) and on its own is a constraint.
    let constraint_lines: BTreeSet<&Declared> = reads
        .iter()
        .flat_map(|r| &r.dependencies)
        .filter(|d| d.role == Role::Constraint)
        .map(|d| &d.declared)
        .collect();
    for read in &reads {
        for dep in &read.dependencies {
            if dep.role == Role::Direct && constraint_lines.contains(&dep.declared) {
                continue;
            }
            let key = (
                dep.declared.clone(),
                dep.name.clone(),
                dep.specifier.clone(),
                dep.role,
            );
            if seen_deps.insert(key) {
                deps.push(dep);
            }
        }
        for entry in &read.unauditable {
            if seen_unauditable.insert((entry.declared.clone(), entry.text.clone())) {
                unauditable.push(entry.clone());
            }
        }
        for decl in &read.python {
            if seen_python.insert((decl.declared.clone(), decl.text.clone())) {
                python.push(decl);
            }
        }
        require_hashes.extend(read.require_hashes.iter().cloned());
        files_read.extend(read.files.iter().cloned());
        report.notices.extend(read.notices.iter().cloned());
    }
    report.files_read = files_read.into_iter().collect();

    // Exact versions, grouped by package and PEP 440 version (`3.2` and `3.2.0` are one).
    let mut exact: BTreeMap<(PackageName, Version), Vec<&Dependency>> = BTreeMap::new();
    for dep in &deps {
        if dep.pin != Pin::Exact || dep.role == Role::Constraint {
            continue;
        }
        let Some(text) = dep.version.as_deref() else {
            continue;
        };
        match parse_version(text) {
            Some(version) => exact
                .entry((dep.name.clone(), version))
                .or_default()
                .push(dep),
            None => unauditable.push(Unauditable {
                kind: UnauditableKind::InvalidVersion,
                name: Some(dep.name.clone()),
                text: format!("{}=={text}", dep.written_name),
                declared: dep.declared.clone(),
            }),
        }
    }
    // Constraint pins are matched too when the package is required without an exact pin
    // (they decide the version pip installs).
    for dep in &deps {
        if dep.role != Role::Constraint || dep.pin != Pin::Exact {
            continue;
        }
        let Some(version) = dep.version.as_deref().and_then(parse_version) else {
            continue;
        };
        if deps
            .iter()
            .any(|d| d.name == dep.name && d.role == Role::Direct)
        {
            exact
                .entry((dep.name.clone(), version))
                .or_default()
                .push(dep);
        }
    }
    for declarations in exact.values_mut() {
        declarations.sort_by(|a, b| {
            actionability(a)
                .cmp(&actionability(b))
                .then(a.declared.cmp(&b.declared))
        });
        declarations.dedup_by(|a, b| a.declared == b.declared);
    }
    report.packages = exact
        .iter()
        .filter_map(|((name, _), declarations)| {
            let first = declarations.first()?;
            Some(ResolvedPackage {
                name: name.clone(),
                version: first.version.clone().unwrap_or_default(),
                declared: declarations.iter().map(|d| d.declared.clone()).collect(),
            })
        })
        .collect();

    let mut ignores = IgnoreUse::new(&options.ignores);
    if let Some(db) = db {
        for ((name, version), declarations) in &exact {
            match vulnerable(db, name, version, declarations, &mut ignores, options.today) {
                Ok(Some((package, finding))) => {
                    report.findings.extend(finding);
                    report.vulnerable.push(package);
                }
                Ok(None) => {}
                Err(err) => report.notices.push(Notice::new(
                    NoticeKind::Warning,
                    "",
                    format!("cannot look up `{name}` in the advisory database: {err}"),
                )),
            }
        }
        report.notices.extend(unchecked_ranges(&deps, &exact));
        report
            .notices
            .extend(ignores.leftover_notices(options.today));
        if let Some(warning) = db.info().staleness_warning(options.today) {
            report
                .notices
                .push(Notice::new(NoticeKind::Warning, "", warning));
        }
    }

    report
        .findings
        .extend(hygiene::unpinned(&deps, &constrained));
    report
        .findings
        .extend(hygiene::missing_hashes(&deps, &require_hashes));
    report
        .findings
        .extend(hygiene::conflicting(&deps, &project.root));
    unauditable.sort_by(|a, b| a.declared.cmp(&b.declared));
    report
        .findings
        .extend(unauditable.iter().map(hygiene::unauditable));
    report
        .findings
        .extend(python.iter().filter_map(|d| end_of_life(d, options.today)));

    report
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    report.findings.dedup_by(|a, b| {
        a.rule.name == b.rule.name && a.location == b.location && a.message == b.message
    });
    report.notices.sort();
    report.notices.dedup();
    report
}

/// Lower is more actionable: a pin the user writes beats a lock entry beats an environment.
pub(crate) fn actionability(dep: &Dependency) -> u8 {
    match (dep.role, dep.declared.kind) {
        (Role::Direct, InputKind::Requirements) => 0,
        (Role::Direct, _) => 1,
        (Role::Constraint, _) => 2,
        (Role::Locked, _) => 3,
        (Role::Installed, _) => 4,
    }
}

/// Matches one package version; `Some` when advisories affect it.
fn vulnerable(
    db: &Database,
    name: &PackageName,
    version: &Version,
    declarations: &[&Dependency],
    ignores: &mut IgnoreUse<'_>,
    today: Date,
) -> Result<Option<(VulnerablePackage, Option<Finding>)>, crate::db::DbError> {
    let Some(primary) = declarations.first() else {
        return Ok(None);
    };
    let raw = primary.version.clone().unwrap_or_default();
    let matched: Vec<Arc<Advisory>> = db
        .advisories_for(name)?
        .into_iter()
        .filter(|a| matching::affects(a, name, version, &raw))
        .collect();
    if matched.is_empty() {
        return Ok(None);
    }
    let groups = group_aliases(&matched, name, version);
    let mut in_force = Vec::new();
    let mut in_force_advisories: Vec<Arc<Advisory>> = Vec::new();
    let mut silenced = Vec::new();
    for (group, members) in groups {
        if let Some(ignore) = ignores.silences(&group, today) {
            silenced.push(IgnoredAdvisory {
                advisory: group,
                reason: ignore.reason.clone(),
                until: ignore.until,
            });
        } else {
            in_force_advisories.extend(members);
            in_force.push(group);
        }
    }
    let refs: Vec<&Advisory> = in_force_advisories.iter().map(AsRef::as_ref).collect();
    let fixed_in = matching::smallest_fix(&refs, name, version).map(|v| v.to_string());
    let package = VulnerablePackage {
        name: name.clone(),
        version: raw.clone(),
        advisories: in_force.clone(),
        ignored: silenced,
        fixed_in: fixed_in.clone(),
        declared: declarations.iter().map(|d| d.declared.clone()).collect(),
    };
    if in_force.is_empty() {
        return Ok(Some((package, None)));
    }
    let severity = in_force
        .iter()
        .map(|a| a.severity)
        .max()
        .unwrap_or(Severity::High);
    let ids: Vec<&str> = in_force.iter().map(|a| a.id.as_str()).collect();
    let count = if ids.len() == 1 {
        "a known vulnerability".to_string()
    } else {
        format!("{} known vulnerabilities", ids.len())
    };
    let remedy = match &fixed_in {
        Some(fix) => format!("upgrade to {fix}, the smallest version that fixes all of them"),
        None => {
            "no fixed release yet: remove or replace it, or ignore with a reason until a fix exists"
                .to_string()
        }
    };
    let relock = match (primary.declared.kind, &fixed_in) {
        (InputKind::UvLock, Some(_)) => format!(" (`uv lock --upgrade-package {name}`)"),
        (InputKind::PoetryLock, Some(_)) => format!(" (`poetry update {name}`)"),
        (InputKind::PdmLock, Some(_)) => format!(" (`pdm update {name}`)"),
        (InputKind::PipfileLock, Some(_)) => format!(" (`pipenv upgrade {name}`)"),
        _ => String::new(),
    };
    let malicious = in_force.iter().any(|a| a.id.starts_with("MAL-"));
    let lead = if malicious {
        format!(
            "`{name}` {raw} is a known malicious package ({})",
            ids.join(", ")
        )
    } else {
        format!("`{name}` {raw} has {count}: {}", ids.join(", "))
    };
    let mut finding = Finding::new(
        &rules::VULNERABLE_DEPENDENCY,
        format!("{lead}; {remedy}{relock}"),
        primary.declared.location.clone(),
    )
    .with_severity(severity)
    .with_confidence(Confidence::High);
    finding.related = declarations
        .iter()
        .skip(1)
        .map(|d| Related {
            location: d.declared.location.clone(),
            message: format!(
                "`{name}` {} is also pinned here",
                d.version.as_deref().unwrap_or(&raw)
            ),
        })
        .collect();
    finding.details = Some(FindingDetails::Dependency(DependencyDetails {
        package: name.to_string(),
        version: raw.clone(),
        fixed_in,
        advisories: in_force
            .iter()
            .map(|a| AdvisoryRef {
                id: a.id.clone(),
                aliases: a.aliases.clone(),
                summary: a.summary.clone(),
                severity: a.severity,
                cvss_score: a.cvss_score.map(|s| format!("{s:.1}")),
                cvss_vector: a.cvss_vector.clone(),
                url: a.url(),
                fixed: a.fixed.clone(),
            })
            .collect(),
    }));
    finding.fingerprint_key = format!("{name}@{version}|{}", ids.join(","));
    Ok(Some((package, Some(finding))))
}

/// Merges advisories that alias one another (PYSEC and GHSA records of one CVE) into one
/// vulnerability each, sorted by the id shown.
fn group_aliases(
    matched: &[Arc<Advisory>],
    name: &PackageName,
    version: &Version,
) -> Vec<(AdvisoryMatch, Vec<Arc<Advisory>>)> {
    let ids = |a: &Advisory| -> BTreeSet<String> {
        std::iter::once(&a.id)
            .chain(&a.aliases)
            .map(|s| s.to_ascii_uppercase())
            .collect()
    };
    let mut groups: Vec<(BTreeSet<String>, Vec<Arc<Advisory>>)> = Vec::new();
    for advisory in matched {
        let mine = ids(advisory);
        let mut merged = (mine, vec![Arc::clone(advisory)]);
        // Absorb every existing group that shares an id (transitively).
        let mut rest = Vec::new();
        for group in groups.drain(..) {
            if group.0.is_disjoint(&merged.0) {
                rest.push(group);
            } else {
                merged.0.extend(group.0);
                merged.1.extend(group.1);
            }
        }
        rest.push(merged);
        groups = rest;
    }
    let mut out: Vec<(AdvisoryMatch, Vec<Arc<Advisory>>)> = groups
        .into_iter()
        .filter_map(|(_, mut members)| {
            members.sort_by(|a, b| id_rank(&a.id).cmp(&id_rank(&b.id)).then(a.id.cmp(&b.id)));
            let lead = Arc::clone(members.first()?);
            let severity = members.iter().filter_map(|m| m.effective_severity()).max();
            let scored = members
                .iter()
                .filter_map(|m| m.severity.as_ref())
                .max_by(|a, b| a.severity.cmp(&b.severity));
            let mut fixed: Vec<Version> = members
                .iter()
                .flat_map(|m| matching::fixes_above(m, name, version))
                .collect();
            fixed.sort();
            fixed.dedup();
            let mut aliases: Vec<String> = members
                .iter()
                .flat_map(|m| std::iter::once(&m.id).chain(&m.aliases))
                .filter(|id| !id.eq_ignore_ascii_case(&lead.id))
                .cloned()
                .collect();
            aliases.sort();
            aliases.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
            let mut cwes: Vec<u16> = members
                .iter()
                .flat_map(|m| m.cwes.iter().copied())
                .collect();
            cwes.sort_unstable();
            cwes.dedup();
            let summary = members
                .iter()
                .map(|m| m.summary.as_str())
                .find(|s| !s.is_empty())
                .unwrap_or("")
                .to_string();
            let found = AdvisoryMatch {
                id: lead.id.clone(),
                aliases,
                summary,
                severity: severity.unwrap_or(Severity::High),
                rated: severity.is_some(),
                cvss_score: scored.and_then(|s| s.score),
                cvss_vector: scored.and_then(|s| s.vector.clone()),
                fixed: fixed.iter().map(ToString::to_string).collect(),
                references: lead.references.clone(),
                cwes,
                published: lead.published.clone(),
                modified: lead.modified.clone(),
            };
            Some((found, members))
        })
        .collect();
    out.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    out
}

/// Which id of a merged vulnerability to show: `PYSEC-`, then `GHSA-`, then the rest.
fn id_rank(id: &str) -> u8 {
    if id.starts_with("PYSEC-") {
        0
    } else if id.starts_with("GHSA-") {
        1
    } else if id.starts_with("MAL-") {
        2
    } else {
        3
    }
}

/// Tracks which ignores were used, expired or outlived their reason.
struct IgnoreUse<'a> {
    ignores: &'a [Ignore],
    used: Vec<bool>,
    /// Ignores that matched but no longer apply, with why.
    lapsed: Vec<(usize, String)>,
}

impl<'a> IgnoreUse<'a> {
    fn new(ignores: &'a [Ignore]) -> Self {
        Self {
            ignores,
            used: vec![false; ignores.len()],
            lapsed: Vec::new(),
        }
    }

    /// The ignore that silences `advisory` today, if any.
    fn silences(&mut self, advisory: &AdvisoryMatch, today: Date) -> Option<&'a Ignore> {
        let mut silenced = None;
        for (index, ignore) in self.ignores.iter().enumerate() {
            if !advisory.is_named(&ignore.id) {
                continue;
            }
            if let Some(used) = self.used.get_mut(index) {
                *used = true;
            }
            match ignore.until {
                Until::Date(end) if today > end => self.lapsed.push((
                    index,
                    format!(
                        "the ignore of `{}` expired on {end}; {} is reported again",
                        ignore.id, advisory.id
                    ),
                )),
                Until::Fixed if !advisory.fixed.is_empty() => self.lapsed.push((
                    index,
                    format!(
                        "`{}` was ignored until a fix exists, and {} fixes it; upgrade, or ignore it until a date",
                        ignore.id,
                        advisory.fixed.first().map_or("a release", String::as_str)
                    ),
                )),
                _ => silenced = silenced.or(Some(ignore)),
            }
        }
        silenced
    }

    /// Notices for ignores that lapsed or matched nothing (both are worth removing).
    fn leftover_notices(&self, today: Date) -> Vec<Notice> {
        let mut notices = Vec::new();
        for (index, message) in &self.lapsed {
            if let Some(ignore) = self.ignores.get(*index) {
                notices.push(ignore_notice(ignore, message.clone()));
            }
        }
        for (ignore, used) in self.ignores.iter().zip(&self.used) {
            if *used {
                continue;
            }
            let message = match ignore.until {
                Until::Date(end) if today > end => format!(
                    "the ignore of `{}` expired on {end} and matches no vulnerable dependency; remove it",
                    ignore.id
                ),
                _ => format!(
                    "the ignore of `{}` matches no vulnerable dependency; remove it",
                    ignore.id
                ),
            };
            notices.push(ignore_notice(ignore, message));
        }
        notices
    }
}

fn ignore_notice(ignore: &Ignore, message: String) -> Notice {
    let mut notice = Notice::new(NoticeKind::Warning, ignore.path(), message);
    if let Some(position) = ignore.position() {
        notice = notice.at(position);
    }
    notice
}

/// One notice per file listing requirements that give no exact version when nothing else in
/// the project pins them: they were not checked against advisories.
fn unchecked_ranges(
    deps: &[&Dependency],
    exact: &BTreeMap<(PackageName, Version), Vec<&Dependency>>,
) -> Vec<Notice> {
    let pinned: BTreeSet<&PackageName> = exact.keys().map(|(name, _)| name).collect();
    let mut by_file: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for dep in deps {
        if dep.pin != Pin::Exact && !pinned.contains(&dep.name) && dep.role == Role::Direct {
            by_file
                .entry(dep.declared.location.path.as_str())
                .or_default()
                .insert(dep.name.as_str());
        }
    }
    by_file
        .into_iter()
        .map(|(path, names)| {
            let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            Notice::new(
                NoticeKind::Warning,
                path,
                format!(
                    "{} requirement(s) give no exact version and no lock file or environment pins them, so they were not checked against advisories: {}",
                    names.len(),
                    names.join(", ")
                ),
            )
        })
        .collect()
}

/// `eol-python` for one declaration.
fn end_of_life(decl: &PythonDeclaration, today: Date) -> Option<Finding> {
    let (release, allowed) = match &decl.spec {
        PythonSpec::Version { major, minor } => (eol::release_of(*major, *minor)?, false),
        PythonSpec::Specifiers(specs) => (eol::lowest_allowed(specs)?, true),
    };
    let version = format!("{}.{}", release.major, release.minor);
    let target = eol::recommended(today).map_or_else(
        || "a supported version".to_string(),
        |r| format!("{}.{}", r.major, r.minor),
    );
    let how = match decl.usage {
        PythonUse::Runs => format!("runs on Python {version}"),
        PythonUse::Tests => format!("tests on Python {version}"),
        PythonUse::Allows if allowed => {
            format!("allows Python {version} (`{}`)", decl.text)
        }
        PythonUse::Allows => format!("allows Python {version}"),
    };
    let (severity, message) = match eol::support(release.major, release.minor, today) {
        Support::EndOfLife { end_of_life } => (
            if decl.usage == PythonUse::Runs {
                Severity::High
            } else {
                Severity::Medium
            },
            format!(
                "the project {how}, which reached its end of life on {end_of_life} and gets no security fixes; move to Python {target} or newer"
            ),
        ),
        Support::EndingSoon { end_of_life } => (
            Severity::Low,
            format!(
                "the project {how}, which reaches its end of life on {end_of_life} (in {} days); plan the move to Python {target} or newer",
                today.days_until(end_of_life)
            ),
        ),
        Support::Supported | Support::Unknown => return None,
    };
    let confidence = if decl.usage == PythonUse::Runs {
        Confidence::High
    } else {
        Confidence::Medium
    };
    let mut finding = Finding::new(&rules::EOL_PYTHON, message, decl.declared.location.clone())
        .with_severity(severity)
        .with_confidence(confidence);
    finding.fingerprint_key = format!("{version}|{:?}|{}", decl.usage, decl.text);
    Some(finding)
}

/// Reads one file the way [`audit`] does (for tools and tests).
pub fn read_one(path: &Path, display: &str, cwd: &Path) -> Option<FileRead> {
    let kind = InputKind::for_path(path)?;
    Some(readers::read_file(
        path,
        display,
        kind,
        &ReadContext {
            cwd: cwd.to_path_buf(),
        },
    ))
}
