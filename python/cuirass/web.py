"""Security headers, HTTPS redirects, cookie flags and safe error pages: WSGI and ASGI middleware.

Wrap the application once and every response gets the headers the OWASP Secure Headers project
recommends, with safe defaults:

- ``Content-Security-Policy``: ``default-src 'self'``, scripts and styles only from the site or
  with the per-request nonce, no plugins, no ``<base>`` or form hijacking, framing refused;
- ``Strict-Transport-Security`` (two years, subdomains), sent on HTTPS responses only;
- ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``,
  ``Referrer-Policy: strict-origin-when-cross-origin``, a ``Permissions-Policy`` that turns off
  camera, microphone, geolocation, payment, USB and motion sensors, and
  ``Cross-Origin-Opener-Policy: same-origin``.

Headers the application sets itself are kept (its CSP for one page, say) unless
``override=True``. ``Set-Cookie`` headers get the flags they lack: ``HttpOnly``,
``SameSite=Lax``, and ``Secure`` on HTTPS requests (or always, with ``cookie_secure="always"``).

>>> def app(environ, start_response):
...     nonce = environ["cuirass.csp_nonce"]
...     start_response("200 OK", [("Content-Type", "text/html")])
...     return [f'<script nonce="{nonce}">go()</script>'.encode()]
>>> wrapped = SecurityHeadersMiddleware(app)

**CSP nonces.** Each request gets a fresh 128-bit nonce, added to ``script-src`` and
``style-src`` and handed to the application: ``environ["cuirass.csp_nonce"]`` (WSGI),
``scope["state"]["csp_nonce"]`` (ASGI: ``request.state.csp_nonce`` in Starlette and FastAPI), or
:func:`csp_nonce` on any of those or a framework request. Inline ``<script>`` and ``<style>``
blocks run only with ``nonce="…"``. :func:`install_flask` makes ``csp_nonce()`` a Jinja global;
:func:`django_context_processor` gives Django templates ``{{ csp_nonce }}``.

**HTTPS.** ``https_redirect=True`` sends plain-HTTP requests to ``https://`` (301 for GET and
HEAD, 308 otherwise, so a POST is not turned into a GET). Behind a TLS-terminating proxy, set
``trust_forwarded_proto=True`` so ``X-Forwarded-Proto`` (the value the nearest proxy added) says
whether the request was HTTPS; only do so when the proxy overwrites that header, or clients
could claim HTTPS themselves.

**Errors.** An exception escaping the application is logged with its traceback on the
``cuirass.web`` logger, under a fresh correlation id (a UUID4), and the client gets a generic
500 page that shows only that id (also in the ``X-Correlation-Id`` header), never a traceback or
an exception message. If the response had already started, nothing more is sent and the
exception propagates, so the server aborts the connection rather than sending a truncated body
as if it were complete.

Frameworks:

- Flask: :func:`install_flask` (wraps ``app.wsgi_app``, the Jinja nonce global, the 500 page);
- Django: add ``"cuirass.web.DjangoSecurityMiddleware"`` first in ``MIDDLEWARE`` (configure it
  with ``CUIRASS_SECURITY_HEADERS = SecurityHeaders(...)`` in settings) and
  ``"cuirass.web.django_context_processor"`` to the template context processors;
- FastAPI and Starlette: ``app.add_middleware(ASGISecurityHeadersMiddleware, headers=...)``;
- anything else: wrap the WSGI or ASGI callable.
"""

from __future__ import annotations

import base64
import dataclasses
import html
import importlib
import logging
import re
import secrets
import sys
import types
import urllib.parse
import uuid
from collections.abc import (
    Awaitable,
    Callable,
    Collection,
    Iterable,
    Iterator,
    Mapping,
    MutableMapping,
    Sequence,
)
from typing import TYPE_CHECKING, Any, Literal

from cuirass.exceptions import ConfigurationError

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = [
    "DEFAULT_CSP",
    "DEFAULT_PERMISSIONS_POLICY",
    "NONCE_KEY",
    "ASGISecurityHeadersMiddleware",
    "ConfigurationError",
    "DjangoSecurityMiddleware",
    "SecurityHeaders",
    "SecurityHeadersMiddleware",
    "csp_nonce",
    "django_context_processor",
    "error_page",
    "install_flask",
]

logger = logging.getLogger("cuirass.web")

#: Where the per-request nonce is stored: the WSGI environ key, and the ASGI scope key (besides
#: ``scope["state"]["csp_nonce"]``).
NONCE_KEY = "cuirass.csp_nonce"

