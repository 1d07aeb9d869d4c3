//! The detection engine: a prefilter, the detectors it wakes up, the checks every candidate
//! passes, and the choice between detectors that claim the same text.
//!
//! **Prefilter.** One case-insensitive Aho-Corasick automaton holds every detector's literal
//! prefixes and context keywords (`ghp_`, `AKIA`, `-----BEGIN`, `password`, …). A file is
//! searched once; a detector runs only on the lines where one of its literals occurs (or, for
//! [`Scope::File`] detectors, over the file when a keyword occurs anywhere). On a clean file most
//! lines never reach a regex, and most detectors never run at all.
//!
//! **Candidates.** A regex match becomes a [`Hit`] only after the detector's own check (checksum,
//! structure, context), the documented-dummy check (kept, at info) and the placeholder check for
//! its [`Placeholders`] strength, and only if it is not an integrity hash or part of a data URI.
//!
//! **One finding per secret.** When hits overlap, the more specific detector wins (higher
//! [`Detector::priority`]: provider formats over framework keys over URL passwords over the
//! entropy heuristic), then the longer match.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use cuirass_diagnostics::{Confidence, RuleMeta, Severity};
use regex::{Captures, Regex, RegexBuilder};

use crate::text::{FileCtx, TextKind};
use crate::{ScanOptions, families, placeholder};

/// Where a detector's regex runs once the prefilter has fired.
pub(crate) enum Scope {
    /// On each line holding one of the detector's literals.
    Line,
    /// Over the whole text, when one of the literals occurs anywhere (context keywords such as
    /// `twilio`, or patterns that span lines).
    File,
    /// Custom code, given the (0-based, sorted) lines holding one of the literals.
    Custom(CustomFn),
}

/// A check on a regex match: `None` rejects it, `Some` grades it.
pub(crate) type CheckFn = fn(&Candidate<'_>) -> Option<Grade>;
/// A detector implemented in code rather than by one regex.
pub(crate) type CustomFn = fn(&FileCtx<'_>, &'static Detector, &[usize], &ScanOptions) -> Vec<Hit>;
/// A pass over all hits of a file (pairing an AWS key id with its secret, …).
pub(crate) type PostFn = fn(&FileCtx<'_>, &mut Vec<Hit>);

/// How hard the placeholder check is on a detector's matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placeholders {
    /// Provider-shaped tokens: only unmistakable markers reject them.
    Token,
    /// The detector's check handles placeholders itself.
    Off,
}

/// One detector: a documented credential shape.
pub(crate) struct Detector {
    /// Stable kebab-case id, e.g. `github-pat-classic`.
    pub id: &'static str,
    /// The rule its findings are reported under.
    pub rule: &'static RuleMeta,
    /// What the value is, for messages: "GitHub personal access token".
    pub label: &'static str,
    /// Literals that wake the detector up (matched case-insensitively).
    pub prefilter: &'static [&'static str],
    /// The regex (for [`Scope::Line`] and [`Scope::File`]); the secret is the group `s` (or the
    /// first of `s1` … `s6` that matched).
    pub pattern: &'static str,
    pub scope: Scope,
    pub check: Option<CheckFn>,
    pub placeholders: Placeholders,
    /// Higher wins when two detectors claim overlapping text.
    pub priority: u8,
    /// The keyword/entropy heuristic: off with `ScanOptions::entropy = false` and in lock files.
    pub heuristic: bool,
}

impl Detector {
    /// The default grade: the rule's severity and confidence.
    pub(crate) fn grade(&self) -> Grade {
        Grade {
            severity: self.rule.severity,
            confidence: self.rule.confidence,
            note: None,
        }
    }
}

/// Priorities (see [`Detector::priority`]).
pub(crate) const PRIORITY_PROVIDER: u8 = 40;
pub(crate) const PRIORITY_KEY_BLOCK: u8 = 30;
pub(crate) const PRIORITY_FRAMEWORK: u8 = 20;
pub(crate) const PRIORITY_URL: u8 = 15;
pub(crate) const PRIORITY_HEURISTIC: u8 = 10;

/// Severity, confidence and an optional note for the message.
#[derive(Debug, Clone)]
pub(crate) struct Grade {
    pub severity: Severity,
    pub confidence: Confidence,
    pub note: Option<String>,
}

impl Grade {
    pub(crate) fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    pub(crate) fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub(crate) fn with_confidence(mut self, confidence: Confidence) -> Self {
        self.confidence = confidence;
        self
    }
}

