use cuirass_python::{TextRange, TextSize};

use crate::checker::{Context, Node};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks Python files for Unicode bidirectional *control* characters: the embeddings,
    /// overrides and isolates U+202A–U+202E and U+2066–U+2069, anywhere in the file
    /// (comments and strings included). One finding per line.
    ///
    /// ## Why is this bad?
    /// These invisible characters change the order in which an editor or a code review tool
    /// *displays* the text around them, but not the order in which Python reads it. An
    /// attacker can make a comment appear to close before code that is in fact inside it,
    /// or make a string look like it ends early, so that reviewed code does something else
    /// than what reviewers saw ("Trojan Source", CVE-2021-42574). Source code has no need
    /// for them: right-to-left text in a string can be written with escapes (`"\u202e"`).
    ///
    /// Bandit (B613) also reports the right-to-left mark U+200F. Marks (U+200E, U+200F,
    /// U+061C) cannot reorder tokens and legitimately appear in right-to-left text, so they
    /// are not reported.
    ///
    /// ## Example
    /// ```python
    /// access_level = "user"
    /// if access_level != "none\u202e\u2066":  # Check if admin \u2069\u2066 and access_level != "user"
    ///     grant_admin()
    /// ```
    /// (written here with escapes; in the attack the characters are raw, and the line
    /// displays as if the comparison were against `"user"`.)
    ///
    /// ## Use instead
    /// ```python
    /// access_level = "user"
    /// if access_level == "admin":
    ///     grant_admin()
    /// ```
    ///
    /// ## Fix
    /// Delete the characters. Where a string really needs one, write it as an escape
    /// sequence (`"\u2067"`) so that it is visible.
    ///
    /// ## References
    /// - [CWE-451: User Interface (UI) Misrepresentation of Critical Information](https://cwe.mitre.org/data/definitions/451.html)
    /// - [Trojan Source: Invisible Vulnerabilities](https://trojansource.codes/)
    /// - [Unicode Technical Report #36: Unicode Security Considerations](https://www.unicode.org/reports/tr36/)
    pub(super) RULE = {
        name: "trojan-source",
        audit: Code,
        kind: Pattern,
        severity: High,
        confidence: High,
        likelihood: Low,
        impact: High,
        cwe: [451],
        owasp: A08IntegrityFailures,
        aliases: [Bandit("B613")],
        tags: ["unicode", "supply-chain"],
        interest: [Module],
        check: check,
    }
}

/// Whether `c` is a bidirectional embedding, override or isolate (or their terminators).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A byte-level pre-check (every file pays for it): the controls are `E2 80 AA..=AE` and
/// `E2 81 A6..=A9` in UTF-8, and `E2` is rare in source code.
fn has_bidi_control(bytes: &[u8]) -> bool {
    memchr::memchr_iter(0xE2, bytes).any(|at| {
        matches!(
            (bytes.get(at + 1), bytes.get(at + 2)),
            (Some(0x80), Some(0xAA..=0xAE)) | (Some(0x81), Some(0xA6..=0xA9))
        )
    })
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::Module(_) = node else {
        return;
    };
    let text = ctx.source.text.as_str();
    if !has_bidi_control(text.as_bytes()) {
        return;
    }
    let mut hits = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let mut found = line
            .char_indices()
            .filter(|&(_, c)| is_bidi_control(c))
            .peekable();
        if let Some(&(offset, first)) = found.peek() {
            let mut names: Vec<String> = Vec::new();
            for (_, c) in found {
                let name = format!("U+{:04X}", u32::from(c));
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            hits.push((line_start + offset, first.len_utf8(), names));
        }
        line_start += line.len();
    }
    for (offset, len, names) in hits {
        let (Ok(start), Ok(len)) = (u32::try_from(offset), u32::try_from(len)) else {
            continue;
        };
        let range = TextRange::at(TextSize::new(start), TextSize::new(len));
        ctx.report(
            range,
            format!(
                "invisible bidirectional control character{} {} can make this line display differently from what Python runs; delete it or write it as an escape",
                if names.len() == 1 { "" } else { "s" },
                names.join(", ")
            ),
        );
    }
}
