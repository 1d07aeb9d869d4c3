"""What the three example test suites share: a fake clock, the security-header check, the CSP
nonce check of a page, the error-page check, and reading a Prometheus counter.

The checks raise ``AssertionError`` with a message rather than using ``assert``: pytest only
rewrites asserts in test modules, and this is not one.
"""

from __future__ import annotations

import re
import time
import uuid
from typing import Any, Protocol


class Headers(Protocol):
    """Response headers as Werkzeug, Django and httpx give them: a case-insensitive ``get``."""

    def get(self, key: str, /) -> Any:
        """The header's value, or ``None``."""


def expect(condition: object, message: str) -> None:
    """Fail the calling test with ``message`` unless ``condition`` holds."""
    if not condition:
        raise AssertionError(message)


class FakeClock:
    """A ``time.time`` that only moves when told to: lockouts, idle timeouts and TOTP codes
    are tested without sleeping. Starts at the real time, so stored records look ordinary."""

    def __init__(self) -> None:
        self.now = float(int(time.time()))

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move forward by ``seconds``."""
        self.now += seconds


_CSP_NONCE = re.compile(r"(?:^|;)\s*script-src [^;]*'nonce-([A-Za-z0-9+/=]+)'")
_STYLE_NONCE = re.compile(r"(?:^|;)\s*style-src [^;]*'nonce-([A-Za-z0-9+/=]+)'")
_ELEMENT_NONCE = re.compile(r"<(script|style)\b[^>]*\bnonce=\"([^\"]*)\"")

HSTS = "max-age=63072000; includeSubDomains"


def _header(headers: Headers, name: str) -> str:
    value = headers.get(name)
    expect(isinstance(value, str), f"no {name} header")
    return str(value)


def check_security_headers(headers: Headers, *, https: bool) -> str | None:
    """Check the headers every response of the examples carries; returns the CSP nonce."""
    csp = _header(headers, "Content-Security-Policy")
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ):
        expect(directive in csp, f"{directive!r} missing from the CSP {csp!r}")
    expect("unsafe-inline" not in csp and "unsafe-eval" not in csp, f"unsafe CSP {csp!r}")
    expected = {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    for name, value in expected.items():
        expect(headers.get(name) == value, f"{name}: {headers.get(name)!r}, not {value!r}")
    permissions = _header(headers, "Permissions-Policy")
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        expect(feature in permissions, f"{feature} missing from {permissions!r}")
    hsts = headers.get("Strict-Transport-Security")
    if https:
        expect(hsts == HSTS, f"Strict-Transport-Security: {hsts!r}, not {HSTS!r}")
    else:
        # Over plain HTTP a browser ignores HSTS (and an attacker could strip it anyway).
        expect(hsts is None, f"Strict-Transport-Security over plain HTTP: {hsts!r}")
    match = _CSP_NONCE.search(csp)
    return match.group(1) if match else None


def check_page_nonce(html: str, headers: Headers) -> str:
    """Check that the page's inline ``<script>`` and ``<style>`` carry the nonce of the CSP
    (the same in ``script-src`` and ``style-src``), and every inline script does; returns it."""
    csp = _header(headers, "Content-Security-Policy")
    script_nonce, style_nonce = _CSP_NONCE.search(csp), _STYLE_NONCE.search(csp)
    if script_nonce is None or style_nonce is None:
        raise AssertionError(f"no nonce in script-src or style-src of {csp!r}")
    nonce = script_nonce.group(1)
    expect(style_nonce.group(1) == nonce, f"two nonces in {csp!r}")
    expect(len(nonce) >= 22, f"the nonce {nonce!r} is shorter than 128 bits")
    elements = _ELEMENT_NONCE.findall(html)
    expect(("script", nonce) in elements, f"no <script nonce={nonce!r}> in the page")
    expect(("style", nonce) in elements, f"no <style nonce={nonce!r}> in the page")
    expect(all(value == nonce for _, value in elements), f"other nonces: {elements}")
    scripts = sum(1 for tag, _ in elements if tag == "script")
    expect(html.count("<script") == scripts, "an inline script without the nonce")
    return nonce


def check_session_cookie(set_cookie: str, name: str) -> str:
    """Check a ``Set-Cookie`` header of the session cookie: an opaque id, ``Secure``,
    ``HttpOnly``, ``SameSite=Lax``, ``Path=/``, no ``Domain`` (what ``__Host-`` requires) and
    no lifetime (it ends with the browser session; the server decides sooner). Attribute names
    and values are case-insensitive (RFC 6265). Returns the id."""
    cookie_name, _, rest = set_cookie.partition("=")
    value, *attributes = [part.strip() for part in rest.split(";")]
    expect(cookie_name == name, f"{cookie_name!r} is not the session cookie {name!r}")
    expect(re.fullmatch(r"[A-Za-z0-9_-]{43}", value), f"{value!r} is not an opaque 256-bit id")
    flags = {attribute.lower().replace(" ", "") for attribute in attributes}
    for flag in ("secure", "httponly", "samesite=lax", "path=/"):
        expect(flag in flags, f"{flag} missing from {set_cookie!r}")
    for forbidden in ("domain", "expires", "max-age"):
        expect(
            not any(flag.startswith(forbidden) for flag in flags),
            f"{forbidden} in {set_cookie!r}",
        )
    return value


def check_error_page(status: int, html: str, headers: Headers, *, exception_text: str) -> str:
    """Check a generic 500 page: no traceback, no exception text, a correlation id that the
    ``X-Correlation-Id`` header and the page agree on; returns the id."""
    expect(status == 500, f"status {status}, not 500")
    correlation_id = _header(headers, "X-Correlation-Id")
    expect(str(uuid.UUID(correlation_id)) == correlation_id, f"{correlation_id!r} is no UUID")
    expect(correlation_id in html, "the correlation id is not on the page")
    expect("Traceback" not in html and 'File "' not in html, "a traceback on the page")
    expect(exception_text not in html, "the exception's message on the page")
    expect(headers.get("Cache-Control") == "no-store", "an error page that may be cached")
    return correlation_id


def metric(text: str, sample: str) -> float:
    """The value of one sample (``name{labels}``) in Prometheus text."""
    for line in text.splitlines():
        if line.startswith(f"{sample} "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{sample} not in the metrics:\n{text}")
