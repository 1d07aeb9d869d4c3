"""Role-based access control: roles grant permissions, roles inherit roles, views require them.

A :class:`Policy` is declared once, checked when it is built (an unknown role or an inheritance
cycle is a :class:`~cuirass.exceptions.ConfigurationError` at start-up, not a surprise in a
request), and answers one question, :meth:`Policy.can`:

>>> policy = Policy(
...     roles={
...         "viewer": ["articles:read"],
...         "editor": ["articles:write", "comments:*"],
...         "admin": ["*"],
...     },
...     inherits={"editor": ["viewer"]},
... )
>>> policy.can(["editor"], "articles:read")
True
>>> policy.can(["viewer"], "articles:write")
False
>>> policy.can(["editor"], "comments:delete")
True
>>> policy.can(["unknown-role"], "articles:read")
False

Permissions are strings; by convention ``resource:action``. A role may grant a wildcard: ``*`` is
every permission, ``articles:*`` every permission that starts with ``articles:`` (at any depth:
``articles:comments:delete`` too, but not ``articles`` itself). Wildcards only appear in grants;
the permission a view requires is always concrete. Roles a user has but the policy does not know
grant nothing (deny by default), so a stale role in a user table cannot open anything. Pass
``permissions=`` to declare every permission the application uses: then grants and checks of an
undeclared one (a typo) are errors, caught when the policy or the decorator is built.

Framework adapters: :func:`flask_require_permission` and :func:`django_require_permission`
(view decorators) and :func:`fastapi_require_permission` (a dependency). Each asks a
``roles_loader`` for the current user's roles and answers:

- the roles grant the permission: the view runs;
- the loader returned ``None`` (nobody is logged in): **401**;
- otherwise, including when the loader raised (a database error, a bug): **403**, never a 500
  and never a traceback for the client. Fail closed.

Every denial is logged on the ``cuirass.security`` logger (a warning; an error with the
traceback when the loader raised), with the permission, roles, method and path, and
``extra={"cuirass_event": "access_denied", …}`` for structured handlers. A loader that raises the
framework's own HTTP exception (Flask/Werkzeug ``HTTPException``, Starlette ``HTTPException``,
Django ``PermissionDenied``) is trusted: that response goes out unchanged.

Flask, Django and FastAPI are imported only when an adapter is used, so ``import cuirass.rbac``
needs none of them.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, TypeVar, cast

from cuirass.exceptions import AccessDenied, ConfigurationError

__all__ = [
    "AccessDenied",
    "ConfigurationError",
    "Policy",
    "django_require_permission",
    "fastapi_require_permission",
    "flask_require_permission",
]

logger = logging.getLogger("cuirass.security")

_F = TypeVar("_F", bound=Callable[..., Any])

#: What a roles loader returns: the user's role names, or ``None`` for an anonymous request.
Roles = Iterable[str] | None


def _check_name(kind: str, name: object) -> str:
    if not isinstance(name, str):
        raise ConfigurationError(f"a {kind} must be a str, not {type(name).__name__}")
    if not name or name != name.strip() or any(c.isspace() for c in name):
        raise ConfigurationError(f"{kind} {name!r} is empty or contains whitespace")
    return name


def _check_grant(role: str, permission: object) -> str:
    permission = _check_name("permission", permission)
    if (
        "*" in permission
        and permission != "*"
        and not (permission.endswith(":*") and "*" not in permission[:-1])
    ):
        raise ConfigurationError(
            f"role {role!r} grants {permission!r}: a wildcard is `*` alone or a final `:*` "
            "segment (`articles:*`)"
        )
    return permission


def _names(value: Iterable[str], what: str) -> list[str]:
    if isinstance(value, str):
        # A bare string would otherwise be read as its characters.
        raise ConfigurationError(f"{what} must be a list of names, not the str {value!r}")
    return list(value)


class _Grants:
    """A role's effective permissions: exact names and wildcard prefixes."""

    __slots__ = ("everything", "exact", "prefixes")

    def __init__(self, permissions: Iterable[str]) -> None:
        exact: set[str] = set()
        prefixes: set[str] = set()
        everything = False
        for permission in permissions:
            if permission == "*":
                everything = True
            elif permission.endswith(":*"):
                prefixes.add(permission[:-1])
            else:
                exact.add(permission)
        self.everything = everything
        self.exact = frozenset(exact)
        self.prefixes = tuple(sorted(prefixes))

    def allows(self, permission: str) -> bool:
        return (
            self.everything
            or permission in self.exact
            or any(permission.startswith(prefix) for prefix in self.prefixes)
        )


