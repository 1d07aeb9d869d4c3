"""Time-based one-time passwords (TOTP, RFC 6238) for two-factor login, with replay protection.

Enrolment: make a secret, store it with the account (encrypted, e.g. with :mod:`cuirass.crypto`),
and show :func:`provisioning_uri` as a QR code for the user's authenticator app. Login: check the
six digits the user typed with :func:`verify`.

>>> secret = generate_secret()
>>> len(secret)
32
>>> code = totp(secret)
>>> verify(secret, code)
True
>>> provisioning_uri("JBSWY3DPEHPK3PXP", "alice@example.com", issuer="Example Co")
'otpauth://totp/Example%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example%20Co'

Replay protection. RFC 6238 §5.2 says a code must not be accepted twice: someone who watched it
being typed could otherwise use it again within the same 30 seconds. Pass a ``store`` (any object
with ``claim(key, ttl) -> bool``: the stores of :mod:`cuirass.sessions` have it) and an
``account``; the first :func:`verify` of a code claims its time step for that account, and every
later attempt with the same code, or with an older code still inside the window, returns
``False``:

>>> class Claims:  # a toy store; use cuirass.sessions.MemoryStore, SQLiteStore or RedisStore
...     def __init__(self) -> None:
...         self.held: set[str] = set()
...     def claim(self, key: str, ttl: float) -> bool:
...         fresh = key not in self.held
...         self.held.add(key)
...         return fresh
>>> store = Claims()
>>> code = totp(secret)
>>> verify(secret, code, store=store, account="alice")
True
>>> verify(secret, code, store=store, account="alice")
False

Secrets are base32, as apps show them (``JBSW Y3DP …``): lowercase, spaces and missing padding
are accepted. :func:`verify` refuses secrets shorter than 128 bits (RFC 4226 §4) unless
``allow_short_secret=True``. The defaults (SHA-1, 6 digits, 30 seconds) are the only parameters
every authenticator app honours; SHA-256/512 and 7 or 8 digits are there for the apps and tokens
that support them. Codes are compared in constant time.
"""

from __future__ import annotations

import datetime
import math
import time
import urllib.parse
from typing import Literal, Protocol, runtime_checkable

from cuirass import _native
from cuirass.exceptions import InvalidOTPSecret

__all__ = [
    "DEFAULT_DIGITS",
    "DEFAULT_PERIOD",
    "MAX_WINDOW",
    "Algorithm",
    "ClaimStore",
    "InvalidOTPSecret",
    "generate_secret",
    "hotp",
    "normalize_secret",
    "provisioning_uri",
    "totp",
    "verify",
]

#: Six digits: what every authenticator app shows.
DEFAULT_DIGITS = 6
#: Thirty-second steps (RFC 6238's recommendation).
DEFAULT_PERIOD = 30
#: The widest :func:`verify` window allowed; RFC 6238 §5.2 recommends one step.
MAX_WINDOW = 10

#: The HMAC hash: ``"sha1"`` (the default, universally supported), ``"sha256"`` or ``"sha512"``.
Algorithm = Literal["sha1", "sha256", "sha512"]

_KEY_PREFIX = "cuirass.mfa"


@runtime_checkable
class ClaimStore(Protocol):
    """Anything that can claim a key once: the replay store :func:`verify` uses.

    ``claim(key, ttl)`` atomically records ``key`` for ``ttl`` seconds and returns ``True`` if it
    was not already held (or had expired), ``False`` if it was. ``MemoryStore``,
    ``SQLiteStore`` and ``RedisStore`` from :mod:`cuirass.sessions` implement it; with several
    server processes, use a store they share.
    """

    def claim(self, key: str, ttl: float) -> bool:
        """Record ``key`` for ``ttl`` seconds; ``True`` if it was not held already."""
        ...


def _unix_seconds(at: float | datetime.datetime | None) -> int:
    if at is None:
        return int(time.time())
    if isinstance(at, datetime.datetime):
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError("at must be a timezone-aware datetime (a naive one is ambiguous)")
        seconds = at.timestamp()
    elif isinstance(at, bool) or not isinstance(at, (int, float)):
        raise TypeError(f"at must be Unix seconds or a datetime, not {type(at).__name__}")
    else:
        seconds = float(at)
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError("at must be a time at or after the Unix epoch")
    return math.floor(seconds)


