//! pip requirements files (`requirements*.txt`, constraints files, pip-tools `*.in`), read the
//! way pip reads them: `\` continuations are joined first (the logical line takes the number of
//! its first physical line), then comments (`#` at the start or after whitespace) are cut, then
//! each line is an option (`-r`, `-c`, `-e`, `-i`, …) or a requirement with its per-requirement
//! options (`--hash`).
//!
//! `-r`/`-c` paths are relative to the including file, as in pip. Each file is read once per
//! root; a file that includes itself through any chain is reported as a cycle and not followed.
//! URL, VCS, local-path and editable lines cannot be audited by name and version: they become
//! [`Unauditable`] entries with their line, never silently dropped.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use cuirass_diagnostics::{Notice, NoticeKind, Span};

use super::{Parsed, ReadContext, parse_pep508, url_kind};
use crate::model::{
    Declared, FileRead, IndexUrl, InputKind, Role, Unauditable, UnauditableKind, redact_url,
};
use crate::name::PackageName;
use crate::text::{self, line_span, to_u32};

/// Reads a requirements file and everything it includes.
pub(crate) fn read(path: &Path, display: &str, ctx: &ReadContext) -> FileRead {
    let mut read = FileRead::default();
    let mut walk = Walk {
        ctx,
        stack: Vec::new(),
        seen: BTreeSet::new(),
    };
    // A constraints file read on its own (the walk finds `constraints.txt` by name) still only
    // constrains.
    let is_constraints = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.to_ascii_lowercase().contains("constraint"));
    let role = if is_constraints {
        Role::Constraint
    } else {
        Role::Direct
    };
    walk.file(path, display, role, None, &mut read);
    read
}

struct Walk<'a> {
    ctx: &'a ReadContext,
    /// Files being read, outermost first (for cycles).
    stack: Vec<PathBuf>,
    /// Files already read from this root.
    seen: BTreeSet<PathBuf>,
}

/// Where an include was written, for notices about the included file.
struct IncludeSite {
    display: String,
    span: Span,
}