/// A regex match under consideration.
pub(crate) struct Candidate<'a> {
    pub ctx: &'a FileCtx<'a>,
    pub detector: &'static Detector,
    pub caps: &'a Captures<'a>,
    /// The secret's text and its byte offset in the file.
    pub secret: &'a str,
    pub start: usize,
}

impl<'a> Candidate<'a> {
    /// A named group's text.
    pub(crate) fn group(&self, name: &str) -> Option<&'a str> {
        self.caps.name(name).map(|m| m.as_str())
    }

    /// The line holding the secret.
    pub(crate) fn line(&self) -> &'a str {
        self.ctx.line(self.ctx.line_index(self.start))
    }
}

/// A detected secret in a file.
#[derive(Clone)]
pub(crate) struct Hit {
    pub detector: &'static Detector,
    /// Byte range reported as the finding's location.
    pub start: usize,
    pub end: usize,
    /// Byte ranges replaced by a mask in frames and redaction.
    pub masks: Vec<(usize, usize)>,
    /// The value that is masked in messages and hashed for baselines.
    pub value: String,
    pub grade: Grade,
    /// Other places worth showing (an AWS key id paired with its secret), with a note.
    pub related: Vec<(usize, usize, String)>,
}

impl std::fmt::Debug for Hit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hit")
            .field("detector", &self.detector.id)
            .field("start", &self.start)
            .field("end", &self.end)
            .field("value", &crate::mask::mask(&self.value))
            .field("grade", &self.grade)
            .finish_non_exhaustive()
    }
}

impl Hit {
    /// A hit whose reported range, mask and value are the same text.
    pub(crate) fn simple(
        ctx: &FileCtx<'_>,
        detector: &'static Detector,
        start: usize,
        end: usize,
        grade: Grade,
    ) -> Self {
        Self {
            detector,
            start,
            end,
            masks: vec![(start, end)],
            value: ctx.text.get(start..end).unwrap_or("").to_string(),
            grade,
            related: Vec::new(),
        }
    }
}

/// The prefilter automaton and, for each of its literals, the detectors it wakes.
struct Prefilter {
    automaton: AhoCorasick,
    /// Per pattern: the detectors it wakes, each with the exact text it needs when its literal
    /// is case-sensitive (`None`: any case).
    owners: Vec<Vec<(usize, Option<String>)>>,
}

impl Prefilter {
    /// One automaton for every literal, matching in any case: one pass over the text instead
    /// of one per case mode (the automaton walks every byte either way); case-sensitive
    /// literals are checked against the matched text.
    fn build(literals: Vec<(String, usize, bool)>) -> Option<Self> {
        let mut patterns: Vec<String> = Vec::new();
        let mut owners: Vec<Vec<(usize, Option<String>)>> = Vec::new();
        for (literal, owner, exact) in literals {
            // `wake` searches line by line.
            if literal.contains(['\n', '\r']) {
                return None;
            }
            let key = literal.to_ascii_lowercase();
            let entry = (owner, exact.then_some(literal));
            if let Some(at) = patterns.iter().position(|p| *p == key) {
                owners.get_mut(at)?.push(entry);
            } else {
                patterns.push(key);
                owners.push(vec![entry]);
            }
        }
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            // A DFA: the overlapping search (every literal, even inside a longer one) is the
            // hot loop of every scan, and the automaton is small.
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .ok()?;
        Some(Self { automaton, owners })
    }
}

/// Compiled detectors and the prefilter: token prefixes wake their detectors only in their own
/// case (`AKIA`, `hf_`, `SG.` — in any case they would wake on `asian`, `self.hf_`, `msg.`),
/// context keywords in any case (`password`, `Twilio`, `DD_API_KEY`).
pub(crate) struct Engine {
    pub detectors: Vec<&'static Detector>,
    regexes: Vec<Option<Regex>>,
    prefilters: Vec<Prefilter>,
    #[cfg(test)]
    compiled: bool,
}

/// The engine, built on first use.
pub(crate) fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(Engine::build)
}

/// Compiles a detector pattern. Patterns are constants checked by a test, so a failure here is
/// a bug; the detector is then skipped rather than taking the scan down. `(?m)` makes `^`/`$`
/// match at line boundaries, so a pattern means the same on one line or on a whole file.
pub(crate) fn compile(pattern: &str) -> Option<Regex> {
    RegexBuilder::new(pattern)
        .multi_line(true)
        .size_limit(1 << 24)
        .build()
        .ok()
}