#: The default Content-Security-Policy. ``'nonce-…'`` is added to ``script-src`` and
#: ``style-src`` per request, and ``frame-ancestors`` follows ``frame_options`` unless given.
DEFAULT_CSP: Mapping[str, Sequence[str]] = types.MappingProxyType(
    {
        "default-src": ("'self'",),
        "script-src": ("'self'",),
        "style-src": ("'self'",),
        "img-src": ("'self'", "data:"),
        "font-src": ("'self'",),
        "connect-src": ("'self'",),
        "object-src": ("'none'",),
        "base-uri": ("'self'",),
        "form-action": ("'self'",),
    }
)

#: Powerful features nobody asked the site to use: turned off for every origin.
DEFAULT_PERMISSIONS_POLICY: Mapping[str, Sequence[str]] = types.MappingProxyType(
    {
        "accelerometer": (),
        "camera": (),
        "geolocation": (),
        "gyroscope": (),
        "magnetometer": (),
        "microphone": (),
        "payment": (),
        "usb": (),
    }
)

_REFERRER_POLICIES = frozenset(
    {
        "no-referrer",
        "no-referrer-when-downgrade",
        "origin",
        "origin-when-cross-origin",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
        "unsafe-url",
    }
)
_COOP_VALUES = frozenset({"same-origin", "same-origin-allow-popups", "unsafe-none"})
_CORP_VALUES = frozenset({"same-origin", "same-site", "cross-origin"})
_NONCE_DIRECTIVES = ("script-src", "style-src")
# A placeholder no source expression can contain; replaced by the request's nonce.
_NONCE_SLOT = "'nonce-\x00'"
_DIRECTIVE_NAME = re.compile(r"[a-z][a-z0-9-]*\Z")
_FEATURE_NAME = re.compile(r"[a-z][a-z0-9-]*\Z")
_HOST = re.compile(
    r"(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?\Z"
)

_ERROR_PAGE = """\
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Server error</title></head>
<body>
<h1>Something went wrong</h1>
<p>The error has been recorded. If you contact us about it, please quote this reference:</p>
<p><code>{correlation_id}</code></p>
</body>
</html>
"""


def _header_value(name: str, value: str) -> str:
    if any(c in value for c in "\r\n\x00") or not value.isprintable():
        raise ConfigurationError(f"the {name} header value contains control characters")
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        raise ConfigurationError(f"the {name} header value is not Latin-1") from None
    return value


def _build_csp(
    csp: Mapping[str, str | Sequence[str]] | str, nonce: bool, frame_ancestors: str | None
) -> str:
    if isinstance(csp, str):
        policy = _header_value("Content-Security-Policy", csp.strip())
        if nonce:
            # A hand-written policy: add the nonce to its script-src and style-src.
            parts = [part.strip() for part in policy.split(";") if part.strip()]
            for index, part in enumerate(parts):
                name = part.split(None, 1)[0].lower()
                if name in _NONCE_DIRECTIVES:
                    parts[index] = f"{part} {_NONCE_SLOT}"
            policy = "; ".join(parts)
        return policy
    directives: list[str] = []
    names: set[str] = set()
    for name, sources in csp.items():
        if not isinstance(name, str) or not _DIRECTIVE_NAME.match(name):
            raise ConfigurationError(f"{name!r} is not a CSP directive name")
        values = [sources] if isinstance(sources, str) else list(sources)
        for source in values:
            if not isinstance(source, str) or not source or any(c in source for c in ";, \t"):
                raise ConfigurationError(
                    f"CSP directive {name!r}: {source!r} is not a single source expression"
                )
            _header_value("Content-Security-Policy", source)
        if nonce and name in _NONCE_DIRECTIVES and "'none'" not in values:
            values.append(_NONCE_SLOT)
        names.add(name)
        directives.append(" ".join([name, *values]))
    if frame_ancestors is not None and "frame-ancestors" not in names:
        directives.append(f"frame-ancestors {frame_ancestors}")
    return "; ".join(directives)


def _build_permissions_policy(policy: Mapping[str, Sequence[str]] | str) -> str:
    if isinstance(policy, str):
        return _header_value("Permissions-Policy", policy.strip())
    items: list[str] = []
    for feature, allow in policy.items():
        if not isinstance(feature, str) or not _FEATURE_NAME.match(feature):
            raise ConfigurationError(f"{feature!r} is not a Permissions-Policy feature name")
        if isinstance(allow, str):
            raise ConfigurationError(
                f"Permissions-Policy {feature!r}: give a list of origins, not the str {allow!r}"
            )
        members: list[str] = []
        for origin in allow:
            if origin in ("*", "self", "src"):
                members.append(origin)
            elif isinstance(origin, str) and origin.startswith(("https://", "http://")):
                members.append(f'"{_header_value("Permissions-Policy", origin)}"')
            else:
                raise ConfigurationError(
                    f"Permissions-Policy {feature!r}: {origin!r} is not *, self, src or an origin"
                )
        items.append(f"{feature}=*" if members == ["*"] else f"{feature}=({' '.join(members)})")
    return ", ".join(items)


