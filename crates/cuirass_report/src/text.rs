//! The text report, for people at a terminal or reading a CI log.
//!
//! One block per finding (`path:line:col: rule [severity/confidence] message`, a code frame, the
//! data-flow path, related notes and the fix), then notices, then a summary that always names the
//! audits that did not run. Colour is optional and only ever added around words, so the output
//! reads the same without it.
//!
//! Paths, messages and source lines come from scanned files, so control characters and the
//! invisible or bidirectional characters of "Trojan Source" attacks are printed escaped: a scanned
//! file must not be able to drive the reader's terminal or hide what it shows.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, BufWriter, Write};
use std::time::Duration;

use cuirass_diagnostics::{Audit, CodeFrame, Finding, Notice, NoticeKind, Severity, Span};

use crate::ScanReport;
use crate::summary::Counts;

/// How the text report is laid out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TextOptions {
    /// ANSI colour on severity words and rule names. The caller decides (tty, `NO_COLOR`).
    pub color: bool,
    /// Show a code frame under each finding.
    pub frames: bool,
    /// Add a table of finding counts per rule before the summary.
    pub statistics: bool,
    /// Only the first line of each finding: no frames, notices or summary.
    pub quiet: bool,
}

/// Writes the text report.
pub fn write_text(out: &mut dyn Write, report: &ScanReport, opts: &TextOptions) -> io::Result<()> {
    let mut out = BufWriter::new(out);
    let paint = Paint(opts.color);

    if opts.quiet {
        for finding in &report.findings {
            write_headline(&mut out, finding, paint)?;
        }
        return out.flush();
    }

    for (index, finding) in report.findings.iter().enumerate() {
        if index > 0 {
            writeln!(out)?;
        }
        write_finding(&mut out, finding, *opts, paint)?;
    }
    if !report.notices.is_empty() {
        if !report.findings.is_empty() {
            writeln!(out)?;
        }
        for notice in &report.notices {
            write_notice(&mut out, notice, paint)?;
        }
    }
    if !report.findings.is_empty() || !report.notices.is_empty() {
        writeln!(out)?;
    }

    let counts = Counts::of(report);
    if opts.statistics && !counts.by_rule.is_empty() {
        write_statistics(&mut out, report, &counts, paint)?;
        writeln!(out)?;
    }
    write_summary(&mut out, report, &counts, paint)?;
    out.flush()
}

fn write_headline(out: &mut dyn Write, finding: &Finding, paint: Paint) -> io::Result<()> {
    let start = finding.location.span.start;
    writeln!(
        out,
        "{}:{}:{}: {} [{}/{}] {}",
        clean(&finding.location.path),
        start.line,
        start.column,
        paint.rule(finding.rule.name),
        paint.severity(finding.severity),
        finding.confidence,
        clean(&finding.message),
    )
}

fn write_finding(
    out: &mut dyn Write,
    finding: &Finding,
    opts: TextOptions,
    paint: Paint,
) -> io::Result<()> {
    write_headline(out, finding, paint)?;
    if opts.frames
        && let Some(frame) = &finding.frame
    {
        write_frame(out, frame, finding.location.span)?;
    }
    if let Some(flow) = &finding.flow
        && !flow.steps.is_empty()
    {
        writeln!(out, "  data flow:")?;
        for (index, step) in flow.steps.iter().enumerate() {
            let arrow = if index == 0 { "" } else { "→ " };
            let line = step.location.span.start.line;
            let place = if step.location.path == finding.location.path {
                format!("line {line}")
            } else {
                format!("{}:{line}", clean(&step.location.path))
            };
            writeln!(out, "    {arrow}{} ({place})", clean(&step.message))?;
        }
    }
    for related in &finding.related {
        let start = related.location.span.start;
        writeln!(
            out,
            "  note: {}:{}:{}: {}",
            clean(&related.location.path),
            start.line,
            start.column,
            clean(&related.message)
        )?;
    }
    if let Some(fix) = finding.rule.fix().and_then(first_sentence) {
        writeln!(out, "  {} {fix}", paint.paint("32", "fix:"))?;
    }
    Ok(())
}

/// The lines of the frame with a gutter; reported lines are marked with `>`, and a single-line
/// span is underlined with carets.
fn write_frame(out: &mut dyn Write, frame: &CodeFrame, span: Span) -> io::Result<()> {
    let count = u32::try_from(frame.lines.len()).unwrap_or(u32::MAX);
    let last = frame.first_line.saturating_add(count.saturating_sub(1));
    let width = last.to_string().len();
    let (start, end) = (span.start, span.end);
    // `end` is exclusive: a span ending at column 1 does not reach into its last line.
    let last_marked = if end.line > start.line && end.column <= 1 {
        end.line - 1
    } else {
        end.line.max(start.line)
    };
    let mut number = frame.first_line;
    for raw in &frame.lines {
        let text = raw.trim_end_matches(['\n', '\r']);
        let marker = if (start.line..=last_marked).contains(&number) {
            '>'
        } else {
            ' '
        };
        let rendered = clean(text);
        if rendered.is_empty() {
            writeln!(out, "  {marker} {number:>width$} |")?;
        } else {
            writeln!(out, "  {marker} {number:>width$} | {rendered}")?;
        }
        if number == start.line && end.line == start.line && end.column > start.column {
            let (pad, carets) = underline(text, start.column, end.column);
            writeln!(out, "    {:width$} | {pad}{}", "", "^".repeat(carets))?;
        }
        number = number.saturating_add(1);
    }
    Ok(())
}

