//! Command-line arguments. Each flag's help text sits beside it; `--help` and the generated CLI
//! reference both come from here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// A security auditor for Python projects: insecure code, framework configuration, secrets,
/// vulnerable dependencies and end-of-life interpreters, in one pass.
#[derive(Debug, Parser)]
#[command(
    name = "cuirass",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Audit Python projects and report what is insecure.
    Check(Box<CheckArgs>),
    /// List every rule: name, audit, severity, confidence, CWE, OWASP category and aliases.
    Rules(RulesArgs),
    /// Show a rule's documentation (accepts rule names and Bandit/Ruff ids such as `B602`).
    Explain(ExplainArgs),
    /// Record today's findings (by fingerprint, never secret values) so that `check --baseline`
    /// reports only new ones.
    Baseline(Box<BaselineArgs>),
    /// Manage the advisory database (osv.dev's PyPI export) used by the dependency audit.
    #[command(subcommand)]
    Db(DbCommand),
    /// Dependency tasks.
    #[command(subcommand)]
    Deps(DepsCommand),
}

#[derive(Debug, Subcommand)]
pub(crate) enum DbCommand {
    /// Download the PyPI advisories into the user cache (the only command that uses the
    /// network; the cached copy is replaced atomically).
    Update(DbUpdateArgs),
    /// Show where the database is, how old it is and how many advisories it holds.
    Info(DbInfoArgs),
}

#[derive(Debug, Args)]
pub(crate) struct DbUpdateArgs {
    /// Where to download from.
    #[arg(long, value_name = "URL", default_value = cuirass_deps::db::DEFAULT_URL)]
    pub(crate) url: String,
    /// Cache directory [default: `$XDG_CACHE_HOME/cuirass` or `~/.cache/cuirass`].
    #[arg(long, value_name = "DIR")]
    pub(crate) cache_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct DbInfoArgs {
    /// A database to describe instead of the cache (zip or folder).
    #[arg(long, value_name = "PATH")]
    pub(crate) db: Option<PathBuf>,
    /// Cache directory [default: `$XDG_CACHE_HOME/cuirass` or `~/.cache/cuirass`].
    #[arg(long, value_name = "DIR")]
    pub(crate) cache_dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum DepsCommand {
    /// Rewrite exact pins of vulnerable packages to the smallest version that fixes every
    /// advisory, keeping comments and formatting (requirements files, pyproject.toml, Pipfile,
    /// setup.cfg). Lock files are left to their tools.
    Fix(Box<DepsFixArgs>),
}

#[derive(Debug, Args)]
pub(crate) struct DepsFixArgs {
    #[command(flatten)]
    pub(crate) scan: ScanArgs,
    /// Print the changes as a unified diff instead of writing them.
    #[arg(long)]
    pub(crate) dry_run: bool,
}

/// Output formats of `cuirass check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CheckFormat {
    /// For people: one block per finding with a code frame, then a summary.
    Text,
    /// A versioned JSON document (schema in `docs/json-schema.json`).
    Json,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
    /// One self-contained HTML page: filters, code, data-flow paths, the dependency table.
    Html,
    /// A CycloneDX 1.5 bill of materials of the audited dependencies and their advisories.
    Cyclonedx,
}

/// What to scan and which rules to run: shared by `check` and `baseline`.
#[derive(Debug, Args)]
pub(crate) struct ScanArgs {
    /// Files or directories to audit.
    #[arg(default_value = ".")]
    pub(crate) paths: Vec<PathBuf>,

    /// Only run these rules (names, Bandit/Ruff ids, or audits: code, config, secrets,
    /// dependencies, interpreter). Comma-separated or repeated.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub(crate) select: Vec<String>,

    /// Never run these rules (names, ids or audits).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub(crate) ignore: Vec<String>,

    /// Add rules to the selection from configuration.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub(crate) extend_select: Vec<String>,

    /// Add rules to the ignore list from configuration.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub(crate) extend_ignore: Vec<String>,

    /// Skip files and directories matching GLOB (gitignore syntax; adds to the defaults).
    #[arg(long, value_name = "GLOB")]
    pub(crate) exclude: Vec<String>,

    /// Exit with 1 when a finding at or above this severity is reported [default: low].
    #[arg(long, value_name = "SEVERITY")]
    pub(crate) fail_on: Option<String>,

    /// Report only findings at or above this severity [default: info].
    #[arg(long, value_name = "SEVERITY")]
    pub(crate) min_severity: Option<String>,

    /// Report only findings at or above this confidence [default: low].
    #[arg(long, value_name = "CONFIDENCE")]
    pub(crate) min_confidence: Option<String>,

    /// Skip files larger than this (e.g. `10MB`, `512KiB`, or bytes) [default: 10MB].
    #[arg(long, value_name = "SIZE")]
    pub(crate) max_file_size: Option<String>,

    /// Number of threads [default: the number of CPUs].
    #[arg(long, short = 'j', value_name = "N")]
    pub(crate) jobs: Option<usize>,

    /// Use this configuration file instead of discovering `cuirass.toml`/`pyproject.toml`.
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,

    /// Also scan files that `.gitignore` excludes.
    #[arg(long)]
    pub(crate) no_respect_gitignore: bool,

    /// Advisory database: osv.dev's PyPI export zip or a folder of OSV JSON files (works
    /// offline) [default: the cache `cuirass db update` fills].
    #[arg(long, value_name = "PATH")]
    pub(crate) db: Option<PathBuf>,

    /// Fail (exit 2) when there is no advisory database, instead of reporting the dependency
    /// audit as not run.
    #[arg(long)]
    pub(crate) require_db: bool,

    /// Also scan every blob reachable from every git ref for secrets (each blob once),
    /// reporting the commit, path and date that introduced it.
    #[arg(long)]
    pub(crate) git_history: bool,

    /// Also audit the packages installed in this Python environment (a virtualenv, its
    /// interpreter, or a `site-packages` folder); read, never run.
    #[arg(long, value_name = "PATH")]
    pub(crate) python: Option<PathBuf>,

    /// Print only findings: no code frames, summary or warnings.
    #[arg(long, short = 'q')]
    pub(crate) quiet: bool,

    /// Never colour the output (also: the `NO_COLOR` environment variable).
    #[arg(long)]
    pub(crate) no_color: bool,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub(crate) scan: ScanArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub(crate) format: CheckFormat,

    /// Write the report to FILE (atomically) instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,

    /// Report only findings that are not in this baseline (written by `cuirass baseline`).
    #[arg(long, value_name = "FILE")]
    pub(crate) baseline: Option<PathBuf>,

    /// List suppression comments that suppressed nothing.
    #[arg(long)]
    pub(crate) report_unused_suppressions: bool,

    /// Print counts per rule after the findings.
    #[arg(long)]
    pub(crate) statistics: bool,
}

#[derive(Debug, Args)]
pub(crate) struct BaselineArgs {
    #[command(flatten)]
    pub(crate) scan: ScanArgs,

    /// Where to write the baseline.
    #[arg(
        short = 'o',
        long,
        value_name = "FILE",
        default_value = ".cuirass-baseline.json"
    )]
    pub(crate) output: PathBuf,
}

/// Output formats of `cuirass rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum RulesFormat {
    Table,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub(crate) struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
    pub(crate) format: RulesFormat,
}

#[derive(Debug, Args)]
pub(crate) struct ExplainArgs {
    /// A rule name (`subprocess-shell-true`) or alias (`B602`, `S602`).
    pub(crate) rule: String,
}
