//! The text of one file with its line index: offsets to 1-based line/column positions, line
//! text for code frames and fingerprints.

use std::path::{Path, PathBuf};

use cuirass_diagnostics::{CodeFrame, Location, Position, Span};
use ruff_source_file::{LineIndex, OneIndexed};
use ruff_text_size::{TextRange, TextSize};

/// A file's text, where it lives, and how to turn offsets into positions.
#[derive(Debug)]
pub struct SourceFile {
    /// The path to open (absolute or relative to the working directory).
    pub path: PathBuf,
    /// The path as shown to the user.
    pub display: String,
    pub text: String,
    index: LineIndex,
    /// The dotted module path (`pkg.sub.mod`) when the file is inside a package.
    pub module_path: Option<Vec<String>>,
}

impl SourceFile {
    pub fn new(path: PathBuf, display: String, text: String) -> Self {
        let index = LineIndex::from_source_text(&text);
        Self {
            path,
            display,
            text,
            index,
            module_path: None,
        }
    }

    #[must_use]
    pub fn with_module_path(mut self, module_path: Option<Vec<String>>) -> Self {
        self.module_path = module_path;
        self
    }

    /// Number of lines in the file.
    pub fn line_count(&self) -> usize {
        self.index.line_count()
    }

    /// The position of a byte offset (clamped to the text).
    pub fn position(&self, offset: TextSize) -> Position {
        let len = TextSize::try_from(self.text.len()).unwrap_or(TextSize::new(u32::MAX));
        let offset = offset.min(len);
        let lc = self.index.line_column(offset, &self.text);
        Position::new(to_u32(lc.line.get()), to_u32(lc.column.get()))
    }

    pub fn span(&self, range: TextRange) -> Span {
        Span::new(self.position(range.start()), self.position(range.end()))
    }

    pub fn location(&self, range: TextRange) -> Location {
        Location::new(self.display.clone(), self.span(range))
    }

    /// The text of a 1-based line without its line ending; empty past the end.
    pub fn line(&self, line: u32) -> &str {
        let Some(one) = usize::try_from(line).ok().and_then(OneIndexed::new) else {
            return "";
        };
        if one.get() > self.index.line_count() {
            return "";
        }
        let range = self.index.line_range(one, &self.text);
        self.text
            .get(range.start().to_usize()..range.end().to_usize())
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }

    /// The lines `first..=last` joined with `\n` (for fingerprints).
    pub fn lines(&self, first: u32, last: u32) -> String {
        let mut out = String::new();
        for line in first..=last.max(first) {
            if line > first {
                out.push('\n');
            }
            out.push_str(self.line(line));
        }
        out
    }

    /// A code frame: the reported lines plus `context` lines around them.
    pub fn frame(&self, span: Span, context: u32) -> CodeFrame {
        let last_line = to_u32(self.line_count());
        let first = span.start.line.saturating_sub(context).max(1);
        // Long multi-line findings show their first lines only.
        let end = span.end.line.max(span.start.line).min(span.start.line + 4);
        let last = end.saturating_add(context).min(last_line.max(1));
        CodeFrame {
            first_line: first,
            lines: (first..=last).map(|n| self.line(n).to_string()).collect(),
        }
    }
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// The dotted module path of a Python file: its stem, preceded by every enclosing directory
/// that holds an `__init__.py`. `None` for a file outside any package (a script), which is
/// how Python treats it too.
pub fn module_path_for(path: &Path) -> Option<Vec<String>> {
    let stem = path.file_stem()?.to_str()?.to_string();
    let mut parts = vec![stem];
    let mut dir = path.parent();
    while let Some(current) = dir {
        if current.as_os_str().is_empty() || !current.join("__init__.py").is_file() {
            break;
        }
        parts.push(current.file_name()?.to_str()?.to_string());
        dir = current.parent();
    }
    if parts.len() == 1 {
        return None;
    }
    parts.reverse();
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let file = SourceFile::new("a.py".into(), "a.py".into(), "x = 1\ny = 'é' + z\n".into());
        let offset = TextSize::new(u32::try_from("x = 1\ny = 'é' + ".len()).unwrap());
        assert_eq!(file.position(offset), Position::new(2, 11));
        assert_eq!(file.line(2), "y = 'é' + z");
        assert_eq!(file.line(9), "");
        assert_eq!(file.position(TextSize::new(10_000)).line, 3);
    }

    #[test]
    fn module_paths_follow_packages() {
        let dir = std::env::temp_dir().join(format!("cuirass-modpath-{}", std::process::id()));
        let pkg = dir.join("pkg").join("sub");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(dir.join("pkg").join("__init__.py"), "").unwrap();
        std::fs::write(pkg.join("__init__.py"), "").unwrap();
        assert_eq!(
            module_path_for(&pkg.join("mod.py")),
            Some(vec!["pkg".into(), "sub".into(), "mod".into()])
        );
        assert_eq!(module_path_for(&dir.join("script.py")), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