impl Walk<'_> {
    fn file(
        &mut self,
        path: &Path,
        display: &str,
        role: Role,
        site: Option<&IncludeSite>,
        read: &mut FileRead,
    ) {
        let key = text::normalize(path);
        if self.stack.contains(&key) {
            let chain = self
                .stack
                .iter()
                .chain(std::iter::once(&key))
                .map(|p| format!("`{}`", text::display_path(p, &self.ctx.cwd)))
                .collect::<Vec<_>>()
                .join(" → ");
            let (at, span) = site.map_or((display, None), |s| (s.display.as_str(), Some(s.span)));
            let mut notice = Notice::new(
                NoticeKind::Warning,
                at,
                format!("include cycle: {chain}; the repeated file is not read again"),
            );
            if let Some(span) = span {
                notice = notice.at(span.start);
            }
            read.notice(notice);
            return;
        }
        if !self.seen.insert(key.clone()) {
            return;
        }
        let text = match text::read_text(path, display) {
            Ok(text) => text,
            Err(mut notice) => {
                if let Some(site) = site {
                    notice.message = format!(
                        "{} (included from `{}:{}`)",
                        notice.message, site.display, site.span.start.line
                    );
                    notice.path.clone_from(&site.display);
                    notice.position = Some(site.span.start);
                }
                read.notice(notice);
                return;
            }
        };
        read.files.push(display.to_string());
        read.notices.extend(text.notice.clone());
        self.stack.push(key);
        let physical: Vec<&str> = text
            .text
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .collect();
        for logical in logical_lines(&physical) {
            let first = physical
                .get(logical.line as usize - 1)
                .copied()
                .unwrap_or("");
            let line = Line {
                path,
                display,
                number: logical.line,
                first,
                role,
            };
            let content = strip_comment(&logical.text).trim();
            if content.is_empty() {
                continue;
            }
            if content.starts_with('-') {
                self.option(&line, content, read);
            } else {
                requirement(&line, content, read);
            }
        }
        self.stack.pop();
    }

    fn option(&mut self, line: &Line<'_>, content: &str, read: &mut FileRead) {
        let tokens = shell_split(content);
        let mut i = 0;
        while let Some(token) = tokens.get(i) {
            i += 1;
            let (flag, attached) = split_flag(token);
            let mut value = || -> Option<String> {
                attached.map(str::to_string).or_else(|| {
                    let v = tokens.get(i).cloned();
                    i += 1;
                    v
                })
            };
            match flag {
                "-r" | "--requirement" | "-c" | "--constraint" => {
                    let constraint = matches!(flag, "-c" | "--constraint");
                    let Some(target) = value() else {
                        read.notice(line.notice(
                            NoticeKind::ParseError,
                            format!("`{flag}` needs a file name"),
                        ));
                        continue;
                    };
                    self.include(line, &target, constraint, read);
                }
                "-e" | "--editable" => {
                    let Some(target) = value() else {
                        read.notice(line.notice(
                            NoticeKind::ParseError,
                            format!("`{flag}` needs a path or URL"),
                        ));
                        continue;
                    };
                    read.unauditable.push(Unauditable {
                        kind: UnauditableKind::Editable,
                        name: egg_name(&target).map(|n| PackageName::new(&n)),
                        text: redact_url(&format!("-e {target}")),
                        declared: line.declared(content),
                    });
                }
                "-i" | "--index-url" | "--extra-index-url" => {
                    if let Some(url) = value() {
                        read.index_urls.push(IndexUrl {
                            url: redact_url(&url),
                            extra: flag == "--extra-index-url",
                            declared: line.declared(content),
                        });
                    }
                }
                "-f" | "--find-links" | "--trusted-host" | "--only-binary" | "--no-binary"
                | "--use-feature" | "--config-settings" | "--global-option"
                | "--install-option" | "--hash" => {
                    let _ = value();
                }
                "--require-hashes" => {
                    if !read.require_hashes.iter().any(|d| d == line.display) {
                        read.require_hashes.push(line.display.to_string());
                    }
                }
                "--no-index" | "--pre" | "--prefer-binary" | "--no-deps" | "-Z"
                | "--always-unzip" => {}
                _ => read.notice(line.notice(
                    NoticeKind::Warning,
                    format!("unknown option `{flag}` ignored"),
                )),
            }
        }
    }

    fn include(&mut self, line: &Line<'_>, target: &str, constraint: bool, read: &mut FileRead) {
        if target.contains("://") {
            read.notice(line.notice(
                NoticeKind::Warning,
                format!(
                    "`{}` is not fetched: remote requirement files are not audited",
                    redact_url(target)
                ),
            ));
            return;
        }
        let target_path = Path::new(target);
        let full = if target_path.is_absolute() {
            target_path.to_path_buf()
        } else {
            line.path
                .parent()
                .unwrap_or(Path::new(""))
                .join(target_path)
        };
        let display = text::display_path(&full, &self.ctx.cwd);
        let role = if constraint || line.role == Role::Constraint {
            Role::Constraint
        } else {
            Role::Direct
        };
        let site = IncludeSite {
            display: line.display.to_string(),
            span: line.span(target),
        };
        self.file(&full, &display, role, Some(&site), read);
    }
}

/// One logical line being read.
struct Line<'a> {
    path: &'a Path,
    display: &'a str,
    number: u32,
    /// The first physical line, for columns.
    first: &'a str,
    role: Role,
}

impl Line<'_> {
    /// The span of `part` on the first physical line (the whole line's text when `part` is not
    /// found there, e.g. it came from a continuation line).
    fn span(&self, part: &str) -> Span {
        let start = self
            .first
            .find(part.split_whitespace().next().unwrap_or(part))
            .unwrap_or_else(|| self.first.len() - self.first.trim_start().len());
        let end = if self
            .first
            .get(start..)
            .is_some_and(|rest| rest.starts_with(part))
        {
            start + part.len()
        } else {
            self.first
                .trim_end()
                .trim_end_matches('\\')
                .trim_end()
                .len()
                .max(start)
        };
        line_span(self.number, self.first, start, end)
    }

    fn declared(&self, part: &str) -> Declared {
        Declared::new(
            self.path,
            self.display,
            self.span(part),
            InputKind::Requirements,
        )
    }

    fn notice(&self, kind: NoticeKind, message: String) -> Notice {
        Notice::new(kind, self.display, message).at(self.span("").start)
    }
}