@dataclasses.dataclass(frozen=True, eq=False)
class SecurityHeaders:
    """What the middleware sends; every default is the safe choice.

    Set an item to ``None`` (or ``False``) to leave that header out. The configuration is checked
    when it is built, so a malformed value is a :class:`~cuirass.exceptions.ConfigurationError`
    at start-up, never a broken header in production.

    - ``csp``: the Content-Security-Policy as a mapping of directive to sources (see
      :data:`DEFAULT_CSP`) or a ready-made string; ``csp_nonce`` adds the per-request nonce to
      ``script-src`` and ``style-src``; ``csp_report_only`` sends it as
      ``Content-Security-Policy-Report-Only`` (to try a policy out first).
    - ``hsts_max_age``, ``hsts_include_subdomains``, ``hsts_preload``: Strict-Transport-Security,
      sent on HTTPS responses only (browsers ignore it over HTTP). ``None`` leaves it out.
    - ``frame_options``: ``"DENY"`` or ``"SAMEORIGIN"`` (also the CSP ``frame-ancestors``
      unless the policy sets it); ``content_type_options``: ``nosniff``.
    - ``referrer_policy``, ``permissions_policy`` (mapping of feature to allowed origins, ``()``
      for none, or a string), ``cross_origin_opener_policy``, ``cross_origin_resource_policy``.
    - ``https_redirect``, ``redirect_host`` (send every redirect to this host instead of the
      request's ``Host``), ``redirect_exempt`` (path prefixes served over HTTP, e.g. a health
      check), ``trust_forwarded_proto``.
    - ``cookie_flags``: add missing ``HttpOnly``/``SameSite``/``Secure`` to ``Set-Cookie``;
      ``cookie_samesite``; ``cookie_secure``: ``"https"`` (on HTTPS requests) or ``"always"``;
      ``httponly_exempt``: cookie names scripts must read (a JavaScript CSRF token).
    - ``override``: replace headers the application set itself.
    - ``handle_errors``: the generic 500 page; ``error_template``: its HTML, with
      ``{correlation_id}`` where the id goes.
    """

    csp: Mapping[str, str | Sequence[str]] | str | None = dataclasses.field(
        default_factory=lambda: dict(DEFAULT_CSP)
    )
    csp_nonce: bool = True
    csp_report_only: bool = False
    hsts_max_age: int | None = 63_072_000
    hsts_include_subdomains: bool = True
    hsts_preload: bool = False
    frame_options: Literal["DENY", "SAMEORIGIN"] | None = "DENY"
    content_type_options: bool = True
    referrer_policy: str | None = "strict-origin-when-cross-origin"
    permissions_policy: Mapping[str, Sequence[str]] | str | None = dataclasses.field(
        default_factory=lambda: dict(DEFAULT_PERMISSIONS_POLICY)
    )
    cross_origin_opener_policy: str | None = "same-origin"
    cross_origin_resource_policy: str | None = None
    https_redirect: bool = False
    redirect_host: str | None = None
    redirect_exempt: Collection[str] = ()
    trust_forwarded_proto: bool = False
    cookie_flags: bool = True
    cookie_samesite: Literal["Lax", "Strict", "None"] = "Lax"
    cookie_secure: Literal["https", "always"] = "https"
    httponly_exempt: Collection[str] = ()
    override: bool = False
    handle_errors: bool = True
    error_template: str = _ERROR_PAGE
    # Pre-rendered by __post_init__.
    _static: tuple[tuple[str, str], ...] = dataclasses.field(init=False, repr=False, default=())
    _hsts: str | None = dataclasses.field(init=False, repr=False, default=None)
    _csp: str | None = dataclasses.field(init=False, repr=False, default=None)
    _httponly_names: frozenset[str] = dataclasses.field(init=False, repr=False, default=frozenset())
    _redirect_prefixes: tuple[str, ...] = dataclasses.field(init=False, repr=False, default=())

    def __post_init__(self) -> None:
        # Everything is validated and pre-rendered once; requests only fill in the nonce.
        static: list[tuple[str, str]] = []
        if self.content_type_options:
            static.append(("X-Content-Type-Options", "nosniff"))
        if self.frame_options is not None:
            if self.frame_options not in ("DENY", "SAMEORIGIN"):
                raise ConfigurationError(
                    f"frame_options must be 'DENY' or 'SAMEORIGIN', not {self.frame_options!r}"
                )
            static.append(("X-Frame-Options", self.frame_options))
        if self.referrer_policy is not None:
            for token in self.referrer_policy.split(","):
                if token.strip() not in _REFERRER_POLICIES:
                    raise ConfigurationError(f"{token.strip()!r} is not a Referrer-Policy value")
            static.append(("Referrer-Policy", self.referrer_policy))
        if self.permissions_policy is not None:
            static.append(
                ("Permissions-Policy", _build_permissions_policy(self.permissions_policy))
            )
        if self.cross_origin_opener_policy is not None:
            if self.cross_origin_opener_policy not in _COOP_VALUES:
                raise ConfigurationError(
                    f"{self.cross_origin_opener_policy!r} is not a Cross-Origin-Opener-Policy"
                )
            static.append(("Cross-Origin-Opener-Policy", self.cross_origin_opener_policy))
        if self.cross_origin_resource_policy is not None:
            if self.cross_origin_resource_policy not in _CORP_VALUES:
                raise ConfigurationError(
                    f"{self.cross_origin_resource_policy!r} is not a Cross-Origin-Resource-Policy"
                )
            static.append(("Cross-Origin-Resource-Policy", self.cross_origin_resource_policy))

        hsts: str | None = None
        if self.hsts_max_age is not None:
            if isinstance(self.hsts_max_age, bool) or self.hsts_max_age < 0:
                raise ConfigurationError("hsts_max_age must be a non-negative number of seconds")
            hsts = f"max-age={int(self.hsts_max_age)}"
            if self.hsts_include_subdomains:
                hsts += "; includeSubDomains"
            if self.hsts_preload:
                if not self.hsts_include_subdomains or self.hsts_max_age < 31_536_000:
                    raise ConfigurationError(
                        "hsts_preload needs hsts_include_subdomains and a max-age of a year or more"
                    )
                hsts += "; preload"

        csp: str | None = None
        if self.csp is not None:
            ancestors = {"DENY": "'none'", "SAMEORIGIN": "'self'", None: None}[self.frame_options]
            csp = _build_csp(self.csp, self.csp_nonce, ancestors) or None

        if self.redirect_host is not None and not _HOST.match(self.redirect_host):
            raise ConfigurationError(f"redirect_host {self.redirect_host!r} is not a host[:port]")
        if isinstance(self.redirect_exempt, str) or isinstance(self.httponly_exempt, str):
            raise ConfigurationError("redirect_exempt and httponly_exempt are collections of str")
        if self.cookie_samesite not in ("Lax", "Strict", "None"):
            raise ConfigurationError("cookie_samesite must be 'Lax', 'Strict' or 'None'")
        if self.cookie_secure not in ("https", "always"):
            raise ConfigurationError("cookie_secure must be 'https' or 'always'")
        if "{correlation_id}" not in self.error_template:
            raise ConfigurationError("error_template must contain {correlation_id}")

        object.__setattr__(self, "_static", tuple(static))
        object.__setattr__(self, "_hsts", hsts)
        object.__setattr__(self, "_csp", csp)
        object.__setattr__(self, "_httponly_names", frozenset(self.httponly_exempt))
        object.__setattr__(self, "_redirect_prefixes", tuple(self.redirect_exempt))

    @property
    def csp_header_name(self) -> str:
        """``Content-Security-Policy``, or its ``-Report-Only`` variant."""
        if self.csp_report_only:
            return "Content-Security-Policy-Report-Only"
        return "Content-Security-Policy"

    def response_headers(self, *, https: bool, nonce: str | None = None) -> list[tuple[str, str]]:
        """The headers for one response: HSTS only when ``https``, the CSP with ``nonce``."""
        headers = list(self._static)
        csp = self._csp
        if csp is not None:
            if nonce is not None:
                csp = csp.replace(_NONCE_SLOT, f"'nonce-{nonce}'")
            else:
                csp = csp.replace(f" {_NONCE_SLOT}", "")
            headers.append((self.csp_header_name, csp))
        if https and self._hsts is not None:
            headers.append(("Strict-Transport-Security", self._hsts))
        return headers

    def secure_cookie(self, set_cookie: str, *, https: bool) -> str:
        """``set_cookie`` (a ``Set-Cookie`` value) with the missing flags added."""
        if not self.cookie_flags:
            return set_cookie
        name = set_cookie.split("=", 1)[0].strip()
        present = {part.split("=", 1)[0].strip().lower() for part in set_cookie.split(";")[1:]}
        value = set_cookie.rstrip().rstrip(";")
        if "httponly" not in present and name not in self._httponly_names:
            value += "; HttpOnly"
        if "samesite" not in present:
            value += f"; SameSite={self.cookie_samesite}"
        samesite_none = re.search(r";\s*samesite\s*=\s*none\b", value, re.IGNORECASE) is not None
        if "secure" not in present and (https or self.cookie_secure == "always" or samesite_none):
            # Browsers drop `SameSite=None` cookies without `Secure`.
            value += "; Secure"
        return value

    def render_error_page(self, correlation_id: str) -> str:
        """The generic error page, with only the (escaped) correlation id in it."""
        return self.error_template.replace("{correlation_id}", html.escape(correlation_id))

    def redirect_exempt_path(self, path: str) -> bool:
        """Whether ``path`` is served over plain HTTP despite ``https_redirect``."""
        return any(path.startswith(prefix) for prefix in self._redirect_prefixes)


