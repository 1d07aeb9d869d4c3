//! Reading files into text: sizes, binary sniffing, BOMs, PEP 263 and lossy decoding.

// Clippy allows unwrap inside #[test] fns only; the helpers here are test code too.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::Path;

use cuirass_diagnostics::{NoticeKind, Position};
use cuirass_workspace::{FileEntry, FileKind, SourceText, read_source};

const LIMIT: u64 = 1_000_000;

fn entry(path: &Path) -> FileEntry {
    FileEntry {
        path: path.to_path_buf(),
        display: path.file_name().unwrap().to_string_lossy().into_owned(),
        root_relative: path.file_name().unwrap().to_string_lossy().into_owned(),
        kind: FileKind::for_path(path),
        size: fs::metadata(path).map_or(0, |m| m.len()),
    }
}

fn read(name: &str, bytes: &[u8], python: bool) -> Result<SourceText, cuirass_diagnostics::Notice> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    fs::write(&path, bytes).unwrap();
    read_source(&entry(&path), LIMIT, python)
}

#[test]
fn utf8_is_read_as_is_with_crlf_kept() {
    let text = read("a.py", b"x = 'caf\xC3\xA9'\r\ny = 2\r\n", true).unwrap();
    assert_eq!(text.text, "x = 'café'\r\ny = 2\r\n");
    assert_eq!(text.notice, None);
}

#[test]
fn utf8_bom_is_stripped() {
    let text = read("a.py", b"\xEF\xBB\xBFimport os\n", true).unwrap();
    assert_eq!(text.text, "import os\n");
    assert_eq!(text.notice, None);
}

#[test]
fn utf16_with_bom_is_decoded_not_called_binary() {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in "key = 'v'\n".encode_utf16() {
        bytes.extend(unit.to_le_bytes());
    }
    let text = read("settings.txt", &bytes, false).unwrap();
    assert_eq!(text.text, "key = 'v'\n");
    assert_eq!(text.notice, None);
}

#[test]
fn latin1_with_a_coding_line_is_decoded() {
    let source = b"# -*- coding: latin-1 -*-\nname = 'Jos\xE9'\n";
    let text = read("a.py", source, true).unwrap();
    assert_eq!(text.text, "# -*- coding: latin-1 -*-\nname = 'José'\n");
    assert_eq!(text.notice, None);
    // On line 2 after a shebang, with Python's spelling of the codec.
    let source = b"#!/usr/bin/python\n# vim: set fileencoding=iso_8859_15 :\nx = '\xA4'\n";
    let text = read("b.py", source, true).unwrap();
    assert!(text.text.ends_with("x = '€'\n"), "{:?}", text.text);
    // The declaration is Python's business only.
    let text = read("c.txt", b"# coding: latin-1\nx = '\xE9'\n", false).unwrap();
    assert_eq!(text.text, "# coding: latin-1\nx = '\u{FFFD}'\n");
    assert_eq!(text.notice.unwrap().kind, NoticeKind::Encoding);
}

#[test]
fn invalid_utf8_is_decoded_lossily_with_a_notice_and_lines_kept() {
    let source = b"a = 1\nb = '\xFF\xFE'\nc = 3\n";
    let text = read("a.py", source, true).unwrap();
    assert_eq!(text.text, "a = 1\nb = '\u{FFFD}\u{FFFD}'\nc = 3\n");
    assert_eq!(text.text.lines().count(), 3);
    let notice = text.notice.unwrap();
    assert_eq!(notice.kind, NoticeKind::Encoding);
    assert_eq!(notice.path, "a.py");
    assert_eq!(notice.position, Some(Position::new(2, 6)));
    assert_eq!(
        notice.message,
        "not valid UTF-8; decoded lossily (line numbers are kept, some characters may be replaced)"
    );
}

#[test]
fn unknown_declared_encoding_falls_back_to_utf8_with_a_notice() {
    let text = read("a.py", b"# coding: klingon\nx = 1\n", true).unwrap();
    assert_eq!(text.text, "# coding: klingon\nx = 1\n");
    let notice = text.notice.unwrap();
    assert_eq!(notice.kind, NoticeKind::Encoding);
    assert_eq!(notice.position, Some(Position::new(1, 1)));
    assert_eq!(
        notice.message,
        "unknown encoding `klingon` declared; decoded as UTF-8"
    );
}

#[test]
fn nul_bytes_mean_binary() {
    let err = read("blob.py", b"x = 1\n\0\0\0binary", true).unwrap_err();
    assert_eq!(err.kind, NoticeKind::Binary);
    assert_eq!(err.path, "blob.py");
    // Mostly control characters, without a NUL.
    let err = read("blob.bin", &[1, 2, 3, 4, 5, 6, 7, 8, b'a'], false).unwrap_err();
    assert_eq!(err.kind, NoticeKind::Binary);
    // A NUL after the sniffed head is not looked for (the text decoder keeps it).
    let mut late = b"x = 1\n".repeat(2000);
    late.push(0);
    assert!(read("late.py", &late, true).is_ok());
}

#[test]
fn size_is_checked_again_while_reading() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("grew.py");
    fs::write(&path, "x = 1\n".repeat(100)).unwrap();
    // The walk saw it small; it is now above the limit given to the reader.
    let err = read_source(&entry(&path), 100, true).unwrap_err();
    assert_eq!(err.kind, NoticeKind::TooLarge);
    assert!(read_source(&entry(&path), 600, true).is_ok());
}

#[test]
fn unreadable_files_are_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gone.py");
    let err = read_source(&entry(&path), LIMIT, true).unwrap_err();
    assert_eq!(err.kind, NoticeKind::Unreadable);
    assert_eq!(err.path, "gone.py");
    // A directory cannot be read as a file either.
    let err = read_source(&entry(dir.path()), LIMIT, false).unwrap_err();
    assert_eq!(err.kind, NoticeKind::Unreadable);
}