/// Whether a detector's literals are keywords (any case) rather than token prefixes.
fn keyword_literals(detector: &Detector) -> bool {
    detector.heuristic || matches!(detector.scope, Scope::File) || detector.pattern.contains("(?i")
}

/// A [`Scope::Line`] detector woken on more lines than this runs once over the whole file: a
/// regex with a literal prefix scans a file faster than it is called per line.
const MAX_LINE_CALLS: usize = 4;

impl Engine {
    fn build() -> Self {
        let detectors: Vec<&'static Detector> = families::detectors().collect();
        let regexes: Vec<Option<Regex>> = detectors
            .iter()
            .map(|d| match d.scope {
                Scope::Line | Scope::File => compile(d.pattern),
                Scope::Custom(_) => None,
            })
            .collect();
        let mut literals = Vec::new();
        for (index, detector) in detectors.iter().enumerate() {
            let exact = !keyword_literals(detector);
            for literal in detector.prefilter {
                literals.push(((*literal).to_string(), index, exact));
            }
        }
        let built: Vec<Option<Prefilter>> = vec![Prefilter::build(literals)];
        #[cfg(test)]
        let compiled = built.iter().all(Option::is_some)
            && detectors
                .iter()
                .zip(&regexes)
                .all(|(d, r)| matches!(d.scope, Scope::Custom(_)) || r.is_some());
        Self {
            detectors,
            regexes,
            prefilters: built.into_iter().flatten().collect(),
            #[cfg(test)]
            compiled,
        }
    }

    /// Whether every detector pattern and both prefilters compiled (for tests).
    #[cfg(test)]
    pub(crate) fn all_compiled(&self) -> bool {
        self.compiled
    }

    /// For each detector, the sorted lines where its literals occur.
    fn wake(&self, ctx: &FileCtx<'_>) -> Vec<Vec<usize>> {
        let mut lines: Vec<Vec<usize>> = vec![Vec::new(); self.detectors.len()];
        let len = ctx.text.len();
        for prefilter in &self.prefilters {
            // A plain search (accelerated by the automaton's own literal prefilter) skips to the
            // next line holding a literal; only that line gets the overlapping search (every
            // literal, even inside a longer one), which cannot skip. Literals never span lines.
            let mut at = 0;
            while at < len {
                let Some(first) = prefilter
                    .automaton
                    .find(aho_corasick::Input::new(ctx.text).range(at..))
                else {
                    break;
                };
                let line = ctx.line_index(first.start());
                // From the line's start: the first match to end may sit inside a longer
                // literal that starts before it (`private` in `-----BEGIN RSA PRIVATE KEY`).
                let (start, end) = ctx.line_range(line);
                let end = end.max(first.end()).min(len);
                let start = start.min(first.start());
                let input = aho_corasick::Input::new(ctx.text).range(start..end);
                for found in prefilter.automaton.find_overlapping_iter(input) {
                    let text = ctx.text.get(found.range());
                    for (owner, exact) in prefilter
                        .owners
                        .get(found.pattern().as_usize())
                        .map_or(&[][..], Vec::as_slice)
                    {
                        if exact.as_deref().is_some_and(|exact| text != Some(exact)) {
                            continue;
                        }
                        if let Some(list) = lines.get_mut(*owner)
                            && list.last() != Some(&line)
                        {
                            list.push(line);
                        }
                    }
                }
                at = end + 1;
            }
        }
        for list in &mut lines {
            list.sort_unstable();
            list.dedup();
        }
        lines
    }

    /// Every secret in a file, overlaps resolved, sorted by position.
    pub(crate) fn detect(&self, ctx: &FileCtx<'_>, options: &ScanOptions) -> Vec<Hit> {
        let woken = self.wake(ctx);
        let mut hits = Vec::new();
        for ((detector, regex), lines) in self.detectors.iter().zip(&self.regexes).zip(&woken) {
            if lines.is_empty()
                || (detector.heuristic && (!options.entropy || ctx.kind == TextKind::Lock))
            {
                continue;
            }
            match (&detector.scope, regex) {
                (Scope::Line, Some(regex)) if lines.len() > MAX_LINE_CALLS => {
                    run_regex(ctx, detector, regex, ctx.text, 0, options, &mut hits);
                }
                (Scope::Line, Some(regex)) => {
                    for &line in lines {
                        let (start, end) = ctx.line_range(line);
                        let haystack = ctx.text.get(start..end).unwrap_or("");
                        run_regex(ctx, detector, regex, haystack, start, options, &mut hits);
                    }
                }
                (Scope::File, Some(regex)) => {
                    run_regex(ctx, detector, regex, ctx.text, 0, options, &mut hits);
                }
                (Scope::Custom(custom), _) => hits.extend(custom(ctx, detector, lines, options)),
                _ => {}
            }
        }
        for post in families::POST_PASSES {
            post(ctx, &mut hits);
        }
        if !options.info_findings {
            hits.retain(|hit| hit.grade.severity > Severity::Info);
        }
        resolve_overlaps(hits)
    }
}

