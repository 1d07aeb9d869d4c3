"""cuirass.rbac: the policy, and real Flask, Django and FastAPI apps through their test clients."""

from __future__ import annotations

import asyncio
import doctest
import inspect
import logging
import pickle
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from cuirass import AccessDenied, ConfigurationError, rbac
from cuirass.rbac import Policy

POLICY = Policy(
    roles={
        "viewer": ["articles:read", "comments:read"],
        "commenter": ["comments:write"],
        "editor": ["articles:write", "articles:publish"],
        "moderator": ["comments:*"],
        "admin": ["*"],
        "auditor": [],
    },
    inherits={"commenter": ["viewer"], "editor": ["commenter"], "auditor": ["viewer"]},
)


# --- The policy --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("roles", "permission", "allowed"),
    [
        (["viewer"], "articles:read", True),
        (["viewer"], "articles:write", False),
        (["editor"], "articles:write", True),
        (["editor"], "articles:read", True),  # editor → commenter → viewer
        (["editor"], "comments:write", True),
        (["editor"], "comments:delete", False),
        (["moderator"], "comments:delete", True),
        (["moderator"], "comments:thread:lock", True),  # any depth under the prefix
        (["moderator"], "comments", False),  # not the bare prefix
        (["moderator"], "commentsx:read", False),
        (["admin"], "anything:at:all", True),
        (["auditor"], "comments:read", True),
        (["auditor"], "comments:write", False),
        ([], "articles:read", False),
        (["ghost"], "articles:read", False),  # unknown roles grant nothing
        (["ghost", "viewer"], "articles:read", True),
        ("editor", "articles:read", True),  # a single str is one role
        (("viewer", "commenter"), "comments:write", True),
        (frozenset({"viewer"}), "comments:read", True),
    ],
)
def test_can(roles: Any, permission: str, allowed: bool) -> None:
    assert POLICY.can(roles, permission) is allowed


def test_roles_from_a_generator() -> None:
    assert POLICY.can((role for role in ["viewer"]), "articles:read")


def test_require() -> None:
    POLICY.require(["editor"], "articles:write")
    with pytest.raises(AccessDenied) as info:
        POLICY.require(["viewer"], "articles:write")
    assert info.value.permission == "articles:write"
    assert info.value.roles == frozenset({"viewer"})
    assert "articles:write" in str(info.value)
    copy = pickle.loads(pickle.dumps(info.value))
    assert (copy.permission, copy.roles) == ("articles:write", frozenset({"viewer"}))


def test_introspection() -> None:
    assert POLICY.roles == ("admin", "auditor", "commenter", "editor", "moderator", "viewer")
    assert POLICY.expand(["editor", "ghost"]) == {"editor", "commenter", "viewer"}
    assert POLICY.permissions(["commenter"]) == {"articles:read", "comments:read", "comments:write"}
    assert repr(POLICY).startswith("Policy(roles=")


def test_diamond_inheritance() -> None:
    policy = Policy(
        roles={"base": ["a:read"], "left": ["b:read"], "right": ["c:read"], "top": []},
        inherits={"left": ["base"], "right": ["base"], "top": ["left", "right", "left"]},
    )
    assert policy.permissions(["top"]) == {"a:read", "b:read", "c:read"}


