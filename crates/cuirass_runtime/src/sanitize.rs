//! HTML sanitising on an allow-list (`ammonia`, which parses with html5ever exactly as a browser
//! would, so malformed markup cannot smuggle a tag past it) and plain escaping.
//!
//! The default allow-list is ammonia's (formatting, lists, tables, links, images; no scripts,
//! styles, forms, frames or event handlers) with URL schemes narrowed to `http`, `https` and
//! `mailto`. The default builder is built once and shared, which is most of what a call costs on
//! short inputs.
//!
//! Custom allow-lists are checked first: ammonia asserts (panics) on some contradictory
//! configurations, and some tags and attributes can never be made safe by attribute filtering
//! (`<script>`, `<iframe srcdoc>`, `on*` handlers), so they are refused with a clear error.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// URL schemes allowed in `href`/`src` by default.
pub const DEFAULT_URL_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// The `rel` value ammonia adds to every link, so a linked page cannot reach back through
/// `window.opener` or learn the referring URL.
const LINK_REL: &str = "noopener noreferrer";

/// Tags whose content is code or that embed other documents: never allowed.
const FORBIDDEN_TAGS: [&str; 13] = [
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta",
    "link", "noscript", "template",
];

/// Attributes that carry code or navigation that URL-scheme filtering does not see.
const FORBIDDEN_ATTRIBUTES: [&str; 4] = ["srcdoc", "formaction", "xlink:href", "rel"];

/// Attributes that hold URLs but are outside ammonia's own scheme check (which covers `href`,
/// `src`, `action`, `formaction`, `data`, `ping`, `poster`). Browsers do not navigate to these,
/// but other software might, so the same scheme allow-list applies.
const EXTRA_URL_ATTRIBUTES: [&str; 6] = [
    "cite",
    "longdesc",
    "usemap",
    "background",
    "manifest",
    "codebase",
];

/// The scheme of `value` as a browser's URL parser sees it (leading and trailing spaces and
/// control characters dropped, tabs and newlines removed anywhere), lowercased; `None` for a
/// relative URL.
fn url_scheme(value: &str) -> Option<String> {
    let cleaned: String = value
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let (scheme, _) = cleaned.split_once(':')?;
    let mut chars = scheme.chars();
    let valid = chars.next()?.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| scheme.to_ascii_lowercase())
}

/// Keeps an extra URL attribute only when it is relative or its scheme is allowed.
fn allowed_extra_url<'u>(
    attribute: &str,
    value: &'u str,
    schemes: &[&str],
) -> Option<Cow<'u, str>> {
    if !EXTRA_URL_ATTRIBUTES.contains(&attribute) {
        return Some(Cow::Borrowed(value));
    }
    match url_scheme(value) {
        Some(scheme) if !schemes.contains(&scheme.as_str()) => None,
        _ => Some(Cow::Borrowed(value)),
    }
}

fn default_attribute_filter<'u>(
    _element: &str,
    attribute: &str,
    value: &'u str,
) -> Option<Cow<'u, str>> {
    allowed_extra_url(attribute, value, &DEFAULT_URL_SCHEMES)
}

/// A custom allow-list. `None` keeps the default for that part.
#[derive(Debug, Clone, Default)]
pub struct SanitizeOptions {
    /// Allowed tag names.
    pub tags: Option<Vec<String>>,
    /// Allowed attributes per tag name; the key `*` applies to every tag.
    pub attributes: Option<Vec<(String, Vec<String>)>>,
    /// Allowed URL schemes in URL attributes (`href`, `src`, `cite`, …).
    pub url_schemes: Option<Vec<String>>,
}

/// A custom allow-list that cannot be made safe.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SanitizeError {
    #[error("the tag `{0}` cannot be allowed: its content is code or another document")]
    ForbiddenTag(String),
    #[error("the attribute `{0}` cannot be allowed: it carries code or navigation")]
    ForbiddenAttribute(String),
    #[error("the attribute `rel` cannot be allowed: links always get rel=\"{LINK_REL}\"")]
    Rel,
}

static DEFAULT: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .url_schemes(DEFAULT_URL_SCHEMES.into_iter().collect())
        .link_rel(Some(LINK_REL))
        .strip_comments(true)
        .attribute_filter(default_attribute_filter);
    builder
});