def _new_nonce() -> str:
    return base64.b64encode(secrets.token_bytes(16)).decode("ascii")


def _new_correlation_id() -> str:
    return str(uuid.uuid4())


def _forwarded_https(value: str | None) -> bool:
    # The last entry is the one the nearest (trusted) proxy added.
    if not value:
        return False
    return value.split(",")[-1].strip().lower() == "https"


def _redirect_location(
    config: SecurityHeaders, host: str | None, path: str | bytes, query: str
) -> str:
    if config.redirect_host is not None:
        target = config.redirect_host
    else:
        if not host or not _HOST.match(host):
            return ""
        # Drop the port: the HTTP port (80, 8080) is not the HTTPS one.
        target = host.rsplit(":", 1)[0] if not host.endswith("]") and ":" in host else host
    location = f"https://{target}{urllib.parse.quote(path, safe='/%;=,:@!$&()*+~-._')}"
    if query:
        # Already encoded by the client; re-quoting only touches what must never be in a header.
        location += "?" + urllib.parse.quote(query, safe="/%;=,:@!$&'()*+~-._?")
    return location


def error_page(correlation_id: str, headers: SecurityHeaders | None = None) -> str:
    """The generic 500 page for ``correlation_id`` (the configured template, or the default)."""
    return (headers or _DEFAULT).render_error_page(correlation_id)


