"""cuirass.web: raw WSGI and ASGI apps, then real Flask, Django and FastAPI apps.

The raw apps are driven by hand (a strict start_response, an ASGI message log) so each rule of
the protocols is checked; the frameworks through their own test clients.
"""

from __future__ import annotations

import asyncio
import doctest
import inspect
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from fastapi import Request, WebSocket

from cuirass import ConfigurationError, web
from cuirass.web import (
    ASGISecurityHeadersMiddleware,
    SecurityHeaders,
    SecurityHeadersMiddleware,
)

SECRET_MESSAGE = "db-password-hunter2"
NONCE_IN_CSP = re.compile(r"'nonce-([A-Za-z0-9+/=]+)'")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def header(headers: Iterable[tuple[str, str]], name: str) -> str | None:
    values = [value for key, value in headers if key.lower() == name.lower()]
    assert len(values) <= 1, f"{name} sent {len(values)} times"
    return values[0] if values else None


def all_headers(headers: Iterable[tuple[str, str]], name: str) -> list[str]:
    return [value for key, value in headers if key.lower() == name.lower()]


def nonce_of(csp: str | None) -> str:
    """The one nonce of a CSP, checked to be in both script-src and style-src."""
    assert csp is not None
    directives = {part.split()[0]: part for part in csp.split("; ")}
    nonces = set(NONCE_IN_CSP.findall(csp))
    assert len(nonces) == 1, csp
    nonce = nonces.pop()
    assert f"'nonce-{nonce}'" in directives["script-src"]
    assert f"'nonce-{nonce}'" in directives["style-src"]
    return nonce


def check_safe_error_page(body: str, correlation_id: str) -> None:
    assert UUID.fullmatch(correlation_id)
    assert correlation_id in body
    for leak in ("Traceback", SECRET_MESSAGE, "ValueError", "RuntimeError", 'File "'):
        assert leak not in body


def error_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [
        record
        for record in caplog.records
        if record.name == "cuirass.web"
        and getattr(record, "cuirass_event", None) == "unhandled_exception"
    ]


# --- A strict WSGI server ----------------------------------------------------------------------


class WSGIResult:
    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def code(self) -> int:
        return int(self.status.split()[0])

    @property
    def text(self) -> str:
        return self.body.decode()

    def header(self, name: str) -> str | None:
        return header(self.headers, name)