def _check_int(name: str, value: int, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, not {value}")
    return value


def _check_secret(secret_b32: str) -> str:
    if not isinstance(secret_b32, str):
        raise TypeError(f"the secret must be a base32 str, not {type(secret_b32).__name__}")
    return secret_b32


def generate_secret() -> str:
    """A new random secret: 160 bits from the OS CSPRNG, as 32 base32 characters.

    Store it with the account, encrypted at rest: unlike a password hash, it is all anyone needs
    to make valid codes.
    """
    return _native.totp_generate_secret()


def normalize_secret(secret_b32: str) -> str:
    """The canonical form of a base32 secret: uppercase, no spaces, no ``=`` padding.

    Raises :class:`InvalidOTPSecret` when it is not base32 (the message never quotes it).
    """
    return _native.totp_normalize_secret(_check_secret(secret_b32))


def hotp(
    secret_b32: str,
    counter: int,
    *,
    digits: int = DEFAULT_DIGITS,
    algorithm: Algorithm | str = "sha1",
) -> str:
    """The HOTP code (RFC 4226) for ``counter``: ``digits`` decimal digits, as a string."""
    counter = _check_int("counter", counter, 0)
    return _native.hotp_code(
        _check_secret(secret_b32), counter, _check_int("digits", digits, 0), algorithm
    )


def totp(
    secret_b32: str,
    *,
    at: float | datetime.datetime | None = None,
    digits: int = DEFAULT_DIGITS,
    algorithm: Algorithm | str = "sha1",
    period: int = DEFAULT_PERIOD,
) -> str:
    """The TOTP code (RFC 6238) at ``at`` (Unix seconds or an aware datetime; now if ``None``).

    ``digits`` is 6, 7 or 8; ``algorithm`` is ``"sha1"``, ``"sha256"`` or ``"sha512"``;
    ``period`` is the step in seconds. Raises :class:`InvalidOTPSecret` for a bad secret and
    ``ValueError`` for parameters out of range.
    """
    return _native.totp_code(
        _check_secret(secret_b32),
        _unix_seconds(at),
        _check_int("digits", digits, 0),
        algorithm,
        _check_int("period", period, 1),
    )


def verify(
    secret_b32: str,
    code: str,
    *,
    window: int = 1,
    digits: int = DEFAULT_DIGITS,
    algorithm: Algorithm | str = "sha1",
    period: int = DEFAULT_PERIOD,
    at: float | datetime.datetime | None = None,
    store: ClaimStore | None = None,
    account: str | None = None,
    allow_short_secret: bool = False,
) -> bool:
    """Whether ``code`` is the TOTP code of ``secret_b32`` now (or at ``at``), give or take
    ``window`` steps for clock drift and slow typing.

    Spaces in ``code`` are ignored (``"123 456"``); a code of the wrong length or with other
    characters is simply ``False``. The candidate codes are all computed and compared in constant
    time.

    ``window`` is at most :data:`MAX_WINDOW`. Six digits fall to a million guesses: limit
    attempts per account (:mod:`cuirass.monitor` tracks failures and locks out).

    With ``store`` (a :class:`ClaimStore`) and ``account`` (the user's id; required with a store),
    an accepted code claims its time step for that account, so the same code is refused on reuse,
    and so is any older code still inside the window. Errors raised by the store propagate: a
    login must fail closed when replay protection cannot be checked.

    Raises :class:`InvalidOTPSecret` for a malformed secret or one shorter than 128 bits (unless
    ``allow_short_secret``), ``ValueError`` for parameters out of range.
    """
    if not isinstance(code, str):
        raise TypeError(
            f"code must be a str (an int would lose leading zeros), not {type(code).__name__}"
        )
    window = _check_int("window", window, 0)
    if window > MAX_WINDOW:
        raise ValueError(
            f"window must be at most {MAX_WINDOW} steps: each step of window is another code "
            "a guesser can hit"
        )
    period = _check_int("period", period, 1)
    if store is not None and not account:
        raise ValueError("replay protection needs the account the code belongs to")
    step = _native.totp_verify(
        _check_secret(secret_b32),
        code,
        _unix_seconds(at),
        window,
        _check_int("digits", digits, 0),
        algorithm,
        period,
        bool(allow_short_secret),
    )
    if step is None:
        return False
    if store is None:
        return True
    # A step stays acceptable until `window` steps after it; one more step of margin for clock
    # differences between the store and this process.
    ttl = float((2 * window + 2) * period)
    if not store.claim(_claim_key(account, step), ttl):
        return False
    # Burn the older steps that are still inside the window, so a code seen earlier (typed but
    # not yet used, or shoulder-surfed) cannot be used after a newer one.
    for older in range(max(0, step - 2 * window), step):
        store.claim(_claim_key(account, older), ttl)
    return True


def _claim_key(account: str | None, step: int) -> str:
    # The step is last and has no colon, so (account, step) maps to exactly one key even when
    # the account contains colons.
    return f"{_KEY_PREFIX}:{account}:{step}"


def _check_label_part(name: str, value: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name} must not be empty")
    if ":" in value:
        # The Key Uri Format separates issuer and account with a colon in the label.
        raise ValueError(f"{name} must not contain a colon")
    return value


def provisioning_uri(
    secret_b32: str,
    account: str,
    *,
    issuer: str,
    digits: int = DEFAULT_DIGITS,
    algorithm: Algorithm | str = "sha1",
    period: int = DEFAULT_PERIOD,
) -> str:
    """The ``otpauth://totp/…`` URI authenticator apps enrol from (show it as a QR code).

    Follows the Key Uri Format: the label is ``issuer:account`` and the ``issuer`` parameter
    repeats the issuer, both percent-encoded (spaces as ``%20``); the secret is canonical base32.
    ``algorithm``, ``digits`` and ``period`` are only written when they differ from the defaults,
    which some apps ignore anyway: keep the defaults unless every user's app is known to honour
    them. Neither ``account`` nor ``issuer`` may contain a colon.
    """
    account = _check_label_part("account", account)
    issuer = _check_label_part("issuer", issuer)
    digits = _check_int("digits", digits, 0)
    period = _check_int("period", period, 1)
    # Validates digits and algorithm the way verify() will.
    totp(secret_b32, at=0, digits=digits, algorithm=algorithm, period=period)
    secret = normalize_secret(secret_b32)
    quote = urllib.parse.quote
    label = f"{quote(issuer, safe='')}:{quote(account, safe='')}"
    parameters = [("secret", secret), ("issuer", issuer)]
    algorithm_name = algorithm.lower().replace("-", "").replace("_", "")
    if algorithm_name != "sha1":
        parameters.append(("algorithm", algorithm_name.upper()))
    if digits != DEFAULT_DIGITS:
        parameters.append(("digits", str(digits)))
    if period != DEFAULT_PERIOD:
        parameters.append(("period", str(period)))
    query = "&".join(f"{name}={quote(value, safe='')}" for name, value in parameters)
    return f"otpauth://totp/{label}?{query}"
