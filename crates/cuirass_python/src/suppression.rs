//! Inline suppressions: `# cuirass: ignore[rule, …]`, Bandit's `# nosec [B602, …]`, Ruff's
//! `# noqa: S602`, detect-secrets' `# pragma: allowlist secret` and `gitleaks:allow`.
//!
//! A suppression applies to findings whose own line, or the first or last line of the statement
//! containing them, carries it — so a comment at the end of a multi-line call works (Bandit's
//! most reported suppression bug). Ids are rule names or aliases; an id that names no rule is
//! reported, never silently accepted. A bare `# noqa` does not silence security findings: it is
//! too often written for style checkers.

use std::cell::Cell;
use std::collections::BTreeMap;

use cuirass_diagnostics::{Audit, Notice, NoticeKind, Position, RuleMeta};
use ruff_text_size::TextRange;

use crate::source::SourceFile;

/// Which syntax a suppression was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuppressionKind {
    /// `# cuirass: ignore` / `# cuirass: ignore[rule-a, B602]`.
    Cuirass,
    /// Bandit: `# nosec` / `# nosec B602, B607`.
    Nosec,
    /// Ruff: `# noqa: S602, S607` (only `S` codes count).
    Noqa,
    /// detect-secrets `# pragma: allowlist secret`, gitleaks `gitleaks:allow`: secrets only.
    AllowSecret,
}

impl SuppressionKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            SuppressionKind::Cuirass => "cuirass: ignore",
            SuppressionKind::Nosec => "nosec",
            SuppressionKind::Noqa => "noqa",
            SuppressionKind::AllowSecret => "allowlist secret",
        }
    }
}

/// One suppression comment.
#[derive(Debug)]
pub struct Suppression {
    pub kind: SuppressionKind,
    pub line: u32,
    pub position: Position,
    /// Rule names or aliases; empty means every rule (for `AllowSecret`: every secret rule).
    pub codes: Vec<String>,
    used: Cell<bool>,
}

impl Suppression {
    fn covers(&self, rule: &RuleMeta) -> bool {
        match self.kind {
            SuppressionKind::AllowSecret => {
                rule.audit == Audit::Secrets || rule.tags.contains(&"secret")
            }
            _ => self.codes.is_empty() || self.codes.iter().any(|code| rule.is_named(code)),
        }
    }

    pub fn was_used(&self) -> bool {
        self.used.get()
    }
}

/// Every suppression of one file, by line.
#[derive(Debug, Default)]
pub struct Suppressions {
    items: Vec<Suppression>,
    by_line: BTreeMap<u32, Vec<usize>>,
}

impl Suppressions {
    /// Reads the suppressions of a Python file from its comment tokens (so `# nosec` inside a
    /// string is not one).
    pub fn from_python(source: &SourceFile, comments: &[TextRange]) -> Self {
        let mut out = Self::default();
        for range in comments {
            let Some(text) = source
                .text
                .get(range.start().to_usize()..range.end().to_usize())
            else {
                continue;
            };
            let position = source.position(range.start());
            out.add_from_comment(text, position);
        }
        out
    }

    /// Reads suppressions from any text file, line by line (for files without a parser: the
    /// markers are specific enough to find anywhere on a line).
    pub fn from_text(text: &str) -> Self {
        const MARKERS: [&str; 5] = [
            "cuirass:",
            "nosec",
            "noqa",
            "allowlist secret",
            "gitleaks:allow",
        ];
        let mut out = Self::default();
        let bytes = text.as_bytes();
        // Every text file of a project comes through here and almost none has a marker: one
        // vectorised search per marker, then only the lines that hold one.
        let mut hits: Vec<usize> = MARKERS
            .iter()
            .flat_map(|marker| memchr::memmem::find_iter(bytes, marker.as_bytes()))
            .collect();
        if hits.is_empty() {
            return out;
        }
        hits.sort_unstable();
        let mut line_no: usize = 1;
        let mut counted = 0;
        let mut previous_start = None;
        for at in hits {
            let start = memchr::memrchr(b'\n', bytes.get(..at).unwrap_or(&[])).map_or(0, |i| i + 1);
            if previous_start == Some(start) {
                continue;
            }
            line_no += memchr::memchr_iter(b'\n', bytes.get(counted..start).unwrap_or(&[])).count();
            counted = start;
            previous_start = Some(start);
            let end = memchr::memchr(b'\n', bytes.get(start..).unwrap_or(&[]))
                .map_or(text.len(), |i| start + i);
            let Some(line) = text.get(start..end) else {
                continue;
            };
            let line = line.strip_suffix('\r').unwrap_or(line);
            let line_no = u32::try_from(line_no).unwrap_or(u32::MAX);
            out.add_from_comment(line, Position::new(line_no, 1));
        }
        out
    }

