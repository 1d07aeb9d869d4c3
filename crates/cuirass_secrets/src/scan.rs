//! Turning detections into findings (with masked code frames), and redaction.

use cuirass_diagnostics::{
    CodeFrame, Confidence, Finding, FindingDetails, Location, RuleMeta, Severity, Span,
};

use crate::engine::{Hit, engine};
use crate::mask::{SecretValue, mask, sha256_hex};
use crate::text::{FileCtx, to_u32};
use crate::{ScanOptions, TextKind, is_fixture};

/// Longest code-frame line, in characters; longer lines are cut around the secret.
const MAX_FRAME_LINE: usize = 240;

/// Scans one file's text. Each finding carries its rule, location, a message showing the
/// secret masked, `details` with the masked value and its SHA-256, a masked code frame, and
/// `fingerprint_key` = the SHA-256 (so baselines never hold the value). Sorted by position.
pub fn scan_text(
    text: &str,
    display_path: &str,
    kind: TextKind,
    options: &ScanOptions,
) -> Vec<Finding> {
    if options.skip_fixtures && is_fixture(text) {
        return Vec::new();
    }
    let ctx = FileCtx::new(text, kind, display_path);
    let hits = engine().detect(&ctx, options);
    let masks = merged_masks(&hits);
    hits.iter()
        .map(|hit| finding(&ctx, hit, display_path, &masks, options.frame_context))
        .collect()
}

/// One detected secret, for callers that need positions rather than findings (the runtime
/// library). The value prints masked.
#[derive(Debug, Clone)]
pub struct Detection {
    pub rule: &'static RuleMeta,
    /// The detector's id, e.g. `github-pat-classic`.
    pub detector: &'static str,
    /// Byte range of the reported text.
    pub start: usize,
    pub end: usize,
    pub value: SecretValue,
    pub severity: Severity,
    pub confidence: Confidence,
}

/// Every secret in `text`, read as `kind`, including info-level ones; fixtures are not skipped.
pub fn find_secrets(text: &str, kind: TextKind) -> Vec<Detection> {
    let ctx = FileCtx::new(text, kind, "");
    engine()
        .detect(&ctx, &redaction_options())
        .into_iter()
        .map(|hit| Detection {
            rule: hit.detector.rule,
            detector: hit.detector.id,
            start: hit.start,
            end: hit.end,
            value: SecretValue::new(hit.value),
            severity: hit.grade.severity,
            confidence: hit.grade.confidence,
        })
        .collect()
}

/// Replaces every secret the detectors find in `text` (read as free text, as in a log line)
/// with its mask. The same detectors as [`scan_text`], info-level ones included.
pub fn redact(text: &str) -> String {
    redact_as(text, TextKind::Other)
}

/// [`redact`] for a text of a known kind (a YAML config dump, an env file).
pub fn redact_as(text: &str, kind: TextKind) -> String {
    let ctx = FileCtx::new(text, kind, "");
    let hits = engine().detect(&ctx, &redaction_options());
    let masks = merged_masks(&hits);
    let mut out = String::with_capacity(text.len());
    let mut cursor = 0;
    for (start, end) in masks {
        out.push_str(text.get(cursor..start).unwrap_or(""));
        out.push_str(&mask(text.get(start..end).unwrap_or("")));
        cursor = end;
    }
    out.push_str(text.get(cursor..).unwrap_or(""));
    out
}

fn redaction_options() -> ScanOptions {
    ScanOptions {
        skip_fixtures: false,
        info_findings: true,
        entropy: true,
        ..ScanOptions::default()
    }
}

