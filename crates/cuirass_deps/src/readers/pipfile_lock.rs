//! `Pipfile.lock` (JSON, `pipfile-spec` 6): every top-level key except `_meta` is a category
//! (`default`, `develop`, custom ones) mapping names to `{ "version": "==…", "hashes": … }`, or
//! to a `git`/`path`/`file` source, which cannot be audited.
//!
//! `serde_json` keeps no positions, so a small scanner finds the line of each package key.

use std::collections::BTreeMap;

use cuirass_diagnostics::NoticeKind;
use serde_json::Value;

use super::{SourceRef, locked};
use crate::model::{FileRead, Role, Unauditable, UnauditableKind, redact_url};
use crate::name::PackageName;
use crate::text::LineIndex;

pub(crate) fn read(file: &SourceRef<'_>, read: &mut FileRead) {
    let root: Value = match serde_json::from_str(file.text) {
        Ok(v) => v,
        Err(err) => {
            read.notice(
                file.notice(
                    NoticeKind::ParseError,
                    None,
                    format!("`{}` is not valid JSON: {err}", file.display),
                )
                .at(cuirass_diagnostics::Position::new(
                    crate::text::to_u32(err.line()),
                    crate::text::to_u32(err.column()),
                )),
            );
            return;
        }
    };
    let Some(categories) = root.as_object() else {
        return;
    };
    let index = LineIndex::new(file.text);
    let offsets = key_offsets(file.text);
    // `serde_json`'s map is sorted (no `preserve_order`), so output order is stable.
    for (category, packages) in categories {
        if category == "_meta" {
            continue;
        }
        let Some(packages) = packages.as_object() else {
            continue;
        };
        let group = match category.as_str() {
            "default" => None,
            "develop" => Some("dev".to_string()),
            other => Some(other.to_string()),
        };
        for (name, entry) in packages {
            let offset = offsets
                .get(&(category.clone(), name.clone()))
                .copied()
                .unwrap_or(0);
            let span = index.span(offset..offset + name.len() + 2);
            let declared = file.declared(span);
            let string = |key: &str| entry.get(key).and_then(Value::as_str);
            let source = string("git")
                .map(|g| (UnauditableKind::Vcs, g))
                .or_else(|| string("file").map(|f| (super::url_kind(f), f)))
                .or_else(|| {
                    string("path").map(|p| {
                        if entry.get("editable").and_then(Value::as_bool) == Some(true) {
                            (UnauditableKind::Editable, p)
                        } else {
                            (UnauditableKind::LocalPath, p)
                        }
                    })
                });
            if let Some((kind, target)) = source {
                read.unauditable.push(Unauditable {
                    kind,
                    name: Some(PackageName::new(name)),
                    text: format!("{name} ({})", redact_url(target)),
                    declared,
                });
                continue;
            }
            match string("version").and_then(|v| v.strip_prefix("==")) {
                Some(version) => {
                    let mut dep =
                        locked(name, version.trim(), declared, Role::Locked, group.clone());
                    dep.marker = string("markers").map(str::to_string);
                    read.dependencies.push(dep);
                }
                None => read.unauditable.push(Unauditable {
                    kind: UnauditableKind::InvalidVersion,
                    name: Some(PackageName::new(name)),
                    text: format!("{name} ({})", string("version").unwrap_or("no version")),
                    declared,
                }),
            }
        }
    }
}

/// Byte offsets of the keys two levels down (`{"category": {"name": …}}`), keyed by
/// `(category, name)`.
fn key_offsets(text: &str) -> BTreeMap<(String, String), usize> {
    struct Frame {
        object: bool,
        expect_key: bool,
        key: Option<String>,
    }
    let mut out = BTreeMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                let start = i;
                let mut s = String::new();
                i += 1;
                while let Some(&c) = bytes.get(i) {
                    match c {
                        b'\\' => {
                            // Names never need escapes; keep the escaped byte and go on.
                            if let Some(&n) = bytes.get(i + 1) {
                                s.push(char::from(n));
                            }
                            i += 2;
                        }
                        b'"' => break,
                        _ => {
                            let ch_len = text
                                .get(i..)
                                .and_then(|t| t.chars().next())
                                .map_or(1, char::len_utf8);
                            s.push_str(text.get(i..i + ch_len).unwrap_or(""));
                            i += ch_len;
                        }
                    }
                }
                let category = if stack.len() == 2 {
                    stack.first().and_then(|f| f.key.clone())
                } else {
                    None
                };
                if let Some(frame) = stack.last_mut()
                    && frame.object
                    && frame.expect_key
                {
                    frame.expect_key = false;
                    frame.key = Some(s.clone());
                    if let Some(category) = category {
                        out.entry((category, s)).or_insert(start);
                    }
                }
            }
            b'{' | b'[' => stack.push(Frame {
                object: b == b'{',
                expect_key: b == b'{',
                key: None,
            }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => {
                if let Some(frame) = stack.last_mut()
                    && frame.object
                {
                    frame.expect_key = true;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::key_offsets;

    #[test]
    fn finds_package_keys() {
        let text = "{\"_meta\": {\"x\": [1, {\"y\": 2}]},\n \"default\": {\n  \"a\": {\"version\": \"==1\"},\n  \"b\": {}\n }}";
        let offsets = key_offsets(text);
        assert_eq!(
            offsets.get(&("default".into(), "a".into())),
            Some(&text.find("\"a\"").unwrap())
        );
        assert_eq!(
            offsets.get(&("default".into(), "b".into())),
            Some(&text.find("\"b\"").unwrap())
        );
        assert_eq!(
            offsets.get(&("_meta".into(), "x".into())),
            Some(&text.find("\"x\"").unwrap())
        );
        assert!(!offsets.contains_key(&("default".into(), "version".into())));
    }
}