    fn push(&mut self, kind: SuppressionKind, position: Position, codes: Vec<String>) {
        self.by_line
            .entry(position.line)
            .or_default()
            .push(self.items.len());
        self.items.push(Suppression {
            kind,
            line: position.line,
            position,
            codes,
            used: Cell::new(false),
        });
    }

    fn add_from_comment(&mut self, comment: &str, position: Position) {
        if let Some(rest) = find_after(comment, "cuirass:") {
            let rest = rest.trim_start();
            if let Some(after) = rest.strip_prefix("ignore") {
                let after = after.trim_start();
                let codes = after
                    .strip_prefix('[')
                    .and_then(|inner| inner.split(']').next())
                    .map(split_codes)
                    .unwrap_or_default();
                self.push(SuppressionKind::Cuirass, position, codes);
            }
        }
        if let Some(rest) = find_word_after(comment, "nosec") {
            let rest = rest.trim_start_matches(':');
            let codes = leading_codes(rest, |code| {
                is_bandit_id(code) || code.contains('-') || code.contains('_')
            });
            self.push(SuppressionKind::Nosec, position, codes);
        }
        if let Some(rest) = find_word_after(comment, "noqa")
            && let Some(list) = rest.trim_start().strip_prefix(':')
        {
            {
                let codes: Vec<String> = leading_codes(list, |code| {
                    code.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                        && code.chars().skip(1).all(|c| c.is_ascii_alphanumeric())
                })
                .into_iter()
                .filter(|code| is_ruff_security_code(code))
                .collect();
                if !codes.is_empty() {
                    self.push(SuppressionKind::Noqa, position, codes);
                }
            }
        }
        if comment.contains("pragma: allowlist secret") || comment.contains("gitleaks:allow") {
            self.push(SuppressionKind::AllowSecret, position, Vec::new());
        }
    }

    /// Whether `rule` is suppressed on any of `lines`; marks the suppression used.
    pub fn suppresses(&self, rule: &RuleMeta, lines: &[u32]) -> bool {
        let mut found = false;
        for line in lines {
            for &index in self.by_line.get(line).into_iter().flatten() {
                if let Some(item) = self.items.get(index)
                    && item.covers(rule)
                {
                    item.used.set(true);
                    found = true;
                }
            }
        }
        found
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Suppression> {
        self.items.iter()
    }

    /// A warning for every id that names no known rule (`known` answers for names and aliases).
    pub fn unknown_codes(&self, path: &str, known: &dyn Fn(&str) -> bool) -> Vec<Notice> {
        let mut out = Vec::new();
        for item in &self.items {
            for code in &item.codes {
                if !known(code) {
                    out.push(
                        Notice::new(
                            NoticeKind::UnknownSuppression,
                            path,
                            format!(
                                "`{code}` names no cuirass rule or alias; this suppression does nothing for it"
                            ),
                        )
                        .at(item.position),
                    );
                }
            }
        }
        out
    }

    /// A notice for every suppression that silenced nothing in this run.
    pub fn unused(&self, path: &str) -> Vec<Notice> {
        self.items
            .iter()
            .filter(|item| !item.was_used())
            .map(|item| {
                let what = if item.codes.is_empty() {
                    format!("`{}`", item.kind.as_str())
                } else {
                    format!("`{}` for {}", item.kind.as_str(), item.codes.join(", "))
                };
                Notice::new(
                    NoticeKind::UnusedSuppression,
                    path,
                    format!("{what} suppresses nothing here"),
                )
                .at(item.position)
            })
            .collect()
    }
}

/// The text after the first occurrence of `marker`.
fn find_after<'a>(text: &'a str, marker: &str) -> Option<&'a str> {
    text.find(marker).map(|i| &text[i + marker.len()..])
}

/// The text after `word` when it stands as a word (not inside `nosecurity` or `xnoqa`).
fn find_word_after<'a>(text: &'a str, word: &str) -> Option<&'a str> {
    let mut search = 0;
    while let Some(found) = text.get(search..)?.find(word) {
        let start = search + found;
        let end = start + word.len();
        let before_ok = text[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_ascii_alphanumeric() && c != '_');
        let after_ok = text[end..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_ascii_alphanumeric() && c != '_' && c != '-');
        if before_ok && after_ok {
            return Some(&text[end..]);
        }
        search = end;
    }
    None
}

/// Codes separated by commas or spaces at the start of `text`, stopping at the first word that
/// is not a code (the rest is free-text explanation).
fn leading_codes(text: &str, is_code: impl Fn(&str) -> bool) -> Vec<String> {
    let mut codes = Vec::new();
    for word in text.split(|c: char| c == ',' || c.is_whitespace()) {
        if word.is_empty() {
            continue;
        }
        if !is_code(word) {
            break;
        }
        codes.push(word.to_string());
    }
    codes
}