fn run_regex(
    ctx: &FileCtx<'_>,
    detector: &'static Detector,
    regex: &Regex,
    haystack: &str,
    offset: usize,
    options: &ScanOptions,
    hits: &mut Vec<Hit>,
) {
    for caps in regex.captures_iter(haystack) {
        let Some(secret) = ["s", "s0", "s1", "s2", "s3", "s4", "s5", "s6"]
            .iter()
            .find_map(|name| caps.name(name))
        else {
            continue;
        };
        let start = offset + secret.start();
        let end = offset + secret.end();
        let candidate = Candidate {
            ctx,
            detector,
            caps: &caps,
            secret: secret.as_str(),
            start,
        };
        let grade = match detector.check {
            Some(check) => check(&candidate),
            None => Some(detector.grade()),
        };
        if let Some(grade) = grade
            && let Some(grade) = vet(ctx, detector, start, secret.as_str(), grade, options)
        {
            hits.push(Hit::simple(ctx, detector, start, end, grade));
        }
    }
}

/// The checks every candidate passes: documented dummies (info), placeholders (dropped), and
/// integrity hashes or data URIs around it (dropped).
pub(crate) fn vet(
    ctx: &FileCtx<'_>,
    detector: &'static Detector,
    start: usize,
    value: &str,
    grade: Grade,
    options: &ScanOptions,
) -> Option<Grade> {
    if let Some(what) = placeholder::documented_dummy(value) {
        if !options.info_findings {
            return None;
        }
        return Some(
            grade
                .with_severity(Severity::Info)
                .with_confidence(Confidence::High)
                .with_note(format!(
                    "this is {what}; harmless, but real keys look the same"
                )),
        );
    }
    let placeholder = match detector.placeholders {
        Placeholders::Token => placeholder::token_is_placeholder(value),
        Placeholders::Off => false,
    };
    if placeholder || in_hash_or_data_uri(ctx, start) {
        return None;
    }
    Some(grade)
}

/// Whether the text before `start` on its line makes the match part of an integrity hash
/// (`sha512-…`, `sha256:…`, `--hash=…`) or a `data:…;base64,` URI.
fn in_hash_or_data_uri(ctx: &FileCtx<'_>, start: usize) -> bool {
    let (line_start, _) = ctx.line_range(ctx.line_index(start));
    let before = ctx.text.get(line_start..start).unwrap_or("");
    let tail = before
        .get(before.len().saturating_sub(10)..)
        .unwrap_or(before);
    let tail = tail.to_ascii_lowercase();
    if [
        "sha1-", "sha256-", "sha384-", "sha512-", "sha256:", "sha512:", "sha1:", "md5:",
    ]
    .iter()
    .any(|p| tail.ends_with(p))
        || tail.ends_with("--hash=")
    {
        return true;
    }
    before.rfind("data:").is_some_and(|at| {
        before
            .get(at..)
            .is_some_and(|rest| rest.contains(";base64,"))
    })
}

/// Keeps one hit per stretch of text: the highest priority, then the longest.
fn resolve_overlaps(mut hits: Vec<Hit>) -> Vec<Hit> {
    hits.sort_by(|a, b| {
        b.detector
            .priority
            .cmp(&a.detector.priority)
            .then((b.end - b.start).cmp(&(a.end - a.start)))
            .then(a.start.cmp(&b.start))
            .then(a.detector.id.cmp(b.detector.id))
    });
    let mut kept: Vec<Hit> = Vec::with_capacity(hits.len());
    for hit in hits {
        let overlaps = kept.iter().any(|k| {
            hit.masks
                .iter()
                .chain([&(hit.start, hit.end)])
                .any(|&(s, e)| {
                    k.masks
                        .iter()
                        .chain([&(k.start, k.end)])
                        .any(|&(ks, ke)| s < ke && ks < e)
                })
        });
        if !overlaps {
            kept.push(hit);
        }
    }
    kept.sort_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then(a.end.cmp(&b.end))
            .then(a.detector.id.cmp(b.detector.id))
    });
    kept
}