def call_wsgi(
    app: Callable[..., Iterable[bytes]],
    path: str = "/",
    *,
    method: str = "GET",
    scheme: str = "http",
    host: str | None = "example.com",
    query: str = "",
    extra: dict[str, Any] | None = None,
) -> WSGIResult:
    """Runs ``app`` like a server: headers count as sent with the first non-empty chunk, and a
    second start_response is only allowed with exc_info before that (PEP 3333)."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "server.internal",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": scheme,
        "wsgi.input": None,
        "wsgi.errors": None,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    if host is not None:
        environ["HTTP_HOST"] = host
    environ.update(extra or {})
    state: dict[str, Any] = {"status": None, "headers": None, "sent": False}

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[[bytes], None]:
        if exc_info is not None:
            if state["sent"]:
                raise exc_info[1].with_traceback(exc_info[2])
        elif state["status"] is not None:
            raise AssertionError("start_response called twice without exc_info")
        assert isinstance(status, str) and re.fullmatch(r"\d{3} .+", status)
        for name, value in headers:
            assert isinstance(name, str) and isinstance(value, str)
            value.encode("latin-1")
            assert "\n" not in value and "\r" not in value
        state["status"], state["headers"] = status, list(headers)

        def write(data: bytes) -> None:
            raise AssertionError("write() is not used")

        return write

    result = app(environ, start_response)
    chunks = []
    try:
        for chunk in result:
            if chunk:
                assert state["status"] is not None, "body before start_response"
                state["sent"] = True
            chunks.append(chunk)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    assert state["status"] is not None
    return WSGIResult(state["status"], state["headers"], b"".join(chunks))


def hello_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    nonce = environ.get(web.NONCE_KEY)
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
    return [f'<script nonce="{nonce}">go()</script>'.encode()]


# --- Configuration -----------------------------------------------------------------------------


def test_default_headers() -> None:
    headers = dict(SecurityHeaders().response_headers(https=True, nonce="n0nce"))
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "microphone=()" in headers["Permissions-Policy"]
    csp = dict(
        (part.split()[0], part.split()[1:])
        for part in headers["Content-Security-Policy"].split("; ")
    )
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'", "'nonce-n0nce'"]
    assert csp["style-src"] == ["'self'", "'nonce-n0nce'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert "Cross-Origin-Resource-Policy" not in headers


def test_hsts_only_over_https_and_no_nonce_without_one() -> None:
    headers = dict(SecurityHeaders().response_headers(https=False))
    assert "Strict-Transport-Security" not in headers
    assert "nonce" not in headers["Content-Security-Policy"]
    assert "script-src 'self';" in headers["Content-Security-Policy"]


def test_custom_configuration() -> None:
    config = SecurityHeaders(
        csp={"default-src": "'none'", "script-src": ["'self'", "https://cdn.example.com"]},
        frame_options="SAMEORIGIN",
        referrer_policy="no-referrer",
        permissions_policy={"camera": ["self"], "fullscreen": ["*"], "geolocation": []},
        cross_origin_resource_policy="same-site",
        hsts_max_age=31_536_000,
        hsts_preload=True,
        csp_report_only=True,
    )
    headers = dict(config.response_headers(https=True, nonce="abc"))
    assert headers["Content-Security-Policy-Report-Only"] == (
        "default-src 'none'; script-src 'self' https://cdn.example.com 'nonce-abc'; "
        "frame-ancestors 'self'"
    )
    assert "Content-Security-Policy" not in headers
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert headers["Permissions-Policy"] == "camera=(self), fullscreen=*, geolocation=()"
    assert headers["Cross-Origin-Resource-Policy"] == "same-site"
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_string_csp_gets_the_nonce() -> None:
    config = SecurityHeaders(csp="default-src 'self'; script-src 'self' 'strict-dynamic'")
    assert dict(config.response_headers(https=False, nonce="xyz"))["Content-Security-Policy"] == (
        "default-src 'self'; script-src 'self' 'strict-dynamic' 'nonce-xyz'"
    )


def test_everything_can_be_turned_off() -> None:
    config = SecurityHeaders(
        csp=None,
        hsts_max_age=None,
        frame_options=None,
        content_type_options=False,
        referrer_policy=None,
        permissions_policy=None,
        cross_origin_opener_policy=None,
    )
    assert config.response_headers(https=True, nonce="x") == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"frame_options": "ALLOW-FROM x"}, "frame_options"),
        ({"referrer_policy": "sometimes"}, "Referrer-Policy"),
        ({"cross_origin_opener_policy": "open"}, "Cross-Origin-Opener-Policy"),
        ({"cross_origin_resource_policy": "any"}, "Cross-Origin-Resource-Policy"),
        ({"hsts_max_age": -1}, "hsts_max_age"),
        ({"hsts_preload": True, "hsts_max_age": 600}, "preload"),
        ({"hsts_preload": True, "hsts_include_subdomains": False}, "preload"),
        ({"csp": {"script-src": ["'self'; evil"]}}, "single source"),
        ({"csp": {"Script Src": ["'self'"]}}, "directive name"),
        ({"csp": "default-src 'self'\r\nX-Evil: 1"}, "control characters"),
        ({"csp": {"img-src": ["https://☃.example"]}}, "Latin-1"),
        ({"permissions_policy": {"camera": "self"}}, "list of origins"),
        ({"permissions_policy": {"camera": ["evil"]}}, "origin"),
        ({"redirect_host": "example.com/evil"}, "redirect_host"),
        ({"redirect_exempt": "/health"}, "collections"),
        ({"error_template": "<p>oops</p>"}, "correlation_id"),
        ({"cookie_samesite": "Loose"}, "cookie_samesite"),
    ],
)
def test_configuration_errors(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        SecurityHeaders(**kwargs)


@pytest.mark.parametrize(
    ("cookie", "https", "expected"),
    [
        ("sid=abc; Path=/", True, "sid=abc; Path=/; HttpOnly; SameSite=Lax; Secure"),
        ("sid=abc; Path=/", False, "sid=abc; Path=/; HttpOnly; SameSite=Lax"),
        ("sid=abc; path=/; httponly; samesite=Strict; secure", False, None),
        ("sid=abc; SameSite=None", False, "sid=abc; SameSite=None; HttpOnly; Secure"),
        ("sid=a=b; Expires=Wed, 21 Oct 2037 07:28:00 GMT;", True, None),
        ("csrftoken=t; Path=/", True, "csrftoken=t; Path=/; SameSite=Lax; Secure"),
    ],
)
def test_cookie_flags(cookie: str, https: bool, expected: str | None) -> None:
    config = SecurityHeaders(httponly_exempt={"csrftoken"})
    secured = config.secure_cookie(cookie, https=https)
    if expected is None:
        # Already complete, or check the flags by parsing.
        attributes = {part.split("=")[0].strip().lower() for part in secured.split(";")[1:]}
        assert {"httponly", "samesite"} <= attributes
        assert ("secure" in attributes) == (https or "secure" in cookie.lower())
        assert secured.startswith(cookie.rstrip(";"))
    else:
        assert secured == expected


def test_cookie_secure_always() -> None:
    config = SecurityHeaders(cookie_secure="always", cookie_samesite="Strict")
    assert config.secure_cookie("a=b", https=False) == "a=b; HttpOnly; SameSite=Strict; Secure"
    assert SecurityHeaders(cookie_flags=False).secure_cookie("a=b", https=True) == "a=b"


# --- WSGI --------------------------------------------------------------------------------------


def test_wsgi_headers_and_nonce() -> None:
    app = SecurityHeadersMiddleware(hello_app)
    first = call_wsgi(app)
    second = call_wsgi(app)
    assert first.code == 200
    assert first.header("X-Content-Type-Options") == "nosniff"
    assert first.header("X-Frame-Options") == "DENY"
    assert first.header("Strict-Transport-Security") is None
    nonces = []
    for result in (first, second):
        nonce = nonce_of(result.header("Content-Security-Policy"))
        assert len(nonce) >= 22  # 128 bits of base64
        assert f'nonce="{nonce}"' in result.text
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_wsgi_nonces_are_unique() -> None:
    app = SecurityHeadersMiddleware(hello_app)
    seen = set()
    for _ in range(200):
        csp = call_wsgi(app).header("Content-Security-Policy") or ""
        seen.update(NONCE_IN_CSP.findall(csp))
    assert len(seen) == 200


def test_wsgi_hsts_over_https_and_trusted_proxies() -> None:
    app = SecurityHeadersMiddleware(hello_app)
    assert call_wsgi(app, scheme="https").header("Strict-Transport-Security")
    forwarded = {"HTTP_X_FORWARDED_PROTO": "https"}
    # Not trusted by default: a client could send the header itself.
    assert call_wsgi(app, extra=forwarded).header("Strict-Transport-Security") is None
    trusting = SecurityHeadersMiddleware(hello_app, SecurityHeaders(trust_forwarded_proto=True))
    assert call_wsgi(trusting, extra=forwarded).header("Strict-Transport-Security")
    # The nearest proxy's value (the last) decides.
    spoofed = {"HTTP_X_FORWARDED_PROTO": "https, http"}
    assert call_wsgi(trusting, extra=spoofed).header("Strict-Transport-Security") is None


def test_wsgi_keeps_headers_the_app_set_unless_override() -> None:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response(
            "200 OK",
            [
                ("content-security-policy", "default-src 'none'"),
                ("X-Frame-Options", "SAMEORIGIN"),
            ],
        )
        return [b"ok"]

    kept = call_wsgi(SecurityHeadersMiddleware(app))
    assert kept.header("Content-Security-Policy") == "default-src 'none'"
    assert kept.header("X-Frame-Options") == "SAMEORIGIN"
    assert kept.header("Referrer-Policy") == "strict-origin-when-cross-origin"
    replaced = call_wsgi(SecurityHeadersMiddleware(app, SecurityHeaders(override=True)))
    assert replaced.header("X-Frame-Options") == "DENY"
    assert "'nonce-" in (replaced.header("Content-Security-Policy") or "")


def test_wsgi_cookies() -> None:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response(
            "200 OK",
            [("Set-Cookie", "sid=1; Path=/"), ("Set-Cookie", "theme=dark; HttpOnly; Secure")],
        )
        return [b""]

    wrapped = SecurityHeadersMiddleware(app)
    cookies = all_headers(call_wsgi(wrapped, scheme="https").headers, "Set-Cookie")
    assert cookies == [
        "sid=1; Path=/; HttpOnly; SameSite=Lax; Secure",
        "theme=dark; HttpOnly; Secure; SameSite=Lax",
    ]
    cookies = all_headers(call_wsgi(wrapped).headers, "Set-Cookie")
    assert cookies[0] == "sid=1; Path=/; HttpOnly; SameSite=Lax"


def raising_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    raise ValueError(SECRET_MESSAGE)


def test_wsgi_error_page(caplog: pytest.LogCaptureFixture) -> None:
    result = call_wsgi(SecurityHeadersMiddleware(raising_app), scheme="https")
    assert result.code == 500
    correlation_id = result.header("X-Correlation-Id")
    assert correlation_id is not None
    check_safe_error_page(result.text, correlation_id)
    assert result.header("Content-Type") == "text/html; charset=utf-8"
    assert result.header("Cache-Control") == "no-store"
    assert result.header("Content-Length") == str(len(result.body))
    # The error page is a response like any other: the security headers are on it.
    assert result.header("X-Content-Type-Options") == "nosniff"
    assert result.header("Strict-Transport-Security")
    [record] = error_records(caplog)
    assert record.levelno == logging.ERROR
    assert record.correlation_id == correlation_id  # type: ignore[attr-defined]
    assert correlation_id in record.getMessage()
    assert record.exc_info and record.exc_info[0] is ValueError
    assert SECRET_MESSAGE in caplog.text  # the traceback is in the log, not on the page


def test_wsgi_error_after_start_response(caplog: pytest.LogCaptureFixture) -> None:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        raise RuntimeError(SECRET_MESSAGE)

    result = call_wsgi(SecurityHeadersMiddleware(app))
    assert result.code == 500
    check_safe_error_page(result.text, result.header("X-Correlation-Id") or "")
    assert len(error_records(caplog)) == 1


def test_wsgi_error_in_a_lazy_body_before_any_output(caplog: pytest.LogCaptureFixture) -> None:
    closed = []

    class Body:
        def __iter__(self) -> Iterator[bytes]:
            yield b""
            raise RuntimeError(SECRET_MESSAGE)

        def close(self) -> None:
            closed.append(True)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Body:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return Body()

    result = call_wsgi(SecurityHeadersMiddleware(app))
    assert result.code == 500
    check_safe_error_page(result.text, result.header("X-Correlation-Id") or "")
    assert closed == [True]


def test_wsgi_error_after_output_aborts(caplog: pytest.LogCaptureFixture) -> None:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        yield b"partial "
        raise RuntimeError(SECRET_MESSAGE)

    with pytest.raises(RuntimeError, match=SECRET_MESSAGE):
        call_wsgi(SecurityHeadersMiddleware(app))
    [record] = error_records(caplog)
    assert record.exc_info and record.exc_info[0] is RuntimeError


def test_wsgi_close_is_called() -> None:
    closed = []

    class Body(list[bytes]):
        def close(self) -> None:
            closed.append(True)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Body:
        start_response("200 OK", [])
        return Body([b"a", b"b"])

    assert call_wsgi(SecurityHeadersMiddleware(app)).body == b"ab"
    assert closed == [True]


def test_wsgi_error_handling_can_be_off() -> None:
    app = SecurityHeadersMiddleware(raising_app, SecurityHeaders(handle_errors=False))
    with pytest.raises(ValueError, match=SECRET_MESSAGE):
        call_wsgi(app)


def test_wsgi_custom_error_template() -> None:
    config = SecurityHeaders(error_template="<h1>Oops</h1><p>ref {correlation_id}</p>")
    result = call_wsgi(SecurityHeadersMiddleware(raising_app, config))
    assert result.text == f"<h1>Oops</h1><p>ref {result.header('X-Correlation-Id')}</p>"


@pytest.mark.parametrize(
    ("method", "status"),
    [("GET", 301), ("HEAD", 301), ("POST", 308), ("PUT", 308), ("DELETE", 308)],
)
def test_wsgi_https_redirect(method: str, status: int) -> None:
    app = SecurityHeadersMiddleware(hello_app, SecurityHeaders(https_redirect=True))
    # PEP 3333: PATH_INFO carries the raw bytes decoded as Latin-1.
    path = "/a b/ü".encode().decode("latin-1")
    result = call_wsgi(app, path, method=method, host="example.com:8080", query="x=1&y=%20")
    assert result.code == status
    assert result.header("Location") == "https://example.com/a%20b/%C3%BC?x=1&y=%20"
    assert result.body == b""
    assert call_wsgi(app, scheme="https").code == 200


def test_wsgi_redirect_options() -> None:
    config = SecurityHeaders(
        https_redirect=True, redirect_exempt=["/health"], redirect_host="www.example.com"
    )
    app = SecurityHeadersMiddleware(hello_app, config)
    assert call_wsgi(app, "/health/live").code == 200
    assert call_wsgi(app, "/x", host="evil.example").header("Location") == (
        "https://www.example.com/x"
    )
    trusting = SecurityHeadersMiddleware(
        hello_app, SecurityHeaders(https_redirect=True, trust_forwarded_proto=True)
    )
    assert call_wsgi(trusting, extra={"HTTP_X_FORWARDED_PROTO": "https"}).code == 200
    assert call_wsgi(trusting, extra={"HTTP_X_FORWARDED_PROTO": "http"}).code == 301


@pytest.mark.parametrize("host", ["evil.com/x", "a b", "user@evil.com", "evil.com\\x", ""])
def test_wsgi_redirect_refuses_malformed_hosts(host: str) -> None:
    app = SecurityHeadersMiddleware(hello_app, SecurityHeaders(https_redirect=True))
    result = call_wsgi(app, host=host, extra={"SERVER_NAME": ""})
    assert result.code == 400
    assert result.header("Location") is None


def test_wsgi_redirect_ipv6_host() -> None:
    app = SecurityHeadersMiddleware(hello_app, SecurityHeaders(https_redirect=True))
    assert call_wsgi(app, "/", host="[::1]:8000").header("Location") == "https://[::1]/"


# --- ASGI --------------------------------------------------------------------------------------


class ASGIResult:
    def __init__(self, messages: list[dict[str, Any]]) -> None:
        self.messages = messages
        start = messages[0]
        assert start["type"] == "http.response.start"
        self.status: int = start["status"]
        self.headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in start["headers"]]
        self.body = b"".join(m.get("body", b"") for m in messages[1:])
        assert messages[-1].get("more_body", False) is False

    def header(self, name: str) -> str | None:
        return header(self.headers, name)


def call_asgi(
    app: Any,
    path: str = "/",
    *,
    method: str = "GET",
    scheme: str = "http",
    headers: list[tuple[bytes, bytes]] | None = None,
    state: dict[str, Any] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": scheme,
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"q=1",
        "headers": headers if headers is not None else [(b"host", b"example.com")],
        "server": ("server.internal", 80),
    }
    if state is not None:
        scope["state"] = state
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent, scope


async def asgi_hello(scope: Any, receive: Any, send: Any) -> None:
    nonce = scope["state"]["csp_nonce"]
    assert scope[web.NONCE_KEY] == nonce
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/html"), (b"set-cookie", b"sid=1")],
        }
    )
    await send({"type": "http.response.body", "body": f'<style nonce="{nonce}">'.encode()})


def test_asgi_headers_nonce_and_cookies() -> None:
    app = ASGISecurityHeadersMiddleware(asgi_hello)
    lifespan_state = {"db": "shared"}
    messages, scope = call_asgi(app, scheme="https", state=lifespan_state)
    result = ASGIResult(messages)
    assert result.status == 200
    csp = result.header("Content-Security-Policy") or ""
    nonce = nonce_of(csp)
    assert f'nonce="{nonce}"'.encode() in result.body
    assert result.header("Strict-Transport-Security")
    assert result.header("Set-Cookie") == "sid=1; HttpOnly; SameSite=Lax; Secure"
    # The caller's scope and the shared lifespan state were not modified.
    assert lifespan_state == {"db": "shared"}
    assert "cuirass.csp_nonce" not in scope
    other = ASGIResult(call_asgi(app)[0])
    assert nonce_of(other.header("Content-Security-Policy")) != nonce
    assert other.header("Strict-Transport-Security") is None


def test_asgi_passes_other_scopes_through() -> None:
    seen: list[Any] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(scope)
        await send({"type": "websocket.accept"})

    async def receive() -> Any:
        return {}

    for kind in ("websocket", "lifespan"):
        scope = {"type": kind, "headers": []}
        sent: list[Any] = []
        asyncio.run(ASGISecurityHeadersMiddleware(app)(scope, receive, _collector(sent)))
        assert seen[-1] is scope
        assert sent == [{"type": "websocket.accept"}]


def _collector(sent: list[Any]) -> Callable[[Any], Any]:
    async def send(message: Any) -> None:
        sent.append(message)

    return send


def test_asgi_error_page(caplog: pytest.LogCaptureFixture) -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise ValueError(SECRET_MESSAGE)

    result = ASGIResult(call_asgi(ASGISecurityHeadersMiddleware(app))[0])
    assert result.status == 500
    correlation_id = result.header("X-Correlation-Id") or ""
    check_safe_error_page(result.body.decode(), correlation_id)
    assert result.header("X-Frame-Options") == "DENY"
    [record] = error_records(caplog)
    assert record.correlation_id == correlation_id  # type: ignore[attr-defined]


def test_asgi_error_after_the_response_started(caplog: pytest.LogCaptureFixture) -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"partial", "more_body": True})
        raise RuntimeError(SECRET_MESSAGE)

    sent: list[Any] = []

    async def send(message: Any) -> None:
        sent.append(message)

    async def receive() -> Any:
        return {"type": "http.request"}

    scope = {"type": "http", "method": "GET", "path": "/", "headers": [], "scheme": "http"}
    with pytest.raises(RuntimeError):
        asyncio.run(ASGISecurityHeadersMiddleware(app)(scope, receive, send))
    # Nothing after the partial body: no second start, no error text.
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    assert len(error_records(caplog)) == 1


@pytest.mark.parametrize(("method", "status"), [("GET", 301), ("POST", 308)])
def test_asgi_https_redirect(method: str, status: int) -> None:
    app = ASGISecurityHeadersMiddleware(asgi_hello, SecurityHeaders(https_redirect=True))
    result = ASGIResult(
        call_asgi(app, "/ü", method=method, headers=[(b"host", b"example.com:8000")])[0]
    )
    assert result.status == status
    assert result.header("Location") == "https://example.com/%C3%BC?q=1"
    assert ASGIResult(call_asgi(app, scheme="https")[0]).status == 200
    bad = ASGIResult(call_asgi(app, headers=[(b"host", b"evil.com/x")])[0])
    assert bad.status == 400


def test_asgi_trusted_forwarded_proto() -> None:
    config = SecurityHeaders(https_redirect=True, trust_forwarded_proto=True)
    app = ASGISecurityHeadersMiddleware(asgi_hello, config)
    headers = [(b"host", b"example.com"), (b"x-forwarded-proto", b"https")]
    result = ASGIResult(call_asgi(app, headers=headers)[0])
    assert result.status == 200
    assert result.header("Strict-Transport-Security")


# --- Helpers -----------------------------------------------------------------------------------


def test_csp_nonce_helper() -> None:
    class Holder:
        def __init__(self, **attributes: Any) -> None:
            self.__dict__.update(attributes)

    assert web.csp_nonce({web.NONCE_KEY: "a"}) == "a"
    assert web.csp_nonce({"type": "http", "state": {"csp_nonce": "b"}}) == "b"
    assert web.csp_nonce(Holder(environ={web.NONCE_KEY: "c"})) == "c"
    assert web.csp_nonce(Holder(scope={"state": {"csp_nonce": "d"}})) == "d"
    assert web.csp_nonce(Holder(csp_nonce="e", META={})) == "e"
    assert web.csp_nonce({}) is None
    assert web.csp_nonce(object()) is None
    assert web.django_context_processor(Holder(csp_nonce="f")) == {"csp_nonce": "f"}


def test_error_page_escapes() -> None:
    page = web.error_page("<script>")
    assert "<script>" not in page
    assert "&lt;script&gt;" in page


def test_public_api_is_documented_and_examples_run() -> None:
    for name in web.__all__:
        obj = getattr(web, name)
        if callable(obj):
            assert (inspect.getdoc(obj) or "").strip(), name
            if inspect.isclass(obj):
                for attr, member in vars(obj).items():
                    if not attr.startswith("_") and callable(member):
                        assert (inspect.getdoc(member) or "").strip(), f"{name}.{attr}"
    result = doctest.testmod(web, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


# --- Flask -------------------------------------------------------------------------------------


def make_flask_app(config: SecurityHeaders | None = None) -> Any:
    import flask

    app = flask.Flask(__name__)
    app.secret_key = "test-only"
    web.install_flask(app, config)

    @app.get("/")
    def index() -> str:
        flask.session["user"] = "alice"
        return flask.render_template_string('<script nonce="{{ csp_nonce() }}">start()</script>')

    @app.get("/crash")
    def crash() -> str:
        raise ValueError(SECRET_MESSAGE)

    @app.post("/form")
    def form() -> str:
        return "posted"

    @app.get("/missing-page-handler")
    def missing() -> str:
        flask.abort(404)

    return app


@pytest.mark.parametrize("base_url", ["http://localhost", "https://localhost"])
def test_flask_headers_nonce_and_cookies(base_url: str) -> None:
    client = make_flask_app().test_client()
    nonces = set()
    for _ in range(3):
        response = client.get("/", base_url=base_url)
        assert response.status_code == 200
        csp = response.headers["Content-Security-Policy"]
        nonce = nonce_of(csp)
        assert response.text == f'<script nonce="{nonce}">start()</script>'
        nonces.add(nonce)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "camera=()" in response.headers["Permissions-Policy"]
        https = base_url.startswith("https")
        assert ("Strict-Transport-Security" in response.headers) == https
        cookie = response.headers["Set-Cookie"]
        assert cookie.startswith("session=")
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert ("Secure" in cookie) == https
    assert len(nonces) == 3


@pytest.mark.parametrize("testing", [False, True])
def test_flask_error_page(testing: bool, caplog: pytest.LogCaptureFixture) -> None:
    app = make_flask_app()
    app.testing = testing  # testing propagates the exception up to the WSGI middleware
    response = app.test_client().get("/crash")
    assert response.status_code == 500
    correlation_id = response.headers["X-Correlation-Id"]
    check_safe_error_page(response.text, correlation_id)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    records = error_records(caplog)
    assert [record.correlation_id for record in records] == [correlation_id]  # type: ignore[attr-defined]
    assert records[0].exc_info and records[0].exc_info[0] is ValueError


def test_flask_error_page_in_debug_mode(caplog: pytest.LogCaptureFixture) -> None:
    app = make_flask_app()
    app.debug = True
    response = app.test_client().get("/crash")
    assert response.status_code == 500
    check_safe_error_page(response.text, response.headers["X-Correlation-Id"])


def test_flask_client_errors_are_untouched() -> None:
    client = make_flask_app().test_client()
    response = client.get("/missing-page-handler")
    assert response.status_code == 404
    assert "X-Correlation-Id" not in response.headers
    assert response.headers["X-Frame-Options"] == "DENY"


def test_flask_https_redirect() -> None:
    client = make_flask_app(SecurityHeaders(https_redirect=True)).test_client()
    response = client.get("/?a=1")
    assert response.status_code == 301
    assert response.headers["Location"] == "https://localhost/?a=1"
    response = client.post("/form")
    assert response.status_code == 308
    assert response.headers["Location"] == "https://localhost/form"
    response = client.post("/form", base_url="https://localhost")
    assert response.status_code == 200
    assert response.text == "posted"


# --- Django ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def django_setup() -> None:
    import djangoapp

    djangoapp.setup()


def django_client(**kwargs: Any) -> Any:
    from django.test import Client

    return Client(**kwargs)


def test_django_headers_nonce_and_cookies(django_setup: None) -> None:
    client = django_client()
    nonces = set()
    for secure in (False, True, False):
        response = client.get("/page", secure=secure)
        assert response.status_code == 200
        csp = response.headers["Content-Security-Policy"]
        nonce = nonce_of(csp)
        assert response.content.decode() == (
            f'<script nonce="{nonce}">run()</script><p>{nonce}</p>'
        )
        nonces.add(nonce)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
        assert ("Strict-Transport-Security" in response.headers) == secure
        session = response.cookies["sessionid"]
        assert session["httponly"] is True
        assert session["samesite"] == "Lax"
        assert bool(session["secure"]) == secure
        prefs = response.cookies["prefs"]
        assert prefs["samesite"] == "Strict"  # set by the view: kept
        assert prefs["httponly"] is True
    assert len(nonces) == 3


def test_django_keeps_the_views_own_csp(django_setup: None) -> None:
    response = django_client().get("/custom-csp")
    assert response.headers["Content-Security-Policy"] == "default-src 'none'"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("debug", [False, True])
def test_django_error_page(
    django_setup: None, debug: bool, caplog: pytest.LogCaptureFixture
) -> None:
    from django.test import override_settings

    with override_settings(DEBUG=debug):
        response = django_client().get("/crash")
    assert response.status_code == 500
    correlation_id = response.headers["X-Correlation-Id"]
    check_safe_error_page(response.content.decode(), correlation_id)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    [record] = error_records(caplog)
    assert record.correlation_id == correlation_id  # type: ignore[attr-defined]
    assert record.exc_info and record.exc_info[0] is ValueError


def test_django_404_is_not_an_error(django_setup: None, caplog: pytest.LogCaptureFixture) -> None:
    response = django_client().get("/no-such-page")
    assert response.status_code == 404
    assert error_records(caplog) == []
    assert response.headers["X-Frame-Options"] == "DENY"


def test_django_https_redirect(django_setup: None) -> None:
    from django.test import override_settings

    config = SecurityHeaders(https_redirect=True, redirect_exempt=["/form"])
    with override_settings(CUIRASS_SECURITY_HEADERS=config):
        client = django_client()
        response = client.get("/page?x=1")
        assert response.status_code == 301
        assert response.headers["Location"] == "https://testserver/page?x=1"
        assert client.get("/page", secure=True).status_code == 200
        assert client.post("/form").status_code == 200
    with override_settings(CUIRASS_SECURITY_HEADERS={"https_redirect": True}):
        response = django_client().post("/form")
        assert response.status_code == 308


def test_django_bad_setting(django_setup: None) -> None:
    from django.test import override_settings

    with override_settings(CUIRASS_SECURITY_HEADERS="strict"), pytest.raises(ConfigurationError):
        django_client().get("/page")


# --- FastAPI -----------------------------------------------------------------------------------


def make_fastapi_app(config: SecurityHeaders | None = None) -> Any:
    from fastapi import FastAPI
    from fastapi.responses import HTMLResponse, PlainTextResponse

    app = FastAPI()
    app.add_middleware(ASGISecurityHeadersMiddleware, headers=config)

    @app.get("/", response_class=HTMLResponse)
    async def index(request: Request) -> HTMLResponse:
        response = HTMLResponse(f'<script nonce="{request.state.csp_nonce}">go()</script>')
        response.set_cookie("sid", "abc")
        return response

    @app.get("/crash")
    async def crash() -> None:
        raise ValueError(SECRET_MESSAGE)

    @app.post("/items")
    def create() -> PlainTextResponse:
        return PlainTextResponse("created")

    @app.websocket("/ws")
    async def socket(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text("hello")
        await websocket.close()

    return app


@pytest.mark.parametrize("base_url", ["http://testserver", "https://testserver"])
def test_fastapi_headers_nonce_and_cookies(base_url: str) -> None:
    from fastapi.testclient import TestClient

    with TestClient(make_fastapi_app(), base_url=base_url) as client:
        nonces = set()
        for _ in range(3):
            response = client.get("/")
            assert response.status_code == 200
            nonce = nonce_of(response.headers["content-security-policy"])
            assert response.text == f'<script nonce="{nonce}">go()</script>'
            nonces.add(nonce)
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["x-frame-options"] == "DENY"
            assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
            https = base_url.startswith("https")
            assert ("strict-transport-security" in response.headers) == https
            cookie = response.headers["set-cookie"]
            assert "HttpOnly" in cookie and "SameSite=" in cookie
            assert ("Secure" in cookie) == https
        assert len(nonces) == 3


def test_fastapi_error_page(caplog: pytest.LogCaptureFixture) -> None:
    from fastapi.testclient import TestClient

    # raise_server_exceptions stays on: the middleware must have handled the exception.
    with TestClient(make_fastapi_app()) as client:
        response = client.get("/crash")
    assert response.status_code == 500
    correlation_id = response.headers["x-correlation-id"]
    check_safe_error_page(response.text, correlation_id)
    assert response.headers["x-frame-options"] == "DENY"
    [record] = error_records(caplog)
    assert record.correlation_id == correlation_id  # type: ignore[attr-defined]


def test_fastapi_https_redirect_and_websockets() -> None:
    from fastapi.testclient import TestClient

    app = make_fastapi_app(SecurityHeaders(https_redirect=True))
    with TestClient(app, follow_redirects=False) as client:
        response = client.get("/?page=2")
        assert response.status_code == 301
        assert response.headers["location"] == "https://testserver/?page=2"
        response = client.post("/items")
        assert response.status_code == 308
        # WebSocket scopes pass through untouched.
        with client.websocket_connect("/ws") as websocket:
            assert websocket.receive_text() == "hello"
    with TestClient(app, base_url="https://testserver") as client:
        assert client.post("/items").text == "created"
