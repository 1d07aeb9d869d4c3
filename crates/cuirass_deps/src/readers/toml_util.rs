//! Helpers for the TOML readers: typed parsing with positions, and Poetry's version-constraint
//! dialect (`^1.2`, `~1.2`, bare `1.2.3` = exact).

use cuirass_diagnostics::{NoticeKind, Span};
use serde::de::DeserializeOwned;
use toml::Spanned;

use super::SourceRef;
use crate::model::{FileRead, Pin};
use crate::text::LineIndex;

/// Parses the whole file as `T`; a syntax or shape error becomes one `parse-error` notice
/// with its position.
pub(crate) fn parse<T: DeserializeOwned>(file: &SourceRef<'_>, read: &mut FileRead) -> Option<T> {
    match toml::from_str::<T>(file.text) {
        Ok(value) => Some(value),
        Err(err) => {
            let span = err.span().map(|r| LineIndex::new(file.text).span(r));
            let message = err.message().trim().to_string();
            read.notice(file.notice(
                NoticeKind::ParseError,
                span,
                format!(
                    "`{}` is not a valid {}: {message}",
                    file.display,
                    file.kind.as_str()
                ),
            ));
            None
        }
    }
}

/// The span of a spanned value.
pub(crate) fn span_of<T>(index: &LineIndex<'_>, value: &Spanned<T>) -> Span {
    index.span(value.span())
}

/// Pin strength of a Poetry constraint: a bare version or `==V` is exact, `*` or empty is any,
/// everything else (`^`, `~`, `>=`, `||`, wildcards) is a range.
pub(crate) fn poetry_pin(constraint: &str) -> (Pin, Option<String>) {
    let c = constraint.trim();
    if c.is_empty() || c == "*" {
        return (Pin::Any, None);
    }
    let bare = c.strip_prefix("==").unwrap_or(c).trim();
    let is_version = bare.starts_with(|ch: char| ch.is_ascii_digit())
        && !bare.contains(['*', ',', ' ', '|', '<', '>', '^', '~', '!'])
        && bare.parse::<pep440_rs::Version>().is_ok();
    if is_version && (!c.starts_with('=') || c.starts_with("==")) {
        (Pin::Exact, Some(bare.to_string()))
    } else {
        (Pin::Range, None)
    }
}

/// Converts one Poetry constraint (no `||`) to PEP 440 specifiers: `^3.8` → `>=3.8,<4.0`,
/// `~3.8` → `>=3.8,<3.9`, bare `3.8` → `==3.8`; others pass through.
pub(crate) fn poetry_to_pep440(constraint: &str) -> String {
    let parts: Vec<String> = constraint
        .split(',')
        .flat_map(|part| {
            let part = part.trim();
            // Poetry also allows space-separated conjunctions (`>=3.8 <3.12`).
            let mut pieces = Vec::new();
            let mut current = String::new();
            for token in part.split_whitespace() {
                if !current.is_empty() && token.starts_with(['<', '>', '=', '!', '^', '~']) {
                    pieces.push(std::mem::take(&mut current));
                }
                current.push_str(token);
            }
            if !current.is_empty() {
                pieces.push(current);
            }
            pieces
        })
        .map(|piece| convert_one(&piece))
        .filter(|p| !p.is_empty())
        .collect();
    parts.join(",")
}

fn convert_one(piece: &str) -> String {
    let bump = |release: &[u64], index: usize| -> String {
        let mut upper: Vec<u64> = release.iter().take(index + 1).copied().collect();
        while upper.len() <= index {
            upper.push(0);
        }
        if let Some(last) = upper.get_mut(index) {
            *last += 1;
        }
        upper
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(".")
    };
    let release = |text: &str| -> Vec<u64> {
        text.split('.')
            .map_while(|n| n.parse::<u64>().ok())
            .collect()
    };
    if piece == "*" {
        return String::new();
    }
    if let Some(v) = piece.strip_prefix('^') {
        let r = release(v);
        // ^0.2.3 → <0.3.0; ^1.2 → <2.0 (first non-zero component is bumped).
        let index = r
            .iter()
            .position(|&n| n != 0)
            .unwrap_or(r.len().saturating_sub(1));
        return format!(">={v},<{}", bump(&r, index));
    }
    if let Some(v) = piece.strip_prefix('~').filter(|v| !v.starts_with('=')) {
        let r = release(v);
        let index = usize::from(r.len() >= 2);
        return format!(">={v},<{}", bump(&r, index));
    }
    if piece.starts_with(|c: char| c.is_ascii_digit()) {
        return format!("=={piece}");
    }
    piece.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poetry_constraints() {
        assert_eq!(poetry_pin("3.2.0"), (Pin::Exact, Some("3.2.0".into())));
        assert_eq!(poetry_pin("==3.2.0"), (Pin::Exact, Some("3.2.0".into())));
        assert_eq!(poetry_pin("^3.2").0, Pin::Range);
        assert_eq!(poetry_pin("3.2.*").0, Pin::Range);
        assert_eq!(poetry_pin(">=1,<2").0, Pin::Range);
        assert_eq!(poetry_pin("*").0, Pin::Any);
        assert_eq!(poetry_to_pep440("^3.8"), ">=3.8,<4");
        assert_eq!(poetry_to_pep440("^0.2.3"), ">=0.2.3,<0.3");
        assert_eq!(poetry_to_pep440("~3.8"), ">=3.8,<3.9");
        assert_eq!(poetry_to_pep440(">=3.8 <3.12"), ">=3.8,<3.12");
        assert_eq!(poetry_to_pep440("3.9"), "==3.9");
    }
}
