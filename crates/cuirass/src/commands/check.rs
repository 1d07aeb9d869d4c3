//! `cuirass check`: configuration → walk → per-file analysis in parallel → suppressions,
//! filters and fingerprints → one report.
//!
//! Each file is read, parsed and analysed exactly once, on a worker thread, and produces its own
//! findings and notices; nothing is shared between workers, and the merge sorts everything so
//! the output never depends on thread timing.

use std::collections::{BTreeSet, HashMap};
use std::num::NonZeroUsize;
use std::path::Path;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context as _, Result};
use cuirass_diagnostics::{Audit, Confidence, Finding, Notice, Severity, fingerprint};
use cuirass_python::{SourceFile, Suppressions, module_path_for};
use cuirass_report::{BaselineStats, RunInfo, ScanReport, TextOptions};
use cuirass_rules::{
    AnalysisOptions, FileAnalysis, RuleSet, analyze_python, analyze_template, registry,
};
use cuirass_workspace::{
    ConfigFile, ConfigFormat, FileEntry, FileKind, Overrides, Selector, Settings, discover,
    parse_size, read_source, resolve, walk,
};
use rayon::prelude::*;

use crate::UsageError;
use crate::args::{BaselineArgs, CheckArgs, CheckFormat, ScanArgs};
use crate::baseline::BaselineFile;
use crate::catalogue;
use crate::deps::{self, DepsFlags, DepsOutcome};
use crate::exit::ExitStatus;
use crate::printer::Printer;
use crate::progress::Progress;

/// Everything a scan produced, before it is reported.
pub(crate) struct Scan {
    /// Each finding with its file's project-relative path (for baselines).
    pub(crate) findings: Vec<(Finding, String)>,
    pub(crate) notices: Vec<Notice>,
    pub(crate) settings: Settings,
    pub(crate) rules: Vec<&'static cuirass_diagnostics::RuleMeta>,
    pub(crate) deps: Option<DepsOutcome>,
    pub(crate) files_scanned: usize,
    pub(crate) suppressed: usize,
    pub(crate) started: Instant,
    pub(crate) started_unix: u64,
}

/// Configuration → walk → parallel analysis → sorted findings and notices.
pub(crate) fn scan(args: &ScanArgs, report_unused: bool) -> Result<Scan> {
    let started = Instant::now();
    let started_unix = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let cwd = std::env::current_dir().context("cannot read the current directory")?;

    let overrides = overrides(args)?;
    let config = discover(&args.paths, args.config.as_deref(), &cwd).map_err(UsageError::from)?;
    let settings =
        resolve(config.as_ref(), &overrides, &args.paths, &cwd).map_err(UsageError::from)?;
    check_selectors(&settings)?;
    // Sub-tables are checked even when their audit is off, so a typo never goes unnoticed.
    deps::config(config.as_ref())?;
    let taint = taint_options(config.as_ref())?;
    let enabled = enabled_rules(&settings)?;
    let code_rules: Vec<&'static cuirass_rules::Rule> = registry()
        .iter()
        .copied()
        .filter(|rule| enabled.contains(rule.meta.name))
        .collect();

    let walked = walk(&args.paths, &settings.walk, &cwd);
    if let Some(missing) = walked.missing.first() {
        return Err(UsageError::new(format!("`{missing}` does not exist"))
            .with_hint(
                "pass files or directories that exist (paths are relative to the current directory)",
            )
            .into());
    }

    let rule_set = RuleSet::new(code_rules.iter().copied());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.threads())
        // Deep recursion grows its own stack (stacker); this only sets the starting size.
        .stack_size(8 << 20)
        .build()
        .context("cannot start worker threads")?;
    let options = AnalysisOptions {
        taint,
        ..AnalysisOptions::default()
    };
    let secrets_scan = crate::secrets::wanted(&enabled).then(|| SecretsScan {
        enabled: enabled.clone(),
        options: cuirass_secrets::ScanOptions::default(),
        tracked: crate::secrets::tracked_files(&settings.project_root)
            .into_iter()
            .map(|p| absolute(&p))
            .collect(),
    });
    let progress = Progress::start(walked.files.len() as u64, args.quiet);
    let mut outcomes: Vec<FileOutcome> = pool.install(|| {
        walked
            .files
            .par_iter()
            .map(|entry| {
                let outcome = analyze_file(
                    entry,
                    &settings,
                    &rule_set,
                    secrets_scan.as_ref(),
                    &options,
                    report_unused,
                );
                progress.tick();
                outcome
            })
            .collect()
    });
    progress.finish();
    cross_module_taint(
        &mut outcomes,
        &walked.files,
        &pool,
        &options,
        |entry, options| {
            analyze_file(
                entry,
                &settings,
                &rule_set,
                secrets_scan.as_ref(),
                options,
                report_unused,
            )
        },
    );

    let mut findings = Vec::new();
    let mut notices = walked.notices;
    let mut suppressed = 0;
    let mut files_scanned = 0;
    for outcome in outcomes {
        findings.extend(outcome.findings);
        notices.extend(outcome.notices);
        suppressed += outcome.suppressed;
        files_scanned += usize::from(outcome.scanned);
    }
    if args.git_history {
        if let Some(secrets) = &secrets_scan {
            let history = crate::secrets::history(&settings, secrets, &findings)?;
            findings.extend(history);
        } else {
            return Err(UsageError::new(
                "`--git-history` scans for secrets, but no secrets rule is selected",
            )
            .into());
        }
    }
    let deps = if deps::wanted(&enabled) {
        let outcome = deps::run(
            &walked.files,
            &settings,
            config.as_ref(),
            &deps_flags(args),
            &cwd,
            &enabled,
        )?;
        findings.extend(outcome.findings.iter().cloned());
        notices.extend(outcome.notices.iter().cloned());
        suppressed += outcome.suppressed;
        Some(outcome)
    } else {
        None
    };
    findings.sort_by(|(a, _), (b, _)| a.sort_key().cmp(&b.sort_key()));
    notices.sort();
    notices.dedup();
    let rules = catalogue::all()
        .into_iter()
        .filter(|meta| enabled.contains(meta.name))
        .collect();
    Ok(Scan {
        findings,
        notices,
        settings,
        rules,
        deps,
        files_scanned,
        suppressed,
        started,
        started_unix,
    })
}