def _log_exception(correlation_id: str, method: str, path: str, exc_info: Any) -> None:
    logger.error(
        "unhandled exception, correlation id %s: %s %r",
        correlation_id,
        method,
        path,
        exc_info=exc_info,
        extra={"correlation_id": correlation_id, "cuirass_event": "unhandled_exception"},
    )


def _merge_headers(
    config: SecurityHeaders,
    app_headers: Iterable[tuple[str, str]],
    https: bool,
    nonce: str | None,
) -> list[tuple[str, str]]:
    ours = config.response_headers(https=https, nonce=nonce)
    ours_lower = {name.lower() for name, _ in ours}
    merged: list[tuple[str, str]] = []
    present: set[str] = set()
    for name, value in app_headers:
        lower = name.lower()
        if config.override and lower in ours_lower:
            continue
        if lower == "set-cookie":
            value = config.secure_cookie(value, https=https)
        present.add(lower)
        merged.append((name, value))
    merged.extend((name, value) for name, value in ours if name.lower() not in present)
    return merged


_DEFAULT = SecurityHeaders()


# --- WSGI --------------------------------------------------------------------------------------


class SecurityHeadersMiddleware:
    """WSGI middleware: security headers, the CSP nonce, HTTPS redirect, cookie flags and the
    generic error page. ``SecurityHeadersMiddleware(app, headers=SecurityHeaders(...))``."""

    def __init__(self, app: WSGIApplication, headers: SecurityHeaders | None = None) -> None:
        self.app = app
        self.config = headers or _DEFAULT

    def is_https(self, environ: WSGIEnvironment) -> bool:
        """Whether the request came over HTTPS (trusting ``X-Forwarded-Proto`` if configured)."""
        if environ.get("wsgi.url_scheme") == "https":
            return True
        return self.config.trust_forwarded_proto and _forwarded_https(
            environ.get("HTTP_X_FORWARDED_PROTO")
        )

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        config = self.config
        request = _WSGIRequest(self, environ, start_response)
        if (
            config.https_redirect
            and not request.https
            and not config.redirect_exempt_path(request.path)
        ):
            return request.redirect()
        if not config.handle_errors:
            return self.app(environ, request.start_response)
        try:
            result = self.app(environ, request.start_response)
        except Exception:  # noqa: BLE001 - logged with its traceback, answered with a 500 page.
            return request.error(sys.exc_info())
        return request.guard(result)


