//! Template files (Jinja2 and Django templates): a small scanner that finds their tags, and
//! the analysis that hands each tag to the template rules.
//!
//! This is a lexer, not a parser. It finds `{{ … }}` (variables), `{% … %}` (blocks) and
//! `{# … #}` (comments); inside a tag it respects quoted strings and, as Jinja does, balanced
//! brackets, so `{{ "}}" }}` and `{{ {"a": {"b": 1}} }}` are one tag each. The bodies of
//! `{% raw %}` (Jinja), `{% verbatim %}` and `{% comment %}` (Django) are text, not tags.
//! Everything else — HTML, `<script>`, HTML comments — is left alone, as the template engine
//! leaves it alone (a tag inside `<!-- … -->` still renders). A tag that is never closed is
//! text: the engine would refuse the file, so there is nothing rendered to check.
//!
//! Suppressions are read from template comments (`{# cuirass: ignore[rule] #}`) and HTML
//! comments (`<!-- nosec -->`), and apply to every line of the tag a finding is in.

use cuirass_python::{SourceFile, Suppressions, TextRange, TextSize, bind, parse};

use crate::analyze::{AnalysisOptions, FileAnalysis, complete_findings, guarded};
use crate::checker::{Context, Node};
use crate::registry::RuleSet;
use crate::rule::Interest;

/// The three kinds of template tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagKind {
    /// `{{ expression }}`: output, escaped unless autoescaping is off or the value is "safe".
    Variable,
    /// `{% name … %}`: a statement (`if`, `for`, `autoescape`, `filter`, `set`, …).
    Block,
    /// `{# … #}`.
    Comment,
}

/// One tag of a template file.
#[derive(Debug, Clone)]
pub struct TemplateTag<'a> {
    pub kind: TagKind,
    /// The whole tag, delimiters included.
    pub range: TextRange,
    /// The text between the delimiters, without Jinja's whitespace-control signs (`{%-`,
    /// `+%}`, …). Offsets of everything found in it are relative to `content.start()`.
    pub content: TextRange,
    /// The text of `content`.
    pub text: &'a str,
}

/// A filter applied in a tag: `|safe` in `{{ body|striptags|safe }}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateFilter<'a> {
    pub name: &'a str,
    /// From the `|` to the end of the filter's name, in the file.
    pub range: TextRange,
    /// The filters applied before this one to the same value, in order.
    pub before: Vec<&'a str>,
    /// Whether the filtered value is a string literal (`{{ "<br>"|safe }}`).
    pub literal: bool,
    /// The source of the filtered value, without its filters (`post.body`).
    pub subject: &'a str,
}

impl<'a> TemplateTag<'a> {
    /// The tag's name: the first word of a block tag (`autoescape`, `filter`, `endraw`).
    pub fn name(&self) -> Option<&'a str> {
        if self.kind != TagKind::Block {
            return None;
        }
        self.text.split_whitespace().next()
    }

    /// The words after a block tag's name (`{% autoescape off %}` → `["off"]`).
    pub fn arguments(&self) -> impl Iterator<Item = &'a str> {
        self.text.split_whitespace().skip(1)
    }

    /// Every filter applied in the tag, in order, with what it is applied to.
    pub fn filters(&self) -> Vec<TemplateFilter<'a>> {
        filters_in(self.text, self.content.start())
    }
}

/// What the scanner found in a template file.
#[derive(Debug, Default)]
pub struct ScannedTemplate<'a> {
    /// Variable, block and comment tags, in file order.
    pub tags: Vec<TemplateTag<'a>>,
    /// Ranges of template and HTML comments (where suppressions are read).
    pub comments: Vec<TextRange>,
}