class Policy:
    """Roles, the permissions each grants, and which roles inherit which.

    ``roles`` maps each role to the permissions it grants directly (a role may grant none and
    only inherit). ``inherits`` maps a role to the roles whose permissions it also gets,
    transitively. ``permissions``, if given, declares every permission the application knows.

    Raises :class:`~cuirass.exceptions.ConfigurationError` for an unknown role in ``inherits``,
    an inheritance cycle, a malformed wildcard or name, or (with ``permissions``) a grant of an
    undeclared permission. The policy is immutable once built and safe to share across threads.
    """

    __slots__ = ("_declared", "_granted", "_grants", "_parents", "_roles")

    def __init__(
        self,
        roles: Mapping[str, Iterable[str]],
        *,
        inherits: Mapping[str, Iterable[str]] | None = None,
        permissions: Iterable[str] | None = None,
    ) -> None:
        granted: dict[str, frozenset[str]] = {}
        for role, grants in roles.items():
            role = _check_name("role", role)
            granted[role] = frozenset(
                _check_grant(role, p) for p in _names(grants, f"the permissions of {role!r}")
            )
        parents: dict[str, tuple[str, ...]] = {role: () for role in granted}
        for role, bases in (inherits or {}).items():
            if role not in granted:
                raise ConfigurationError(
                    f"inherits names role {role!r}, which is not in roles {sorted(granted)!r}"
                )
            base_list = _names(bases, f"the roles {role!r} inherits")
            for base in base_list:
                if base not in granted:
                    raise ConfigurationError(
                        f"role {role!r} inherits {base!r}, which is not in roles "
                        f"{sorted(granted)!r}"
                    )
            parents[role] = tuple(dict.fromkeys(base_list))
        self._check_acyclic(parents)

        self._declared: frozenset[str] | None = None
        if permissions is not None:
            declared = frozenset(
                _check_name("permission", p) for p in _names(permissions, "permissions")
            )
            if any("*" in p for p in declared):
                raise ConfigurationError("declared permissions must be concrete (no `*`)")
            self._declared = declared
            for role, grants in granted.items():
                for grant in grants:
                    if not self._grant_matches_declared(grant):
                        raise ConfigurationError(
                            f"role {role!r} grants {grant!r}, which matches no declared permission"
                        )

        self._roles = tuple(sorted(granted))
        self._parents = parents
        self._granted = granted
        self._grants = {role: _Grants(self._closure_permissions(role)) for role in granted}

    def _grant_matches_declared(self, grant: str) -> bool:
        declared = self._declared or frozenset()
        if grant == "*":
            return True
        if grant.endswith(":*"):
            return any(p.startswith(grant[:-1]) for p in declared)
        return grant in declared

    @staticmethod
    def _check_acyclic(parents: Mapping[str, tuple[str, ...]]) -> None:
        # Depth-first search with colours; a grey node reached again closes a cycle.
        white, grey, black = 0, 1, 2
        colour = dict.fromkeys(parents, white)
        for start in sorted(parents):
            if colour[start] != white:
                continue
            path: list[str] = [start]
            stack: list[tuple[str, int]] = [(start, 0)]
            colour[start] = grey
            while stack:
                role, index = stack[-1]
                bases = parents[role]
                if index == len(bases):
                    colour[role] = black
                    stack.pop()
                    path.pop()
                    continue
                stack[-1] = (role, index + 1)
                base = bases[index]
                if colour[base] == grey:
                    cycle = [*path[path.index(base) :], base]
                    raise ConfigurationError(
                        "role inheritance has a cycle: " + " -> ".join(repr(r) for r in cycle)
                    )
                if colour[base] == white:
                    colour[base] = grey
                    path.append(base)
                    stack.append((base, 0))

    def _closure(self, role: str) -> list[str]:
        seen: dict[str, None] = {}
        pending = [role]
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen[current] = None
            pending.extend(self._parents.get(current, ()))
        return list(seen)

    def _closure_permissions(self, role: str) -> set[str]:
        permissions: set[str] = set()
        for member in self._closure(role):
            permissions |= self._granted[member]
        return permissions

    def __repr__(self) -> str:
        return f"Policy(roles={list(self._roles)!r})"

    @property
    def roles(self) -> tuple[str, ...]:
        """Every role the policy knows, sorted."""
        return self._roles

    def _user_roles(self, user_roles: Iterable[str] | str) -> list[str]:
        if isinstance(user_roles, str):
            return [user_roles]
        return [role for role in user_roles if isinstance(role, str)]

    def _check_permission(self, permission: str) -> str:
        if not isinstance(permission, str):
            raise TypeError(f"permission must be a str, not {type(permission).__name__}")
        if not permission or "*" in permission:
            raise ValueError(
                f"cannot check {permission!r}: a required permission is a concrete name "
                "(wildcards are only for grants)"
            )
        if self._declared is not None and permission not in self._declared:
            raise ValueError(f"permission {permission!r} is not declared in the policy")
        return permission

    def validate_permission(self, permission: str) -> None:
        """Raise ``ValueError`` unless ``permission`` can be checked: a concrete name, and
        declared when the policy declares its permissions. The adapters call this when they
        decorate, so a typo fails at import time."""
        self._check_permission(permission)

    def expand(self, user_roles: Iterable[str] | str) -> frozenset[str]:
        """The known roles among ``user_roles`` plus every role they inherit."""
        expanded: set[str] = set()
        for role in self._user_roles(user_roles):
            if role in self._grants:
                expanded.update(self._closure(role))
        return frozenset(expanded)

    def permissions(self, user_roles: Iterable[str] | str) -> frozenset[str]:
        """The permissions (wildcards included, as granted) that ``user_roles`` hold."""
        held: set[str] = set()
        for role in self.expand(user_roles):
            held |= self._granted[role]
        return frozenset(held)

    def can(self, user_roles: Iterable[str] | str, permission: str) -> bool:
        """Whether any of ``user_roles`` (directly or by inheritance) grants ``permission``.

        ``user_roles`` is an iterable of role names (a single ``str`` counts as one role);
        unknown roles grant nothing. ``permission`` must be concrete (no ``*``).
        """
        permission = self._check_permission(permission)
        return any(
            self._grants[role].allows(permission)
            for role in self._user_roles(user_roles)
            if role in self._grants
        )

    def require(self, user_roles: Iterable[str] | str, permission: str) -> None:
        """Raise :class:`~cuirass.exceptions.AccessDenied` unless :meth:`can` says yes."""
        roles = self._user_roles(user_roles)
        if not self.can(roles, permission):
            raise AccessDenied(permission, frozenset(roles))