class _WSGIRequest:
    """The state of one request through :class:`SecurityHeadersMiddleware`."""

    def __init__(
        self,
        middleware: SecurityHeadersMiddleware,
        environ: WSGIEnvironment,
        start_response: StartResponse,
    ) -> None:
        self.config = middleware.config
        self.environ = environ
        self.server_start_response = start_response
        self.https = middleware.is_https(environ)
        self.nonce = _new_nonce() if self.config.csp_nonce else None
        if self.nonce is not None:
            environ[NONCE_KEY] = self.nonce
        self.method = str(environ.get("REQUEST_METHOD", "GET"))
        self.path = str(environ.get("SCRIPT_NAME", "")) + str(environ.get("PATH_INFO", ""))
        self.started = False

    def headers(
        self, headers: Iterable[tuple[str, str]], nonce: bool = True
    ) -> list[tuple[str, str]]:
        return _merge_headers(self.config, headers, self.https, self.nonce if nonce else None)

    def start_response(
        self, status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[[bytes], object]:
        self.started = True
        return self.server_start_response(status, self.headers(headers), exc_info)

    def guard(self, result: Iterable[bytes]) -> Iterator[bytes]:
        # Errors raised while the body is produced (lazy responses, generators).
        sent_body = False
        try:
            for chunk in result:
                if chunk:
                    sent_body = True
                yield chunk
        except Exception:
            if sent_body:
                # Too late for a page: log, then let the server abort the connection.
                _log_exception(_new_correlation_id(), self.method, self.path, sys.exc_info())
                raise
            yield from self.error(sys.exc_info())
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()

    def error(self, exc_info: Any) -> list[bytes]:
        correlation_id = _new_correlation_id()
        _log_exception(correlation_id, self.method, self.path, exc_info)
        body = self.config.render_error_page(correlation_id).encode("utf-8")
        headers = [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
            ("X-Correlation-Id", correlation_id),
        ]
        # Only when the application had called start_response: exc_info lets the server replace
        # a status line it has not sent yet (or, if it has, re-raise and abort, which is right
        # too). Passed otherwise, some servers and test clients re-raise needlessly.
        self.server_start_response(
            "500 Internal Server Error", self.headers(headers), exc_info if self.started else None
        )
        return [body]

    def redirect(self) -> list[bytes]:
        environ = self.environ
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME")
        # PEP 3333: PATH_INFO holds the raw bytes decoded as Latin-1; quote those bytes as they
        # are (a server that broke the rule gets its text UTF-8 encoded instead).
        try:
            path: bytes = self.path.encode("latin-1")
        except UnicodeEncodeError:
            path = self.path.encode("utf-8", "surrogateescape")
        location = _redirect_location(self.config, host, path, environ.get("QUERY_STRING", ""))
        if not location:
            body = b"Bad Request: invalid Host header"
            status = "400 Bad Request"
            headers = [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))]
        else:
            body = b""
            status = (
                "301 Moved Permanently"
                if self.method in ("GET", "HEAD")
                else "308 Permanent Redirect"
            )
            headers = [("Location", location), ("Content-Length", "0")]
        self.server_start_response(status, self.headers(headers, nonce=False))
        return [body]


# --- ASGI --------------------------------------------------------------------------------------


