//! Gitignore-style glob lists, used by `exclude` and `per-file-ignores`.
//!
//! Paths are matched relative to the project root with `/` separators. The rules follow
//! `.gitignore`, which users already know:
//! - `*` and `?` never cross a `/`; `**` does (`tests/**`, `**/migrations`).
//! - A pattern is tried against the whole relative path and against the file name, so
//!   `conftest.py` or `*.min.js` match at any depth while `tests/fixtures` only matches there.
//! - A leading `/` anchors the pattern to the root: it is only tried against the whole path.
//! - A trailing `/` makes it match directories only.
//! - A pattern that matches a directory also covers everything below it (see
//!   [`GlobList::matching_with_ancestors`]).

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

use crate::selector::Origin;

/// A glob that could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid glob `{pattern}` in {origin}: {message}")]
pub struct GlobError {
    pub pattern: String,
    pub origin: Origin,
    pub message: String,
}

/// One pattern of a [`GlobList`], as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlobEntry {
    /// The pattern as the user wrote it.
    pub pattern: String,
    pub origin: Origin,
    dir_only: bool,
    rooted: bool,
}

/// Compiled gitignore-style patterns that remember where each came from.
#[derive(Debug, Clone)]
pub struct GlobList {
    entries: Vec<GlobEntry>,
    set: GlobSet,
}

impl Default for GlobList {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
            set: GlobSet::empty(),
        }
    }
}

struct Parsed {
    glob: Glob,
    dir_only: bool,
    rooted: bool,
}

/// Compiles one pattern with the rules in the module docs; the error is a plain message.
fn parse(pattern: &str) -> Result<Parsed, String> {
    let (text, dir_only) = match pattern.strip_suffix('/') {
        Some(rest) if !rest.is_empty() => (rest, true),
        _ => (pattern, false),
    };
    let (text, rooted) = match text.strip_prefix('/') {
        Some(rest) => (rest, true),
        None => (text, false),
    };
    if text.is_empty() {
        return Err("the pattern is empty".to_owned());
    }
    let glob = GlobBuilder::new(text)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .map_err(|e| e.kind().to_string())?;
    Ok(Parsed {
        glob,
        dir_only,
        rooted,
    })
}

/// Checks a pattern without building a list (used while reading configuration files, so the
/// error can point at the pattern).
pub(crate) fn validate(pattern: &str) -> Result<(), String> {
    parse(pattern).map(|_| ())
}

impl GlobList {
    /// Compiles `patterns`, keeping their order (indices returned by the matching methods
    /// refer to it).
    pub fn new(patterns: impl IntoIterator<Item = (String, Origin)>) -> Result<Self, GlobError> {
        let mut entries = Vec::new();
        let mut builder = GlobSetBuilder::new();
        for (pattern, origin) in patterns {
            let parsed = match parse(&pattern) {
                Ok(parsed) => parsed,
                Err(message) => {
                    return Err(GlobError {
                        pattern,
                        origin,
                        message,
                    });
                }
            };
            builder.add(parsed.glob);
            entries.push(GlobEntry {
                pattern,
                origin,
                dir_only: parsed.dir_only,
                rooted: parsed.rooted,
            });
        }
        let set = builder.build().map_err(|e| GlobError {
            pattern: entries
                .iter()
                .map(|e| e.pattern.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            origin: entries
                .first()
                .map_or(Origin::CommandLine { flag: "--exclude" }, |e| {
                    e.origin.clone()
                }),
            message: e.to_string(),
        })?;
        Ok(Self { entries, set })
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn entries(&self) -> &[GlobEntry] {
        &self.entries
    }

    /// Indices of the patterns that match `rel` itself (a root-relative, `/`-separated path),
    /// ascending.
    pub fn matching(&self, rel: &str, is_dir: bool) -> Vec<usize> {
        let mut found = Vec::new();
        self.collect(rel, is_dir, &mut found);
        found.sort_unstable();
        found.dedup();
        found
    }

    /// Indices of the patterns that match `rel` or any directory above it, ascending: the
    /// gitignore rule that excluding a directory excludes its contents.
    pub fn matching_with_ancestors(&self, rel: &str, is_dir: bool) -> Vec<usize> {
        let mut found = Vec::new();
        if self.entries.is_empty() {
            return found;
        }
        for (i, ch) in rel.char_indices() {
            if ch == '/' && i > 0 {
                self.collect(&rel[..i], true, &mut found);
            }
        }
        self.collect(rel, is_dir, &mut found);
        found.sort_unstable();
        found.dedup();
        found
    }

    /// Whether any pattern matches `rel` itself.
    pub fn is_match(&self, rel: &str, is_dir: bool) -> bool {
        !self.matching(rel, is_dir).is_empty()
    }

    fn collect(&self, rel: &str, is_dir: bool, found: &mut Vec<usize>) {
        if self.entries.is_empty() {
            return;
        }
        let rel = rel.trim_start_matches('/');
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let accept = |i: usize, whole: bool| {
            self.entries
                .get(i)
                .is_some_and(|e| (is_dir || !e.dir_only) && (whole || !e.rooted))
        };
        for i in self.set.matches(rel) {
            if accept(i, true) {
                found.push(i);
            }
        }
        if name != rel {
            for i in self.set.matches(name) {
                if accept(i, false) {
                    found.push(i);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(patterns: &[&str]) -> GlobList {
        GlobList::new(
            patterns
                .iter()
                .map(|p| ((*p).to_owned(), Origin::CommandLine { flag: "--exclude" })),
        )
        .unwrap()
    }

    #[test]
    fn gitignore_like_matching() {
        let l = list(&["tests/**", "*.min.js", "/setup.py", "docs/", "conftest.py"]);
        assert_eq!(l.matching("tests/a/b.py", false), vec![0]);
        assert!(l.matching("src/tests/a.py", false).is_empty());
        assert_eq!(l.matching("static/app.min.js", false), vec![1]);
        assert_eq!(l.matching("setup.py", false), vec![2]);
        assert!(l.matching("pkg/setup.py", false).is_empty());
        assert_eq!(l.matching("docs", true), vec![3]);
        assert!(l.matching("docs", false).is_empty());
        assert_eq!(l.matching("a/b/conftest.py", false), vec![4]);
        assert_eq!(l.matching_with_ancestors("docs/conf.py", false), vec![3]);
    }

    #[test]
    fn star_does_not_cross_directories() {
        let l = list(&["tests/*.py"]);
        assert!(l.is_match("tests/a.py", false));
        assert!(!l.is_match("tests/sub/a.py", false));
    }

    #[test]
    fn bad_pattern_names_origin() {
        let err = GlobList::new([("a[".to_owned(), Origin::CommandLine { flag: "--exclude" })])
            .unwrap_err();
        assert_eq!(err.pattern, "a[");
        assert!(
            err.to_string()
                .starts_with("invalid glob `a[` in `--exclude` on the command line: ")
        );
    }
}
