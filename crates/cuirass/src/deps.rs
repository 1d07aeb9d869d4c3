//! Wiring of the dependency and interpreter audits into a scan: which advisory database, which
//! files, and turning the audit's findings into reportable ones (code frames, suppressions,
//! fingerprints) like every other finding.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use anyhow::Result;
use cuirass_deps::config::DepsConfig;
use cuirass_deps::model::InputKind;
use cuirass_deps::{Database, Date, DepsOptions, DepsReport, InputFile, ProjectInput};
use cuirass_diagnostics::{Finding, Notice, fingerprint};
use cuirass_python::{SourceFile, Suppressions};
use cuirass_workspace::{ConfigFile, FileEntry, Settings, relative_slash};

use crate::UsageError;
use crate::catalogue;

/// Database and environment choices from the command line.
#[derive(Debug, Default, Clone)]
pub(crate) struct DepsFlags {
    pub(crate) db: Option<PathBuf>,
    pub(crate) require_db: bool,
    pub(crate) python: Option<PathBuf>,
}

/// What the dependency audits produced.
pub(crate) struct DepsOutcome {
    pub(crate) findings: Vec<(Finding, String)>,
    pub(crate) notices: Vec<Notice>,
    pub(crate) suppressed: usize,
    /// Why the advisory match did not run (no database), if it did not.
    pub(crate) not_run: Option<String>,
    pub(crate) report: DepsReport,
}

/// Whether any enabled rule belongs to the dependency or interpreter audits.
pub(crate) fn wanted(enabled: &BTreeSet<&'static str>) -> bool {
    cuirass_deps::rules()
        .iter()
        .any(|meta| enabled.contains(meta.name))
}

/// Reads `[tool.cuirass.deps]`, with errors naming file, line and key.
pub(crate) fn config(config: Option<&ConfigFile>) -> Result<Option<DepsConfig>> {
    match config {
        Some(file) => Ok(file
            .section::<DepsConfig>("deps")
            .map_err(UsageError::from)?),
        None => Ok(None),
    }
}

/// The advisory database: `--db`, else `db` from the configuration (relative to the file),
/// else the user cache. `None` when there is none at all.
pub(crate) fn open_database(
    flags: &DepsFlags,
    deps_config: Option<&DepsConfig>,
    config: Option<&ConfigFile>,
) -> Result<Option<Database>> {
    let configured = deps_config
        .and_then(|c| c.db.as_ref())
        .map(|db| relative_to_config(config, db.get_ref()));
    if let Some(path) = flags.db.clone().or(configured) {
        let db = Database::open(&path).map_err(|e| {
            UsageError::new(format!(
                "cannot open the advisory database `{}`: {e}",
                path.display()
            ))
            .with_hint("pass osv.dev's PyPI export zip or a folder of OSV JSON files")
        })?;
        return Ok(Some(db));
    }
    let Some(cache) = cuirass_deps::db::default_cache_dir() else {
        return Ok(None);
    };
    cuirass_deps::db::open_cache(&cache).map_err(|e| {
        UsageError::new(format!("the cached advisory database is unusable: {e}"))
            .with_hint("run `cuirass db update` to download it again")
            .into()
    })
}

fn relative_to_config(config: Option<&ConfigFile>, value: &str) -> PathBuf {
    let path = PathBuf::from(value);
    match config {
        Some(file) if path.is_relative() => file.root.join(path),
        _ => path,
    }
}

