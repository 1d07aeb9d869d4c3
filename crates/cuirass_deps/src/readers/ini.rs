//! A small INI reader for `setup.cfg` and `tox.ini`, with positions: sections, `key = value`
//! (or `key: value`), indented continuation lines, and `#`/`;` comment lines, as Python's
//! `configparser` reads them with its defaults.

use crate::text::to_u32;

/// One `key = value` of an INI file with the physical lines of its value.
pub(crate) struct Entry<'a> {
    pub(crate) section: String,
    pub(crate) key: String,
    pub(crate) key_line: u32,
    /// `(line number, line text, byte offset of the value part in the line)`.
    pub(crate) lines: Vec<(u32, &'a str, usize)>,
}

pub(crate) fn parse_ini(text: &str) -> Vec<Entry<'_>> {
    let mut entries: Vec<Entry<'_>> = Vec::new();
    let mut section = String::new();
    let mut in_value = false;
    for (index, raw) in text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let number = to_u32(index + 1);
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        let indented = line.starts_with([' ', '\t']);
        if indented && in_value {
            if let Some(entry) = entries.last_mut() {
                let start = line.len() - line.trim_start().len();
                entry.lines.push((number, line, start));
            }
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix('[') {
            section = rest.split(']').next().unwrap_or("").trim().to_string();
            in_value = false;
            continue;
        }
        let Some(split) = line.find(['=', ':']) else {
            in_value = false;
            continue;
        };
        let key = line[..split].trim().to_ascii_lowercase();
        let after = &line[split + 1..];
        let start = split + 1 + (after.len() - after.trim_start().len());
        let mut lines = Vec::new();
        if !after.trim().is_empty() {
            lines.push((number, line, start));
        }
        entries.push(Entry {
            section: section.clone(),
            key,
            key_line: number,
            lines,
        });
        in_value = true;
    }
    entries
}
