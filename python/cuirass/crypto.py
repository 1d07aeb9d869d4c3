"""Authenticated encryption: AES-256-GCM with key ids and rotation, and Fernet.

:class:`Keyring` holds named 256-bit keys, newest first. :meth:`Keyring.encrypt` uses the newest
and writes its id into the token (``v1.<key id>.<data>``), so tokens made under older keys stay
readable after a new key is added, and :meth:`Keyring.rotate` re-encrypts them under the newest
one. Associated data (a user id, a record id, a purpose) is authenticated but not stored: a token
made for one record does not decrypt as another's.

>>> ring = Keyring({"2025-01": generate_key()})
>>> token = ring.encrypt(b"4111 1111 1111 1111", associated_data=b"user:42")
>>> ring.decrypt(token, associated_data=b"user:42")
b'4111 1111 1111 1111'

:class:`Fernet` makes and reads the tokens of ``cryptography.fernet.Fernet`` (AES-128-CBC with
HMAC-SHA256), both ways, for systems that already use them.

Every decryption failure (altered token, wrong key, wrong associated data, expired Fernet token)
raises the same :class:`~cuirass.exceptions.InvalidToken`.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping

from cuirass import _native
from cuirass.exceptions import InvalidToken

__all__ = [
    "Fernet",
    "InvalidToken",
    "Keyring",
    "decrypt",
    "encrypt",
    "generate_key",
    "key_id",
    "rotate",
]

#: Fernet tokens, interoperable with ``cryptography.fernet.Fernet`` in both directions:
#: ``Fernet(key)``, ``Fernet.generate_key()``, ``encrypt(data)``, ``decrypt(token, ttl=None)``,
#: ``encrypt_at_time``, ``decrypt_at_time``, ``extract_timestamp``.
Fernet = _native.Fernet

Key = str | bytes


def _key_bytes(key_id: str, key: Key) -> bytes:
    if isinstance(key, str):
        try:
            raw = base64.b64decode(key + "=" * (-len(key) % 4), altchars=b"-_", validate=True)
        except (binascii.Error, ValueError):
            raise ValueError(
                f"key `{key_id}` is text but not URL-safe base64 (as made by generate_key())"
            ) from None
        if len(raw) != 32:
            raise ValueError(f"key `{key_id}` must decode to 32 bytes, got {len(raw)}")
        return raw
    if isinstance(key, (bytes, bytearray)):
        if len(key) != 32:
            raise ValueError(
                f"key `{key_id}` must be exactly 32 raw bytes, got {len(key)} "
                "(pass base64 text keys as str)"
            )
        return bytes(key)
    raise TypeError(f"key `{key_id}` must be str or bytes, not {type(key).__name__}")


def _aad(associated_data: bytes | str | None) -> bytes | None:
    if associated_data is None or isinstance(associated_data, bytes):
        return associated_data
    if isinstance(associated_data, str):
        return associated_data.encode()
    if isinstance(associated_data, bytearray):
        return bytes(associated_data)
    raise TypeError(f"associated_data must be bytes or str, not {type(associated_data).__name__}")


class Keyring:
    """Named AES-256 keys, newest first: the first encrypts, every one decrypts.

    ``keys`` is a mapping or an iterable of ``(key id, key)`` pairs. A key id is 1 to 64 ASCII
    letters, digits, ``-`` or ``_`` (a date works well); a key is 32 raw bytes or the URL-safe
    base64 text :func:`generate_key` returns.
    """

    __slots__ = ("_native",)

    def __init__(self, keys: Mapping[str, Key] | Iterable[tuple[str, Key]]) -> None:
        pairs = keys.items() if isinstance(keys, Mapping) else keys
        entries: list[tuple[str, bytes]] = []
        for pair in pairs:
            key_id, key = pair
            if not isinstance(key_id, str):
                raise TypeError(f"a key id must be str, not {type(key_id).__name__}")
            entries.append((key_id, _key_bytes(key_id, key)))
        self._native = _native.Keyring(entries)

    def __repr__(self) -> str:
        return f"Keyring(ids={self.ids!r})"

    @property
    def ids(self) -> list[str]:
        """The key ids, newest first."""
        return self._native.ids

    @property
    def primary_id(self) -> str:
        """The id of the key that encrypts."""
        return self._native.primary_id

    def encrypt(self, plaintext: bytes, *, associated_data: bytes | str | None = None) -> str:
        """Encrypt ``plaintext`` under the newest key and return the token (text)."""
        if not isinstance(plaintext, (bytes, bytearray)):
            raise TypeError(f"plaintext must be bytes, not {type(plaintext).__name__}")
        return self._native.encrypt(plaintext, _aad(associated_data))

    def decrypt(self, token: str | bytes, *, associated_data: bytes | str | None = None) -> bytes:
        """Decrypt and authenticate ``token`` with the key it names.

        Raises :class:`~cuirass.exceptions.InvalidToken` if it was altered, names a key that is
        not in the ring, or was made with other associated data.
        """
        return self._native.decrypt(token, _aad(associated_data))

    def rotate(self, token: str | bytes, *, associated_data: bytes | str | None = None) -> str:
        """Re-encrypt ``token`` under the newest key (returned unchanged, after authenticating
        it, when it already is)."""
        return self._native.rotate(token, _aad(associated_data))

    def needs_rotation(self, token: str | bytes) -> bool:
        """Whether ``token`` was made under a key other than the newest."""
        return key_id(token) != self.primary_id


def generate_key() -> str:
    """A fresh random 256-bit key from the OS CSPRNG, as URL-safe base64 text (for an
    environment variable or a secrets manager)."""
    return base64.urlsafe_b64encode(_native.generate_aes_key()).decode()


def key_id(token: str | bytes) -> str:
    """The key id a token names (without decrypting or authenticating it)."""
    return _native.key_id(token)


def encrypt(
    plaintext: bytes, keyring: Keyring, *, associated_data: bytes | str | None = None
) -> str:
    """Encrypt ``plaintext`` under ``keyring``'s newest key (see :meth:`Keyring.encrypt`)."""
    return keyring.encrypt(plaintext, associated_data=associated_data)


def decrypt(
    token: str | bytes, keyring: Keyring, *, associated_data: bytes | str | None = None
) -> bytes:
    """Decrypt and authenticate ``token`` (see :meth:`Keyring.decrypt`)."""
    return keyring.decrypt(token, associated_data=associated_data)


def rotate(
    token: str | bytes, keyring: Keyring, *, associated_data: bytes | str | None = None
) -> str:
    """Re-encrypt ``token`` under ``keyring``'s newest key (see :meth:`Keyring.rotate`)."""
    return keyring.rotate(token, associated_data=associated_data)