/// Every mask range of a file, sorted and merged.
fn merged_masks(hits: &[Hit]) -> Vec<(usize, usize)> {
    let mut masks: Vec<(usize, usize)> = hits
        .iter()
        .flat_map(|hit| hit.masks.iter().copied())
        .filter(|(s, e)| s < e)
        .collect();
    masks.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(masks.len());
    for (start, end) in masks {
        match merged.last_mut() {
            Some(last) if start < last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

fn span(ctx: &FileCtx<'_>, start: usize, end: usize) -> Span {
    Span::new(ctx.position(start), ctx.position(end))
}

fn finding(
    ctx: &FileCtx<'_>,
    hit: &Hit,
    path: &str,
    masks: &[(usize, usize)],
    context: u32,
) -> Finding {
    let masked = mask(&hit.value);
    let sha256 = sha256_hex(&hit.value);
    let mut message = format!("{} `{masked}`", hit.detector.label);
    if let Some(note) = &hit.grade.note {
        message.push_str("; ");
        message.push_str(note);
    }
    let mut finding = Finding::new(
        hit.detector.rule,
        message,
        Location::new(path, span(ctx, hit.start, hit.end)),
    )
    .with_severity(hit.grade.severity)
    .with_confidence(hit.grade.confidence);
    finding.related = hit
        .related
        .iter()
        .map(|(start, end, note)| cuirass_diagnostics::Related {
            location: Location::new(path, span(ctx, *start, *end)),
            message: note.clone(),
        })
        .collect();
    finding.frame = Some(frame(ctx, hit, masks, context));
    finding.details = Some(FindingDetails::Secret {
        masked,
        sha256: sha256.clone(),
    });
    finding.fingerprint_key = sha256;
    finding
}

/// The reported lines with `context` lines around them, every secret of the file masked.
fn frame(ctx: &FileCtx<'_>, hit: &Hit, masks: &[(usize, usize)], context: u32) -> CodeFrame {
    let context = usize::try_from(context).unwrap_or(0);
    let first_reported = ctx.line_index(hit.start);
    let last_reported = ctx.line_index(hit.end.saturating_sub(1).max(hit.start));
    let mut last_line = ctx.line_count().saturating_sub(1);
    if ctx.text.ends_with('\n') {
        last_line = last_line.saturating_sub(1);
    }
    let first = first_reported.saturating_sub(context);
    let last = (last_reported + context).min(last_line).max(first);
    let lines = (first..=last)
        .map(|line| masked_line(ctx, line, masks))
        .collect();
    CodeFrame {
        first_line: to_u32(first + 1),
        lines,
    }
}

/// Line `index` with every overlapping mask applied: a mask that starts on the line is replaced
/// by the masked value, the continuation of a multi-line one by nothing.
fn masked_line(ctx: &FileCtx<'_>, index: usize, masks: &[(usize, usize)]) -> String {
    let (line_start, line_end) = ctx.line_range(index);
    let mut out = String::new();
    let mut cursor = line_start;
    let mut focus = None;
    for &(start, end) in masks {
        if end <= line_start || start >= line_end.max(line_start + 1) {
            continue;
        }
        let from = start.max(line_start);
        out.push_str(ctx.text.get(cursor..from).unwrap_or(""));
        if start >= line_start {
            focus.get_or_insert(out.chars().count());
            out.push_str(&mask(ctx.text.get(start..end).unwrap_or("")));
        }
        cursor = end.min(line_end).max(from);
    }
    out.push_str(ctx.text.get(cursor..line_end).unwrap_or(""));
    clip(&out, focus.unwrap_or(0))
}

/// Cuts a long line to [`MAX_FRAME_LINE`] characters around `focus` (a character index).
fn clip(line: &str, focus: usize) -> String {
    let count = line.chars().count();
    if count <= MAX_FRAME_LINE {
        return line.to_string();
    }
    let start = focus
        .saturating_sub(MAX_FRAME_LINE / 3)
        .min(count - MAX_FRAME_LINE);
    let end = start + MAX_FRAME_LINE;
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.extend(line.chars().skip(start).take(MAX_FRAME_LINE));
    if end < count {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_keeps_the_focus() {
        let line = format!("{}SECRET{}", "a".repeat(500), "b".repeat(500));
        let clipped = clip(&line, 500);
        assert!(clipped.contains("SECRET"));
        assert!(clipped.starts_with('…') && clipped.ends_with('…'));
        assert_eq!(clip("short", 0), "short");
    }
}
