//! Layers two and three: command-line overrides merged over the file's options, resolved into
//! [`Settings`] with every default filled in.
//!
//! Merging rules ("the command line beats the file"):
//! - scalars (`fail-on`, `min-severity`, `min-confidence`, `max-file-size`, `jobs`,
//!   `respect-gitignore`): the flag if given, else the file, else the default;
//! - rule selection: the file and the command line are two layers applied in order (see
//!   [`RuleSelection::resolve`]), so `--select` replaces the file's selection, while
//!   `--extend-select` and `--ignore` adjust it;
//! - excludes add up: built-in, then the file's `exclude` and `extend-exclude`, then `--exclude`;
//! - `per-file-ignores` come from the file only.

use std::collections::BTreeSet;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

use cuirass_diagnostics::{Confidence, Severity};

use crate::config::{ConfigError, ConfigFile};
use crate::glob::GlobList;
use crate::options::Spanned;
use crate::paths;
use crate::selector::{Origin, Selector};
use crate::size::DEFAULT_MAX_FILE_SIZE;

/// Command-line flags that override the configuration file. Empty/`None` means "not given".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `--select`: replaces the file's `select` and `extend-select`.
    pub select: Option<Vec<String>>,
    /// `--ignore`
    pub ignore: Vec<String>,
    /// `--extend-select`
    pub extend_select: Vec<String>,
    /// `--extend-ignore`
    pub extend_ignore: Vec<String>,
    /// `--exclude`: added to the file's excludes.
    pub exclude: Vec<String>,
    /// `--fail-on`
    pub fail_on: Option<Severity>,
    /// `--min-severity`
    pub min_severity: Option<Severity>,
    /// `--min-confidence`
    pub min_confidence: Option<Confidence>,
    /// `--max-file-size` (parse with [`crate::parse_size`]).
    pub max_file_size: Option<u64>,
    /// `--jobs`
    pub jobs: Option<NonZeroUsize>,
    /// `--no-respect-gitignore`
    pub no_respect_gitignore: bool,
}

/// The selectors of one layer (the file, or the command line).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SelectionLayer {
    /// `select`: when set, replaces everything selected by earlier layers.
    pub select: Option<Vec<Selector>>,
    /// `extend-select`
    pub extend_select: Vec<Selector>,
    /// `ignore` and `extend-ignore`, which mean the same.
    pub ignore: Vec<Selector>,
}

impl SelectionLayer {
    fn is_empty(&self) -> bool {
        self.select.is_none() && self.extend_select.is_empty() && self.ignore.is_empty()
    }
}

/// Rule selection, unresolved: this crate does not know the rules, so it keeps the selectors
/// (with their origins) and the layering, and [`resolve`](Self::resolve) applies them with the
/// catalogue's expansion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleSelection {
    /// The file's layer first, then the command line's. Empty layers are left out.
    pub layers: Vec<SelectionLayer>,
}

impl RuleSelection {
    /// Every selector, in layer order (to check them all against the catalogue).
    pub fn selectors(&self) -> impl Iterator<Item = &Selector> {
        self.layers.iter().flat_map(|layer| {
            layer
                .select
                .iter()
                .flatten()
                .chain(&layer.extend_select)
                .chain(&layer.ignore)
        })
    }

    /// The selected set. Starting from `default`, each layer in turn: `select` (if set)
    /// replaces the set, `extend-select` adds, `ignore` removes. Within a layer, ignoring wins
    /// over selecting. `expand` maps a selector to the rules it names (a rule, an alias, an
    /// audit) and may fail for an unknown name; its error is returned as is.
    pub fn resolve<T, E>(
        &self,
        default: impl IntoIterator<Item = T>,
        mut expand: impl FnMut(&Selector) -> Result<Vec<T>, E>,
    ) -> Result<BTreeSet<T>, E>
    where
        T: Ord,
    {
        let mut set: BTreeSet<T> = default.into_iter().collect();
        for layer in &self.layers {
            if let Some(select) = &layer.select {
                set.clear();
                for selector in select {
                    set.extend(expand(selector)?);
                }
            }
            for selector in &layer.extend_select {
                set.extend(expand(selector)?);
            }
            for selector in &layer.ignore {
                for rule in expand(selector)? {
                    set.remove(&rule);
                }
            }
        }
        Ok(set)
    }
}

