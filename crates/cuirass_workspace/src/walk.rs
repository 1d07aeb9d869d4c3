//! The file walk: which files a run looks at.
//!
//! Built on `ignore`'s parallel walker, as ripgrep does: one visitor per thread collects into
//! its own `Vec`, handed over once when the thread finishes, so there is no lock per entry.
//! Errors on one entry (permission denied, a symbolic-link loop, a dangling link) become
//! [`Notice`]s and the walk goes on; loops are detected by the walker, so it never hangs.
//!
//! What is skipped:
//! - files ignored by `.gitignore` (also outside a git repository), `.ignore`,
//!   `.git/info/exclude` and the global gitignore, unless `respect-gitignore = false`;
//! - the built-in excludes ([`DEFAULT_EXCLUDES`], `*.egg-info`, and any directory holding a
//!   `pyvenv.cfg`, which is a virtualenv whatever its name);
//! - the user's `exclude` globs;
//! - files above `max-file-size` (with a notice), and anything that is not a regular file
//!   (FIFOs would block a reader).
//!
//! Hidden files are not skipped: `.env` files are exactly what the secrets audit must see.
//! Paths named on the command line are scanned even if a built-in exclude or a gitignore
//! covers them; only the user's `exclude` removes them.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use cuirass_diagnostics::{Notice, NoticeKind};
use ignore::{DirEntry, ParallelVisitor, ParallelVisitorBuilder, WalkBuilder, WalkState};

use crate::glob::GlobList;
use crate::paths;
use crate::settings::WalkSettings;
use crate::size::HumanSize;

/// Directory names never walked into (unless named on the command line): version control,
/// virtualenvs, caches, build output and vendored packages.
pub const DEFAULT_EXCLUDES: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "__pycache__",
    "node_modules",
    "site-packages",
    "dist",
    "build",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".eggs",
    "_build",
    "buck-out",
    ".direnv",
];

/// How a file is analysed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    /// `.py`, `.pyi`, `.pyw`: parsed and given to the code rules.
    Python,
    /// `.html`, `.htm`, `.jinja`, `.jinja2`, `.j2`, `.djhtml`: the template rules.
    Template,
    /// Anything else: the secrets audit reads every text file.
    Text,
}

impl FileKind {
    /// The kind for a path, by extension (case-insensitive).
    pub fn for_path(path: &Path) -> Self {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match ext.as_deref() {
            Some("py" | "pyi" | "pyw") => FileKind::Python,
            Some("html" | "htm" | "jinja" | "jinja2" | "j2" | "djhtml") => FileKind::Template,
            _ => FileKind::Text,
        }
    }
}

/// A file to analyse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// The path to open (absolute).
    pub path: PathBuf,
    /// The path shown in reports: relative to the working directory when below it, with `/`
    /// separators, else absolute.
    pub display: String,
    /// Relative to the project root with `/` separators (for fingerprints and
    /// `per-file-ignores`), or absolute when outside it.
    pub root_relative: String,
    pub kind: FileKind,
    /// Size when walked, in bytes.
    pub size: u64,
}

/// What the walk found.
#[derive(Debug, Default)]
pub struct WalkResult {
    /// Sorted by display path, each file once.
    pub files: Vec<FileEntry>,
    /// Problems met on the way, sorted.
    pub notices: Vec<Notice>,
    /// Command-line paths that do not exist, as given (a usage error: exit 2).
    pub missing: Vec<String>,
}

