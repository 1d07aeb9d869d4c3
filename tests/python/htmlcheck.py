"""A small HTML checker for the XSS tests: lists everything in a document that could run script.

It re-parses sanitiser output with the standard library's parser (character references decoded,
as a browser decodes them) and reports script-capable elements, event-handler attributes, inline
styles and URL attributes whose scheme can run code once whitespace and control characters are
dropped (as browsers drop them).
"""

from __future__ import annotations

import html.parser
import re

#: Attributes whose URL a browser navigates to, fetches or runs.
URL_ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "action",
        "formaction",
        "xlink:href",
        "data",
        "background",
        "poster",
        "srcset",
        "lowsrc",
        "dynsrc",
        "codebase",
        "ping",
    }
)
#: URL attributes that browsers do not follow (metadata), checked only in strict mode: cuirass
#: applies its scheme allow-list to them too, nh3 and bleach do not.
METADATA_URL_ATTRIBUTES = frozenset({"cite", "longdesc", "usemap", "manifest"})
#: Elements that run code or load another document, whatever their attributes.
EXECUTABLE_TAGS = frozenset(
    {
        "script",
        "style",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "base",
        "meta",
        "link",
        "svg",
        "math",
        "template",
        "noscript",
        "xmp",
        "plaintext",
    }
)
_BAD_SCHEMES = frozenset({"javascript", "vbscript", "data", "livescript", "mocha"})
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")


def url_scheme(value: str) -> str | None:
    """The scheme of ``value`` as a browser's URL parser finds it: leading and trailing spaces
    and control characters dropped, tabs and newlines removed anywhere; ``None`` if relative."""
    cleaned = value.strip("".join(map(chr, range(0x21)))).translate({9: None, 10: None, 13: None})
    match = _SCHEME.match(cleaned)
    return match[1].lower() if match else None


class _ExecutableContent(html.parser.HTMLParser):
    """Collects everything in a document that could run script: what the XSS tests forbid."""

    def __init__(self, strict: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.url_attributes = URL_ATTRIBUTES | (METADATA_URL_ATTRIBUTES if strict else frozenset())
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in EXECUTABLE_TAGS:
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}= on <{tag}>")
            if name in ("srcdoc", "style"):
                self.problems.append(f"{name}= on <{tag}>")
            is_url = name in self.url_attributes and value is not None
            if is_url and url_scheme(value or "") in _BAD_SCHEMES:
                self.problems.append(f"{name}={value!r} on <{tag}>")

    handle_startendtag = handle_starttag


def executable_content(document: str, *, strict: bool = False) -> list[str]:
    """Every script-capable construct in ``document`` (entities decoded), as descriptions.

    ``strict`` also checks URL attributes that browsers never follow (``cite``, ``longdesc``).
    """
    parser = _ExecutableContent(strict)
    parser.feed(document)
    parser.close()
    return parser.problems
