"""The exceptions raised by cuirass, in one place.

Every exception derives from :class:`CuirassError`, so ``except cuirass.CuirassError`` catches
anything the library raises on purpose. Where a built-in class fits (a refused value is a
``ValueError``), the exception derives from it too, so existing handlers keep working; for
example Pydantic turns a :class:`ValidationError` raised inside a validator into a field error.
"""

from __future__ import annotations

__all__ = [
    "BadSignature",
    "CuirassError",
    "EnvVarError",
    "InsecurePermissionsWarning",
    "InvalidHash",
    "InvalidToken",
    "SignatureExpired",
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