def _asgi_headers(headers: Iterable[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    # ASGI (like HTTP/2) wants lowercase header names.
    return [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers]


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class ASGISecurityHeadersMiddleware:
    """ASGI middleware (HTTP only; WebSocket and lifespan pass straight through), doing what
    :class:`SecurityHeadersMiddleware` does for WSGI.

    With Starlette or FastAPI, ``app.add_middleware(ASGISecurityHeadersMiddleware,
    headers=SecurityHeaders(...))`` puts it inside Starlette's own error middleware, so it sees
    exceptions before any response starts and answers with the generic page.
    """

    def __init__(self, app: ASGIApp, headers: SecurityHeaders | None = None) -> None:
        self.app = app
        self.config = headers or _DEFAULT

    def is_https(self, scope: Scope) -> bool:
        """Whether the request came over HTTPS (trusting ``X-Forwarded-Proto`` if configured)."""
        if scope.get("scheme") in ("https", "wss"):
            return True
        if not self.config.trust_forwarded_proto:
            return False
        values = [
            value.decode("latin-1")
            for name, value in scope.get("headers", ())
            if name.lower() == b"x-forwarded-proto"
        ]
        return _forwarded_https(",".join(values))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        config = self.config
        https = self.is_https(scope)
        nonce = _new_nonce() if config.csp_nonce else None
        if nonce is not None:
            # A copy: the server may share `state` (lifespan state) between requests.
            scope = dict(scope)
            state = dict(scope.get("state") or {})
            state["csp_nonce"] = nonce
            scope["state"] = state
            scope[NONCE_KEY] = nonce
        method = str(scope.get("method", "GET"))
        # Servers disagree on whether `path` includes `root_path` (the spec now says it does).
        root, path = str(scope.get("root_path", "")), str(scope.get("path", ""))
        if root and not path.startswith(root):
            path = root + path
        if config.https_redirect and not https and not config.redirect_exempt_path(path):
            await self._redirect(scope, send, method, path, https)
            return

        started = False

        async def secured_send(message: Message) -> None:
            nonlocal started
            if message.get("type") == "http.response.start":
                started = True
                headers = [
                    (name.decode("latin-1"), value.decode("latin-1"))
                    for name, value in message.get("headers", ())
                ]
                message = dict(message)
                message["headers"] = _asgi_headers(_merge_headers(config, headers, https, nonce))
            await send(message)

        if not config.handle_errors:
            await self.app(scope, receive, secured_send)
            return
        try:
            await self.app(scope, receive, secured_send)
        except Exception:
            correlation_id = _new_correlation_id()
            _log_exception(correlation_id, method, path, sys.exc_info())
            if started:
                # Too late for a page: let the server abort the connection.
                raise
            body = config.render_error_page(correlation_id).encode("utf-8")
            headers = [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Length", str(len(body))),
                ("Cache-Control", "no-store"),
                ("X-Correlation-Id", correlation_id),
            ]
            await send(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": _asgi_headers(_merge_headers(config, headers, https, nonce)),
                }
            )
            await send({"type": "http.response.body", "body": body, "more_body": False})

    async def _redirect(
        self, scope: Scope, send: Send, method: str, path: str, https: bool
    ) -> None:
        host: str | None = None
        for name, value in scope.get("headers", ()):
            if name.lower() == b"host":
                host = value.decode("latin-1")
                break
        if host is None and scope.get("server"):
            host = str(scope["server"][0])
        query = bytes(scope.get("query_string", b"")).decode("latin-1")
        location = _redirect_location(self.config, host, path, query)
        if not location:
            status, headers, body = 400, [("Content-Type", "text/plain")], b"Bad Request"
        else:
            status = 301 if method in ("GET", "HEAD") else 308
            headers, body = [("Location", location)], b""
        headers.append(("Content-Length", str(len(body))))
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": _asgi_headers(_merge_headers(self.config, headers, https, None)),
            }
        )
        await send({"type": "http.response.body", "body": body, "more_body": False})


# --- Helpers and framework integration ---------------------------------------------------------


def csp_nonce(source: Any) -> str | None:
    """The CSP nonce of a request, from whatever the code at hand holds.

    ``source`` may be a WSGI environ, an ASGI scope, or a request object of Flask/Werkzeug
    (``request.environ``), Django (``request.csp_nonce``, ``META`` or ``scope``) or
    Starlette/FastAPI (``request.scope``). ``None`` when the middleware did not run.
    """
    nonce = getattr(source, "csp_nonce", None)
    if isinstance(nonce, str):
        return nonce
    for attribute in ("environ", "scope", "META"):
        inner = getattr(source, attribute, None)
        if isinstance(inner, Mapping):
            found = csp_nonce(inner)
            if found is not None:
                return found
    if isinstance(source, Mapping):
        value = source.get(NONCE_KEY)
        if isinstance(value, str):
            return value
        state = source.get("state")
        if isinstance(state, Mapping) and isinstance(state.get("csp_nonce"), str):
            return str(state["csp_nonce"])
    return None


def install_flask(
    app: Any, headers: SecurityHeaders | None = None, *, error_pages: bool = True
) -> None:
    """Secure a Flask application in one call.

    Wraps ``app.wsgi_app`` in :class:`SecurityHeadersMiddleware`, makes ``csp_nonce()`` a Jinja
    global (``<script nonce="{{ csp_nonce() }}">``), and, with ``error_pages``, answers Flask's
    own 500 (an exception Flask caught) with the generic page: the traceback is logged under a
    correlation id on ``cuirass.web``.
    """
    config = headers or _DEFAULT
    app.wsgi_app = SecurityHeadersMiddleware(app.wsgi_app, config)

    def flask_nonce() -> str:
        flask = importlib.import_module("flask")
        return csp_nonce(flask.request.environ) or ""

    app.jinja_env.globals["csp_nonce"] = flask_nonce
    if error_pages and config.handle_errors:

        def internal_error(error: Any) -> Any:
            flask = importlib.import_module("flask")
            original = getattr(error, "original_exception", None) or error
            correlation_id = _new_correlation_id()
            _log_exception(
                correlation_id,
                str(flask.request.method),
                str(flask.request.path),
                (type(original), original, original.__traceback__),
            )
            response = flask.make_response(config.render_error_page(correlation_id), 500)
            response.headers["Content-Type"] = "text/html; charset=utf-8"
            response.headers["Cache-Control"] = "no-store"
            response.headers["X-Correlation-Id"] = correlation_id
            return response

        app.register_error_handler(500, internal_error)