/// Walks `paths` (the working directory when empty). Relative paths are taken from `cwd`.
pub fn walk(paths: &[PathBuf], settings: &WalkSettings, cwd: &Path) -> WalkResult {
    let cwd = paths::normalize(cwd);
    let ctx = Context {
        cwd: cwd.clone(),
        root: paths::normalize(&settings.project_root),
        exclude: settings.exclude.clone(),
        max_size: settings.max_file_size,
    };
    let mut result = WalkResult::default();
    let mut found: Vec<Found> = Vec::new();
    let mut dirs: Vec<PathBuf> = Vec::new();

    let given: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    for path in &given {
        let absolute = paths::absolute(path, &cwd);
        match std::fs::metadata(&absolute) {
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                result.missing.push(path.to_string_lossy().into_owned());
            }
            Err(err) => result.notices.push(ctx.io_notice(&absolute, &err)),
            Ok(meta) => {
                if ctx.user_excluded(&absolute, meta.is_dir()) {
                    continue;
                }
                if meta.is_dir() {
                    dirs.push(absolute);
                } else if meta.is_file() {
                    if let Some(file) = ctx.file(&absolute, &meta, &mut result.notices) {
                        found.push(file);
                    }
                } else {
                    result.notices.push(Notice::new(
                        NoticeKind::Warning,
                        ctx.display(&absolute),
                        "not a regular file or directory; skipped",
                    ));
                }
            }
        }
    }

    if let Some((first, rest)) = dirs.split_first() {
        let mut builder = WalkBuilder::new(first);
        for dir in rest {
            builder.add(dir);
        }
        let respect = settings.respect_gitignore;
        let filter = Arc::new(ctx.clone());
        builder
            .standard_filters(false)
            .hidden(false)
            .parents(respect)
            .ignore(respect)
            .git_ignore(respect)
            .git_global(respect)
            .git_exclude(respect)
            .require_git(false)
            .follow_links(true)
            .current_dir(cwd.clone())
            .threads(settings.threads.max(1))
            .filter_entry(move |entry| filter.keep(entry));
        let batches = Mutex::new(Vec::new());
        builder.build_parallel().visit(&mut CollectorBuilder {
            ctx: &ctx,
            batches: &batches,
        });
        for batch in batches.into_inner().unwrap_or_else(PoisonError::into_inner) {
            found.extend(batch.files);
            result.notices.extend(batch.notices);
        }
    }

    result.files = dedup(found);
    result.notices.sort();
    result.notices.dedup();
    result
}

/// Sorts by display path and keeps one entry per file. Of the paths reaching the same file, the
/// one through the fewest symbolic links wins (the real location rather than a link to it),
/// then the first by display path, so the choice is the same on every run. Links are only
/// counted for files reached twice, which is rare.
fn dedup(mut found: Vec<Found>) -> Vec<FileEntry> {
    found.sort_by(|a, b| a.entry.display.cmp(&b.entry.display));
    let mut groups: BTreeMap<Identity, Vec<usize>> = BTreeMap::new();
    for (i, f) in found.iter().enumerate() {
        if let Some(id) = &f.identity {
            groups.entry(id.clone()).or_default().push(i);
        }
    }
    let mut drop = vec![false; found.len()];
    for group in groups.into_values() {
        if group.len() < 2 {
            continue;
        }
        let keep = group.iter().copied().min_by_key(|&i| {
            (
                found.get(i).map_or(usize::MAX, |f| links_on(&f.entry.path)),
                i,
            )
        });
        for i in group {
            if Some(i) != keep
                && let Some(slot) = drop.get_mut(i)
            {
                *slot = true;
            }
        }
    }
    found
        .into_iter()
        .zip(drop)
        .filter(|(_, drop)| !drop)
        .map(|(f, _)| f.entry)
        .collect()
}

/// How many components of `path` (including itself) are symbolic links.
fn links_on(path: &Path) -> usize {
    path.ancestors()
        .filter(|p| std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink()))
        .count()
}

/// Identifies a file across paths (hard or symbolic links, overlapping roots).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Identity {
    #[cfg(unix)]
    Inode(u64, u64),
    #[cfg_attr(unix, allow(dead_code))]
    Canonical(PathBuf),
}