/// Sanitises `html` with the default allow-list.
pub fn sanitize_html(html: &str) -> String {
    DEFAULT.clean(html).to_string()
}

/// Sanitises `html` with a custom allow-list.
pub fn sanitize_html_with(html: &str, options: &SanitizeOptions) -> Result<String, SanitizeError> {
    if options.tags.is_none() && options.attributes.is_none() && options.url_schemes.is_none() {
        return Ok(sanitize_html(html));
    }
    let lowered = |items: &[String]| -> Vec<String> {
        items
            .iter()
            .map(|item| item.trim().to_ascii_lowercase())
            .collect()
    };
    let tags = options.tags.as_deref().map(lowered);
    let attributes: Option<Vec<(String, Vec<String>)>> = options.attributes.as_ref().map(|map| {
        map.iter()
            .map(|(tag, names)| (tag.trim().to_ascii_lowercase(), lowered(names)))
            .collect()
    });
    let schemes = options.url_schemes.as_deref().map(lowered);

    for tag in tags.iter().flatten() {
        if FORBIDDEN_TAGS.contains(&tag.as_str()) {
            return Err(SanitizeError::ForbiddenTag(tag.clone()));
        }
    }
    for (tag, names) in attributes.iter().flatten() {
        if FORBIDDEN_TAGS.contains(&tag.as_str()) {
            return Err(SanitizeError::ForbiddenTag(tag.clone()));
        }
        for name in names {
            if name == "rel" {
                return Err(SanitizeError::Rel);
            }
            if name.starts_with("on") || FORBIDDEN_ATTRIBUTES.contains(&name.as_str()) {
                return Err(SanitizeError::ForbiddenAttribute(name.clone()));
            }
        }
    }

    let owned_schemes: Vec<String> = schemes.unwrap_or_else(|| {
        DEFAULT_URL_SCHEMES
            .iter()
            .map(|scheme| (*scheme).to_owned())
            .collect()
    });
    let mut builder = ammonia::Builder::default();
    builder.link_rel(Some(LINK_REL)).strip_comments(true);
    builder.url_schemes(owned_schemes.iter().map(String::as_str).collect());
    let filter_schemes = owned_schemes.clone();
    builder.attribute_filter(move |_element, attribute, value| {
        let schemes: Vec<&str> = filter_schemes.iter().map(String::as_str).collect();
        allowed_extra_url(attribute, value, &schemes)
    });
    if let Some(tags) = &tags {
        builder.tags(tags.iter().map(String::as_str).collect());
    }
    if let Some(attributes) = &attributes {
        let mut generic: HashSet<&str> = HashSet::new();
        let mut per_tag: HashMap<&str, HashSet<&str>> = HashMap::new();
        for (tag, names) in attributes {
            let set = if tag == "*" {
                &mut generic
            } else {
                per_tag.entry(tag.as_str()).or_default()
            };
            set.extend(names.iter().map(String::as_str));
        }
        builder.generic_attributes(generic).tag_attributes(per_tag);
    }
    Ok(builder.clean(html).to_string())
}

