"""A small Django project in one module, for test_rbac.py and test_web.py.

Django's settings can be configured once per process, so both test files share this project:
call :func:`setup` first. It has no database: the fake authentication middleware below makes
``request.user`` from an ``X-User`` header (``alice:editor,viewer``), which is all the default
roles loader of ``cuirass.rbac`` reads (``is_authenticated`` and ``groups.values_list``).
"""

from __future__ import annotations

from typing import Any

from cuirass import rbac

POLICY = rbac.Policy(
    roles={"viewer": ["articles:read"], "editor": ["articles:write"], "admin": ["*"]},
    inherits={"editor": ["viewer"]},
)

ROLES_LOADER_CALLS: list[str] = []


def setup() -> None:
    """Configure Django for this module (idempotent)."""
    import django
    from django.conf import settings

    if settings.configured:
        return
    settings.configure(
        DEBUG=False,
        SECRET_KEY="test-only-not-secret",
        ALLOWED_HOSTS=["testserver", "example.com"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=[],
        DATABASES={},
        MIDDLEWARE=[
            "cuirass.web.DjangoSecurityMiddleware",
            f"{__name__}.FakeAuthenticationMiddleware",
        ],
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "DIRS": [],
                "APP_DIRS": False,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "cuirass.web.django_context_processor",
                    ]
                },
            }
        ],
        USE_TZ=True,
        # Django logs 4xx/5xx on `django.request`; the tests look at `cuirass.*` only.
        LOGGING_CONFIG=None,
    )
    django.setup()


class _Groups:
    def __init__(self, names: list[str]) -> None:
        self.names = names

    def values_list(self, field: str, *, flat: bool = False) -> list[str]:
        assert field == "name" and flat
        return list(self.names)


class FakeUser:
    """What ``request.user`` looks like to the default roles loader."""

    def __init__(self, name: str | None, groups: list[str]) -> None:
        self.username = name or ""
        self.is_authenticated = name is not None
        self.groups = _Groups(groups)


class FakeAuthenticationMiddleware:
    """``X-User: alice:editor,viewer`` → an authenticated user in those groups; none → anon."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        header = request.headers.get("X-User")
        if header is None:
            request.user = FakeUser(None, [])
        else:
            name, _, groups = header.partition(":")
            request.user = FakeUser(name, [g for g in groups.split(",") if g])
        return self.get_response(request)


def header_roles(request: Any) -> list[str] | None:
    """A custom loader: roles straight from an ``X-Roles`` header (``None`` if absent)."""
    ROLES_LOADER_CALLS.append(request.path)
    value = request.headers.get("X-Roles")
    if value is None:
        return None
    if value == "boom":
        raise RuntimeError("the roles database is down: secret-connection-string")
    return [role for role in value.split(",") if role]


def _views() -> list[Any]:
    from django.http import HttpResponse, JsonResponse
    from django.template import engines
    from django.urls import path

    @rbac.django_require_permission(POLICY, "articles:read")
    def read(request: Any) -> Any:
        return HttpResponse("read ok")

    @rbac.django_require_permission(POLICY, "articles:write", roles_loader=header_roles)
    def write(request: Any) -> Any:
        return HttpResponse("write ok")

    @rbac.django_require_permission(POLICY, "articles:write", roles_loader=header_roles)
    async def write_async(request: Any) -> Any:
        return HttpResponse("async write ok")

    def page(request: Any) -> Any:
        template = engines["django"].from_string(
            '<script nonce="{{ csp_nonce }}">run()</script><p>{{ request.csp_nonce }}</p>'
        )
        response = HttpResponse(template.render({}, request))
        response.set_cookie("sessionid", "abc")
        response.set_cookie("prefs", "dark", httponly=False, samesite="Strict")
        return response

    def custom_csp(request: Any) -> Any:
        response = HttpResponse("own policy")
        response["Content-Security-Policy"] = "default-src 'none'"
        return response

    def crash(request: Any) -> Any:
        raise ValueError("secret-database-password in the exception message")

    def form(request: Any) -> Any:
        return JsonResponse({"method": request.method})

    return [
        path("articles/read", read),
        path("articles/write", write),
        path("articles/write-async", write_async),
        path("page", page),
        path("custom-csp", custom_csp),
        path("crash", crash),
        path("form", form),
    ]


def __getattr__(name: str) -> Any:
    # Django reads `urlpatterns` from ROOT_URLCONF after setup(); build the views lazily so
    # importing this module does not need Django configured.
    if name == "urlpatterns":
        patterns = _views()
        globals()["urlpatterns"] = patterns
        return patterns
    raise AttributeError(name)