/// The padding before the carets and their number, for the 1-based, end-exclusive columns
/// `start..end` of `line`, measured in the escaped rendering printed above them.
fn underline(line: &str, start: u32, end: u32) -> (String, usize) {
    let start = usize::try_from(start.saturating_sub(1)).unwrap_or(usize::MAX);
    let end = usize::try_from(end.saturating_sub(1)).unwrap_or(usize::MAX);
    let mut pad = String::new();
    let mut carets = 0;
    for (index, c) in line.chars().enumerate() {
        if index >= end {
            break;
        }
        if index < start {
            if c == '\t' {
                pad.push('\t');
            } else {
                pad.extend(std::iter::repeat_n(' ', display_width(c)));
            }
        } else {
            carets += display_width(c);
        }
    }
    (pad, carets.max(1))
}

fn write_notice(out: &mut dyn Write, notice: &Notice, paint: Paint) -> io::Result<()> {
    let mut place = String::new();
    if !notice.path.is_empty() {
        place.push_str(&clean(&notice.path));
        if let Some(position) = notice.position {
            let _ = write!(place, ":{}:{}", position.line, position.column);
        }
        place.push_str(": ");
    }
    // A plain warning's kind would only repeat the `warning:` label.
    let kind = match notice.kind {
        NoticeKind::Warning => String::new(),
        kind => format!("{}: ", kind.as_str()),
    };
    writeln!(
        out,
        "{} {place}{kind}{}",
        paint.paint("1;33", "warning:"),
        clean(&notice.message)
    )
}

fn write_statistics(
    out: &mut dyn Write,
    report: &ScanReport,
    counts: &Counts,
    paint: Paint,
) -> io::Result<()> {
    let name_width = counts
        .by_rule
        .iter()
        .map(|(name, _)| name.len())
        .max()
        .unwrap_or(0)
        .max("rule".len());
    let count_width = counts
        .by_rule
        .iter()
        .map(|(_, count)| count.to_string().len())
        .max()
        .unwrap_or(0)
        .max("count".len());
    writeln!(out, "Findings per rule:")?;
    writeln!(
        out,
        "  {:>count_width$}  {:name_width$}  audit",
        "count", "rule"
    )?;
    for &(name, count) in &counts.by_rule {
        let audit = report
            .findings
            .iter()
            .find(|f| f.rule.name == name)
            .map_or("", |f| f.rule.audit.as_str());
        // Pad before painting: escape codes would otherwise count towards the width.
        let painted = format!(
            "{}{}",
            paint.rule(name),
            " ".repeat(name_width.saturating_sub(name.len()))
        );
        writeln!(out, "  {count:>count_width$}  {painted}  {audit}")?;
    }
    Ok(())
}