/// Runs `cuirass check`.
pub(crate) fn check(args: &CheckArgs, printer: Printer) -> Result<ExitStatus> {
    let baseline = args
        .baseline
        .as_deref()
        .map(BaselineFile::load)
        .transpose()?;
    let scan = scan(&args.scan, args.report_unused_suppressions)?;
    let deps_not_wanted = args.format == CheckFormat::Cyclonedx && scan.deps.is_none();
    if deps_not_wanted {
        return Err(UsageError::new(
            "`--format cyclonedx` needs the dependency audit, but no dependency rule is selected",
        )
        .into());
    }
    let (findings, baseline_stats) = match &baseline {
        Some(baseline) => {
            let (new, matched, fixed) = baseline.filter(scan.findings);
            (new, Some(BaselineStats { matched, fixed }))
        }
        None => (scan.findings.into_iter().map(|(f, _)| f).collect(), None),
    };
    let failed = findings.iter().any(|f| f.severity >= scan.settings.fail_on);
    let report = ScanReport {
        findings,
        notices: scan.notices,
        info: RunInfo {
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            paths: args
                .scan
                .paths
                .iter()
                .map(|p| p.display().to_string())
                .collect(),
            started_unix: scan.started_unix,
            duration: scan.started.elapsed(),
            files_scanned: scan.files_scanned,
            audits_run: audits_run(&scan.rules),
            audits_not_run: audits_not_run(scan.deps.as_ref()),
            suppressed_inline: scan.suppressed,
            baseline: baseline_stats,
            rules: scan.rules.clone(),
        },
    };
    if let Some(reason) = scan.deps.as_ref().and_then(|d| d.not_run.as_deref()) {
        printer.warning(format_args!(
            "the dependency audit did not run (the other audits did): {reason}"
        ));
    }
    write_report(args, printer, &report, scan.deps.as_ref())?;
    Ok(if failed {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// Runs `cuirass baseline`: records every finding of the scan.
pub(crate) fn baseline(args: &BaselineArgs, printer: Printer) -> Result<ExitStatus> {
    let scan = scan(&args.scan, false)?;
    let file = BaselineFile::from_findings(&scan.findings);
    file.save(&args.output)?;
    printer.info(format_args!(
        "wrote {} finding(s) to `{}`; run `cuirass check --baseline {}` to report only new ones",
        file.entries.len(),
        args.output.display(),
        args.output.display()
    ));
    Ok(ExitStatus::Success)
}

fn overrides(args: &ScanArgs) -> Result<Overrides> {
    fn parse<T: std::str::FromStr>(value: Option<&String>, flag: &str) -> Result<Option<T>>
    where
        T::Err: std::fmt::Display,
    {
        value
            .map(|v| {
                v.parse::<T>()
                    .map_err(|e| UsageError::new(format!("invalid value for `{flag}`: {e}")).into())
            })
            .transpose()
    }
    let max_file_size = args
        .max_file_size
        .as_deref()
        .map(|v| {
            parse_size(v).map_err(|e| {
                anyhow::Error::from(UsageError::new(format!(
                    "invalid value for `--max-file-size`: {e}"
                )))
            })
        })
        .transpose()?;
    Ok(Overrides {
        select: (!args.select.is_empty()).then(|| args.select.clone()),
        ignore: args.ignore.clone(),
        extend_select: args.extend_select.clone(),
        extend_ignore: args.extend_ignore.clone(),
        exclude: args.exclude.clone(),
        fail_on: parse::<Severity>(args.fail_on.as_ref(), "--fail-on")?,
        min_severity: parse::<Severity>(args.min_severity.as_ref(), "--min-severity")?,
        min_confidence: parse::<Confidence>(args.min_confidence.as_ref(), "--min-confidence")?,
        max_file_size,
        jobs: args.jobs.and_then(NonZeroUsize::new),
        no_respect_gitignore: args.no_respect_gitignore,
    })
}

/// Every selector must name a rule, an alias or an audit; say where an unknown one was written.
fn check_selectors(settings: &Settings) -> Result<()> {
    let unknown = settings
        .rules
        .selectors()
        .chain(settings.per_file_ignores.selectors())
        .find(|selector| !catalogue::is_known_selector(&selector.value));
    if let Some(selector) = unknown {
        let hint = suggestion(&selector.value);
        let mut error = UsageError::new(format!(
            "unknown rule `{}` in {}",
            selector.value, selector.origin
        ));
        error = error.with_hint(hint.map_or_else(
            || "`cuirass rules` lists every rule name and alias".to_string(),
            |name| format!("did you mean `{name}`?"),
        ));
        return Err(error.into());
    }
    Ok(())
}

/// The closest rule name, for "did you mean".
fn suggestion(value: &str) -> Option<&'static str> {
    catalogue::all()
        .into_iter()
        .map(|meta| (edit_distance(value, meta.name), meta.name))
        .filter(|&(distance, name)| distance <= name.len() / 3 + 1)
        .min()
        .map(|(_, name)| name)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let value = (previous.get(j).copied().unwrap_or(0) + cost)
                .min(
                    previous
                        .get(j + 1)
                        .copied()
                        .unwrap_or(usize::MAX)
                        .saturating_add(1),
                )
                .min(
                    current
                        .get(j)
                        .copied()
                        .unwrap_or(usize::MAX)
                        .saturating_add(1),
                );
            current.push(value);
        }
        previous = current;
    }
    previous.last().copied().unwrap_or(0)
}

