"""The cuirass example application on Flask.

Run it from ``examples/`` (see README.md)::

    flask --app flask_app.app run

What comes from cuirass: the login flow in ``../accounts.py``, which the three examples
share (passwords, TOTP, sessions, lockout);
:func:`cuirass.rbac.flask_require_permission` on the views,
:func:`cuirass.web.install_flask` (security headers, the CSP nonce in ``templates/index.html``,
the HTTPS redirect, cookie flags, the generic 500 page) and :func:`cuirass.monitor.metrics_wsgi_app`
at ``/metrics`` for clients on this host.
"""

from __future__ import annotations

import ipaddress
import pathlib
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from accounts import POLICY, SESSION_COOKIE, Accounts, Config, Reply
from flask import Flask, Response, abort, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.middleware.proxy_fix import ProxyFix

from cuirass import rbac, web
from cuirass.monitor import metrics_wsgi_app
from cuirass.sessions import Session

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
View = TypeVar("View", bound=Callable[..., Any])


def is_loopback(address: object) -> bool:
    """Whether ``address`` (a client address) is this host."""
    try:
        return isinstance(address, str) and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def loopback_only(inner: WSGIApp) -> WSGIApp:
    """Serve ``inner`` to clients on this host only; others get a 404.

    The metrics are not secret, but they are nobody else's business. Behind a reverse proxy on
    the same host every client looks local: do not route ``/metrics`` through it.
    """

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if is_loopback(environ.get("REMOTE_ADDR")):
            return inner(environ, start_response)
        body = b"Not Found\n"
        headers = [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
        ]
        start_response("404 Not Found", headers)
        return [body]

    return app


def create_app(config: Config | None = None) -> Flask:
    """The application; without ``config``, configured from the environment (README.md)."""
    app = Flask(__name__)
    # HTTPS only: external URLs (and the test client) use it.
    app.config["PREFERRED_URL_SCHEME"] = "https"
    if config is None:
        config = Config.from_env(pathlib.Path(app.instance_path))
    accounts = Accounts(config)
    app.extensions["cuirass_example"] = accounts

    def client() -> dict[str, str | None]:
        return {"ip": request.remote_addr, "user_agent": request.user_agent.string or None}

    def current_session() -> Session | None:
        # Validated once per request (it refreshes the idle deadline and watches for anomalies).
        if "session" not in g:
            g.session = accounts.session(request.cookies.get(SESSION_COOKIE), **client())
        session: Session | None = g.session
        return session

    def require(permission: str) -> Callable[[View], View]:
        # 401 without a session, 403 without the permission; never a 500.
        return rbac.flask_require_permission(
            POLICY, permission, roles_loader=lambda _request: accounts.roles(current_session())
        )

    def reply(result: Reply) -> Response:
        response = jsonify(result.body)
        response.status_code = result.status
        response.headers["Cache-Control"] = "no-store"
        if result.retry_after is not None:
            response.headers["Retry-After"] = str(int(result.retry_after))
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
            response.delete_cookie(
                SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="Lax"
            )
        return response

    def json_body() -> dict[str, Any]:
        # JSON only: a cross-site HTML form cannot send `application/json`, so, with the
        # SameSite=Lax cookie, these endpoints need no CSRF token.
        if not request.is_json:
            abort(415)
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            abort(400)
        return body

    @app.get("/")
    def index() -> str:
        session = current_session()
        return render_template("index.html", username=session.user_id if session else None)

    @app.post("/login")
    def login() -> Response:
        body = json_body()
        previous = request.cookies.get(SESSION_COOKIE)
        return reply(
            accounts.login(
                body.get("username"), body.get("password"), previous=previous, **client()
            )
        )

    @app.post("/login/totp")
    def login_totp() -> Response:
        body = json_body()
        pending = request.cookies.get(SESSION_COOKIE)
        return reply(accounts.verify_totp(pending, body.get("code"), **client()))

    @app.post("/logout")
    def logout() -> Response:
        return reply(accounts.logout(request.cookies.get(SESSION_COOKIE)))

    @app.post("/logout/everywhere")
    def logout_everywhere() -> Response:
        return reply(accounts.logout_everywhere(current_session()))

    @app.get("/articles")
    @require("articles:read")
    def list_articles() -> Response:
        return jsonify(articles=accounts.articles())

    @app.post("/articles")
    @require("articles:write")
    def create_article() -> Response:
        body = json_body()
        return reply(accounts.add_article(current_session(), body.get("title"), body.get("body")))

    @app.get("/admin")
    @require("admin:access")
    def admin() -> Response:
        return jsonify(accounts.overview())

    def client_error(error: HTTPException) -> tuple[Response, int]:
        return jsonify(error=(error.name or "error").lower()), error.code or 400

    for code in (400, 401, 403, 404, 405, 415):
        app.register_error_handler(code, client_error)

    # Outermost first: the security middleware (install_flask, below) sees every response,
    # the metrics included; ProxyFix, when trusted, makes REMOTE_ADDR the real client's.
    wsgi: WSGIApp = DispatcherMiddleware(
        app.wsgi_app, {"/metrics": loopback_only(metrics_wsgi_app())}
    )
    if config.trust_proxy:
        wsgi = ProxyFix(wsgi, x_for=1, x_proto=1)
    app.wsgi_app = wsgi  # type: ignore[method-assign,assignment]
    web.install_flask(
        app,
        web.SecurityHeaders(
            https_redirect=config.https_redirect,
            trust_forwarded_proto=config.trust_proxy,
            hsts_preload=config.hsts_preload,
        ),
    )
    return app
