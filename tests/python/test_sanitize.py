"""sanitize_html against nh3 and bleach on an XSS corpus: no executable content survives.

The corpus is ours: classic filter-evasion vectors (case, whitespace and entity tricks in
`javascript:` URLs), event handlers, SVG/MathML namespace confusion, mutation-XSS shapes and
malformed markup. Each output is re-parsed (``htmlcheck.executable_content``) and must contain no
script-capable element, no ``on*`` handler and no script URL after entity decoding.
"""

from __future__ import annotations

import threading

import bleach
import nh3
import pytest
from htmlcheck import executable_content

from cuirass.validation import escape_html, sanitize_html

XSS_VECTORS = [
    # Script elements.
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//xss.example/x.js></SCRIPT>",
    "<script src=data:,alert(1)></script>",
    '"><script>alert(1)</script>',
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>script>alert(1)<</script>/script>",
    "<script>/*</script><script>*/alert(1)</script>",
    # Event handlers.
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)"//>',
    "<IMG SRC=x OnErRoR=alert(1)>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<a href="#" onclick="alert(1)">x</a>',
    "<div onmouseover='alert(1)'>hover</div>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<marquee onstart=alert(1)>x</marquee>",
    '<img src="x"/onerror=alert(1)>',
    "<img/src=x/onerror=alert(1)>",
    # javascript: URLs, plain and obfuscated.
    '<a href="javascript:alert(1)">x</a>',
    "<a href=javascript:alert(1)>x</a>",
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="java\nscript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="&#14;  javascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">x</a>',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114'
    '&#0000105&#0000112&#0000116&#0000058alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="javascript&#58alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<img src="javascript:alert(1)">',
    "<IMG SRC=`javascript:alert(1)`>",
    '<img src="jav&#x09;ascript:alert(1)">',
    '<a href="\x01javascript:alert(1)">x</a>',
    '<blockquote cite="javascript:alert(1)">q</blockquote>',
    '<q cite="javascript:alert(1)">q</q>',
    # Elements that load or run other documents.
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    '<base href="javascript:alert(1)//">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<div style=\"width: expression(alert('XSS'))\">x</div>",
    "<style>@import 'javascript:alert(1)';</style>",
    # SVG and MathML.
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><script xlink:href=data:,alert(1)></script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<svg><set attributeName="href" to="javascript:alert(1)"/></svg>',
    "<svg><foreignObject><iframe srcdoc='<script>alert(1)</script>'></iframe>"
    "</foreignObject></svg>",
    '<math href="javascript:alert(1)">x</math>',
    '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table>"
    "</mtext></math>",
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    '<math><mi><mglyph><svg><mtext><textarea><path id="</textarea><img onerror=alert(1) src=1>">',
    # Malformed and parser-differential markup.
    '<img """><script>alert(1)</script>">',
    '<p title="</p><script>alert(1)</script>">x</p>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    "<xmp><script>alert(1)</script></xmp>",
    "<plaintext><script>alert(1)</script>",
    "<select><template><img src=x onerror=alert(1)></template></select>",
    "<!--[if gte IE 4]><SCRIPT>alert(1);</SCRIPT><![endif]-->",
    "<!--><script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<a href="x" <script>alert(1)</script>>x</a>',
    "<div><a href='javascript:alert(1)'",
    "<img src=x onerror=alert(1",
    '<a href="https://ok.example/" onclick=alert(1) href=javascript:alert(2)>x</a>',
    "\x00<script>alert(1)</script>",
    "<scri\x00pt>alert(1)</scri\x00pt>",
]

BENIGN_DOCUMENTS = [
    "<p>Hello <b>world</b> &amp; <i>friends</i></p>",
    '<a href="https://example.com/path?q=1&amp;r=2">a link</a>',
    "<ul><li>one</li><li>two <code>x &lt; y</code></li></ul>",
    "<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>d</td></tr></tbody></table>",
    '<img src="https://example.com/a.png" alt="a picture">',
    "<blockquote>quoted</blockquote><pre>pre  formatted</pre>",
    "plain text with no markup",
]


