//! Reading a walked file into text.
//!
//! The analysers want a `String`. Getting there: the size is re-checked while reading (the file
//! may have grown since the walk; reading stops one byte past the limit), binary files are
//! recognised from their first 8 KiB without reading the rest, BOMs are honoured (a UTF-16
//! BOM means UTF-16, not binary), a Python file's PEP 263 coding declaration is obeyed, and
//! anything still not valid is decoded lossily with a notice rather than dropped. Lossy
//! decoding replaces bad bytes by U+FFFD and never touches `\n`, so line numbers stay right.
//! Line endings are left as they are (the parser copes with CRLF).

use std::io::{self, Read};
use std::sync::LazyLock;

use cuirass_diagnostics::{Notice, NoticeKind, Position};
use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};
use regex::bytes::Regex;

use crate::size::HumanSize;
use crate::walk::FileEntry;

/// How much of a file is looked at to decide whether it is binary.
pub const SNIFF_LEN: usize = 8 * 1024;

/// The text of a file, with a notice if it had to be decoded lossily.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceText {
    pub text: String,
    pub notice: Option<Notice>,
}

/// Reads `entry` as text. `python` turns on PEP 263 coding declarations. Files above
/// `max_size` bytes, unreadable and binary files are an `Err` notice (the file is skipped).
pub fn read_source(entry: &FileEntry, max_size: u64, python: bool) -> Result<SourceText, Notice> {
    let bytes = read_bytes(entry, max_size)?;
    // The common case, UTF-8 with no byte-order mark or other declared encoding, keeps the
    // buffer as the text instead of copying it.
    let plain = utf16_bom(&bytes).is_none()
        && !bytes.starts_with(b"\xEF\xBB\xBF")
        && !(python
            && coding_declaration(&bytes)
                .is_some_and(|(label, _)| lookup_encoding(&label) != Some(UTF_8)));
    if plain {
        return match String::from_utf8(bytes) {
            Ok(text) => Ok(SourceText { text, notice: None }),
            Err(err) => decode(err.as_bytes(), python, &entry.display),
        };
    }
    decode(&bytes, python, &entry.display)
}

fn read_bytes(entry: &FileEntry, max_size: u64) -> Result<Vec<u8>, Notice> {
    let unreadable = |err: &io::Error| {
        let message = match err.kind() {
            io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
            _ => format!("could not be read: {err}"),
        };
        Notice::new(NoticeKind::Unreadable, entry.display.clone(), message)
    };
    let file = std::fs::File::open(&entry.path).map_err(|e| unreadable(&e))?;
    // Sized once from the metadata (a hint: the file may change while it is read).
    let expected = file.metadata().map_or(0, |m| m.len()).min(max_size);
    let mut reader = file.take(max_size.saturating_add(1));
    let mut bytes = Vec::with_capacity(usize::try_from(expected).unwrap_or(0).saturating_add(1));
    // The head first: a binary file is recognised without reading the rest of it.
    let mut head = (&mut reader).take(SNIFF_LEN as u64);
    head.read_to_end(&mut bytes).map_err(|e| unreadable(&e))?;
    if is_binary(&bytes) {
        return Err(Notice::new(
            NoticeKind::Binary,
            entry.display.clone(),
            "looks binary (a NUL byte or mostly control characters near the start); skipped",
        ));
    }
    reader.read_to_end(&mut bytes).map_err(|e| unreadable(&e))?;
    if bytes.len() as u64 > max_size {
        return Err(Notice::new(
            NoticeKind::TooLarge,
            entry.display.clone(),
            format!(
                "file grew above the {} limit (`max-file-size`) while being read; skipped",
                HumanSize(max_size)
            ),
        ));
    }
    Ok(bytes)
}

fn utf16_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    match bytes {
        [0xFF, 0xFE, ..] => Some(UTF_16LE),
        [0xFE, 0xFF, ..] => Some(UTF_16BE),
        _ => None,
    }
}

/// A NUL byte, or more than 30% control characters (other than whitespace, form feed and
/// escape), in the head. UTF-16 with a BOM is text.
fn is_binary(head: &[u8]) -> bool {
    if utf16_bom(head).is_some() {
        return false;
    }
    if head.contains(&0) {
        return true;
    }
    let control = head
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1B)) || b == 0x7F)
        .count();
    control * 10 > head.len() * 3
}