fn split_codes(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|code| !code.is_empty())
        .map(str::to_string)
        .collect()
}

fn is_bandit_id(code: &str) -> bool {
    code.len() == 4 && code.starts_with(['B', 'b']) && code[1..].chars().all(|c| c.is_ascii_digit())
}

/// Ruff's security codes are `S` followed by digits (`S101`, `S602`); other prefixes belong to
/// other linters and are not ours to interpret.
fn is_ruff_security_code(code: &str) -> bool {
    code.len() >= 2 && code.starts_with('S') && code[1..].chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use cuirass_diagnostics::{Alias, Confidence, Impact, Likelihood, RuleKind, Severity};

    static SHELL: RuleMeta = RuleMeta {
        name: "subprocess-shell-true",
        audit: Audit::Code,
        kind: RuleKind::Pattern,
        severity: Severity::High,
        confidence: Confidence::High,
        likelihood: Likelihood::High,
        impact: Impact::High,
        cwe: &[78],
        owasp: None,
        aliases: &[Alias::Bandit("B602"), Alias::Ruff("S602")],
        tags: &[],
        doc: "",
        default_enabled: true,
        file: file!(),
        since: "0.1.0",
    };

    fn parse_line(text: &str) -> Suppressions {
        Suppressions::from_text(text)
    }

    #[test]
    fn syntaxes() {
        assert!(parse_line("x  # nosec").suppresses(&SHELL, &[1]));
        assert!(parse_line("x  # nosec B602, B607").suppresses(&SHELL, &[1]));
        assert!(parse_line("x  # nosec: B602").suppresses(&SHELL, &[1]));
        assert!(!parse_line("x  # nosec B607").suppresses(&SHELL, &[1]));
        assert!(parse_line("x  # noqa: S602").suppresses(&SHELL, &[1]));
        assert!(parse_line("x  # noqa:E501,S602").suppresses(&SHELL, &[1]));
        assert!(!parse_line("x  # noqa").suppresses(&SHELL, &[1]));
        assert!(!parse_line("x  # noqa: E501").suppresses(&SHELL, &[1]));
        assert!(parse_line("x  # cuirass: ignore").suppresses(&SHELL, &[1]));
        assert!(parse_line("x  # cuirass: ignore[subprocess-shell-true]").suppresses(&SHELL, &[1]));
        assert!(parse_line("x  # cuirass: ignore[other, B602]").suppresses(&SHELL, &[1]));
        assert!(!parse_line("x  # cuirass: ignore[other]").suppresses(&SHELL, &[1]));
        assert!(!parse_line("x  # nosecurity").suppresses(&SHELL, &[1]));
        assert!(!parse_line("x  # pragma: allowlist secret").suppresses(&SHELL, &[1]));
        assert!(!parse_line("x  # nosec").suppresses(&SHELL, &[2]));
    }

    #[test]
    fn text_lines_are_found_wherever_the_markers_are() {
        let text = "a\r\nb  # nosec B602  # noqa: S602\r\n\nc\nd  # cuirass: ignore\n# noqa: S602";
        let found = Suppressions::from_text(text);
        for (line, suppressed) in [
            (1, false),
            (2, true),
            (3, false),
            (4, false),
            (5, true),
            (6, true),
        ] {
            assert_eq!(found.suppresses(&SHELL, &[line]), suppressed, "line {line}");
        }
        assert!(!Suppressions::from_text("").suppresses(&SHELL, &[1]));
        assert!(!Suppressions::from_text("no markers\nhere\n").suppresses(&SHELL, &[1]));
    }

    #[test]
    fn free_text_after_codes_is_not_a_code() {
        let s = parse_line("x  # nosec B602 reviewed by security team");
        let codes: Vec<_> = s.iter().flat_map(|i| i.codes.clone()).collect();
        assert_eq!(codes, vec!["B602".to_string()]);
    }

    #[test]
    fn unknown_and_unused() {
        let s = parse_line("a  # cuirass: ignore[no-such-rule]\nb  # nosec B602\n");
        let known = |code: &str| SHELL.is_named(code);
        let unknown = s.unknown_codes("a.py", &known);
        assert_eq!(unknown.len(), 1);
        assert!(unknown[0].message.contains("no-such-rule"));
        assert!(s.suppresses(&SHELL, &[2]));
        let unused = s.unused("a.py");
        assert_eq!(unused.len(), 1);
        assert_eq!(unused[0].position.map(|p| p.line), Some(1));
    }
}
