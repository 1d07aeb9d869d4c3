use cuirass_diagnostics::Confidence;

use crate::checker::{Context, Node};
use crate::declare_rule;
use crate::helpers::identifier_words;

declare_rule! {
    /// ## What it does
    /// Checks template files (Jinja2 and Django templates: `.html`, `.htm`, `.jinja`,
    /// `.jinja2`, `.j2`, `.djhtml`) for blocks that switch autoescaping off: Django's
    /// `{% autoescape off %}` and Jinja2's `{% autoescape false %}`.
    ///
    /// Text inside `{% raw %}`, `{% verbatim %}`, `{% comment %}` and `{# … #}` is skipped, and
    /// `{% autoescape on %}` / `{% autoescape true %}` are fine. In templates named for e-mails
    /// or plain text (`password_reset_email.html`, `subject.txt`), where escaping would be wrong,
    /// the finding has low confidence. Findings carry the template's
    /// path, line and column; suppress one with `{# cuirass: ignore[template-autoescape-off] #}`
    /// on the same line.
    ///
    /// ## Why is this bad?
    /// Inside the block every `{{ value }}` is written into the page as it is: any of them that
    /// holds user text can bring `<script>` with it (cross-site scripting). The block usually
    /// outlives the one trusted value it was added for.
    ///
    /// ## Example
    /// ```jinja
    /// {% autoescape off %}
    ///   <p>{{ greeting }}, {{ user.name }}</p>
    /// {% endautoescape %}
    /// ```
    ///
    /// ## Use instead
    /// ```jinja
    /// <p>{{ greeting }}, {{ user.name }}</p>
    /// ```
    ///
    /// ## Fix
    /// Remove the block. For a value that really is trusted HTML, build it safely in Python
    /// (`format_html`, `Markup("…").format(…)`, or sanitise it with
    /// `cuirass.validation.sanitize_html`) so that only that value is marked safe.
    ///
    /// ## References
    /// - [CWE-79: Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')](https://cwe.mitre.org/data/definitions/79.html)
    /// - [Django: the `autoescape` tag](https://docs.djangoproject.com/en/stable/ref/templates/builtins/#autoescape)
    /// - [Jinja2: autoescape overrides](https://jinja.palletsprojects.com/en/stable/templates/#autoescape-overrides)
    pub(super) RULE = {
        name: "template-autoescape-off",
        audit: Config,
        kind: Pattern,
        severity: Medium,
        confidence: High,
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

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    let Node::TemplateTag(tag) = node else {
        return;
    };
    if tag.name() != Some("autoescape") {
        return;
    }
    let Some(argument) = tag.arguments().next() else {
        return;
    };
    if argument.eq_ignore_ascii_case("off") || argument.eq_ignore_ascii_case("false") {
        let plain_text = is_plain_text_template(&ctx.source.display);
        let finding = ctx.report(
            tag.range,
            format!(
                "`{{% autoescape {argument} %}}` writes every value in the block into the page unescaped, so any user text in it is XSS; remove the block and mark only vetted values safe"
            ),
        );
        if let Some(finding) = finding
            && plain_text
        {
            finding.confidence = Confidence::Low;
        }
    }
}

/// E-mail bodies and subjects are plain text, where escaping is wrong: Django's own
/// `password_reset_email.html` turns autoescaping off on purpose.
fn is_plain_text_template(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path);
    identifier_words(file).iter().any(|w| {
        matches!(
            w.as_str(),
            "email" | "mail" | "subject" | "sms" | "txt" | "text"
        )
    })
}
