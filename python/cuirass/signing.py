"""Signed, timestamped JSON tokens: the safe replacement for pickle across a trust boundary.

``pickle.loads`` on data a client can touch (a cookie, a hidden field, a cache another service
writes) runs code of the client's choosing. A signed token carries plain JSON instead, with an
HMAC-SHA256 tag that only holders of the key can produce, so the server gets back exactly what it
sent, or an exception.

>>> token = dumps({"user": 42}, "server-secret", salt="password-reset")
>>> loads(token, "server-secret", salt="password-reset", max_age=3600)
{'user': 42}

Tokens are compact and URL-safe: ``payload.timestamp.signature`` in base64url. The payload is
signed, not encrypted: anyone can read it, nobody can change it (use :mod:`cuirass.crypto` for
secrecy). The ``salt`` names the purpose, so a token made for password resets is refused as a
session token even under the same key.

Key rotation: pass a list of keys, newest first. Tokens are signed with the first and accepted
with any, so a new key can be deployed first and the old one removed once its tokens expired.
"""

from __future__ import annotations

import datetime
import functools
import json
import time
from collections.abc import Sequence
from typing import Any

from cuirass import _native
from cuirass.exceptions import BadSignature, SignatureExpired

__all__ = [
    "BadSignature",
    "Serializer",
    "SignatureExpired",
    "constant_time_compare",
    "dumps",
    "loads",
]

Key = str | bytes
Keys = Key | Sequence[Key]


def _key_tuple(keys: Keys) -> tuple[bytes, ...]:
    if isinstance(keys, (str, bytes, bytearray)):
        keys = [keys]
    normalised: list[bytes] = []
    for key in keys:
        if isinstance(key, str):
            normalised.append(key.encode())
        elif isinstance(key, (bytes, bytearray)):
            normalised.append(bytes(key))
        else:
            raise TypeError(f"a key must be str or bytes, not {type(key).__name__}")
    if not normalised:
        raise ValueError("no signing key was given")
    return tuple(normalised)


def _salt_bytes(salt: str | bytes) -> bytes:
    if isinstance(salt, str):
        return salt.encode()
    if isinstance(salt, (bytes, bytearray)):
        return bytes(salt)
    raise TypeError(f"salt must be str or bytes, not {type(salt).__name__}")


def _max_age_seconds(max_age: float | datetime.timedelta | None) -> float | None:
    if max_age is None:
        return None
    if isinstance(max_age, datetime.timedelta):
        return max_age.total_seconds()
    if isinstance(max_age, bool) or not isinstance(max_age, (int, float)):
        raise TypeError(f"max_age must be seconds or a timedelta, not {type(max_age).__name__}")
    return float(max_age)


def _encode(obj: Any) -> bytes:
    # Compact, and strict: NaN and Infinity are not JSON, so they are refused on the way in.
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


class Serializer:
    """Signs and verifies JSON tokens with fixed keys and salt (build once, reuse).

    ``keys`` is one key or a sequence of keys, newest first (``str`` keys are UTF-8 encoded);
    ``salt`` names the token's purpose.
    """

    __slots__ = ("_signer",)

    def __init__(self, keys: Keys, *, salt: str | bytes) -> None:
        self._signer = _native.Signer(list(_key_tuple(keys)), _salt_bytes(salt))

    def __repr__(self) -> str:
        return "Serializer(<keys>)"

    def dumps(self, obj: Any) -> str:
        """Serialise ``obj`` to compact JSON and sign it with the first key, stamped now."""
        return self._signer.sign(_encode(obj), int(time.time()))

    def loads(
        self, token: str | bytes, *, max_age: float | datetime.timedelta | None = None
    ) -> Any:
        """Verify ``token`` and return its object.

        Raises :class:`SignatureExpired` when the token is older than ``max_age`` (seconds or a
        ``timedelta``) and :class:`BadSignature` when it was altered, malformed, or signed with
        another key or salt.
        """
        return self.loads_with_timestamp(token, max_age=max_age)[0]

    def loads_with_timestamp(
        self, token: str | bytes, *, max_age: float | datetime.timedelta | None = None
    ) -> tuple[Any, datetime.datetime]:
        """Like :meth:`loads`, also returning when the token was signed (aware, UTC)."""
        if not isinstance(token, (str, bytes)):
            raise TypeError(f"token must be str or bytes, not {type(token).__name__}")
        payload, stamp = self._signer.unsign(token, _max_age_seconds(max_age), int(time.time()))
        try:
            obj = json.loads(payload)
        except ValueError:
            # Only a holder of the key could have signed this; still, never crash on it.
            raise BadSignature("the token's payload is not valid JSON") from None
        return obj, datetime.datetime.fromtimestamp(stamp, tz=datetime.timezone.utc)


@functools.lru_cache(maxsize=32)
def _serializer(keys: tuple[bytes, ...], salt: bytes) -> Serializer:
    return Serializer(keys, salt=salt)


def dumps(obj: Any, key: Keys, *, salt: str | bytes) -> str:
    """Serialise ``obj`` to JSON and sign it: a compact, URL-safe, timestamped token.

    ``key`` may be a sequence of keys; the first one signs. ``salt`` names the purpose
    (``"password-reset"``, ``"unsubscribe"``) and must be the same in :func:`loads`.
    """
    return _serializer(_key_tuple(key), _salt_bytes(salt)).dumps(obj)


def loads(
    token: str | bytes,
    keys: Keys,
    *,
    salt: str | bytes,
    max_age: float | datetime.timedelta | None = None,
) -> Any:
    """Verify a token made by :func:`dumps` with any of ``keys`` and return its object.

    Raises :class:`SignatureExpired` when it is older than ``max_age`` (seconds or a
    ``timedelta``; ``None`` for no limit) and :class:`BadSignature` when it was altered,
    malformed, or signed with another key or salt.
    """
    return _serializer(_key_tuple(keys), _salt_bytes(salt)).loads(token, max_age=max_age)


def constant_time_compare(a: str | bytes, b: str | bytes) -> bool:
    """Whether ``a`` and ``b`` are equal, in time that does not depend on where they differ.

    Use it for comparing secrets (tokens, API keys, digests). Strings are compared as UTF-8.
    """
    for name, value in (("a", a), ("b", b)):
        if not isinstance(value, (str, bytes, bytearray)):
            raise TypeError(f"{name} must be str or bytes, not {type(value).__name__}")
    return _native.constant_time_compare(a, b)