# --- Framework adapters ------------------------------------------------------------------------


def _log_denial(
    permission: str,
    roles: frozenset[str] | None,
    method: str,
    path: str,
    framework: str,
    reason: str,
    *,
    exc_info: bool = False,
) -> None:
    extra = {
        "cuirass_event": "access_denied",
        "permission": permission,
        "roles": sorted(roles) if roles is not None else None,
        "method": method,
        "path": path,
        "reason": reason,
        "framework": framework,
    }
    # %r escapes control characters: a path cannot forge log lines.
    message = "access denied (%s): %s %r needs %r; roles %s"
    role_text = "anonymous" if roles is None else repr(sorted(roles))
    if exc_info:
        logger.error(
            message, reason, method, path, permission, role_text, exc_info=True, extra=extra
        )
    else:
        logger.warning(message, reason, method, path, permission, role_text, extra=extra)


def _decide(
    policy: Policy,
    permission: str,
    loaded: Roles,
    method: str,
    path: str,
    framework: str,
) -> int | None:
    """``None`` to allow, else the status to answer with (401 or 403); logs denials."""
    if loaded is None:
        _log_denial(permission, None, method, path, framework, "not authenticated")
        return 401
    try:
        roles = frozenset(policy._user_roles(loaded))
        allowed = policy.can(roles, permission)
    except Exception:  # noqa: BLE001 - a broken roles iterable must deny, not crash.
        _log_denial(permission, frozenset(), method, path, framework, "roles error", exc_info=True)
        return 403
    if allowed:
        return None
    _log_denial(permission, roles, method, path, framework, "missing permission")
    return 403


def _loader_failed(permission: str, method: str, path: str, framework: str) -> int:
    _log_denial(
        permission, frozenset(), method, path, framework, "roles loader raised", exc_info=True
    )
    return 403


def flask_require_permission(
    policy: Policy,
    permission: str,
    *,
    roles_loader: Callable[[Any], Roles],
) -> Callable[[_F], _F]:
    """A Flask view decorator: the view runs only if the user's roles grant ``permission``.

    ``roles_loader(request)`` gets Flask's ``request`` and returns the current user's role names,
    or ``None`` when nobody is logged in (then the answer is 401). A refusal is
    ``flask.abort(403)``, so the application's own 403 error handler renders it. Works on sync
    and async views; put it below ``@app.route``::

        @app.get("/articles/<int:id>/edit")
        @flask_require_permission(policy, "articles:write", roles_loader=lambda r: g.roles)
        def edit(id: int) -> str: ...
    """
    policy.validate_permission(permission)

    def check() -> None:
        flask = importlib.import_module("flask")
        werkzeug_exceptions = importlib.import_module("werkzeug.exceptions")
        request = flask.request
        method, path = str(request.method), str(request.path)
        status: int | None
        try:
            loaded = roles_loader(request)
        except werkzeug_exceptions.HTTPException:
            raise
        except Exception:  # noqa: BLE001 - fail closed with a 403, never a 500.
            status = _loader_failed(permission, method, path, "flask")
        else:
            status = _decide(policy, permission, loaded, method, path, "flask")
        if status is not None:
            flask.abort(status)

    def decorator(view: _F) -> _F:
        if inspect.iscoroutinefunction(view):

            @functools.wraps(view)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                check()
                return await view(*args, **kwargs)

            return cast(_F, async_wrapper)

        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            check()
            return view(*args, **kwargs)

        return cast(_F, wrapper)

    return decorator