fn write_summary(
    out: &mut dyn Write,
    report: &ScanReport,
    counts: &Counts,
    paint: Paint,
) -> io::Result<()> {
    let info = &report.info;
    if counts.total == 0 {
        writeln!(out, "No findings.")?;
    } else {
        let by_severity: Vec<String> = Severity::ALL
            .iter()
            .rev()
            .map(|&s| format!("{} {}", counts.severity(s), paint.severity(s)))
            .collect();
        writeln!(
            out,
            "Found {}: {}.",
            plural(counts.total, "finding", "findings"),
            by_severity.join(", ")
        )?;
    }
    let audits: Vec<String> = Audit::ALL
        .iter()
        .filter(|&&a| info.audits_run.contains(&a) || counts.audit(a) > 0)
        .map(|&a| format!("{a} {}", counts.audit(a)))
        .collect();
    if !audits.is_empty() {
        writeln!(out, "By audit: {}.", audits.join(", "))?;
    }
    writeln!(
        out,
        "Scanned {} in {}.",
        plural(info.files_scanned, "file", "files"),
        format_duration(info.duration)
    )?;
    if info.suppressed_inline > 0 {
        writeln!(
            out,
            "Suppressed {} with inline comments.",
            plural(info.suppressed_inline, "finding", "findings")
        )?;
    }
    if let Some(baseline) = info.baseline {
        writeln!(
            out,
            "Baseline: {} already known, {} no longer found.",
            plural(baseline.matched, "finding", "findings"),
            plural(baseline.fixed, "entry", "entries")
        )?;
    }
    if !report.notices.is_empty() {
        writeln!(
            out,
            "Notices: {} ({} not fully audited).",
            report.notices.len(),
            plural(counts.error_notices, "input", "inputs")
        )?;
    }
    for (audit, reason) in &info.audits_not_run {
        writeln!(
            out,
            "{} the {audit} audit did not run: {}",
            paint.paint("1;33", "warning:"),
            clean(reason)
        )?;
    }
    Ok(())
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// `0.42s`, `12.30s`, `2m 05s`.
fn format_duration(duration: Duration) -> String {
    let secs = duration.as_secs();
    if secs >= 60 {
        format!("{}m {:02}s", secs / 60, secs % 60)
    } else {
        format!("{secs}.{:02}s", duration.subsec_millis() / 10)
    }
}

/// The first sentence of the first paragraph of a markdown section, on one line.
fn first_sentence(markdown: &str) -> Option<String> {
    let paragraph: Vec<&str> = markdown
        .trim()
        .lines()
        .map(str::trim)
        .take_while(|line| !line.is_empty())
        .collect();
    let joined = paragraph.join(" ");
    let text = joined
        .strip_prefix("- ")
        .or_else(|| joined.strip_prefix("* "))
        .unwrap_or(&joined);
    let end = text
        .char_indices()
        .find(|&(i, c)| {
            c == '.'
                && text
                    .get(i + 1..)
                    .and_then(|rest| rest.chars().next())
                    .is_none_or(char::is_whitespace)
        })
        .map_or(text.len(), |(i, _)| i + 1);
    let sentence = text.get(..end).unwrap_or(text).trim();
    (!sentence.is_empty()).then(|| sentence.to_string())
}

/// The visible stand-in for a character that must not reach the terminal as is.
fn escape(c: char) -> Option<String> {
    match c {
        '\t' => None,
        c if c.is_control() => Some(format!("\\x{:02x}", u32::from(c))),
        // Bidirectional controls and invisible characters ("Trojan Source", CVE-2021-42574).
        '\u{061C}'
        | '\u{200B}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}' => Some(format!("<U+{:04X}>", u32::from(c))),
        _ => None,
    }
}

/// `text` with every character [`escape`] names replaced.
fn clean(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| escape(c).is_some()) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match escape(c) {
            Some(escaped) => out.push_str(&escaped),
            None => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Terminal columns a character takes once printed by [`clean`]: escapes by their length, East
/// Asian wide characters and emoji as two, combining marks as none. An approximation good enough
/// to keep carets under the right code without a width-table dependency.
fn display_width(c: char) -> usize {
    if let Some(escaped) = escape(c) {
        return escaped.len();
    }
    match u32::from(c) {
        0x0300..=0x036F | 0x200C | 0x200D | 0xFE00..=0xFE0F => 0,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1F64F
        | 0x1F900..=0x1F9FF
        | 0x20000..=0x3FFFD => 2,
        _ => 1,
    }
}

/// ANSI styling, or none.
#[derive(Debug, Clone, Copy)]
struct Paint(bool);

impl Paint {
    fn paint(self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn severity(self, severity: Severity) -> String {
        let code = match severity {
            Severity::Critical => "1;35",
            Severity::High => "1;31",
            Severity::Medium => "33",
            Severity::Low => "36",
            Severity::Info => "34",
        };
        self.paint(code, severity.as_str())
    }

    fn rule(self, name: &str) -> String {
        self.paint("1", name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carets_follow_the_escaped_rendering() {
        assert_eq!(underline("x = eval(y)", 5, 12), ("    ".to_string(), 7));
        assert_eq!(underline("\tx = 1", 2, 3), ("\t".to_string(), 1));
        // Two wide characters before, one wide under.
        assert_eq!(underline("名前 = 値", 6, 7), (" ".repeat(7), 2));
        // An escape sequence in the prefix is printed as `\x1b`, four columns.
        assert_eq!(underline("\u{1b}ab", 2, 3), (" ".repeat(4), 1));
        // Past the end of the line: still one caret.
        assert_eq!(underline("ab", 9, 12), ("  ".to_string(), 1));
    }

    #[test]
    fn control_and_bidi_characters_are_escaped() {
        assert_eq!(clean("plain\ttab"), "plain\ttab");
        assert_eq!(clean("a\u{1b}[31mb\nc"), "a\\x1b[31mb\\x0ac");
        assert_eq!(clean("if x\u{202E} y"), "if x<U+202E> y");
        assert!(matches!(clean("ok"), Cow::Borrowed(_)));
    }

    #[test]
    fn fix_is_cut_to_its_first_sentence() {
        assert_eq!(
            first_sentence("Use `cuirass.signing`. Then rotate.\n\nMore."),
            Some("Use `cuirass.signing`.".to_string())
        );
        assert_eq!(
            first_sentence("- Pass a list\n  of arguments. Or else."),
            Some("Pass a list of arguments.".to_string())
        );
        assert_eq!(
            first_sentence("See v1.2 docs"),
            Some("See v1.2 docs".to_string())
        );
        assert_eq!(first_sentence("  \n"), None);
    }

    #[test]
    fn durations() {
        assert_eq!(format_duration(Duration::from_millis(420)), "0.42s");
        assert_eq!(format_duration(Duration::from_millis(12_305)), "12.30s");
        assert_eq!(format_duration(Duration::from_secs(125)), "2m 05s");
    }
}