/// Finds the tags and comments of a template.
pub fn scan_template(text: &str) -> ScannedTemplate<'_> {
    let bytes = text.as_bytes();
    let mut out = ScannedTemplate::default();
    let mut i = 0;
    // Bytes the tag search may look at in all: beyond it (only a file of thousands of unclosed
    // `{{`), the rest of the file is left unscanned.
    let mut budget = text.len().saturating_mul(8).saturating_add(1 << 20);
    // Once a `{#` finds no `#}`, no later one will.
    let mut comments_closed = true;
    while let Some(found) = text.get(i..).and_then(|rest| rest.find(['{', '<'])) {
        if budget == 0 {
            break;
        }
        i += found;
        let rest = &bytes[i..];
        if rest.starts_with(b"<!--") {
            // Recorded for suppressions only: tags inside still render.
            if let Some(end) = find(text, i + 4, "-->") {
                out.comments.push(range(i, end + 3));
            }
            i += 4;
            continue;
        }
        let kind = match rest.get(1) {
            Some(b'{') if rest.first() == Some(&b'{') => TagKind::Variable,
            Some(b'%') if rest.first() == Some(&b'{') => TagKind::Block,
            Some(b'#') if rest.first() == Some(&b'{') => TagKind::Comment,
            _ => {
                i += 1;
                continue;
            }
        };
        if kind == TagKind::Comment && !comments_closed {
            i += 2;
            continue;
        }
        let Some(end) = tag_end(text, i + 2, kind, &mut budget) else {
            // Never closed: text.
            comments_closed &= kind != TagKind::Comment;
            i += 2;
            continue;
        };
        let tag = make_tag(text, i, end, kind);
        if kind == TagKind::Comment {
            out.comments.push(tag.range);
        }
        i = end + 2;
        let verbatim_end = match tag.name() {
            Some("raw") => Some("endraw"),
            Some("verbatim") => Some("endverbatim"),
            Some("comment") => Some("endcomment"),
            _ => None,
        };
        out.tags.push(tag);
        if let Some(end_name) = verbatim_end {
            i = skip_verbatim(text, i, end_name, &mut out, &mut budget);
        }
    }
    out
}

/// The longest tag content looked for, in bytes.
const MAX_TAG_LEN: usize = 16 * 1024;

/// The offset of the closing delimiter of a tag whose content starts at `from`, charging the
/// bytes looked at to `budget`.
fn tag_end(text: &str, from: usize, kind: TagKind, budget: &mut usize) -> Option<usize> {
    if kind == TagKind::Comment {
        return find(text, from, "#}");
    }
    // A tag is a line or a few; a longer one is text (and pathological input stays linear).
    let limit = text.len().min(from.saturating_add(MAX_TAG_LEN));
    let bytes = text.as_bytes().get(..limit).unwrap_or_default();
    let end = delimiter(bytes, from, kind);
    let looked_at = end.map_or(limit, |end| end + 2).saturating_sub(from);
    *budget = budget.saturating_sub(looked_at);
    end
}

/// The closing delimiter of a variable or block tag within `bytes`, skipping strings and
/// balanced brackets.
fn delimiter(bytes: &[u8], from: usize, kind: TagKind) -> Option<usize> {
    let close = if kind == TagKind::Variable {
        b'}'
    } else {
        b'%'
    };
    let mut depth = 0usize;
    let mut i = from;
    while let Some(&c) = bytes.get(i) {
        match c {
            b'"' | b'\'' => i = string_end(bytes, i)?,
            b'(' | b'[' | b'{' => {
                depth += 1;
                i += 1;
            }
            b')' | b']' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'}' if depth > 0 => {
                depth -= 1;
                i += 1;
            }
            _ if c == close && depth == 0 && bytes.get(i + 1) == Some(&b'}') => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// The offset just past the string literal opening at `start`, or `None` if it never closes.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let quote = *bytes.get(start)?;
    let mut i = start + 1;
    while let Some(&c) = bytes.get(i) {
        if c == b'\\' {
            i += 2;
        } else if c == quote {
            return Some(i + 1);
        } else {
            i += 1;
        }
    }
    None
}

fn make_tag(text: &str, start: usize, end: usize, kind: TagKind) -> TemplateTag<'_> {
    let mut inner_start = start + 2;
    let mut inner_end = end;
    if kind != TagKind::Comment {
        // Whitespace control: `{%-`, `{%+`, `-%}`, `+%}`.
        if matches!(text.as_bytes().get(inner_start), Some(b'-' | b'+')) {
            inner_start += 1;
        }
        if inner_end > inner_start
            && matches!(text.as_bytes().get(inner_end - 1), Some(b'-' | b'+'))
        {
            inner_end -= 1;
        }
    }
    TemplateTag {
        kind,
        range: range(start, end + 2),
        content: range(inner_start, inner_end),
        text: text.get(inner_start..inner_end).unwrap_or(""),
    }
}

/// Skips the body of a `{% raw %}`-like block up to its end tag (which is recorded); returns
/// where scanning resumes. An unclosed block runs to the end of the file, as in the engine.
fn skip_verbatim<'a>(
    text: &'a str,
    from: usize,
    end_name: &str,
    out: &mut ScannedTemplate<'a>,
    budget: &mut usize,
) -> usize {
    let mut i = from;
    while let Some(start) = find(text, i, "{%") {
        if *budget == 0 {
            break;
        }
        if let Some(end) = tag_end(text, start + 2, TagKind::Block, budget) {
            let tag = make_tag(text, start, end, TagKind::Block);
            if tag.name() == Some(end_name) {
                out.tags.push(tag);
                return end + 2;
            }
        }
        i = start + 2;
    }
    text.len()
}