#[cfg(unix)]
#[allow(clippy::unnecessary_wraps)] // the same signature as elsewhere, where it can fail
fn identity(_path: &Path, meta: &std::fs::Metadata) -> Option<Identity> {
    use std::os::unix::fs::MetadataExt;
    Some(Identity::Inode(meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn identity(path: &Path, _meta: &std::fs::Metadata) -> Option<Identity> {
    std::fs::canonicalize(path).ok().map(Identity::Canonical)
}

struct Found {
    entry: FileEntry,
    identity: Option<Identity>,
}

#[derive(Clone)]
struct Context {
    cwd: PathBuf,
    root: PathBuf,
    exclude: GlobList,
    max_size: u64,
}

impl Context {
    fn display(&self, path: &Path) -> String {
        paths::display_path(path, &self.cwd)
    }

    fn root_relative(&self, path: &Path) -> String {
        paths::relative_slash(path, &self.root)
            .unwrap_or_else(|| path.to_string_lossy().into_owned())
    }

    /// A command-line path is removed only by the user's excludes (on it or a parent below
    /// the project root).
    fn user_excluded(&self, path: &Path, is_dir: bool) -> bool {
        !self.exclude.is_empty()
            && !self
                .exclude
                .matching_with_ancestors(&self.root_relative(path), is_dir)
                .is_empty()
    }

    /// The walker's filter for entries below the roots.
    fn keep(&self, entry: &DirEntry) -> bool {
        if entry.depth() == 0 {
            return true;
        }
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        if is_dir && is_default_excluded(entry.path()) {
            return false;
        }
        self.exclude.is_empty()
            || !self
                .exclude
                .is_match(&self.root_relative(entry.path()), is_dir)
    }

    /// A regular file, unless it is too large.
    fn file(
        &self,
        path: &Path,
        meta: &std::fs::Metadata,
        notices: &mut Vec<Notice>,
    ) -> Option<Found> {
        let display = self.display(path);
        let size = meta.len();
        if size > self.max_size {
            notices.push(Notice::new(
                NoticeKind::TooLarge,
                display,
                format!(
                    "file is {}, above the {} limit (`max-file-size`); skipped",
                    HumanSize(size),
                    HumanSize(self.max_size)
                ),
            ));
            return None;
        }
        Some(Found {
            entry: FileEntry {
                path: path.to_path_buf(),
                display,
                root_relative: self.root_relative(path),
                kind: FileKind::for_path(path),
                size,
            },
            identity: identity(path, meta),
        })
    }

    pub(crate) fn io_notice(&self, path: &Path, err: &io::Error) -> Notice {
        let display = self.display(path);
        match err.kind() {
            io::ErrorKind::PermissionDenied => {
                Notice::new(NoticeKind::Unreadable, display, "permission denied")
            }
            io::ErrorKind::NotFound => Notice::new(
                NoticeKind::Warning,
                display,
                "broken symbolic link (its target does not exist); skipped",
            ),
            _ => Notice::new(NoticeKind::Unreadable, display, err.to_string()),
        }
    }

    /// Turns a walker error into notices, unwrapping the path/depth/line wrappers.
    fn error_notices(&self, err: &ignore::Error, path: Option<&Path>, out: &mut Vec<Notice>) {
        match err {
            ignore::Error::Partial(errs) => {
                for err in errs {
                    self.error_notices(err, path, out);
                }
            }
            ignore::Error::WithPath { path, err } => self.error_notices(err, Some(path), out),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                self.error_notices(err, path, out);
            }
            ignore::Error::Loop { ancestor, child } => out.push(Notice::new(
                NoticeKind::SymlinkLoop,
                self.display(child),
                format!(
                    "symbolic link loop: `{}` leads back to `{}`; not followed",
                    self.display(child),
                    self.display(ancestor)
                ),
            )),
            ignore::Error::Io(io) => {
                let path = path.unwrap_or(Path::new(""));
                let mut notice = self.io_notice(path, io);
                if path.as_os_str().is_empty() {
                    notice.path = String::new();
                }
                out.push(notice);
            }
            // Bad patterns in ignore files and the like: worth a warning, not a failure.
            other => out.push(Notice::new(
                NoticeKind::Warning,
                path.map(|p| self.display(p)).unwrap_or_default(),
                other.to_string(),
            )),
        }
    }
}

fn is_default_excluded(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    DEFAULT_EXCLUDES.contains(&name)
        || name.ends_with(".egg-info")
        // A virtualenv under any name. One stat per directory walked.
        || path.join("pyvenv.cfg").is_file()
}

#[derive(Default)]
struct Batch {
    files: Vec<Found>,
    notices: Vec<Notice>,
}

struct CollectorBuilder<'a> {
    ctx: &'a Context,
    batches: &'a Mutex<Vec<Batch>>,
}

impl<'s> ParallelVisitorBuilder<'s> for CollectorBuilder<'s> {
    fn build(&mut self) -> Box<dyn ParallelVisitor + 's> {
        Box::new(Collector {
            ctx: self.ctx,
            batches: self.batches,
            batch: Batch::default(),
        })
    }
}