def _django_group_roles(request: Any) -> Roles:
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return [str(name) for name in user.groups.values_list("name", flat=True)]


def django_require_permission(
    policy: Policy,
    permission: str,
    *,
    roles_loader: Callable[[Any], Roles] | None = None,
) -> Callable[[_F], _F]:
    """A Django view decorator: the view runs only if the user's roles grant ``permission``.

    ``roles_loader(request)`` returns the role names, or ``None`` for an anonymous user (401).
    By default the roles are the names of the user's groups (``request.user.groups``), and an
    unauthenticated ``request.user`` is anonymous. A refusal raises Django's
    ``PermissionDenied``, so the project's ``handler403`` renders it. Async views are supported
    (the loader then runs in a thread, as database access must); for class-based views use
    ``method_decorator``.
    """
    policy.validate_permission(permission)
    loader = roles_loader or _django_group_roles

    def decide(request: Any) -> Any:
        """``None`` to allow, else the response or exception to send."""
        exceptions = importlib.import_module("django.core.exceptions")
        method = str(getattr(request, "method", "") or "")
        path = str(getattr(request, "path", "") or "")
        try:
            loaded = loader(request)
            if loaded is not None and not isinstance(loaded, (list, tuple, set, frozenset)):
                loaded = list(loaded)  # Evaluate lazy querysets here, inside the try.
        except exceptions.PermissionDenied:
            raise
        except Exception:  # noqa: BLE001 - fail closed with a 403, never a 500.
            _loader_failed(permission, method, path, "django")
            return exceptions.PermissionDenied()
        status = _decide(policy, permission, loaded, method, path, "django")
        if status is None:
            return None
        if status == 401:
            http = importlib.import_module("django.http")
            return http.HttpResponse(
                "Authentication required", status=401, content_type="text/plain"
            )
        return exceptions.PermissionDenied()

    def outcome(result: Any) -> Any:
        if isinstance(result, BaseException):
            raise result
        return result

    def decorator(view: _F) -> _F:
        if inspect.iscoroutinefunction(view):
            sync_to_async = importlib.import_module("asgiref.sync").sync_to_async

            @functools.wraps(view)
            async def async_wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
                refusal = await sync_to_async(decide)(request)
                if refusal is not None:
                    return outcome(refusal)
                return await view(request, *args, **kwargs)

            return cast(_F, async_wrapper)

        @functools.wraps(view)
        def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
            refusal = decide(request)
            if refusal is not None:
                return outcome(refusal)
            return view(request, *args, **kwargs)

        return cast(_F, wrapper)

    return decorator


def fastapi_require_permission(
    policy: Policy,
    permission: str,
    *,
    roles_loader: Callable[[Any], Roles | Awaitable[Roles]],
) -> Callable[..., Awaitable[None]]:
    """A FastAPI dependency that lets the request through only if the roles grant ``permission``.

    ``roles_loader(request)`` gets the Starlette ``Request`` and returns (or, if it is async,
    awaits to) the role names, or ``None`` when nobody is authenticated (401). A refusal raises
    ``HTTPException(403)``. Use it per route or per router::

        require_write = fastapi_require_permission(policy, "articles:write", roles_loader=roles)

        @app.post("/articles", dependencies=[Depends(require_write)])
        async def create() -> dict[str, str]: ...
    """
    policy.validate_permission(permission)
    fastapi = importlib.import_module("fastapi")
    requests = importlib.import_module("starlette.requests")
    starlette_exceptions = importlib.import_module("starlette.exceptions")

    async def dependency(request: Any) -> None:
        method, path = str(request.method), str(request.url.path)
        try:
            loaded = roles_loader(request)
            if inspect.isawaitable(loaded):
                loaded = await loaded
        except starlette_exceptions.HTTPException:
            raise
        except Exception:  # noqa: BLE001 - fail closed with a 403, never a 500.
            status: int | None = _loader_failed(permission, method, path, "fastapi")
        else:
            status = _decide(policy, permission, loaded, method, path, "fastapi")
        if status == 401:
            raise fastapi.HTTPException(status_code=401, detail="Not authenticated")
        if status is not None:
            raise fastapi.HTTPException(status_code=403, detail="Forbidden")

    # FastAPI reads the parameter's type from the signature; the annotation must be the class
    # itself, since Starlette is imported here rather than at module level.
    dependency.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(
                "request",
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                annotation=requests.Request,
            )
        ],
        return_annotation=None,
    )
    dependency.__name__ = f"require_{permission.replace(':', '_')}"
    dependency.__qualname__ = dependency.__name__
    return dependency