/// Runs the dependency and interpreter audits over the files the walk found.
#[allow(clippy::too_many_arguments)]
pub(crate) fn run(
    files: &[FileEntry],
    settings: &Settings,
    config: Option<&ConfigFile>,
    flags: &DepsFlags,
    cwd: &Path,
    enabled: &BTreeSet<&'static str>,
) -> Result<DepsOutcome> {
    let deps_config = self::config(config)?;
    let db = open_database(flags, deps_config.as_ref(), config)?;
    let require_db = flags.require_db
        || deps_config
            .as_ref()
            .and_then(|c| c.require_db)
            .unwrap_or(false);
    if db.is_none() && require_db {
        return Err(
            UsageError::new("no advisory database, and one is required (`--require-db`)")
                .with_hint("run `cuirass db update`, or pass `--db PATH` to osv.dev's PyPI export")
                .into(),
        );
    }
    let python = flags.python.clone().or_else(|| {
        deps_config
            .as_ref()
            .and_then(|c| c.python.as_ref())
            .map(|p| relative_to_config(config, p.get_ref()))
    });
    if let Some(python) = &python {
        cuirass_deps::readers::find_site_packages(python).map_err(|e| {
            UsageError::new(format!(
                "cannot read the Python environment `{}`: {e}",
                python.display()
            ))
        })?;
    }
    let ignores = match (&deps_config, config) {
        (Some(deps), Some(file)) => deps.ignores(&file.display, file.source()),
        _ => Vec::new(),
    };
    let input = ProjectInput {
        root: settings.project_root.clone(),
        cwd: cwd.to_path_buf(),
        files: files
            .iter()
            .filter(|entry| InputKind::for_path(&entry.path).is_some())
            .map(|entry| InputFile {
                path: entry.path.clone(),
                display: entry.display.clone(),
            })
            .collect(),
        python,
    };
    let options = DepsOptions {
        today: Date::today_utc(),
        ignores,
    };
    let report = cuirass_deps::audit(&input, db.as_ref(), &options);
    // The reason alone ("no advisory database; run …"): callers say what did not run.
    let not_run = (!report.advisories_checked()).then(|| {
        let message = cuirass_deps::NO_DATABASE_MESSAGE;
        message
            .strip_prefix("dependency audit not run: ")
            .unwrap_or(message)
            .to_string()
    });

    // Root-relative paths for fingerprints: from the walk where the file came from it.
    let root_relative: HashMap<&str, &str> = files
        .iter()
        .map(|e| (e.display.as_str(), e.root_relative.as_str()))
        .collect();
    let mut by_path: HashMap<String, Vec<Finding>> = HashMap::new();
    for finding in &report.findings {
        if enabled.contains(finding.rule.name)
            && finding.severity >= settings.min_severity
            && finding.confidence >= settings.min_confidence
        {
            by_path
                .entry(finding.location.path.clone())
                .or_default()
                .push(finding.clone());
        }
    }
    let mut paths: Vec<String> = by_path.keys().cloned().collect();
    paths.sort();
    let mut outcome = DepsOutcome {
        findings: Vec::new(),
        notices: report.notices.clone(),
        suppressed: 0,
        not_run,
        report,
    };
    for path in paths {
        let findings = by_path.remove(&path).unwrap_or_default();
        let rel = root_relative.get(path.as_str()).map_or_else(
            || {
                relative_slash(&cwd.join(&path), &settings.project_root)
                    .unwrap_or_else(|| path.clone())
            },
            |r| (*r).to_string(),
        );
        let per_file: Vec<_> = settings.per_file_ignores_for(&rel).collect();
        // Manifests are small; read once for frames and suppression comments.
        let text = std::fs::read_to_string(cwd.join(&path)).unwrap_or_default();
        let source = SourceFile::new(PathBuf::from(&path), path.clone(), text);
        let suppressions = Suppressions::from_text(&source.text);
        let mut occurrences: HashMap<(&'static str, String), u32> = HashMap::new();
        for mut finding in findings {
            if per_file
                .iter()
                .any(|s| catalogue::selector_matches(&s.value, finding.rule))
            {
                continue;
            }
            let span = finding.location.span;
            if suppressions.suppresses(finding.rule, &[span.start.line, span.end.line]) {
                outcome.suppressed += 1;
                continue;
            }
            if finding.frame.is_none() && !source.text.is_empty() {
                finding.frame = Some(source.frame(span, 1));
            }
            let key = (finding.rule.name, finding.fingerprint_key.clone());
            let occurrence = occurrences.entry(key).or_insert(0);
            finding.fingerprint = fingerprint(
                finding.rule.name,
                &rel,
                &finding.fingerprint_key,
                *occurrence,
            );
            *occurrence += 1;
            outcome.findings.push((finding, rel.clone()));
        }
    }
    Ok(outcome)
}
