//! A strict little tag scanner for the HTML report's tests, no HTML parser needed: the report
//! escapes every `<` that is not markup, so every `<` must open a tag, comment or doctype, every
//! tag must be one the report writes, with attributes the report writes, and elements must nest.
//! An injected `<img onerror=…>` or a second `<script>` therefore cannot pass unnoticed. It reads
//! Chromium's `--dump-dom` serialisation too.

/// One start or end tag.
#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    pub closing: bool,
    /// Attribute names (lower-cased) and values with the basic entities decoded.
    pub attrs: Vec<(String, String)>,
    /// Byte offset of the `<`.
    pub offset: usize,
}

impl Tag {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn has(&self, name: &str) -> bool {
        self.attrs.iter().any(|(n, _)| n == name)
    }
}

const TAGS: &[&str] = &[
    "html",
    "head",
    "meta",
    "title",
    "link",
    "style",
    "body",
    "header",
    "main",
    "footer",
    "section",
    "div",
    "p",
    "h1",
    "h2",
    "h3",
    "a",
    "b",
    "small",
    "code",
    "pre",
    "span",
    "mark",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "form",
    "fieldset",
    "legend",
    "label",
    "input",
    "select",
    "option",
    "button",
    "output",
    "details",
    "summary",
    "figure",
    "figcaption",
    "svg",
    "text",
    "rect",
    "br",
    "article",
    "script",
    "em",
    "strong",
];

const ATTRS: &[&str] = &[
    "lang",
    "charset",
    "http-equiv",
    "content",
    "name",
    "rel",
    "href",
    "class",
    "id",
    "aria-label",
    "aria-labelledby",
    "aria-live",
    "role",
    "hidden",
    "type",
    "value",
    "checked",
    "placeholder",
    "target",
    "title",
    "colspan",
    "viewbox",
    "x",
    "y",
    "width",
    "height",
    "rx",
    "data-index",
    "data-severity",
    "data-audit",
    "data-rule",
    "data-file",
    "data-line",
    "data-ready",
];

const VOID: &[&str] = &["meta", "link", "br", "input"];

/// Every tag of `html`, or where the markup stops making sense.
pub fn tags(html: &str) -> Result<Vec<Tag>, String> {
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(found) = html[pos..].find('<') {
        let start = pos + found;
        let rest = &html[start..];
        if rest.starts_with("<!--") {
            let end = rest
                .find("-->")
                .ok_or_else(|| format!("unterminated comment at {start}"))?;
            pos = start + end + 3;
            continue;
        }
        if rest.starts_with("<!") {
            let end = rest
                .find('>')
                .ok_or_else(|| format!("unterminated declaration at {start}"))?;
            pos = start + end + 1;
            continue;
        }
        let closing = rest.starts_with("</");
        let mut i = start + if closing { 2 } else { 1 };
        let name_start = i;
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'-') {
            i += 1;
        }
        let name = html[name_start..i].to_ascii_lowercase();
        if name.is_empty() {
            return Err(format!(
                "a raw `<` in text at {start}: {:?}",
                snippet(html, start)
            ));
        }
        let mut attrs = Vec::new();
        loop {
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            match bytes.get(i) {
                None => return Err(format!("unterminated tag at {start}")),
                Some(b'>') => {
                    i += 1;
                    break;
                }
                Some(b'/') if bytes.get(i + 1) == Some(&b'>') => {
                    i += 2;
                    break;
                }
                _ => {}
            }
            let attr_start = i;
            while i < bytes.len() && !matches!(bytes[i], b'=' | b'>' | b'/' | b' ' | b'\n' | b'\t')
            {
                i += 1;
            }
            let attr = html[attr_start..i].to_ascii_lowercase();
            if attr.is_empty() {
                return Err(format!("bad attribute at {i}: {:?}", snippet(html, start)));
            }
            let mut value = String::new();
            if bytes.get(i) == Some(&b'=') {
                i += 1;
                let quote = bytes.get(i).copied();
                if let Some(q @ (b'"' | b'\'')) = quote {
                    let end = html[i + 1..]
                        .find(char::from(q))
                        .ok_or_else(|| format!("unterminated attribute at {i}"))?;
                    value = decode(&html[i + 1..i + 1 + end]);
                    i = i + 1 + end + 1;
                } else {
                    let value_start = i;
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                        i += 1;
                    }
                    value = decode(&html[value_start..i]);
                }
            }
            attrs.push((attr, value));
        }
        let raw_text = !closing && (name == "script" || name == "style");
        out.push(Tag {
            name: name.clone(),
            closing,
            attrs,
            offset: start,
        });
        pos = i;
        if raw_text {
            let end_tag = format!("</{name}");
            let end = html[pos..]
                .to_ascii_lowercase()
                .find(&end_tag)
                .ok_or_else(|| format!("unterminated <{name}> at {start}"))?;
            pos += end;
        }
    }
    Ok(out)
}

fn decode(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn snippet(html: &str, at: usize) -> &str {
    let end = (at + 60).min(html.len());
    let end = (at..=end)
        .rev()
        .find(|&i| html.is_char_boundary(i))
        .unwrap_or(at);
    &html[at..end]
}

/// Everything wrong with the markup: unknown tags or attributes, event handlers, URLs that are
/// not web links or fragments, more than one script that runs, and bad nesting.
pub fn problems(html: &str) -> Vec<String> {
    let tags = match tags(html) {
        Ok(tags) => tags,
        Err(e) => return vec![e],
    };
    let mut out = Vec::new();
    let mut stack: Vec<&Tag> = Vec::new();
    let mut scripts = 0;
    for tag in &tags {
        if !TAGS.contains(&tag.name.as_str()) {
            out.push(format!(
                "unexpected <{}> at {}: {:?}",
                tag.name,
                tag.offset,
                snippet(html, tag.offset)
            ));
        }
        if tag.closing {
            match stack.pop() {
                Some(open) if open.name == tag.name => {}
                other => {
                    out.push(format!(
                        "</{}> at {} closes {:?}",
                        tag.name,
                        tag.offset,
                        other.map(|t| &t.name)
                    ));
                    return out;
                }
            }
            continue;
        }
        for (name, value) in &tag.attrs {
            if name.starts_with("on") || !ATTRS.contains(&name.as_str()) {
                out.push(format!(
                    "unexpected attribute `{name}` on <{}> at {}",
                    tag.name, tag.offset
                ));
            }
            if name == "href"
                && !(value.starts_with('#')
                    || value.starts_with("https://")
                    || value.starts_with("http://")
                    || value == "data:,")
            {
                out.push(format!("unexpected href {value:?} at {}", tag.offset));
            }
        }
        if tag.name == "script" {
            scripts += 1;
            if !tag.attrs.is_empty() {
                out.push(format!("a script with attributes at {}", tag.offset));
            }
        }
        let self_closed = html[tag.offset..]
            .find('>')
            .is_some_and(|end| html[tag.offset..tag.offset + end].ends_with('/'));
        if !VOID.contains(&tag.name.as_str()) && !self_closed {
            stack.push(tag);
        }
    }
    if scripts != 1 {
        out.push(format!("{scripts} <script> elements; only ours may exist"));
    }
    if let Some(open) = stack.last() {
        out.push(format!(
            "<{}> at {} is never closed",
            open.name, open.offset
        ));
    }
    out
}
