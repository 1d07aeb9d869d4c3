//! What kind of text a file holds (so the keyword heuristic knows its assignment syntax) and a
//! line index for turning byte offsets into 1-based lines and character columns.

use std::path::Path;

use cuirass_diagnostics::Position;

/// The syntax of a scanned text, chosen from its path by [`TextKind::for_path`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TextKind {
    /// `name = "value"`, `name="value"` (keyword arguments), `{"name": "value"}`.
    Python,
    /// `name: value`, `name: "value"`, `- NAME=value` (compose environment lists).
    Yaml,
    /// `"name": "value"`.
    Json,
    /// `name = "value"`, also inside inline tables.
    Toml,
    /// `name = value` / `name: value` (`.ini`, `.cfg`, `.conf`, `.properties`, `.pypirc`).
    Ini,
    /// `NAME=value`, `export NAME="value"` (`.env` files).
    Env,
    /// Lock files (`poetry.lock`, `package-lock.json`, …): full of integrity hashes, so only
    /// provider detectors run, never the entropy heuristic.
    Lock,
    /// Anything else: quoted `name = "value"` / `name: "value"` and shell-style `NAME=value`.
    Other,
}

/// Lock files by name: provider detectors only.
const LOCK_FILES: &[&str] = &[
    "poetry.lock",
    "pipfile.lock",
    "uv.lock",
    "pdm.lock",
    "pylock.toml",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "cargo.lock",
    "composer.lock",
    "gemfile.lock",
    "go.sum",
    "flake.lock",
    "bun.lock",
    "conda-lock.yml",
];

impl TextKind {
    /// The kind for a file, from its name and extension.
    #[allow(clippy::case_sensitive_file_extension_comparisons)] // `name` is lower-cased.
    pub fn for_path(path: &Path) -> Self {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if LOCK_FILES.contains(&name.as_str()) || name.ends_with(".lock") {
            return TextKind::Lock;
        }
        if name == ".env" || name.starts_with(".env.") || name.ends_with(".env") {
            return TextKind::Env;
        }
        match name.as_str() {
            "pipfile" => return TextKind::Toml,
            ".pypirc" | ".npmrc" | ".gitconfig" | ".editorconfig" => return TextKind::Ini,
            _ => {}
        }
        let extension = name.rsplit_once('.').map_or("", |(_, ext)| ext);
        match extension {
            "py" | "pyi" | "pyw" | "pyx" | "pxd" => TextKind::Python,
            "yml" | "yaml" => TextKind::Yaml,
            "json" | "jsonc" | "json5" => TextKind::Json,
            "toml" => TextKind::Toml,
            "ini" | "cfg" | "conf" | "properties" | "cnf" => TextKind::Ini,
            _ => TextKind::Other,
        }
    }
}

/// One file's text with a line index.
pub(crate) struct FileCtx<'a> {
    pub text: &'a str,
    pub kind: TextKind,
    /// Display path (for test-file heuristics); may be empty.
    pub path: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> FileCtx<'a> {
    pub(crate) fn new(text: &'a str, kind: TextKind, path: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr_newlines(text).map(|i| i + 1));
        Self {
            text,
            kind,
            path,
            line_starts,
        }
    }

    pub(crate) fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 0-based index of the line holding byte `offset`.
    pub(crate) fn line_index(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1)
    }

    /// Byte range of line `index`, without its line ending.
    pub(crate) fn line_range(&self, index: usize) -> (usize, usize) {
        let start = self
            .line_starts
            .get(index)
            .copied()
            .unwrap_or(self.text.len());
        let next = self
            .line_starts
            .get(index + 1)
            .copied()
            .unwrap_or(self.text.len());
        let bytes = self.text.as_bytes();
        let mut end = next;
        while end > start && matches!(bytes.get(end - 1), Some(b'\n' | b'\r')) {
            end -= 1;
        }
        (start, end)
    }

    /// Line `index` without its line ending.
    pub(crate) fn line(&self, index: usize) -> &'a str {
        let (start, end) = self.line_range(index);
        self.text.get(start..end).unwrap_or("")
    }

    /// 1-based line and character column of byte `offset`.
    pub(crate) fn position(&self, offset: usize) -> Position {
        let index = self.line_index(offset);
        let start = self.line_starts.get(index).copied().unwrap_or(0);
        let column = self
            .text
            .get(start..offset)
            .map_or(0, |prefix| prefix.chars().count());
        Position::new(to_u32(index + 1), to_u32(column + 1))
    }
}

fn memchr_newlines(text: &str) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'\n', text.as_bytes())
}

pub(crate) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_paths() {
        let kind = |p: &str| TextKind::for_path(Path::new(p));
        assert_eq!(kind("app/settings.py"), TextKind::Python);
        assert_eq!(kind("deploy/values.YAML"), TextKind::Yaml);
        assert_eq!(kind("config.json"), TextKind::Json);
        assert_eq!(kind("pyproject.toml"), TextKind::Toml);
        assert_eq!(kind("setup.cfg"), TextKind::Ini);
        assert_eq!(kind(".env"), TextKind::Env);
        assert_eq!(kind(".env.production"), TextKind::Env);
        assert_eq!(kind("docker/app.env"), TextKind::Env);
        assert_eq!(kind("poetry.lock"), TextKind::Lock);
        assert_eq!(kind("package-lock.json"), TextKind::Lock);
        assert_eq!(kind("README.md"), TextKind::Other);
        assert_eq!(kind("Dockerfile"), TextKind::Other);
    }

    #[test]
    fn positions_count_characters() {
        let ctx = FileCtx::new("ab\r\néx = 1\n", TextKind::Other, "");
        assert_eq!(ctx.line(0), "ab");
        assert_eq!(ctx.line(1), "éx = 1");
        assert_eq!(ctx.line_index(4), 1);
        // `x` is the second character of line 2 although it is the third byte.
        assert_eq!(ctx.position(6), Position::new(2, 2));
        assert_eq!(ctx.line_count(), 3);
    }
}