fn find(text: &str, from: usize, needle: &str) -> Option<usize> {
    text.get(from..)?.find(needle).map(|i| i + from)
}

fn range(start: usize, end: usize) -> TextRange {
    TextRange::new(size(start), size(end.max(start)))
}

fn size(offset: usize) -> TextSize {
    TextSize::try_from(offset).unwrap_or(TextSize::new(u32::MAX))
}

/// Tokens of a tag's expression language (Jinja and Django share enough of it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Str,
    Name,
    Number,
    Pipe,
    Colon,
    Dot,
    Open,
    Close,
    Other,
}

fn tokens(text: &str) -> Vec<(Token, usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = bytes.get(i) {
        let start = i;
        let token = match c {
            c if c.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            b'"' | b'\'' => {
                i = string_end(bytes, i).unwrap_or(bytes.len());
                Token::Str
            }
            c if c.is_ascii_alphabetic() || c == b'_' || !c.is_ascii() => {
                while let Some(&c) = bytes.get(i) {
                    if c.is_ascii_alphanumeric() || c == b'_' || !c.is_ascii() {
                        i += 1;
                    } else {
                        break;
                    }
                }
                Token::Name
            }
            c if c.is_ascii_digit() => {
                while bytes
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'.')
                {
                    i += 1;
                }
                Token::Number
            }
            b'|' => {
                i += 1;
                Token::Pipe
            }
            b':' => {
                i += 1;
                Token::Colon
            }
            b'.' => {
                i += 1;
                Token::Dot
            }
            b'(' | b'[' | b'{' => {
                i += 1;
                Token::Open
            }
            b')' | b']' | b'}' => {
                i += 1;
                Token::Close
            }
            _ => {
                i += 1;
                Token::Other
            }
        };
        out.push((token, start, i));
    }
    out
}

/// Words that are operators, not values.
const KEYWORDS: &[&str] = &["and", "or", "not", "in", "is", "if", "else"];

/// Where a filter chain stands after the last token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Expecting a value.
    Value,
    /// After a value (`x`, `x.y`, `x(…)`).
    AfterValue,
    /// After a `.` following a value.
    AfterDot,
    /// After a `|`.
    AfterPipe,
    /// After a filter's name (or its arguments).
    AfterFilter,
    /// After the `:` of a Django filter argument.
    AfterColon,
}

/// One bracket level of the expression.
struct Level<'a> {
    state: State,
    literal: bool,
    chain: Vec<&'a str>,
    /// Where the current value starts, and where its first filter's `|` is.
    start: usize,
    first_pipe: Option<usize>,
}

impl Level<'_> {
    fn new() -> Self {
        Self {
            state: State::Value,
            literal: false,
            chain: Vec::new(),
            start: 0,
            first_pipe: None,
        }
    }

    fn reset(&mut self) {
        self.state = State::Value;
        self.literal = false;
        self.chain.clear();
        self.first_pipe = None;
    }

    fn start_value(&mut self, literal: bool, at: usize) {
        self.state = State::AfterValue;
        self.literal = literal;
        self.chain.clear();
        self.start = at;
        self.first_pipe = None;
    }

    /// A call or subscript: the value is no longer a plain literal, its filters still apply.
    fn start_value_keep_chain(&mut self) {
        self.state = State::AfterValue;
        self.literal = false;
    }
}