fn enabled_rules(settings: &Settings) -> Result<BTreeSet<&'static str>> {
    let all = catalogue::all();
    let defaults = all
        .iter()
        .filter(|meta| meta.default_enabled)
        .map(|meta| meta.name);
    settings.rules.resolve(
        defaults,
        |selector: &Selector| -> Result<Vec<&'static str>> {
            Ok(all
                .iter()
                .filter(|meta| catalogue::selector_matches(&selector.value, meta))
                .map(|meta| meta.name)
                .collect())
        },
    )
}

fn deps_flags(args: &ScanArgs) -> DepsFlags {
    DepsFlags {
        db: args.db.clone(),
        require_db: args.require_db,
        python: args.python.clone(),
    }
}

fn audits_run(rules: &[&'static cuirass_diagnostics::RuleMeta]) -> Vec<Audit> {
    let audits: BTreeSet<Audit> = rules.iter().map(|meta| meta.audit).collect();
    audits.into_iter().collect()
}

/// What one file contributed.
#[derive(Default)]
struct FileOutcome {
    findings: Vec<(Finding, String)>,
    notices: Vec<Notice>,
    suppressed: usize,
    scanned: bool,
    /// What the file exports to the taint analysis of other modules.
    taint: Option<cuirass_rules::ModuleTaint>,
}

/// The built-in taint specification extended by `[tool.cuirass.taint]`; a bad entry is a
/// usage error naming the file, line, column and key.
fn taint_options(config: Option<&ConfigFile>) -> Result<cuirass_rules::TaintOptions> {
    let Some(file) = config else {
        return Ok(cuirass_rules::TaintOptions::default());
    };
    let Some(section) = file
        .section::<cuirass_rules::TaintConfig>("taint")
        .map_err(UsageError::from)?
    else {
        return Ok(cuirass_rules::TaintOptions::default());
    };
    let spec = cuirass_rules::TaintSpec::builtin()
        .extend(&section)
        .map_err(|error| {
            let (line, column) = file.position(error.span.start);
            let table = match file.format {
                ConfigFormat::Pyproject => "tool.cuirass.taint",
                ConfigFormat::Cuirass => "taint",
            };
            UsageError::new(format!(
                "{}:{line}:{column}: `{table}.{}`: {}",
                file.display, error.key, error.message
            ))
        })?;
    Ok(cuirass_rules::TaintOptions::new(spec))
}

/// Taint's second phase: files that call into, or import sources from, other modules of the
/// project are analysed again with every module's summaries at hand, and their new outcome
/// replaces the first one. Only those files pay for it (a few percent of a typical project).
fn cross_module_taint(
    outcomes: &mut [FileOutcome],
    files: &[FileEntry],
    pool: &rayon::ThreadPool,
    options: &AnalysisOptions,
    analyze: impl Fn(&FileEntry, &AnalysisOptions) -> FileOutcome + Sync,
) {
    let modules: Vec<cuirass_rules::ModuleTaint> = outcomes
        .iter()
        .filter_map(|outcome| outcome.taint.clone())
        .collect();
    if modules.len() < 2 {
        return;
    }
    let project = std::sync::Arc::new(cuirass_rules::TaintProject::new(modules));
    let rerun: Vec<usize> = outcomes
        .iter()
        .enumerate()
        .filter(|(_, outcome)| {
            outcome
                .taint
                .as_ref()
                .is_some_and(|module| project.needs_rerun(module))
        })
        .map(|(index, _)| index)
        .collect();
    if rerun.is_empty() {
        return;
    }
    let second = AnalysisOptions {
        taint: options.taint.with_project(project),
        ..options.clone()
    };
    let redone: Vec<(usize, FileOutcome)> = pool.install(|| {
        rerun
            .par_iter()
            .filter_map(|&index| Some((index, analyze(files.get(index)?, &second))))
            .collect()
    });
    for (index, outcome) in redone {
        if let Some(slot) = outcomes.get_mut(index) {
            *slot = outcome;
        }
    }
}

/// The secrets audit's share of a scan: which secret rules run, and which files git tracks
/// (for `env-file-committed`).
pub(crate) struct SecretsScan {
    pub(crate) enabled: BTreeSet<&'static str>,
    pub(crate) options: cuirass_secrets::ScanOptions,
    tracked: std::collections::HashSet<std::path::PathBuf>,
}

fn analyze_file(
    entry: &FileEntry,
    settings: &Settings,
    rules: &RuleSet,
    secrets: Option<&SecretsScan>,
    options: &AnalysisOptions,
    report_unused: bool,
) -> FileOutcome {
    let mut outcome = FileOutcome::default();
    let code = entry.kind != FileKind::Text && !rules.is_empty();
    if !code && secrets.is_none() {
        return outcome;
    }
    let python = entry.kind == FileKind::Python;
    let text = match read_source(entry, settings.walk.max_file_size, python) {
        Ok(text) => text,
        // Images, archives and the like are not text: nothing to audit, nothing to report.
        Err(notice)
            if entry.kind == FileKind::Text
                && notice.kind == cuirass_diagnostics::NoticeKind::Binary =>
        {
            return outcome;
        }
        Err(notice) => {
            outcome.notices.push(notice);
            return outcome;
        }
    };
    outcome.notices.extend(text.notice);
    outcome.scanned = true;
    let mut source = SourceFile::new(entry.path.clone(), entry.display.clone(), text.text);
    if python {
        source = source.with_module_path(module_path_for(&entry.path));
    }
    let mut analysis = if code && python {
        analyze_python(&source, rules, options)
    } else if code {
        analyze_template(&source, rules, options)
    } else {
        FileAnalysis {
            suppressions: Suppressions::from_text(&source.text),
            ..FileAnalysis::default()
        }
    };
    if let Some(secrets) = secrets {
        let kind = cuirass_secrets::TextKind::for_path(&entry.path);
        for finding in
            cuirass_secrets::scan_text(&source.text, &entry.display, kind, &secrets.options)
        {
            if secrets.enabled.contains(finding.rule.name) {
                let line = finding.location.span.start.line;
                analysis.findings.push((finding, [line, line]));
            }
        }
        if secrets.enabled.contains("env-file-committed")
            && cuirass_secrets::is_env_file(&entry.path)
            && secrets.tracked.contains(&absolute(&entry.path))
        {
            analysis
                .findings
                .push((cuirass_secrets::env_file_finding(&entry.display), [1, 1]));
        }
    }
    outcome.notices.append(&mut analysis.notices);
    outcome.taint = analysis.taint.take();
    if code {
        outcome.notices.extend(
            analysis
                .suppressions
                .unknown_codes(&entry.display, &|code| catalogue::find(code).is_some()),
        );
    }
    let (mut findings, suppressed) = analysis.apply_suppressions();
    crate::secrets::dedupe(&mut findings);
    if report_unused {
        outcome
            .notices
            .extend(analysis.suppressions.unused(&entry.display));
    }
    outcome.suppressed = suppressed;

    let ignored: Vec<&Selector> = settings
        .per_file_ignores_for(&entry.root_relative)
        .collect();
    let mut occurrences: HashMap<(&'static str, String), u32> = HashMap::new();
    for mut finding in findings {
        if finding.severity < settings.min_severity
            || finding.confidence < settings.min_confidence
            || ignored
                .iter()
                .any(|s| catalogue::selector_matches(&s.value, finding.rule))
        {
            continue;
        }
        let key = (finding.rule.name, finding.fingerprint_key.clone());
        let occurrence = occurrences.entry(key).or_insert(0);
        finding.fingerprint = fingerprint(
            finding.rule.name,
            &entry.root_relative,
            &finding.fingerprint_key,
            *occurrence,
        );
        *occurrence += 1;
        outcome
            .findings
            .push((finding, entry.root_relative.clone()));
    }
    outcome
}

fn absolute(path: &Path) -> std::path::PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

fn audits_not_run(deps: Option<&DepsOutcome>) -> Vec<(Audit, String)> {
    deps.and_then(|d| d.not_run.clone())
        .map(|reason| vec![(Audit::Dependencies, reason)])
        .unwrap_or_default()
}

fn write_report(
    args: &CheckArgs,
    printer: Printer,
    report: &ScanReport,
    deps: Option<&DepsOutcome>,
) -> Result<()> {
    let text_options = |color: bool| TextOptions {
        color,
        frames: !args.scan.quiet,
        statistics: args.statistics,
        quiet: args.scan.quiet,
    };
    let write = |out: &mut dyn std::io::Write, color: bool| match args.format {
        CheckFormat::Text => cuirass_report::write_text(out, report, &text_options(color)),
        CheckFormat::Json => cuirass_report::write_json(out, report),
        CheckFormat::Sarif => cuirass_report::write_sarif(out, report),
        CheckFormat::Html => cuirass_report::write_html(out, report),
        CheckFormat::Cyclonedx => {
            let (packages, vulnerable) = deps.map_or((&[][..], &[][..]), |d| {
                (d.report.packages.as_slice(), d.report.vulnerable.as_slice())
            });
            cuirass_deps::cyclonedx::write_cyclonedx(
                out,
                packages,
                vulnerable,
                &cuirass_deps::cyclonedx::BomMetadata {
                    tool_version: report.info.tool_version.clone(),
                    timestamp_unix: Some(report.info.started_unix),
                    project_name: None,
                },
            )
        }
    };
    match &args.output {
        Some(path) => {
            cuirass_report::write_atomically(path, |out| write(out, false))
                .with_context(|| format!("cannot write the report to `{}`", path.display()))?;
            if !args.scan.quiet && args.format != CheckFormat::Text {
                summarize_on_stderr(printer, report, path);
            }
        }
        None => printer
            .stdout(|out| write(out, printer.color_stdout))
            .context("cannot write the report to standard output")?,
    }
    if args.format != CheckFormat::Text && args.output.is_none() {
        let unaudited = report.notices.iter().filter(|n| n.kind.is_error()).count();
        if unaudited > 0 {
            printer.warning(format_args!(
                "{unaudited} file(s) could not be fully audited; see `notices` in the report"
            ));
        }
    }
    Ok(())
}

fn summarize_on_stderr(printer: Printer, report: &ScanReport, path: &Path) {
    printer.info(format_args!(
        "{} finding(s), {} notice(s); report written to `{}`",
        report.findings.len(),
        report.notices.len(),
        path.display()
    ));
}
