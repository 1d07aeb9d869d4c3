//! Analysing one Python file: parse once, bind names, run the enabled rules, and hand back the
//! findings with what suppressions need (the statement lines of each finding and the file's
//! suppression comments).

use std::panic::{AssertUnwindSafe, catch_unwind};

use cuirass_diagnostics::{Finding, Notice, NoticeKind, normalize_for_fingerprint};
use cuirass_python::{SourceFile, Suppressions, bind, parse};

use crate::checker::{Checker, Context};
use crate::registry::RuleSet;

/// Knobs for one file's analysis.
#[derive(Debug, Clone)]
pub struct AnalysisOptions {
    /// Lines of context around the reported lines in code frames.
    pub frame_context: u32,
    /// The taint specification (built-in plus `[tool.cuirass.taint]`) and, in the second
    /// phase of a scan, the project's modules.
    pub taint: cuirass_taint::TaintOptions,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        Self {
            frame_context: 1,
            taint: cuirass_taint::TaintOptions::default(),
        }
    }
}

/// One file's raw results, before suppressions are applied.
#[derive(Debug, Default)]
pub struct FileAnalysis {
    /// Each finding with the first and last line of its statement (suppression anchors).
    pub findings: Vec<(Finding, [u32; 2])>,
    pub notices: Vec<Notice>,
    pub suppressions: Suppressions,
    /// What the file tells the rest of the project for the taint analysis's second phase
    /// (`None` when no taint rule ran).
    pub taint: Option<cuirass_taint::ModuleTaint>,
}

impl FileAnalysis {
    /// Applies the file's suppressions: returns the findings that remain and how many were
    /// suppressed.
    pub fn apply_suppressions(&mut self) -> (Vec<Finding>, usize) {
        let mut kept = Vec::with_capacity(self.findings.len());
        let mut suppressed = 0;
        for (finding, [first, last]) in self.findings.drain(..) {
            let line = finding.location.span.start.line;
            let end = finding.location.span.end.line;
            if self
                .suppressions
                .suppresses(finding.rule, &[line, end, first, last])
            {
                suppressed += 1;
            } else {
                kept.push(finding);
            }
        }
        (kept, suppressed)
    }
}

/// Parses, binds and checks one Python file. Never panics: a bug in a rule becomes an
/// `internal-error` notice and the rest of the scan goes on.
pub fn analyze_python(
    source: &SourceFile,
    rules: &RuleSet,
    options: &AnalysisOptions,
) -> FileAnalysis {
    guarded(source, || analyze_inner(source, rules, options))
}

/// Runs one file's analysis, turning a panic into an `internal-error` notice.
pub(crate) fn guarded(source: &SourceFile, analyze: impl FnOnce() -> FileAnalysis) -> FileAnalysis {
    let result = catch_unwind(AssertUnwindSafe(analyze));
    result.unwrap_or_else(|panic| {
        let detail = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        FileAnalysis {
            notices: vec![Notice::new(
                NoticeKind::InternalError,
                source.display.clone(),
                format!("cuirass failed while analysing this file ({detail}); please report it"),
            )],
            ..FileAnalysis::default()
        }
    })
}

fn analyze_inner(source: &SourceFile, rules: &RuleSet, options: &AnalysisOptions) -> FileAnalysis {
    let parsed = parse(source);
    let notices = parsed.syntax_errors(source);
    let suppressions = Suppressions::from_python(source, parsed.comments());
    let (mut findings, taint) = if rules.is_empty() {
        (Vec::new(), None)
    } else {
        let bound = bind(source, &parsed);
        let ctx = Context::new(source, &bound.semantic).with_taint(&options.taint);
        let mut checker = Checker::new(ctx, rules);
        checker.run(parsed.suite());
        let taint = checker.ctx.take_taint_module();
        let mut findings = checker.ctx.into_findings();
        // Where a taint rule proved a flow, the pattern rules it supersedes keep quiet.
        crate::rules::drop_superseded(&mut findings);
        (findings, taint)
    };
    complete_findings(source, &mut findings, options);
    // Rules may report a function's findings when they meet its `def`; keep source order.
    findings.sort_by_key(|(finding, _)| {
        let start = finding.location.span.start;
        (start.line, start.column)
    });
    FileAnalysis {
        findings,
        notices,
        suppressions,
        taint,
    }
}

/// Fills in what rules leave out: a code frame from the file and the fingerprint key (the
/// normalised reported lines, at most five).
pub(crate) fn complete_findings(
    source: &SourceFile,
    findings: &mut [(Finding, [u32; 2])],
    options: &AnalysisOptions,
) {
    for (finding, _) in findings {
        let span = finding.location.span;
        if finding.frame.is_none() {
            finding.frame = Some(source.frame(span, options.frame_context));
        }
        if finding.fingerprint_key.is_empty() {
            let end = span.end.line.max(span.start.line).min(span.start.line + 4);
            finding.fingerprint_key =
                normalize_for_fingerprint(&source.lines(span.start.line, end));
        }
    }
}
