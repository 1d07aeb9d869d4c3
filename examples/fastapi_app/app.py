"""The cuirass example application on FastAPI.

Run it from ``examples/`` (see README.md)::

    uvicorn --factory fastapi_app.app:create_app

What comes from cuirass: the login flow in ``../accounts.py``, which the three examples
share (passwords, TOTP, sessions, lockout);
:func:`cuirass.rbac.fastapi_require_permission` as route dependencies,
:class:`cuirass.web.ASGISecurityHeadersMiddleware` (security headers, the CSP nonce in
``templates/index.html``, the HTTPS redirect, cookie flags, the generic 500 page) and
:func:`cuirass.monitor.metrics_text` at ``/metrics`` for clients on this host.
"""

from __future__ import annotations

import ipaddress
import pathlib
from typing import Annotated, Any

from accounts import POLICY, SESSION_COOKIE, Accounts, Config, Reply
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from cuirass import rbac, web
from cuirass.monitor import CONTENT_TYPE, metrics_text
from cuirass.sessions import Session

HERE = pathlib.Path(__file__).resolve().parent
# Where a request's validated session is kept, so it is looked up once per request.
_SESSION_KEY = "cuirass_example.session"


def is_loopback(address: object) -> bool:
    """Whether ``address`` (a client address) is this host."""
    try:
        return isinstance(address, str) and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def client(request: Request) -> dict[str, str | None]:
    """The client's address and user agent, for the session and the lockout counters.

    Behind a proxy, run uvicorn with ``--proxy-headers --forwarded-allow-ips=<proxy>`` so the
    address is the client's, not the proxy's.
    """
    host = request.client.host if request.client is not None else None
    return {"ip": host, "user_agent": request.headers.get("user-agent")}


def reply(result: Reply) -> JSONResponse:
    """The HTTP response for an outcome of :class:`Accounts`."""
    headers = {"Cache-Control": "no-store"}
    if result.retry_after is not None:
        headers["Retry-After"] = str(int(result.retry_after))
    response = JSONResponse(result.body, status_code=result.status, headers=headers)
    # The flags are set here, not left to the middleware: the cookie is safe on its own.
    if result.set_session is not None:
        response.set_cookie(
            SESSION_COOKIE,
            result.set_session,
            path="/",
            secure=True,
            httponly=True,
            samesite="lax",
        )
    elif result.clear_session:
        response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="lax")
    return response


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object.

    JSON only: a cross-site HTML form cannot send ``application/json``, so, with the
    SameSite=Lax cookie, these endpoints need no CSRF token.
    """
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        raise HTTPException(415, "send application/json")
    try:
        body = await request.json()
    except ValueError:
        raise HTTPException(400, "the body is not JSON") from None
    if not isinstance(body, dict):
        raise HTTPException(400, "send a JSON object")
    return body


JSONBody = Annotated[dict[str, Any], Depends(json_body)]


def create_app(config: Config | None = None) -> FastAPI:
    """The application; without ``config``, configured from the environment (README.md)."""
    if config is None:
        config = Config.from_env(HERE / "instance")
    accounts = Accounts(config)
    # No interactive docs: their pages load scripts from a CDN, which the CSP refuses.
    app = FastAPI(title="cuirass example", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.accounts = accounts
    templates = Jinja2Templates(directory=HERE / "templates")

    def current_session(request: Request) -> Session | None:
        # Validated once per request (it refreshes the idle deadline and watches for
        # anomalies). SQLite work: called through run_in_threadpool from async code.
        if _SESSION_KEY not in request.scope:
            cookie = request.cookies.get(SESSION_COOKIE)
            request.scope[_SESSION_KEY] = accounts.session(cookie, **client(request))
        session: Session | None = request.scope[_SESSION_KEY]
        return session

    async def roles_of(request: Request) -> list[str] | None:
        return await run_in_threadpool(lambda: accounts.roles(current_session(request)))

    def require(permission: str) -> Any:
        # 401 without a session, 403 without the permission; never a 500.
        return Depends(rbac.fastapi_require_permission(POLICY, permission, roles_loader=roles_of))

    @app.get("/", response_class=HTMLResponse)
    async def index(request: Request) -> Response:
        session = await run_in_threadpool(current_session, request)
        context = {
            "username": session.user_id if session is not None else None,
            "csp_nonce": web.csp_nonce(request) or "",
        }
        return templates.TemplateResponse(request, "index.html", context)

    @app.post("/login")
    async def login(request: Request, body: JSONBody) -> JSONResponse:
        result = await run_in_threadpool(
            accounts.login,
            body.get("username"),
            body.get("password"),
            previous=request.cookies.get(SESSION_COOKIE),
            **client(request),
        )
        return reply(result)

    @app.post("/login/totp")
    async def login_totp(request: Request, body: JSONBody) -> JSONResponse:
        pending = request.cookies.get(SESSION_COOKIE)
        result = await run_in_threadpool(
            accounts.verify_totp, pending, body.get("code"), **client(request)
        )
        return reply(result)

    @app.post("/logout")
    def logout(request: Request) -> JSONResponse:
        return reply(accounts.logout(request.cookies.get(SESSION_COOKIE)))

    @app.post("/logout/everywhere")
    def logout_everywhere(request: Request) -> JSONResponse:
        return reply(accounts.logout_everywhere(current_session(request)))

    @app.get("/articles", dependencies=[require("articles:read")])
    def list_articles() -> dict[str, Any]:
        return {"articles": accounts.articles()}

    @app.post("/articles", dependencies=[require("articles:write")])
    async def create_article(request: Request, body: JSONBody) -> JSONResponse:
        session = await run_in_threadpool(current_session, request)
        return reply(accounts.add_article(session, body.get("title"), body.get("body")))

    @app.get("/admin", dependencies=[require("admin:access")])
    def admin() -> dict[str, Any]:
        return accounts.overview()

    @app.get("/metrics", include_in_schema=False)
    def metrics(request: Request) -> Response:
        # The figures are not secret, but they are nobody else's business. Behind a reverse
        # proxy on this host every client looks local: do not route /metrics through it.
        if not is_loopback(client(request)["ip"]):
            raise HTTPException(404, "Not Found")
        return Response(
            metrics_text(), media_type=CONTENT_TYPE, headers={"Cache-Control": "no-store"}
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        # One shape for every error of this API: {"error": ...}.
        return JSONResponse({"error": error.detail}, error.status_code, headers=error.headers)

    # Inside Starlette's own error middleware: it sees an exception before any response has
    # started and answers with the generic page.
    app.add_middleware(
        web.ASGISecurityHeadersMiddleware,
        headers=web.SecurityHeaders(
            https_redirect=config.https_redirect,
            trust_forwarded_proto=config.trust_proxy,
            hsts_preload=config.hsts_preload,
        ),
    )
    return app