/// Every filter in `text` (a tag's content starting at `base` in the file): a value followed by
/// `|name`, `|name(args)` (Jinja) or `|name:arg` (Django), possibly chained.
fn filters_in(text: &str, base: TextSize) -> Vec<TemplateFilter<'_>> {
    let mut out = Vec::new();
    let mut levels = vec![Level::new()];
    let mut pipe_at = 0;
    for (token, start, end) in tokens(text) {
        let word = text.get(start..end).unwrap_or("");
        if token == Token::Close {
            if levels.len() > 1 {
                levels.pop();
            }
            continue;
        }
        let Some(level) = levels.last_mut() else {
            break;
        };
        match (token, level.state) {
            (Token::Open, state) => {
                match state {
                    // A parenthesised value, a list or a dict.
                    State::Value => level.start_value(false, start),
                    // A call or subscript of the value.
                    State::AfterValue | State::AfterDot => level.start_value_keep_chain(),
                    // A filter's arguments.
                    State::AfterFilter | State::AfterColon => level.state = State::AfterFilter,
                    State::AfterPipe => level.reset(),
                }
                levels.push(Level::new());
            }
            (Token::Pipe, State::AfterValue | State::AfterFilter) => {
                level.state = State::AfterPipe;
                pipe_at = start;
                level.first_pipe.get_or_insert(start);
            }
            (Token::Name, State::AfterPipe) => {
                let subject_end = level.first_pipe.unwrap_or(pipe_at);
                out.push(TemplateFilter {
                    name: word,
                    range: TextRange::new(base + size(pipe_at), base + size(end)),
                    before: level.chain.clone(),
                    literal: level.literal,
                    subject: text.get(level.start..subject_end).unwrap_or("").trim(),
                });
                level.chain.push(word);
                level.state = State::AfterFilter;
            }
            (Token::Colon, State::AfterFilter) => level.state = State::AfterColon,
            (Token::Str | Token::Name | Token::Number, State::AfterColon) => {
                level.state = State::AfterFilter;
            }
            (Token::Dot, State::AfterValue) => level.state = State::AfterDot,
            (Token::Name | Token::Number, State::AfterDot) => {
                level.state = State::AfterValue;
                level.literal = false;
            }
            (Token::Name, _) if KEYWORDS.contains(&word) => level.reset(),
            (Token::Str, _) => level.start_value(true, start),
            (Token::Name | Token::Number, _) => level.start_value(false, start),
            _ => level.reset(),
        }
    }
    out
}

/// Checks one template file with the enabled template rules. Findings carry the template's
/// display path, line and column, a code frame and a fingerprint key, like Python findings;
/// suppressions come from the template's comments. Never panics: a bug in a rule becomes an
/// `internal-error` notice.
pub fn analyze_template(
    source: &SourceFile,
    rules: &RuleSet,
    options: &AnalysisOptions,
) -> FileAnalysis {
    guarded(source, || analyze_inner(source, rules, options))
}