def test_the_checker_catches_what_it_should() -> None:
    # A checker that cannot fail proves nothing: it must flag the raw vectors.
    flagged = [vector for vector in XSS_VECTORS if executable_content(vector)]
    assert len(flagged) >= len(XSS_VECTORS) * 0.8
    assert executable_content('<a href="jav&#x09;ascript:alert(1)">x</a>')
    assert executable_content('<a href=" &#1;JaVa&#10;Script:alert(1)">x</a>')
    assert executable_content("<img src=x OnError=alert(1)>")
    assert executable_content('<q cite="javascript:alert(1)">q</q>', strict=True)
    assert not executable_content('<q cite="javascript:alert(1)">q</q>')
    assert not executable_content('<a href="https://example.com">x</a>')
    assert not executable_content('<img src="`javascript:alert(1)`">'), "relative, not a scheme"


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_no_executable_content_survives(vector: str) -> None:
    cleaned = sanitize_html(vector)
    assert executable_content(cleaned, strict=True) == [], cleaned
    # Sanitising is idempotent: the output is already in the allowed shape.
    assert sanitize_html(cleaned) == cleaned


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_reference_sanitisers_agree_on_safety(vector: str) -> None:
    # The same property holds for nh3 and bleach: the corpus and the checker are sound, and
    # cuirass is held to the bar the established libraries meet.
    assert executable_content(nh3.clean(vector)) == []
    assert executable_content(bleach.clean(vector, strip=True)) == []
    assert executable_content(bleach.clean(vector)) == []


@pytest.mark.parametrize("document", BENIGN_DOCUMENTS)
def test_benign_markup_matches_nh3(document: str) -> None:
    # Same engine (ammonia) and, for http(s) links, the same allow-list: identical output.
    assert sanitize_html(document) == nh3.clean(document)


def test_benign_markup_is_kept() -> None:
    assert sanitize_html(BENIGN_DOCUMENTS[0]) == BENIGN_DOCUMENTS[0]
    assert (
        sanitize_html('<a href="https://example.com/">x</a>')
        == '<a href="https://example.com/" rel="noopener noreferrer">x</a>'
    )


def test_url_schemes_are_narrower_than_nh3_defaults() -> None:
    assert "href" not in sanitize_html('<a href="ftp://example.com/">x</a>')
    assert "href" in nh3.clean('<a href="ftp://example.com/">x</a>')
    assert 'href="mailto:a@example.com"' in sanitize_html('<a href="mailto:a@example.com">x</a>')


def test_custom_allow_list() -> None:
    cleaned = sanitize_html(
        '<p class="note">x <b>y</b> <a href="http://a/">a</a> <a href="https://b/">b</a></p>',
        tags={"p", "a"},
        attributes={"a": {"href"}, "*": {"class"}},
        url_schemes={"https"},
    )
    assert cleaned == (
        '<p class="note">x y <a rel="noopener noreferrer">a</a> '
        '<a href="https://b/" rel="noopener noreferrer">b</a></p>'
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"tags": {"p", "script"}}, "tag `script` cannot be allowed"),
        ({"tags": ["iframe"]}, "tag `iframe` cannot be allowed"),
        ({"attributes": {"img": {"onerror"}}}, "attribute `onerror` cannot be allowed"),
        ({"attributes": {"a": {"rel"}}}, "attribute `rel` cannot be allowed"),
        ({"attributes": {"iframe": {"srcdoc"}}}, "tag `iframe` cannot be allowed"),
    ],
)
def test_unsafe_allow_lists_are_refused(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sanitize_html("<p>x</p>", **options)  # type: ignore[arg-type]


def test_type_errors() -> None:
    with pytest.raises(TypeError):
        sanitize_html(b"<p>x</p>")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not a single string"):
        sanitize_html("x", tags="p")


def test_escape_html_matches_the_standard_library() -> None:
    import html

    for text in ["<a href=\"x\">'T&J'</a>", "plain", "ünï & <>"]:
        assert escape_html(text) == html.escape(text, quote=True)
    assert escape_html("'") == "&#x27;"


def test_large_documents_release_the_gil() -> None:
    document = "<p>" + "<b>bold</b> <script>x</script> text " * 50_000 + "</p>"
    counter = 0
    stop = threading.Event()

    def spin() -> None:
        nonlocal counter
        while not stop.is_set():
            counter += 1

    thread = threading.Thread(target=spin)
    thread.start()
    try:
        before = counter
        cleaned = sanitize_html(document)
        during = counter - before
    finally:
        stop.set()
        thread.join()
    assert "<script" not in cleaned
    assert during > 1_000, f"the spinning thread advanced only {during} times"