/// Escapes `&`, `<`, `>`, `"` and `'` so `text` is inert in HTML text and in quoted attribute
/// values (what Python's `html.escape` does).
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_formatting_and_drops_scripts() {
        assert_eq!(
            sanitize_html("<p>Hello <b>world</b><script>alert(1)</script></p>"),
            "<p>Hello <b>world</b></p>"
        );
        assert_eq!(
            sanitize_html(r#"<img src="x" onerror="alert(1)">"#),
            r#"<img src="x">"#
        );
        assert_eq!(
            sanitize_html(r#"<a href="javascript:alert(1)">x</a>"#),
            r#"<a rel="noopener noreferrer">x</a>"#
        );
        assert_eq!(
            sanitize_html(r#"<a href="https://example.com/">x</a>"#),
            r#"<a href="https://example.com/" rel="noopener noreferrer">x</a>"#
        );
        // Obfuscated scheme: tab inside, entity-encoded colon.
        assert!(!sanitize_html("<a href=\"java\tscript&#58;alert(1)\">x</a>").contains("href"));
        // Schemes outside the default list go too.
        assert!(
            !sanitize_html(r#"<a href="data:text/html,<script>alert(1)</script>">x</a>"#)
                .contains("href")
        );
        assert_eq!(sanitize_html("<!-- note --><p>x</p>"), "<p>x</p>");
        // `cite` is outside ammonia's own URL check; ours covers it.
        assert_eq!(
            sanitize_html(r#"<q cite="java&#9;script:alert(1)">q</q>"#),
            "<q>q</q>"
        );
        assert_eq!(
            sanitize_html(r#"<q cite="https://example.com/">q</q>"#),
            r#"<q cite="https://example.com/">q</q>"#
        );
        assert_eq!(
            sanitize_html(r#"<q cite="/relative">q</q>"#),
            r#"<q cite="/relative">q</q>"#
        );
    }

    #[test]
    fn url_schemes_as_browsers_parse_them() {
        assert_eq!(url_scheme("https://x").as_deref(), Some("https"));
        assert_eq!(
            url_scheme(" \u{1}JaVa\tScRipt:alert(1)").as_deref(),
            Some("javascript")
        );
        assert_eq!(url_scheme("`javascript:alert(1)`"), None);
        assert_eq!(url_scheme("/path:with-colon"), None);
        assert_eq!(url_scheme("1http:x"), None);
    }

    #[test]
    fn malformed_markup_cannot_hide_tags() {
        let out = sanitize_html("<scr<script>ipt>alert(1)</scr</script>ipt>");
        assert!(!out.contains("<script"), "{out}");
        let out = sanitize_html("<svg><script>alert(1)</script></svg><math><mi><style>x</style>");
        assert!(!out.contains("<script") && !out.contains("<svg"), "{out}");
    }

    #[test]
    fn custom_allow_list() {
        let options = SanitizeOptions {
            tags: Some(vec!["p".into(), "a".into()]),
            attributes: Some(vec![
                ("a".into(), vec!["href".into()]),
                ("*".into(), vec!["class".into()]),
            ]),
            url_schemes: Some(vec!["https".into()]),
        };
        let out = sanitize_html_with(
            r#"<p class="c"><b>x</b><a href="http://a/">y</a><a href="https://b/">z</a></p>"#,
            &options,
        )
        .unwrap();
        assert_eq!(
            out,
            r#"<p class="c">x<a rel="noopener noreferrer">y</a><a href="https://b/" rel="noopener noreferrer">z</a></p>"#
        );
    }

    #[test]
    fn refuses_unsafe_allow_lists_instead_of_panicking() {
        let tags = |tags: &[&str]| SanitizeOptions {
            tags: Some(tags.iter().map(|t| (*t).to_owned()).collect()),
            ..SanitizeOptions::default()
        };
        assert_eq!(
            sanitize_html_with("x", &tags(&["p", "SCRIPT"])),
            Err(SanitizeError::ForbiddenTag("script".into()))
        );
        assert_eq!(
            sanitize_html_with("x", &tags(&["style"])),
            Err(SanitizeError::ForbiddenTag("style".into()))
        );
        let attrs = |tag: &str, name: &str| SanitizeOptions {
            attributes: Some(vec![(tag.to_owned(), vec![name.to_owned()])]),
            ..SanitizeOptions::default()
        };
        assert_eq!(
            sanitize_html_with("x", &attrs("a", "rel")),
            Err(SanitizeError::Rel)
        );
        assert_eq!(
            sanitize_html_with("x", &attrs("*", "rel")),
            Err(SanitizeError::Rel)
        );
        assert_eq!(
            sanitize_html_with("x", &attrs("img", "onerror")),
            Err(SanitizeError::ForbiddenAttribute("onerror".into()))
        );
        assert_eq!(
            sanitize_html_with("x", &attrs("script", "src")),
            Err(SanitizeError::ForbiddenTag("script".into()))
        );
    }

    #[test]
    fn escaping() {
        assert_eq!(
            escape_html(r#"<a href="x">Tom & Jerry's</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#x27;s&lt;/a&gt;"
        );
        assert_eq!(escape_html("plain ünïcode"), "plain ünïcode");
    }
}
