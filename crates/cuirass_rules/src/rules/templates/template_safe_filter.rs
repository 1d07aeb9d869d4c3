use crate::checker::{Context, Node};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks template files (Jinja2 and Django templates: `.html`, `.htm`, `.jinja`,
    /// `.jinja2`, `.j2`, `.djhtml`) for the `safe` filter — `{{ value|safe }}`,
    /// `{% set x = value|safe %}`, Django's `|safeseq`, Jinja2's `{% filter safe %}` — which
    /// marks a value as trusted HTML so autoescaping leaves it alone.
    ///
    /// Not reported: a string literal (`{{ "<br>"|safe }}`); a form field's `help_text`, which
    /// the developer writes and Django documents as HTML (`{{ field.help_text|safe }}`); and a
    /// value escaped or encoded earlier in the same filter chain (`|escape`, `|e`, `|force_escape`, `|tojson`,
    /// `|escapejs`, `|json_script`, `|urlencode`, `|bleach`). Text inside `{% raw %}`,
    /// `{% verbatim %}`, `{% comment %}` and `{# … #}` is not template code and is skipped.
    /// Whether the value can hold user text is not known here, hence medium confidence.
    /// Findings carry the template's path, line and column; suppress one with
    /// `{# cuirass: ignore[template-safe-filter] #}` on the same line.
    ///
    /// ## Why is this bad?
    /// `|safe` switches off the escaping that keeps user text from becoming markup: a
    /// comment, a profile field or a product description holding `<script>` runs in the
    /// browser of everyone who sees the page (stored cross-site scripting).
    ///
    /// ## Example
    /// ```jinja
    /// <div class="body">{{ post.body|safe }}</div>
    /// ```
    ///
    /// ## Use instead
    /// ```jinja
    /// <div class="body">{{ post.body }}</div>
    /// ```
    ///
    /// Or, where the post really is rich text, sanitise it once where it is saved:
    /// ```python
    /// from cuirass.validation import sanitize_html
    ///
    /// post.body_html = sanitize_html(post.body)  # allow-list of tags and attributes
    /// ```
    /// ```jinja
    /// <div class="body">{{ post.body_html|safe }}</div> {# cuirass: ignore[template-safe-filter] sanitised on save #}
    /// ```
    ///
    /// ## Fix
    /// Drop `|safe` and let the template escape the value. Where rich text is required,
    /// sanitise it with an allow-list (`cuirass.validation.sanitize_html`) in Python, mark
    /// that result safe, and suppress the finding with the reason.
    ///
    /// ## References
    /// - [CWE-79: Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')](https://cwe.mitre.org/data/definitions/79.html)
    /// - [Django: the `safe` filter](https://docs.djangoproject.com/en/stable/ref/templates/builtins/#safe)
    /// - [Jinja2: working with automatic escaping](https://jinja.palletsprojects.com/en/stable/templates/#working-with-automatic-escaping)
    pub(super) RULE = {
        name: "template-safe-filter",
        audit: Config,
        kind: Pattern,
        severity: Medium,
        confidence: Medium,
        likelihood: Medium,
        impact: High,
        cwe: [79],
        owasp: A03Injection,
        aliases: [],
        tags: ["xss", "templates"],
        interest: [Template],
        check: check,
    }
}

/// Filters after which a value is escaped or encoded for its context.
const ESCAPING: &[&str] = &[
    "escape",
    "e",
    "force_escape",
    "forceescape",
    "tojson",
    "escapejs",
    "json_script",
    "urlencode",
    "bleach",
    "sanitize",
    "sanitize_html",
];

const SAFE: &[&str] = &["safe", "safeseq"];

/// Form and model attributes written by the developer that Django documents as HTML:
/// `help_text` is not escaped in Django's own form rendering, and templates that re-render it
/// use `|safe` to match.
fn is_developer_text(subject: &str) -> bool {
    subject.rsplit('.').next() == Some("help_text")
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::TemplateTag(tag) = node else {
        return;
    };
    if tag.name() == Some("filter") {
        // `{% filter upper|safe %}` applies the chain to the whole block.
        let chain: Vec<&str> = tag
            .text
            .trim_start()
            .trim_start_matches("filter")
            .split('|')
            .map(|f| f.trim().split(['(', ' ']).next().unwrap_or(""))
            .collect();
        if let Some(position) = chain.iter().position(|f| SAFE.contains(f))
            && !chain.iter().take(position).any(|f| ESCAPING.contains(f))
        {
            ctx.report(
                tag.range,
                "`{% filter safe %}` marks everything up to `{% endfilter %}` as trusted HTML, so user text in it is not escaped (XSS); remove it, or sanitise the values in Python".to_string(),
            );
        }
        return;
    }
    for filter in tag.filters() {
        if !SAFE.contains(&filter.name)
            || filter.literal
            || filter.before.iter().any(|f| ESCAPING.contains(f))
            || is_developer_text(filter.subject)
        {
            continue;
        }
        ctx.report(
            filter.range,
            format!(
                "`|{}` marks the value as trusted HTML, so autoescaping leaves it alone: if it can hold user text, that is XSS; remove it, or sanitise the value with an allow-list first",
                filter.name
            ),
        );
    }
}