@pytest.mark.parametrize("permission", ["articles:*", "*", ""])
def test_checks_are_concrete(permission: str) -> None:
    with pytest.raises(ValueError, match="concrete"):
        POLICY.can(["admin"], permission)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"roles": {"a": []}, "inherits": {"a": ["a"]}}, r"cycle: 'a' -> 'a'"),
        (
            {
                "roles": {"a": [], "b": [], "c": []},
                "inherits": {"a": ["b"], "b": ["c"], "c": ["a"]},
            },
            r"cycle: 'a' -> 'b' -> 'c' -> 'a'",
        ),
        ({"roles": {"a": []}, "inherits": {"a": ["missing"]}}, "inherits 'missing'"),
        ({"roles": {"a": []}, "inherits": {"missing": ["a"]}}, "names role 'missing'"),
        ({"roles": {"a": ["art*"]}}, "wildcard"),
        ({"roles": {"a": ["*:read"]}}, "wildcard"),
        ({"roles": {"a": ["a:*:b"]}}, "wildcard"),
        ({"roles": {"a": "articles:read"}}, "list of names"),
        ({"roles": {"a": ["has space"]}}, "whitespace"),
        ({"roles": {"": []}}, "empty"),
        ({"roles": {"a": [1]}}, "must be a str"),
        ({"roles": {"a": ["x:read"]}, "permissions": ["y:read"]}, "matches no declared"),
        ({"roles": {"a": ["x:*"]}, "permissions": ["y:read"]}, "matches no declared"),
        ({"roles": {"a": []}, "permissions": ["y:*"]}, "concrete"),
    ],
)
def test_configuration_errors(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        Policy(**kwargs)


def test_cycle_detection_scales() -> None:
    # A long chain is fine; closing it into a loop is caught.
    names = [f"r{i}" for i in range(2000)]
    inherits = {names[i]: [names[i + 1]] for i in range(len(names) - 1)}
    policy = Policy(roles={name: [f"p:{name}"] for name in names}, inherits=inherits)
    assert policy.can(["r0"], "p:r1999")
    inherits[names[-1]] = [names[0]]
    with pytest.raises(ConfigurationError, match="cycle"):
        Policy(roles={name: [] for name in names}, inherits=inherits)


def test_declared_permissions_catch_typos() -> None:
    policy = Policy(
        roles={"viewer": ["articles:read"], "editor": ["articles:*"]},
        permissions=["articles:read", "articles:write"],
    )
    assert policy.can(["editor"], "articles:write")
    with pytest.raises(ValueError, match="not declared"):
        policy.can(["editor"], "articles:wirte")
    with pytest.raises(ValueError, match="not declared"):
        rbac.flask_require_permission(policy, "articles:wirte", roles_loader=lambda r: [])
    with pytest.raises(ValueError, match="not declared"):
        rbac.django_require_permission(policy, "articles:wirte")


def test_import_needs_no_framework() -> None:
    code = (
        "import sys\n"
        "for name in ('flask', 'django', 'fastapi', 'starlette'):\n"
        "    sys.modules[name] = None\n"
        "import cuirass.rbac, cuirass.web\n"
        "p = cuirass.rbac.Policy(roles={'a': ['x:y']})\n"
        "assert p.can(['a'], 'x:y')\n"
        "cuirass.rbac.flask_require_permission(p, 'x:y', roles_loader=lambda r: ['a'])\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_public_api_is_documented_and_examples_run() -> None:
    for name in rbac.__all__:
        obj = getattr(rbac, name)
        if callable(obj):
            assert (inspect.getdoc(obj) or "").strip(), name
    for name, member in vars(Policy).items():
        if not name.startswith("_") and callable(member):
            assert (inspect.getdoc(member) or "").strip(), name
    result = doctest.testmod(rbac, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


# --- Shared helpers for the framework tests ----------------------------------------------------


def roles_from_header(request: Any) -> list[str] | None:
    value = request.headers.get("X-Roles")
    if value is None:
        return None
    if value == "boom":
        raise RuntimeError("roles backend down: secret-dsn-password")
    return [role for role in value.split(",") if role]


def denial_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [
        record
        for record in caplog.records
        if record.name == "cuirass.security"
        and getattr(record, "cuirass_event", None) == "access_denied"
    ]


@pytest.fixture
def security_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.INFO, logger="cuirass.security")
    yield caplog


# --- Flask -------------------------------------------------------------------------------------


@pytest.fixture
def flask_client() -> Any:
    import flask
    from werkzeug.exceptions import Unauthorized

    app = flask.Flask(__name__)

    @app.get("/articles")
    @rbac.flask_require_permission(POLICY, "articles:read", roles_loader=roles_from_header)
    def read() -> str:
        return "read ok"

    @app.post("/articles")
    @rbac.flask_require_permission(POLICY, "articles:write", roles_loader=roles_from_header)
    def write() -> str:
        return "write ok"

    @app.get("/async")
    @rbac.flask_require_permission(POLICY, "articles:read", roles_loader=roles_from_header)
    async def read_async() -> str:
        await asyncio.sleep(0)
        return "async ok"

    def strict_loader(request: Any) -> list[str]:
        raise Unauthorized("log in first")

    @app.get("/strict")
    @rbac.flask_require_permission(POLICY, "articles:read", roles_loader=strict_loader)
    def strict() -> str:
        return "never"

    @app.errorhandler(403)
    def forbidden(error: Any) -> tuple[str, int]:
        return "custom forbidden page", 403

    return app.test_client()


def _asgiref_available() -> bool:
    try:
        import asgiref  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.parametrize("testing", [True, False])
def test_flask(flask_client: Any, security_log: pytest.LogCaptureFixture, testing: bool) -> None:
    flask_client.application.testing = testing
    assert flask_client.get("/articles", headers={"X-Roles": "viewer"}).text == "read ok"
    assert flask_client.post("/articles", headers={"X-Roles": "editor"}).text == "write ok"
    assert denial_records(security_log) == []

    response = flask_client.post("/articles", headers={"X-Roles": "viewer"})
    assert response.status_code == 403
    assert response.text == "custom forbidden page"  # the app's own 403 handler renders it
    [record] = denial_records(security_log)
    assert record.levelno == logging.WARNING
    assert record.permission == "articles:write"  # type: ignore[attr-defined]
    assert record.roles == ["viewer"]  # type: ignore[attr-defined]
    assert record.path == "/articles"  # type: ignore[attr-defined]
    assert record.framework == "flask"  # type: ignore[attr-defined]


def test_flask_anonymous_is_401(flask_client: Any, security_log: pytest.LogCaptureFixture) -> None:
    response = flask_client.get("/articles")
    assert response.status_code == 401
    [record] = denial_records(security_log)
    assert record.reason == "not authenticated"  # type: ignore[attr-defined]


def test_flask_loader_error_is_403_not_500(
    flask_client: Any, security_log: pytest.LogCaptureFixture
) -> None:
    for testing in (True, False):
        flask_client.application.testing = testing
        response = flask_client.get("/articles", headers={"X-Roles": "boom"})
        assert response.status_code == 403
        assert "secret-dsn-password" not in response.text
        assert "Traceback" not in response.text
    records = denial_records(security_log)
    assert len(records) == 2
    assert all(record.levelno == logging.ERROR for record in records)
    assert all(record.exc_info and record.exc_info[0] is RuntimeError for record in records)


def test_flask_http_exceptions_from_the_loader_pass_through(flask_client: Any) -> None:
    assert flask_client.get("/strict").status_code == 401


@pytest.mark.skipif(not _asgiref_available(), reason="Flask async views need asgiref")
def test_flask_async_view(flask_client: Any) -> None:
    assert flask_client.get("/async", headers={"X-Roles": "viewer"}).text == "async ok"
    assert flask_client.get("/async", headers={"X-Roles": "commenter,ghost"}).status_code == 200
    assert flask_client.get("/async", headers={"X-Roles": "ghost"}).status_code == 403


# --- Django ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def django_client() -> Any:
    import djangoapp

    djangoapp.setup()
    from django.test import Client

    return Client()


def test_django_default_loader_uses_groups(
    django_client: Any, security_log: pytest.LogCaptureFixture
) -> None:
    response = django_client.get("/articles/read", headers={"X-User": "alice:viewer"})
    assert response.status_code == 200
    assert response.content == b"read ok"
    response = django_client.get("/articles/read", headers={"X-User": "bob:editor"})
    assert response.status_code == 200  # editor inherits viewer
    response = django_client.get("/articles/read", headers={"X-User": "carol:"})
    assert response.status_code == 403
    response = django_client.get("/articles/read")
    assert response.status_code == 401
    reasons = [record.reason for record in denial_records(security_log)]  # type: ignore[attr-defined]
    assert reasons == ["missing permission", "not authenticated"]


def test_django_custom_loader(django_client: Any, security_log: pytest.LogCaptureFixture) -> None:
    assert django_client.get("/articles/write", headers={"X-Roles": "editor"}).status_code == 200
    response = django_client.get("/articles/write", headers={"X-Roles": "viewer"})
    assert response.status_code == 403
    response = django_client.get("/articles/write", headers={"X-Roles": "boom"})
    assert response.status_code == 403
    assert b"secret-connection-string" not in response.content
    records = denial_records(security_log)
    assert [record.levelno for record in records] == [logging.WARNING, logging.ERROR]
    assert records[1].framework == "django"  # type: ignore[attr-defined]


def test_django_async_view(django_client: Any) -> None:
    response = django_client.get("/articles/write-async", headers={"X-Roles": "admin"})
    assert response.status_code == 200
    assert response.content == b"async write ok"
    assert django_client.get("/articles/write-async").status_code == 401
    response = django_client.get("/articles/write-async", headers={"X-Roles": "boom"})
    assert response.status_code == 403


def test_django_async_client() -> None:
    import djangoapp

    djangoapp.setup()
    from django.test import AsyncClient

    async def run() -> list[int]:
        client = AsyncClient()
        statuses = []
        for roles in ("editor", "viewer", "boom"):
            response = await client.get("/articles/write-async", headers={"X-Roles": roles})
            statuses.append(response.status_code)
        return statuses

    assert asyncio.run(run()) == [200, 403, 403]


# --- FastAPI -----------------------------------------------------------------------------------


@pytest.fixture
def fastapi_client() -> Iterator[Any]:
    from fastapi import APIRouter, Depends, FastAPI, HTTPException
    from fastapi.testclient import TestClient

    app = FastAPI()

    async def async_roles(request: Any) -> list[str] | None:
        await asyncio.sleep(0)
        return roles_from_header(request)

    def bearer_roles(request: Any) -> list[str]:
        if "Authorization" not in request.headers:
            raise HTTPException(status_code=401, headers={"WWW-Authenticate": "Bearer"})
        return ["viewer"]

    read = rbac.fastapi_require_permission(POLICY, "articles:read", roles_loader=roles_from_header)
    write = rbac.fastapi_require_permission(POLICY, "articles:write", roles_loader=async_roles)
    bearer = rbac.fastapi_require_permission(POLICY, "articles:read", roles_loader=bearer_roles)

    @app.get("/articles", dependencies=[Depends(read)])
    def list_articles() -> dict[str, str]:
        return {"result": "read ok"}

    @app.post("/articles", dependencies=[Depends(write)])
    async def create_article() -> dict[str, str]:
        return {"result": "write ok"}

    @app.get("/bearer", dependencies=[Depends(bearer)])
    def with_bearer() -> dict[str, str]:
        return {"result": "bearer ok"}

    router = APIRouter(prefix="/admin", dependencies=[Depends(write)])

    @router.get("/stats")
    def stats() -> dict[str, int]:
        return {"articles": 3}

    app.include_router(router)
    with TestClient(app) as client:
        yield client


def test_fastapi(fastapi_client: Any, security_log: pytest.LogCaptureFixture) -> None:
    response = fastapi_client.get("/articles", headers={"X-Roles": "viewer"})
    assert response.status_code == 200
    assert response.json() == {"result": "read ok"}
    assert fastapi_client.post("/articles", headers={"X-Roles": "editor"}).status_code == 200
    assert fastapi_client.get("/admin/stats", headers={"X-Roles": "admin"}).json() == {
        "articles": 3
    }

    response = fastapi_client.post("/articles", headers={"X-Roles": "viewer"})
    assert response.status_code == 403
    assert response.json() == {"detail": "Forbidden"}
    assert fastapi_client.get("/admin/stats", headers={"X-Roles": "viewer"}).status_code == 403
    response = fastapi_client.get("/articles")
    assert response.status_code == 401
    assert [r.reason for r in denial_records(security_log)] == [  # type: ignore[attr-defined]
        "missing permission",
        "missing permission",
        "not authenticated",
    ]


def test_fastapi_loader_error_is_403_not_500(
    fastapi_client: Any, security_log: pytest.LogCaptureFixture
) -> None:
    for method in ("get", "post"):
        response = getattr(fastapi_client, method)("/articles", headers={"X-Roles": "boom"})
        assert response.status_code == 403
        assert "secret-dsn-password" not in response.text
    records = denial_records(security_log)
    assert len(records) == 2
    assert all(record.levelno == logging.ERROR and record.exc_info for record in records)


def test_fastapi_http_exceptions_from_the_loader_pass_through(fastapi_client: Any) -> None:
    response = fastapi_client.get("/bearer")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert fastapi_client.get("/bearer", headers={"Authorization": "Bearer x"}).status_code == 200


def test_fastapi_openapi_schema_has_no_request_parameter(fastapi_client: Any) -> None:
    # The dependency takes the Request itself: nothing leaks into the API's parameters.
    schema = fastapi_client.get("/openapi.json").json()
    assert "parameters" not in schema["paths"]["/articles"]["get"]
