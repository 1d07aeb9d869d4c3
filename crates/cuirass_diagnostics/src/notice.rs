//! Notices: problems with the input rather than with the code (a file that does not parse, is
//! not UTF-8, is too large, …). They are reported, and the scan goes on.

use crate::finding::Position;

/// What kind of input problem a notice reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NoticeKind {
    /// The file has a syntax error; rules ran on what the parser recovered.
    ParseError,
    /// The file is not valid UTF-8 (or its declared encoding); it was decoded lossily.
    Encoding,
    /// The file looks binary and was skipped.
    Binary,
    /// The file is larger than the size limit and was skipped.
    TooLarge,
    /// The file or directory could not be read.
    Unreadable,
    /// A symbolic link points back at one of its parents.
    SymlinkLoop,
    /// A suppression comment names a rule that does not exist.
    UnknownSuppression,
    /// A suppression comment suppressed nothing (`--report-unused-suppressions`).
    UnusedSuppression,
    /// A bug in cuirass: analysing the file panicked. The rest of the scan went on.
    InternalError,
    /// Anything else worth a warning (an audit that did not run, a stale database, …).
    Warning,
}

impl NoticeKind {
    /// The kebab-case id shown in reports.
    pub const fn as_str(self) -> &'static str {
        match self {
            NoticeKind::ParseError => "parse-error",
            NoticeKind::Encoding => "encoding",
            NoticeKind::Binary => "binary-file",
            NoticeKind::TooLarge => "file-too-large",
            NoticeKind::Unreadable => "unreadable",
            NoticeKind::SymlinkLoop => "symlink-loop",
            NoticeKind::UnknownSuppression => "unknown-suppression",
            NoticeKind::UnusedSuppression => "unused-suppression",
            NoticeKind::InternalError => "internal-error",
            NoticeKind::Warning => "warning",
        }
    }

    /// Whether the notice means part of the input went unaudited.
    pub const fn is_error(self) -> bool {
        matches!(
            self,
            NoticeKind::ParseError
                | NoticeKind::Unreadable
                | NoticeKind::SymlinkLoop
                | NoticeKind::InternalError
                | NoticeKind::TooLarge
        )
    }
}

/// One input problem.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Notice {
    pub kind: NoticeKind,
    /// Display path (as for findings); empty for run-wide notices.
    pub path: String,
    pub position: Option<Position>,
    pub message: String,
}

impl Notice {
    pub fn new(kind: NoticeKind, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            kind,
            path: path.into(),
            position: None,
            message: message.into(),
        }
    }

    #[must_use]
    pub fn at(mut self, position: Position) -> Self {
        self.position = Some(position);
        self
    }
}