/// `per-file-ignores`, compiled.
#[derive(Debug, Clone, Default)]
pub struct PerFileIgnores {
    globs: GlobList,
    selectors: Vec<Vec<Selector>>,
}

impl PerFileIgnores {
    pub fn is_empty(&self) -> bool {
        self.globs.is_empty()
    }

    /// Every selector, pattern by pattern (to check them against the catalogue).
    pub fn selectors(&self) -> impl Iterator<Item = &Selector> {
        self.selectors.iter().flatten()
    }

    /// The selectors ignored in the file at `rel_path` (project-root-relative, `/`-separated):
    /// those of every pattern matching the path or a directory above it.
    pub fn for_path(&self, rel_path: &str) -> impl Iterator<Item = &Selector> {
        self.globs
            .matching_with_ancestors(rel_path, false)
            .into_iter()
            .filter_map(|i| self.selectors.get(i))
            .flatten()
    }
}

/// What the walk needs.
#[derive(Debug, Clone)]
pub struct WalkSettings {
    /// Excludes and display of root-relative paths are computed from here.
    pub project_root: PathBuf,
    /// User excludes (the built-in ones are not listed here; see [`crate::DEFAULT_EXCLUDES`]).
    pub exclude: GlobList,
    /// Larger files are skipped with a [`NoticeKind::TooLarge`](cuirass_diagnostics::NoticeKind)
    /// notice.
    pub max_file_size: u64,
    pub respect_gitignore: bool,
    /// Worker threads (at least 1).
    pub threads: usize,
}

impl WalkSettings {
    /// The defaults, for a project rooted at `project_root`.
    pub fn new(project_root: impl Into<PathBuf>) -> Self {
        Self {
            project_root: project_root.into(),
            exclude: GlobList::default(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            respect_gitignore: true,
            threads: default_threads(),
        }
    }
}

/// The resolved configuration of a run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The directory of the configuration file, else the first scanned directory, else the
    /// working directory. Fingerprints and `per-file-ignores` are relative to it.
    pub project_root: PathBuf,
    /// The configuration file used, if any.
    pub config_path: Option<PathBuf>,
    pub rules: RuleSelection,
    pub per_file_ignores: PerFileIgnores,
    /// Default `low`: info findings never fail a run.
    pub fail_on: Severity,
    /// Default `info`: everything is reported.
    pub min_severity: Severity,
    /// Default `low`.
    pub min_confidence: Confidence,
    pub walk: WalkSettings,
}

impl Settings {
    /// The selectors ignored in the file at `rel_path` (project-root-relative, `/`-separated).
    pub fn per_file_ignores_for(&self, rel_path: &str) -> impl Iterator<Item = &Selector> {
        self.per_file_ignores.for_path(rel_path)
    }

    /// Worker threads for the walk and the analysis.
    pub fn threads(&self) -> usize {
        self.walk.threads
    }
}

fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, NonZeroUsize::get)
}

/// The project root when no configuration file was found: the first scanned path if it is a
/// directory, its directory if it is a file, else the working directory.
pub fn fallback_root(paths: &[PathBuf], cwd: &Path) -> PathBuf {
    let cwd = paths::normalize(cwd);
    let Some(first) = paths.first() else {
        return cwd;
    };
    let first = paths::absolute(first, &cwd);
    if first.is_dir() {
        first
    } else {
        first
            .parent()
            .map_or_else(|| cwd.clone(), Path::to_path_buf)
    }
}