fn requirement(line: &Line<'_>, content: &str, read: &mut FileRead) {
    let (args, options) = break_args_options(content);
    let mut hashes = Vec::new();
    let tokens = shell_split(&options);
    let mut i = 0;
    while let Some(token) = tokens.get(i) {
        i += 1;
        let (flag, attached) = split_flag(token);
        let value = attached.map(str::to_string).or_else(|| {
            let v = tokens.get(i).cloned();
            i += 1;
            v
        });
        match flag {
            "--hash" => hashes.extend(value),
            "--config-settings" | "--global-option" | "--install-option" => {}
            _ => read.notice(line.notice(
                NoticeKind::Warning,
                format!("unknown requirement option `{flag}` ignored"),
            )),
        }
    }
    let declared = line.declared(&args);
    if looks_like_url_or_path(&args) {
        read.unauditable.push(Unauditable {
            kind: url_kind(&args),
            name: egg_name(&args).map(|n| PackageName::new(&n)),
            text: redact_url(&args),
            declared,
        });
        return;
    }
    let group = (line.role == Role::Constraint).then(|| "constraint".to_string());
    match parse_pep508(&args, declared, line.role, group) {
        Ok(Parsed::Dependency(mut dep)) => {
            dep.hashes = hashes;
            read.dependencies.push(dep);
        }
        Ok(Parsed::Unauditable(u)) => read.unauditable.push(u),
        Err(message) => read.notice(line.notice(
            NoticeKind::ParseError,
            format!("`{args}` is not a valid requirement: {message}"),
        )),
    }
}

/// A requirement that is an archive URL, a VCS URL or a local path rather than a name.
fn looks_like_url_or_path(args: &str) -> bool {
    let lower = args.to_ascii_lowercase();
    let first = lower.split_whitespace().next().unwrap_or("");
    // `name@https://…` is a PEP 508 URL requirement with a name; the PEP 508 parser takes it.
    if first.find('@').is_some_and(|at| {
        first[..at]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '[' | ']' | ','))
    }) && !first.starts_with('@')
    {
        return false;
    }
    first.contains("://")
        || first.starts_with("file:")
        || first.starts_with('.')
        || first.starts_with('/')
        || first.starts_with('~')
        || [".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz"]
            .iter()
            .any(|ext| first.ends_with(ext))
        || (first.contains('/') && !first.contains(';') && !first.contains('@'))
}

/// The project name in a `#egg=name` fragment.
fn egg_name(url: &str) -> Option<String> {
    let fragment = url.split_once('#')?.1;
    fragment
        .split('&')
        .find_map(|part| part.strip_prefix("egg="))
        .map(|name| name.split('[').next().unwrap_or(name).to_string())
        .filter(|name| !name.is_empty())
}

/// `--flag=value` → (`--flag`, `value`); `-rfile` → (`-r`, `file`); others unchanged.
fn split_flag(token: &str) -> (&str, Option<&str>) {
    if let Some((flag, value)) = token.split_once('=')
        && flag.starts_with("--")
    {
        return (flag, Some(value));
    }
    if !token.starts_with("--") && token.len() > 2 && token.is_char_boundary(2) {
        let (flag, value) = token.split_at(2);
        return (flag, Some(value));
    }
    (token, None)
}

/// pip's `break_args_options`: the requirement is every space-separated token before the first
/// one that starts with `-`.
fn break_args_options(line: &str) -> (String, String) {
    let tokens: Vec<&str> = line.split(' ').collect();
    let split = tokens
        .iter()
        .position(|t| t.starts_with('-'))
        .unwrap_or(tokens.len());
    let (args, options) = tokens.split_at(split);
    (args.join(" ").trim().to_string(), options.join(" "))
}