/// One per thread; hands its batch over when the thread is done with it.
struct Collector<'a> {
    ctx: &'a Context,
    batches: &'a Mutex<Vec<Batch>>,
    batch: Batch,
}

impl ParallelVisitor for Collector<'_> {
    fn visit(&mut self, entry: Result<DirEntry, ignore::Error>) -> WalkState {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                self.ctx.error_notices(&err, None, &mut self.batch.notices);
                return WalkState::Continue;
            }
        };
        if let Some(err) = entry.error() {
            // A non-fatal problem with this entry (e.g. its ignore file); keep going.
            self.ctx
                .error_notices(err, Some(entry.path()), &mut self.batch.notices);
        }
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            return WalkState::Continue;
        }
        match entry.metadata() {
            Ok(meta) => {
                if let Some(found) = self.ctx.file(entry.path(), &meta, &mut self.batch.notices) {
                    self.batch.files.push(found);
                }
            }
            Err(err) => self
                .ctx
                .error_notices(&err, Some(entry.path()), &mut self.batch.notices),
        }
        WalkState::Continue
    }
}

impl Drop for Collector<'_> {
    fn drop(&mut self) {
        let batch = std::mem::take(&mut self.batch);
        self.batches
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(batch);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Context {
        Context {
            cwd: PathBuf::from("/proj"),
            root: PathBuf::from("/proj"),
            exclude: GlobList::default(),
            max_size: 100,
        }
    }

    /// Root reads through permission bits, so the walk tests cannot always provoke this; the
    /// mapping is checked on the walker's own error shapes instead.
    #[test]
    fn walker_errors_become_notices() {
        let denied = ignore::Error::WithDepth {
            depth: 2,
            err: Box::new(ignore::Error::WithPath {
                path: PathBuf::from("/proj/locked"),
                err: Box::new(ignore::Error::Io(io::Error::from(
                    io::ErrorKind::PermissionDenied,
                ))),
            }),
        };
        let looped = ignore::Error::WithDepth {
            depth: 3,
            err: Box::new(ignore::Error::Loop {
                ancestor: PathBuf::from("/proj/a"),
                child: PathBuf::from("/proj/a/b/loop"),
            }),
        };
        let partial = ignore::Error::Partial(vec![denied, looped]);
        let mut out = Vec::new();
        ctx().error_notices(&partial, None, &mut out);
        let got: Vec<(NoticeKind, &str, &str)> = out
            .iter()
            .map(|n| (n.kind, n.path.as_str(), n.message.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (NoticeKind::Unreadable, "locked", "permission denied"),
                (
                    NoticeKind::SymlinkLoop,
                    "a/b/loop",
                    "symbolic link loop: `a/b/loop` leads back to `a`; not followed"
                ),
            ]
        );
    }
}
