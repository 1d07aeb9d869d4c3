"""The cuirass example application on Django: views, URLs and the WSGI application.

Run it from ``examples/`` (see README.md)::

    DJANGO_SETTINGS_MODULE=django_app.settings python -m django runserver

What comes from cuirass: the login flow in ``../accounts.py``, which the three examples
share (passwords, TOTP, sessions, lockout);
:func:`cuirass.rbac.django_require_permission` on the views,
``cuirass.web.DjangoSecurityMiddleware`` (in ``settings.MIDDLEWARE``: security headers, the CSP
nonce in ``templates/index.html``, the HTTPS redirect, cookie flags, the generic 500 page) and
:func:`cuirass.monitor.metrics_text` at ``/metrics`` for clients on this host.
"""

from __future__ import annotations

import ipaddress
import json
import pathlib
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from accounts import POLICY, SESSION_COOKIE, Accounts, Config, Reply
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cuirass import rbac
from cuirass.monitor import CONTENT_TYPE, metrics_text
from cuirass.sessions import Session

View = TypeVar("View", bound=Callable[..., Any])
_UNSET: Any = object()


class _Service:
    """The application's :class:`Accounts`, made from the settings on first use."""

    lock = threading.Lock()
    accounts: Accounts | None = None


def accounts() -> Accounts:
    """The :class:`Accounts` every view uses."""
    with _Service.lock:
        if _Service.accounts is None:
            instance_dir = pathlib.Path(settings.EXAMPLE_INSTANCE_DIR)
            _Service.accounts = Accounts(Config.from_env(instance_dir))
        return _Service.accounts


def configure(config: Config | None) -> Accounts | None:
    """Use ``config`` from now on (``None``: the settings again, on next use). Tests give each
    test its own database and clock this way."""
    with _Service.lock:
        _Service.accounts = None if config is None else Accounts(config)
        return _Service.accounts


def is_loopback(address: object) -> bool:
    """Whether ``address`` (a client address) is this host."""
    try:
        return isinstance(address, str) and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def client(request: HttpRequest) -> dict[str, str | None]:
    """The client's address and user agent, for the session and the lockout counters.

    Behind a proxy, REMOTE_ADDR is the proxy's: have the WSGI server (or a middleware you trust)
    put the client's address there.
    """
    return {
        "ip": request.META.get("REMOTE_ADDR"),
        "user_agent": request.META.get("HTTP_USER_AGENT"),
    }


def current_session(request: HttpRequest) -> Session | None:
    """The request's fully logged-in session, validated once per request (it refreshes the
    idle deadline and watches for anomalies)."""
    cached = getattr(request, "cuirass_example_session", _UNSET)
    if cached is _UNSET:
        cookie = request.COOKIES.get(SESSION_COOKIE)
        cached = accounts().session(cookie, **client(request))
        request.cuirass_example_session = cached
    session: Session | None = cached
    return session


def roles_of(request: HttpRequest) -> list[str] | None:
    """The roles loader of the RBAC decorators: ``None`` (401) when nobody is logged in."""
    return accounts().roles(current_session(request))


def require(permission: str) -> Callable[[View], View]:
    """401 without a session, 403 (``handler403``) without the permission; never a 500."""
    return rbac.django_require_permission(POLICY, permission, roles_loader=roles_of)


def reply(result: Reply) -> JsonResponse:
    """The HTTP response for an outcome of :class:`Accounts`."""
    response = JsonResponse(result.body, status=result.status)
    response["Cache-Control"] = "no-store"
    if result.retry_after is not None:
        response["Retry-After"] = str(int(result.retry_after))
    # The flags are set here, not left to the middleware: the cookie is safe on its own.
    if result.set_session is not None:
        response.set_cookie(
            SESSION_COOKIE,
            result.set_session,
            path="/",
            secure=True,
            httponly=True,
            samesite="Lax",
        )
    elif result.clear_session:
        # Django adds `Secure` itself for a `__Host-` cookie.
        response.delete_cookie(SESSION_COOKIE, path="/", samesite="Lax")
    return response


def json_body(request: HttpRequest) -> dict[str, Any] | JsonResponse:
    """The request's JSON object, or the error response to send instead."""
    if request.content_type != "application/json":
        return JsonResponse({"error": "send application/json"}, status=415)
    try:
        body = json.loads(request.body)
    except ValueError:
        return JsonResponse({"error": "the body is not JSON"}, status=400)
    if not isinstance(body, dict):
        return JsonResponse({"error": "send a JSON object"}, status=400)
    return body


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    session = current_session(request)
    return render(request, "index.html", {"username": session.user_id if session else None})


@require_POST
def login(request: HttpRequest) -> HttpResponse:
    body = json_body(request)
    if isinstance(body, HttpResponse):
        return body
    previous = request.COOKIES.get(SESSION_COOKIE)
    result = accounts().login(
        body.get("username"), body.get("password"), previous=previous, **client(request)
    )
    return reply(result)


@require_POST
def login_totp(request: HttpRequest) -> HttpResponse:
    body = json_body(request)
    if isinstance(body, HttpResponse):
        return body
    pending = request.COOKIES.get(SESSION_COOKIE)
    return reply(accounts().verify_totp(pending, body.get("code"), **client(request)))


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    return reply(accounts().logout(request.COOKIES.get(SESSION_COOKIE)))


@require_POST
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    return reply(accounts().logout_everywhere(current_session(request)))


@require("articles:read")
def list_articles(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"articles": accounts().articles()})


@require("articles:write")
def create_article(request: HttpRequest) -> HttpResponse:
    body = json_body(request)
    if isinstance(body, HttpResponse):
        return body
    session = current_session(request)
    return reply(accounts().add_article(session, body.get("title"), body.get("body")))


@require_http_methods(["GET", "HEAD", "POST"])
def articles(request: HttpRequest) -> HttpResponse:
    # One URL, two permissions: reading and writing.
    if request.method == "POST":
        return create_article(request)
    return list_articles(request)


@require_GET
@require("admin:access")
def admin(request: HttpRequest) -> HttpResponse:
    return JsonResponse(accounts().overview())


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    # The figures are not secret, but they are nobody else's business. Behind a reverse proxy
    # on this host every client looks local: do not route /metrics through it.
    if not is_loopback(request.META.get("REMOTE_ADDR")):
        raise Http404
    return HttpResponse(
        metrics_text(), content_type=CONTENT_TYPE, headers={"Cache-Control": "no-store"}
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return JsonResponse({"error": "bad request"}, status=400)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return JsonResponse({"error": "forbidden"}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return JsonResponse({"error": "not found"}, status=404)


urlpatterns = [
    path("", index),
    path("login", login),
    path("login/totp", login_totp),
    path("logout", logout),
    path("logout/everywhere", logout_everywhere),
    path("articles", articles),
    path("admin", admin),
    path("metrics", metrics),
]
handler400 = bad_request
handler403 = forbidden
handler404 = not_found
# No handler500: cuirass.web.DjangoSecurityMiddleware answers exceptions with its generic page.

#: For WSGI servers: ``gunicorn django_app.app`` (with DJANGO_SETTINGS_MODULE set).
application = get_wsgi_application()