/// Cuts a comment: `#` at the start of the line or after whitespace (pip's `(^|\s+)#.*$`), so
/// `#egg=` and `#sha256=` fragments inside URLs stay.
fn strip_comment(line: &str) -> &str {
    let mut prev_ws = true;
    for (i, c) in line.char_indices() {
        if c == '#' && prev_ws {
            return line[..i].trim_end();
        }
        prev_ws = c.is_whitespace();
    }
    line
}

/// A logical line: physical lines joined at trailing backslashes.
#[derive(Debug, PartialEq)]
struct Logical {
    line: u32,
    text: String,
}

fn logical_lines(physical: &[&str]) -> Vec<Logical> {
    let mut out = Vec::new();
    let mut pending: Option<Logical> = None;
    for (index, &line) in physical.iter().enumerate() {
        let number = to_u32(index + 1);
        let is_comment = line.trim_start().starts_with('#');
        if !line.ends_with('\\') || is_comment {
            match pending.take() {
                Some(mut logical) => {
                    // As pip does, a comment ends the continuation and stays a comment.
                    if is_comment {
                        logical.text.push(' ');
                    }
                    logical.text.push_str(line);
                    out.push(logical);
                }
                None => out.push(Logical {
                    line: number,
                    text: line.to_string(),
                }),
            }
        } else {
            let logical = pending.get_or_insert_with(|| Logical {
                line: number,
                text: String::new(),
            });
            logical.text.push_str(line.trim_matches('\\'));
        }
    }
    out.extend(pending);
    out
}

/// Splits on whitespace, honouring single and double quotes (as `shlex.split` does for the
/// option lines pip reads).
fn shell_split(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut in_token = false;
    let mut quote: Option<char> = None;
    for c in text.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => current.push(c),
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                in_token = true;
            }
            None if c.is_whitespace() => {
                if in_token {
                    out.push(std::mem::take(&mut current));
                    in_token = false;
                }
            }
            None => {
                current.push(c);
                in_token = true;
            }
        }
    }
    if in_token {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_follow_pip() {
        assert_eq!(strip_comment("django==3.2 # pinned"), "django==3.2");
        assert_eq!(strip_comment("# all"), "");
        assert_eq!(
            strip_comment("https://x/p.zip#egg=p"),
            "https://x/p.zip#egg=p"
        );
    }

    #[test]
    fn continuations_join_with_first_line_number() {
        let lines = [
            "a==1 \\",
            "    --hash=sha256:aa \\",
            "    --hash=sha256:bb",
            "b",
        ];
        let logical = logical_lines(&lines);
        assert_eq!(logical.len(), 2);
        assert_eq!(logical[0].line, 1);
        assert_eq!(
            logical[0].text,
            "a==1     --hash=sha256:aa     --hash=sha256:bb"
        );
        assert_eq!(logical[1].line, 4);
        // A trailing backslash at the end of the file still yields the line.
        assert_eq!(
            logical_lines(&["c \\"]),
            [Logical {
                line: 1,
                text: "c ".into()
            }]
        );
    }

    #[test]
    fn options_split_like_pip() {
        assert_eq!(
            break_args_options("foo>=1 ; python_version<'3' --hash=sha256:x"),
            (
                "foo>=1 ; python_version<'3'".into(),
                "--hash=sha256:x".into()
            )
        );
        assert_eq!(split_flag("-rbase.txt"), ("-r", Some("base.txt")));
        assert_eq!(split_flag("--hash=sha256:x"), ("--hash", Some("sha256:x")));
        assert_eq!(split_flag("-e"), ("-e", None));
        assert_eq!(shell_split("-r 'my file.txt'"), ["-r", "my file.txt"]);
        assert_eq!(
            egg_name("git+https://g/x.git@v1#egg=pkg[extra]"),
            Some("pkg".into())
        );
    }
}