def _django_config() -> SecurityHeaders:
    conf = importlib.import_module("django.conf")
    configured = getattr(conf.settings, "CUIRASS_SECURITY_HEADERS", None)
    if configured is None:
        return _DEFAULT
    if isinstance(configured, SecurityHeaders):
        return configured
    if isinstance(configured, Mapping):
        return SecurityHeaders(**configured)
    raise ConfigurationError(
        "settings.CUIRASS_SECURITY_HEADERS must be a cuirass.web.SecurityHeaders or a dict of "
        "its arguments"
    )


class DjangoSecurityMiddleware:
    """Django middleware: put ``"cuirass.web.DjangoSecurityMiddleware"`` first in
    ``MIDDLEWARE``.

    Configured by ``settings.CUIRASS_SECURITY_HEADERS`` (a :class:`SecurityHeaders` or a dict
    of its arguments). Sets ``request.csp_nonce``, the headers, cookie flags on
    ``response.cookies``, the HTTPS redirect (HTTPS as Django sees it, ``request.is_secure()``,
    which honours ``SECURE_PROXY_SSL_HEADER``), and answers an exception raised by a view with
    the generic 500 page, even with ``DEBUG = True``.
    """

    sync_capable = True
    async_capable = False

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response
        self.config = _django_config()

    def _https(self, request: Any) -> bool:
        if request.is_secure():
            return True
        return self.config.trust_forwarded_proto and _forwarded_https(
            request.META.get("HTTP_X_FORWARDED_PROTO")
        )

    def __call__(self, request: Any) -> Any:
        config = self.config
        https = self._https(request)
        nonce = _new_nonce() if config.csp_nonce else None
        if nonce is not None:
            request.csp_nonce = nonce
            request.META[NONCE_KEY] = nonce
        path = str(request.path)
        if config.https_redirect and not https and not config.redirect_exempt_path(path):
            http = importlib.import_module("django.http")
            host = request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME")
            query = str(request.META.get("QUERY_STRING", ""))
            location = _redirect_location(config, host, path, query)
            if not location:
                response = http.HttpResponseBadRequest("Bad Request", content_type="text/plain")
            else:
                response = http.HttpResponsePermanentRedirect(location)
                if request.method not in ("GET", "HEAD"):
                    response.status_code = 308
        else:
            response = self.get_response(request)
        self._secure(response, https, nonce)
        return response

    def _secure(self, response: Any, https: bool, nonce: str | None) -> None:
        config = self.config
        for name, value in config.response_headers(https=https, nonce=nonce):
            if config.override or name not in response.headers:
                response.headers[name] = value
        if config.cookie_flags:
            for morsel in response.cookies.values():
                if not morsel["httponly"] and morsel.key not in config._httponly_names:
                    morsel["httponly"] = True
                if not morsel["samesite"]:
                    morsel["samesite"] = config.cookie_samesite
                samesite_none = str(morsel["samesite"]).lower() == "none"
                if not morsel["secure"] and (
                    https or config.cookie_secure == "always" or samesite_none
                ):
                    morsel["secure"] = True

    def process_exception(self, request: Any, exception: Exception) -> Any:
        """Log the view's exception under a correlation id; answer with the generic page."""
        if not self.config.handle_errors:
            return None
        http = importlib.import_module("django.http")
        exceptions = importlib.import_module("django.core.exceptions")
        multipart = importlib.import_module("django.http.multipartparser")
        client_errors = (
            http.Http404,
            exceptions.PermissionDenied,
            exceptions.BadRequest,
            exceptions.SuspiciousOperation,
            multipart.MultiPartParserError,
        )
        if isinstance(exception, client_errors):
            # Django answers these with a 4xx of its own; they are not server errors.
            return None
        correlation_id = _new_correlation_id()
        _log_exception(
            correlation_id,
            str(request.method),
            str(request.path),
            (type(exception), exception, exception.__traceback__),
        )
        response = http.HttpResponseServerError(
            self.config.render_error_page(correlation_id),
            content_type="text/html; charset=utf-8",
        )
        response["Cache-Control"] = "no-store"
        response["X-Correlation-Id"] = correlation_id
        return response


def django_context_processor(request: Any) -> dict[str, str]:
    """A Django template context processor: ``{{ csp_nonce }}`` in every template.

    Add ``"cuirass.web.django_context_processor"`` to ``TEMPLATES[…]["OPTIONS"]
    ["context_processors"]``.
    """
    return {"csp_nonce": csp_nonce(request) or ""}