/// Decodes file bytes; `display` names the file in notices.
pub fn decode(bytes: &[u8], python: bool, display: &str) -> Result<SourceText, Notice> {
    if let Some(encoding) = utf16_bom(bytes) {
        let (text, had_errors) = encoding.decode_with_bom_removal(bytes);
        let notice = had_errors.then(|| {
            Notice::new(
                NoticeKind::Encoding,
                display,
                format!(
                    "not valid {} (per its byte-order mark); decoded lossily (line numbers are \
                     kept, some characters may be replaced)",
                    encoding.name()
                ),
            )
        });
        return Ok(SourceText {
            text: text.into_owned(),
            notice,
        });
    }
    let (bytes, had_bom) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    // With a UTF-8 BOM, Python ignores (rejects, in fact) any other declared encoding.
    if python
        && !had_bom
        && let Some((label, line)) = coding_declaration(bytes)
    {
        match lookup_encoding(&label) {
            Some(encoding) if encoding == UTF_8 => {}
            Some(encoding) => {
                let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
                let notice = had_errors.then(|| {
                    Notice::new(
                        NoticeKind::Encoding,
                        display,
                        format!(
                            "not valid {} (declared `{label}`); decoded lossily (line \
                             numbers are kept, some characters may be replaced)",
                            encoding.name()
                        ),
                    )
                });
                return Ok(SourceText {
                    text: text.into_owned(),
                    notice,
                });
            }
            None => {
                let text = String::from_utf8_lossy(bytes).into_owned();
                let notice = Notice::new(
                    NoticeKind::Encoding,
                    display,
                    format!("unknown encoding `{label}` declared; decoded as UTF-8"),
                )
                .at(Position::new(line, 1));
                return Ok(SourceText {
                    text,
                    notice: Some(notice),
                });
            }
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(SourceText {
            text: text.to_owned(),
            notice: None,
        }),
        Err(err) => {
            let valid = bytes.get(..err.valid_up_to()).unwrap_or_default();
            let notice = Notice::new(
                NoticeKind::Encoding,
                display,
                "not valid UTF-8; decoded lossily (line numbers are kept, some characters may \
                 be replaced)",
            )
            .at(end_position(valid));
            Ok(SourceText {
                text: String::from_utf8_lossy(bytes).into_owned(),
                notice: Some(notice),
            })
        }
    }
}

/// Where the text after `valid` (valid UTF-8) starts.
fn end_position(valid: &[u8]) -> Position {
    let text = String::from_utf8_lossy(valid);
    let line = text.matches('\n').count() + 1;
    let column = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Position::new(
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

static CODING: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?-u)^[ \t\x0C]*#.*?coding[:=][ \t]*([-\w.]+)").ok());
static BLANK_OR_COMMENT: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?-u)^[ \t\x0C]*(?:#.*)?\r?$").ok());

/// PEP 263: the encoding named on line 1, or on line 2 when line 1 is blank or a comment.
/// Returns the label and its line.
pub fn coding_declaration(bytes: &[u8]) -> Option<(String, u32)> {
    let coding = CODING.as_ref()?;
    let blank_or_comment = BLANK_OR_COMMENT.as_ref()?;
    let mut lines = bytes.split(|&b| b == b'\n');
    let first = lines.next()?;
    let found = |line: &[u8]| {
        coding
            .captures(line)
            .and_then(|c| c.get(1))
            .map(|m| String::from_utf8_lossy(m.as_bytes()).into_owned())
    };
    if let Some(label) = found(first) {
        return Some((label, 1));
    }
    if !blank_or_comment.is_match(first) {
        return None;
    }
    found(lines.next()?).map(|label| (label, 2))
}

/// Maps a Python codec name to an encoding. The WHATWG labels `encoding_rs` knows mostly
/// coincide with Python's names once `_` and `-` are reconciled (`latin-1` needs neither).
/// Note that WHATWG maps `latin-1`/`iso-8859-1` to windows-1252, which differs from
/// ISO-8859-1 only in the C1 control range.
fn lookup_encoding(label: &str) -> Option<&'static Encoding> {
    let lower = label.trim().to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "utf-8" | "utf8" | "utf_8" | "utf-8-sig" | "utf_8_sig"
    ) {
        return Some(UTF_8);
    }
    [
        lower.clone(),
        lower.replace('_', "-"),
        lower.replace('-', "_"),
        lower.replace(['-', '_'], ""),
    ]
    .iter()
    .find_map(|candidate| Encoding::for_label_no_replacement(candidate.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coding_declarations() {
        assert_eq!(
            coding_declaration(b"# -*- coding: latin-1 -*-\nx = 1\n"),
            Some(("latin-1".to_owned(), 1))
        );
        assert_eq!(
            coding_declaration(b"#!/usr/bin/env python\n# vim: set fileencoding=iso-8859-15 :\n"),
            Some(("iso-8859-15".to_owned(), 2))
        );
        // Line 2 only counts after a comment or blank line 1.
        assert_eq!(coding_declaration(b"x = 1\n# coding: latin-1\n"), None);
        assert_eq!(
            coding_declaration(b"\r\n# coding=cp1252\r\n"),
            Some(("cp1252".to_owned(), 2))
        );
        assert_eq!(coding_declaration(b"\n\n# coding: latin-1\n"), None);
    }

    #[test]
    fn python_codec_names() {
        for (label, name) in [
            ("latin-1", "windows-1252"),
            ("latin_1", "windows-1252"),
            ("iso-8859-15", "ISO-8859-15"),
            ("iso8859_15", "ISO-8859-15"),
            ("cp1252", "windows-1252"),
            ("euc_jp", "EUC-JP"),
            ("shift_jis", "Shift_JIS"),
            ("Shift-JIS", "Shift_JIS"),
            ("utf_8", "UTF-8"),
        ] {
            assert_eq!(
                lookup_encoding(label).map(Encoding::name),
                Some(name),
                "{label}"
            );
        }
        assert_eq!(lookup_encoding("klingon"), None);
    }

    #[test]
    fn binary_sniffing() {
        assert!(is_binary(b"abc\0def"));
        assert!(is_binary(&[1, 2, 3, 4, 5, 6, b'a', b'b']));
        assert!(!is_binary(b"plain text\twith tabs\r\n"));
        assert!(!is_binary(b"\xFF\xFEa\0b\0"));
        assert!(!is_binary(b""));
    }
}
