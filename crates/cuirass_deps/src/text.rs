//! Reading input files into text and turning byte offsets into 1-based line/column
//! positions (columns in Unicode scalar values, as everywhere in cuirass).
//!
//! A UTF-8 byte-order mark is dropped (and remembered, so a fix can put it back); invalid UTF-8
//! is decoded lossily with an `encoding` notice, and the file is still read.

use std::path::{Component, Path, PathBuf};

use cuirass_diagnostics::{Notice, NoticeKind, Position, Span};

/// Input files larger than this are not read (lock files of real projects are far below it).
pub(crate) const MAX_INPUT_SIZE: u64 = 32 << 20;

/// A file's decoded text.
#[derive(Debug, Clone)]
pub(crate) struct Text {
    pub(crate) text: String,
    pub(crate) notice: Option<Notice>,
}

/// Reads `path` as text. `Err` is the notice to report when it cannot be read at all.
///
/// `std::fs` rather than `fs_err` here: the notice names the file by its display path, and the
/// absolute path `fs_err` would add makes messages depend on where the project lives.
pub(crate) fn read_text(path: &Path, display: &str) -> Result<Text, Notice> {
    let unreadable = |err: &std::io::Error| {
        Notice::new(
            NoticeKind::Unreadable,
            display,
            format!("cannot read `{display}`: {}", error_text(err)),
        )
    };
    let meta = std::fs::metadata(path).map_err(|e| unreadable(&e))?;
    if meta.len() > MAX_INPUT_SIZE {
        return Err(Notice::new(
            NoticeKind::TooLarge,
            display,
            format!(
                "`{display}` is {} bytes, more than the {MAX_INPUT_SIZE}-byte limit for dependency files; not read",
                meta.len()
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| unreadable(&e))?;
    Ok(decode(&bytes, display))
}

/// Decodes bytes as UTF-8 without a BOM.
pub(crate) fn decode(bytes: &[u8], display: &str) -> Text {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(text) => Text {
            text: text.to_string(),
            notice: None,
        },
        Err(_) => Text {
            text: String::from_utf8_lossy(body).into_owned(),
            notice: Some(Notice::new(
                NoticeKind::Encoding,
                display,
                format!("`{display}` is not valid UTF-8; invalid bytes were replaced"),
            )),
        },
    }
}

/// The text of an I/O error, without the OS error number.
pub(crate) fn error_text(err: &std::io::Error) -> String {
    let text = err.to_string();
    match text.find(" (os error") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// Byte offsets of line starts, for offset → position.
#[derive(Debug, Clone)]
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Self { text, starts }
    }

    /// The 1-based position of a byte offset (clamped to the text).
    pub(crate) fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let column = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count());
        Position::new(to_u32(line), to_u32(column + 1))
    }

    /// The byte offset of a 1-based position (columns in characters), if it is in the text.
    pub(crate) fn offset(&self, position: Position) -> Option<usize> {
        let start = *self.starts.get((position.line as usize).checked_sub(1)?)?;
        let line_end = self
            .starts
            .get(position.line as usize)
            .copied()
            .unwrap_or(self.text.len());
        let line = self.text.get(start..line_end)?;
        let column = (position.column as usize).checked_sub(1)?;
        match line.char_indices().nth(column) {
            Some((i, _)) => Some(start + i),
            None if column == line.chars().count() => Some(line_end),
            None => None,
        }
    }

    /// The span of a byte range.
    pub(crate) fn span(&self, range: std::ops::Range<usize>) -> Span {
        Span::new(self.position(range.start), self.position(range.end))
    }
}

/// A span on one line from a column range given in bytes of that line's text.
pub(crate) fn line_span(line: u32, line_text: &str, start: usize, end: usize) -> Span {
    let col = |byte: usize| {
        let byte = byte.min(line_text.len());
        let prefix = line_text.get(..byte).unwrap_or(line_text);
        to_u32(prefix.chars().count() + 1)
    };
    Span::new(
        Position::new(line, col(start)),
        Position::new(line, col(end)),
    )
}

pub(crate) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Lexically normalises a path (`a/./b/../c` → `a/c`) without touching the file system, so
/// include cycles are found even through symlink-free `..` detours.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// How a path is shown: relative to `cwd` with `/` separators when below it, else absolute.
pub(crate) fn display_path(path: &Path, cwd: &Path) -> String {
    let path = normalize(path);
    let cwd = normalize(cwd);
    match path.strip_prefix(&cwd) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        _ => path.to_string_lossy().replace('\\', "/"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters() {
        let text = "ab\nçd = 1\r\nx";
        let index = LineIndex::new(text);
        assert_eq!(index.position(0), Position::new(1, 1));
        assert_eq!(index.position(3), Position::new(2, 1));
        // `ç` is two bytes but one column.
        assert_eq!(index.position(5), Position::new(2, 2));
        assert_eq!(index.position(text.len()), Position::new(3, 2));
        assert_eq!(index.offset(Position::new(2, 2)), Some(5));
        assert_eq!(index.offset(Position::new(3, 1)), Some(text.len() - 1));
        assert_eq!(index.offset(Position::new(9, 1)), None);
    }

    #[test]
    fn bom_and_invalid_utf8() {
        let t = decode(b"\xEF\xBB\xBFdjango==1\n", "r.txt");
        assert_eq!(t.text, "django==1\n");
        assert!(t.notice.is_none());
        let t = decode(b"a\xFFb", "r.txt");
        assert_eq!(t.text, "a\u{FFFD}b");
        assert_eq!(t.notice.unwrap().kind, NoticeKind::Encoding);
    }

    #[test]
    fn paths() {
        assert_eq!(normalize(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
        assert_eq!(
            display_path(Path::new("/p/req/../requirements.txt"), Path::new("/p")),
            "requirements.txt"
        );
        assert_eq!(display_path(Path::new("/q/x"), Path::new("/p")), "/q/x");
    }
}