fn analyze_inner(source: &SourceFile, rules: &RuleSet, options: &AnalysisOptions) -> FileAnalysis {
    let scanned = scan_template(&source.text);
    let suppressions = Suppressions::from_python(source, &scanned.comments);
    let interested = rules.interested(Interest::Template);
    if interested.is_empty() || scanned.tags.is_empty() {
        return FileAnalysis {
            suppressions,
            ..FileAnalysis::default()
        };
    }
    // Template rules share the Python rules' context; theirs is the model of an empty module.
    let empty = SourceFile::new(source.path.clone(), source.display.clone(), String::new());
    let parsed = parse(&empty);
    let bound = bind(&empty, &parsed);
    let mut ctx = Context::new(source, &bound.semantic);
    for tag in scanned.tags.iter().filter(|t| t.kind != TagKind::Comment) {
        for &rule in interested {
            ctx.run_rule(rule, &Node::TemplateTag(tag));
        }
    }
    let mut findings = ctx.into_findings();
    // A suppression anywhere on the lines of the tag holding a finding applies to it.
    let tag_lines: Vec<[u32; 2]> = scanned
        .tags
        .iter()
        .map(|tag| {
            let span = source.span(tag.range);
            [span.start.line, span.end.line]
        })
        .collect();
    for (finding, anchors) in &mut findings {
        let line = finding.location.span.start.line;
        if let Some(lines) = tag_lines
            .iter()
            .find(|[first, last]| *first <= line && line <= *last)
        {
            *anchors = *lines;
        }
    }
    complete_findings(source, &mut findings, options);
    FileAnalysis {
        findings,
        notices: Vec::new(),
        suppressions,
        taint: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(template: &str) -> Vec<(TagKind, String)> {
        scan_template(template)
            .tags
            .iter()
            .map(|t| (t.kind, t.text.to_string()))
            .collect()
    }

    #[test]
    fn finds_tags_and_respects_strings_and_brackets() {
        let tags = texts(r#"<p>{{ "}}" }}</p>{%- if a -%}{{ {"a": {"b": 1}} }}{# c #}{% endif %}"#);
        assert_eq!(
            tags,
            vec![
                (TagKind::Variable, r#" "}}" "#.to_string()),
                (TagKind::Block, " if a ".to_string()),
                (TagKind::Variable, r#" {"a": {"b": 1}} "#.to_string()),
                (TagKind::Comment, " c ".to_string()),
                (TagKind::Block, " endif ".to_string()),
            ]
        );
    }

    #[test]
    fn raw_verbatim_and_comment_bodies_are_text() {
        let tags = texts(
            "{% raw %}{{ x|safe }}{% endraw %}{% verbatim %}{% autoescape off %}{% endverbatim %}{% comment %}{{ y }}{% endcomment %}{{ z }}",
        );
        let names: Vec<String> = tags
            .into_iter()
            .map(|(_, t)| t.trim().to_string())
            .collect();
        assert_eq!(
            names,
            [
                "raw",
                "endraw",
                "verbatim",
                "endverbatim",
                "comment",
                "endcomment",
                "z"
            ]
        );
    }

    #[test]
    fn unterminated_tags_are_text() {
        assert!(texts("{{ x").is_empty());
        assert!(texts("{{ 'x }}").is_empty());
        assert_eq!(
            texts("{% if %} {{ a"),
            vec![(TagKind::Block, " if ".to_string())]
        );
        assert!(texts("{% raw %}{{ x|safe }}").len() == 1);
        assert!(texts("é{{").is_empty());
    }

    #[test]
    fn pathological_input_stays_fast() {
        let text = "{{ (".repeat(200_000);
        let started = std::time::Instant::now();
        assert!(scan_template(&text).tags.is_empty());
        assert!(scan_template(&"{# ".repeat(200_000)).tags.is_empty());
        // Generous: linear work is a few milliseconds, quadratic would be minutes.
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
        let long = format!("{{{{ {} }}}}", "x".repeat(MAX_TAG_LEN + 10));
        assert!(scan_template(&long).tags.is_empty());
        // Many ordinary tags are all found: the budget is charged what is looked at.
        let many = "<p>{{ x|safe }}</p>\n".repeat(100_000);
        assert_eq!(scan_template(&many).tags.len(), 100_000);
    }

    #[test]
    fn html_comments_are_recorded_not_skipped() {
        let scanned = scan_template("<!-- {{ x }} -->");
        assert_eq!(scanned.tags.len(), 1);
        assert_eq!(scanned.comments.len(), 1);
    }

    fn filters(expression: &str) -> Vec<(String, Vec<String>, bool)> {
        filters_in(expression, TextSize::new(0))
            .into_iter()
            .map(|f| {
                (
                    f.name.to_string(),
                    f.before.iter().map(ToString::to_string).collect(),
                    f.literal,
                )
            })
            .collect()
    }

    #[test]
    fn filter_chains() {
        assert_eq!(filters(" x|safe "), vec![("safe".into(), vec![], false)]);
        assert_eq!(
            filters(" x | escape | safe "),
            vec![
                ("escape".into(), vec![], false),
                ("safe".into(), vec!["escape".into()], false)
            ]
        );
        assert_eq!(
            filters(r#" "<br>"|safe "#),
            vec![("safe".into(), vec![], true)]
        );
        assert_eq!(
            filters(r#" x|default:"a|b"|safe "#),
            vec![
                ("default".into(), vec![], false),
                ("safe".into(), vec!["default".into()], false)
            ]
        );
        assert_eq!(
            filters(r#" x|default("")|safe "#)[1],
            ("safe".into(), vec!["default".into()], false)
        );
        assert_eq!(
            filters(r#" ("<b>" ~ x)|safe "#),
            vec![("safe".into(), vec![], false)]
        );
        assert_eq!(
            filters(" a|escape ~ b|safe ")[1],
            ("safe".into(), vec![], false)
        );
        assert_eq!(
            filters(" set x = user.bio|safe ")[0],
            ("safe".into(), vec![], false)
        );
        assert_eq!(filters(" x or y|e "), vec![("e".into(), vec![], false)]);
        let subjects: Vec<&str> = filters_in(" form.bio.help_text|escape|safe ", TextSize::new(0))
            .into_iter()
            .map(|f| f.subject)
            .collect();
        assert_eq!(subjects, ["form.bio.help_text", "form.bio.help_text"]);
        assert!(filters(" a || b ").is_empty());
    }
}
