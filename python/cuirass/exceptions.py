"""The exceptions raised by cuirass, in one place.

Every exception derives from :class:`CuirassError`, so ``except cuirass.CuirassError`` catches
anything the library raises on purpose. Where a built-in class fits (a refused value is a
``ValueError``), the exception derives from it too, so existing handlers keep working; for
example Pydantic turns a :class:`ValidationError` raised inside a validator into a field error.
"""

from __future__ import annotations

__all__ = [
    "AccessDenied",
    "BadSignature",
    "ConfigurationError",
    "CuirassError",
    "EnvVarError",
    "InsecurePermissionsWarning",
    "InvalidHash",
    "InvalidOTPSecret",
    "InvalidToken",
    "SignatureExpired",
    "StoreUnavailable",
    "ValidationError",
]


class CuirassError(Exception):
    """Base class of every exception cuirass raises on purpose."""


class ValidationError(CuirassError, ValueError):
    """A value was refused by a validator; the message says why, for the person who typed it."""


class InvalidHash(CuirassError, ValueError):
    """A stored password hash is malformed or in a format cuirass cannot verify.

    A wrong password is not an error: :func:`cuirass.passwords.verify` returns ``False``.
    """


class BadSignature(CuirassError):
    """A signed token was altered, malformed, or signed with another key or salt."""


class SignatureExpired(BadSignature):
    """A signed token is authentic but older than ``max_age``.

    It derives from :class:`BadSignature`, so catching that alone refuses expired tokens too.
    """


class InvalidToken(CuirassError):
    """An encrypted token could not be decrypted: altered, expired (Fernet ``ttl``), made with a
    key that is not in the keyring, or not a token at all. Deliberately one class for all of
    these, so a caller cannot be used as an oracle."""


class EnvVarError(CuirassError, LookupError):
    """A required environment variable is missing or empty, or could not be converted.

    The message names the variable and never contains its value.
    """


class InsecurePermissionsWarning(UserWarning):
    """A secrets file (``.env``) can be read or written by users other than its owner."""


class InvalidOTPSecret(CuirassError, ValueError):
    """A one-time-password secret is not valid base32, is empty, or is shorter than the 128 bits
    :func:`cuirass.mfa.verify` requires. The message never contains the secret.

    A wrong code is not an error: :func:`cuirass.mfa.verify` returns ``False``.
    """


class ConfigurationError(CuirassError, ValueError):
    """A security component was configured with something it cannot honour: an
    :class:`cuirass.rbac.Policy` whose roles form a cycle or name an unknown role, a header value
    :mod:`cuirass.web` would have to send malformed. Raised when the object is built, never
    per request."""


class AccessDenied(CuirassError):
    """:meth:`cuirass.rbac.Policy.require` refused: none of ``roles`` grants ``permission``.

    The framework adapters turn it into a 403 response; elsewhere, let it propagate or catch it.
    """

    def __init__(self, permission: str, roles: frozenset[str]) -> None:
        self.permission = permission
        self.roles = roles
        super().__init__(f"permission {permission!r} is not granted to roles {sorted(roles)!r}")

    def __reduce__(self) -> tuple[type[AccessDenied], tuple[str, frozenset[str]]]:
        return (type(self), (self.permission, self.roles))


class StoreUnavailable(CuirassError):
    """A session or login-monitor store could not answer: Redis is down or too slow, the SQLite
    file is unreadable, corrupt, or locked by another process beyond the busy timeout.

    cuirass fails closed: no session validates and no login is let through unchecked while the
    store is out, and this exception says so. The message names the store (never its password);
    handle it with a 503 response rather than treating the user as logged out.
    """