/// Merges `overrides` over `config` and fills in the defaults. `paths` (the scanned paths) and
/// `cwd` only choose the project root when there is no configuration file.
pub fn resolve(
    config: Option<&ConfigFile>,
    overrides: &Overrides,
    paths: &[PathBuf],
    cwd: &Path,
) -> Result<Settings, ConfigError> {
    let default_options = crate::Options::default();
    let options = config.map_or(&default_options, |c| &c.options);
    let project_root =
        config.map_or_else(|| fallback_root(paths, cwd), |c| paths::normalize(&c.root));

    let file_selectors = |values: &Option<Vec<Spanned<String>>>, key: &str| -> Vec<Selector> {
        let (Some(config), Some(values)) = (config, values) else {
            return Vec::new();
        };
        values
            .iter()
            .map(|v| Selector::new(v.get_ref().clone(), config.origin(v, key)))
            .collect()
    };
    let cli_selectors = |values: &[String], flag: &'static str| -> Vec<Selector> {
        values
            .iter()
            .map(|v| Selector::command_line(v.clone(), flag))
            .collect()
    };

    let file_layer = SelectionLayer {
        select: options
            .select
            .as_ref()
            .map(|_| file_selectors(&options.select, "select")),
        extend_select: file_selectors(&options.extend_select, "extend-select"),
        ignore: [
            file_selectors(&options.ignore, "ignore"),
            file_selectors(&options.extend_ignore, "extend-ignore"),
        ]
        .concat(),
    };
    let cli_layer = SelectionLayer {
        select: overrides
            .select
            .as_ref()
            .map(|values| cli_selectors(values, "--select")),
        extend_select: cli_selectors(&overrides.extend_select, "--extend-select"),
        ignore: [
            cli_selectors(&overrides.ignore, "--ignore"),
            cli_selectors(&overrides.extend_ignore, "--extend-ignore"),
        ]
        .concat(),
    };
    let rules = RuleSelection {
        layers: [file_layer, cli_layer]
            .into_iter()
            .filter(|layer| !layer.is_empty())
            .collect(),
    };

    let file_globs = |values: &Option<Vec<Spanned<String>>>, key: &str| {
        let (Some(config), Some(values)) = (config, values) else {
            return Vec::new();
        };
        values
            .iter()
            .map(|v| (v.get_ref().clone(), config.origin(v, key)))
            .collect()
    };
    let exclude = GlobList::new(
        [
            file_globs(&options.exclude, "exclude"),
            file_globs(&options.extend_exclude, "extend-exclude"),
            overrides
                .exclude
                .iter()
                .map(|p| (p.clone(), Origin::CommandLine { flag: "--exclude" }))
                .collect(),
        ]
        .concat(),
    )?;

    let per_file_ignores = match (config, &options.per_file_ignores) {
        (Some(config), Some(table)) => {
            let mut patterns = Vec::new();
            let mut selectors = Vec::new();
            for (pattern, values) in table {
                let key = format!("per-file-ignores.{:?}", pattern.get_ref());
                patterns.push((pattern.get_ref().clone(), config.origin(pattern, &key)));
                selectors.push(
                    values
                        .iter()
                        .map(|v| Selector::new(v.get_ref().clone(), config.origin(v, &key)))
                        .collect(),
                );
            }
            PerFileIgnores {
                globs: GlobList::new(patterns)?,
                selectors,
            }
        }
        _ => PerFileIgnores::default(),
    };

    let threads = overrides
        .jobs
        .or(options.jobs)
        .map_or_else(default_threads, NonZeroUsize::get);

    Ok(Settings {
        config_path: config.map(|c| c.path.clone()),
        rules,
        per_file_ignores,
        fail_on: overrides
            .fail_on
            .or(options.fail_on)
            .unwrap_or(Severity::Low),
        min_severity: overrides
            .min_severity
            .or(options.min_severity)
            .unwrap_or(Severity::Info),
        min_confidence: overrides
            .min_confidence
            .or(options.min_confidence)
            .unwrap_or(Confidence::Low),
        walk: WalkSettings {
            project_root: project_root.clone(),
            exclude,
            max_file_size: overrides
                .max_file_size
                .or(options.max_file_size)
                .unwrap_or(DEFAULT_MAX_FILE_SIZE),
            respect_gitignore: !overrides.no_respect_gitignore
                && options.respect_gitignore.unwrap_or(true),
            threads,
        },
        project_root,
    })
}
