"""Password hashing, verification, migration, peppers, generation and a strength policy.

New hashes are Argon2id with OWASP's parameters (19 MiB of memory, 2 passes, 1 lane), as PHC
strings that ``argon2-cffi`` reads too. :func:`verify` also accepts the formats user tables
migrate from (bcrypt ``$2b$…``, Django's ``pbkdf2_sha256$…``, ``bcrypt$…``, ``bcrypt_sha256$…``
and ``argon2$…``, passlib's ``$pbkdf2-sha256$…``), so switching needs no password reset: verify
the old hash, then store a new one when :func:`needs_rehash` says so. :func:`verify_and_update`
does both in one call.

Peppers
-------
A pepper is a server-side secret (kept out of the database, e.g. in an environment variable) that
is mixed into every password before hashing: HMAC-SHA256(pepper, password). A stolen table alone
is then useless for offline guessing. To rotate a pepper:

1. put the new pepper in ``pepper`` and the old one(s) in ``old_peppers``;
2. :func:`verify_and_update` tries the current pepper first, then each old one, and returns a
   new hash under the current pepper whenever an old one matched;
3. once every active user has logged in (or after a deadline, forcing resets for the rest), drop
   the old pepper.

To introduce a pepper on an existing table of unpeppered Argon2 hashes, list ``None`` in
``old_peppers``. Hashes migrated from other schemes (bcrypt, PBKDF2) were never peppered and are
verified as they are.

Hashing runs with the GIL released, so other threads keep running during the ~20 ms it takes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cuirass import _native
from cuirass.exceptions import InvalidHash

__all__ = [
    "DEFAULT_ALPHABET",
    "MEMORY_COST",
    "PARALLELISM",
    "TIME_COST",
    "InvalidHash",
    "PasswordHasher",
    "StrengthResult",
    "check_strength",
    "generate",
    "hash",
    "identify",
    "needs_rehash",
    "verify",
    "verify_and_update",
]

#: OWASP Password Storage Cheat Sheet: Argon2id, m = 19 MiB, t = 2, p = 1.
MEMORY_COST = 19 * 1024
TIME_COST = 2
PARALLELISM = 1

#: Letters and digits: 20 characters carry about 119 bits.
DEFAULT_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

Password = str | bytes
Pepper = str | bytes


def _check_password(password: object) -> None:
    if not isinstance(password, (str, bytes, bytearray)):
        raise TypeError(f"password must be str or bytes, not {type(password).__name__}")


class PasswordHasher:
    """Argon2id hashing with fixed parameters and optional peppers.

    ``memory_cost`` is in KiB. ``pepper`` is the current server-side pepper (``None`` for none);
    ``old_peppers`` are tried after it when verifying (``None`` in it accepts unpeppered hashes).
    """

    __slots__ = ("_memory_cost", "_parallelism", "_peppers", "_time_cost")

    def __init__(
        self,
        *,
        memory_cost: int = MEMORY_COST,
        time_cost: int = TIME_COST,
        parallelism: int = PARALLELISM,
        pepper: Pepper | None = None,
        old_peppers: Iterable[Pepper | None] = (),
    ) -> None:
        for name, value in (
            ("memory_cost", memory_cost),
            ("time_cost", time_cost),
            ("parallelism", parallelism),
        ):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        self._memory_cost = memory_cost
        self._time_cost = time_cost
        self._parallelism = parallelism
        peppers = [pepper, *old_peppers]
        for entry in peppers:
            if entry is not None and not isinstance(entry, (str, bytes)):
                raise TypeError(f"a pepper must be str or bytes, not {type(entry).__name__}")
            if entry is not None and len(entry) == 0:
                raise ValueError("a pepper must not be empty")
        self._peppers: list[Pepper | None] = peppers

    def __repr__(self) -> str:
        # Never the peppers themselves, only how many are configured.
        configured = sum(pepper is not None for pepper in self._peppers)
        return (
            f"PasswordHasher(memory_cost={self._memory_cost}, time_cost={self._time_cost}, "
            f"parallelism={self._parallelism}, peppers={configured})"
        )

    def hash(self, password: Password) -> str:
        """Hash ``password`` (str is encoded as UTF-8) and return the Argon2id PHC string."""
        _check_password(password)
        return _native.hash_password(
            password, self._memory_cost, self._time_cost, self._parallelism, self._peppers[0]
        )

    def _verify(self, stored: str, password: Password) -> tuple[bool, int | None]:
        if not isinstance(stored, str):
            raise TypeError(f"stored hash must be str, not {type(stored).__name__}")
        _check_password(password)
        peppers = [] if self._peppers == [None] else self._peppers
        return _native.verify_password(stored, password, peppers)

    def verify(self, stored: str, password: Password) -> bool:
        """Whether ``password`` matches ``stored``, compared in constant time.

        Returns ``False`` for a wrong password; raises :class:`InvalidHash` when ``stored`` is
        not a hash cuirass can read.
        """
        return self._verify(stored, password)[0]

    def needs_rehash(self, stored: str) -> bool:
        """Whether ``stored`` should be replaced by :meth:`hash` after a successful login.

        True for any scheme but Argon2id, and for Argon2id hashes with a lower memory or time
        cost, or a shorter salt or output, than this hasher's.
        """
        return _native.needs_rehash(stored, self._memory_cost, self._time_cost, self._parallelism)

    def verify_and_update(self, stored: str, password: Password) -> tuple[bool, str | None]:
        """Verify, and return a replacement hash when one is due.

        Returns ``(matched, new_hash)``. ``new_hash`` is ``None`` unless the password matched and
        the stored hash is outdated (another scheme, weaker parameters, or an old pepper).
        """
        matched, pepper_index = self._verify(stored, password)
        if not matched:
            return False, None
        outdated = self.needs_rehash(stored) or (pepper_index not in (None, 0))
        return True, (self.hash(password) if outdated else None)


def hash(  # noqa: A001 - the natural name; `builtins.hash` stays reachable
    password: Password,
    *,
    pepper: Pepper | None = None,
    memory_cost: int = MEMORY_COST,
    time_cost: int = TIME_COST,
    parallelism: int = PARALLELISM,
) -> str:
    """Hash ``password`` with Argon2id and return the PHC string.

    >>> stored = hash("correct horse battery staple")
    >>> stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    True
    """
    return PasswordHasher(
        memory_cost=memory_cost, time_cost=time_cost, parallelism=parallelism, pepper=pepper
    ).hash(password)


def verify(
    stored: str,
    password: Password,
    *,
    pepper: Pepper | None = None,
    old_peppers: Iterable[Pepper | None] = (),
) -> bool:
    """Whether ``password`` matches ``stored`` (Argon2, bcrypt, Django or passlib PBKDF2).

    Returns ``False`` for a wrong password and raises :class:`InvalidHash` for a hash it cannot
    read. The comparison is constant time.
    """
    return PasswordHasher(pepper=pepper, old_peppers=old_peppers).verify(stored, password)


def needs_rehash(
    stored: str,
    *,
    memory_cost: int = MEMORY_COST,
    time_cost: int = TIME_COST,
    parallelism: int = PARALLELISM,
) -> bool:
    """Whether ``stored`` is another scheme than Argon2id or weaker than the given parameters."""
    return PasswordHasher(
        memory_cost=memory_cost, time_cost=time_cost, parallelism=parallelism
    ).needs_rehash(stored)


def verify_and_update(
    stored: str,
    password: Password,
    *,
    pepper: Pepper | None = None,
    old_peppers: Iterable[Pepper | None] = (),
    memory_cost: int = MEMORY_COST,
    time_cost: int = TIME_COST,
    parallelism: int = PARALLELISM,
) -> tuple[bool, str | None]:
    """Verify and, when the hash is outdated, return its replacement: ``(matched, new_hash)``.

    Store ``new_hash`` whenever it is not ``None``; this is how tables migrate to Argon2id, to
    stronger parameters and to a new pepper.
    """
    return PasswordHasher(
        memory_cost=memory_cost,
        time_cost=time_cost,
        parallelism=parallelism,
        pepper=pepper,
        old_peppers=old_peppers,
    ).verify_and_update(stored, password)


def identify(stored: str) -> str | None:
    """The scheme of a stored hash (``"argon2id"``, ``"bcrypt"``, ``"pbkdf2_sha256"``, …), or
    ``None`` when it is not a format :func:`verify` reads."""
    return _native.identify_hash(stored)


def generate(length: int = 20, *, alphabet: str = DEFAULT_ALPHABET) -> str:
    """A random password of ``length`` characters (8 to 1024) from ``alphabet``, drawn
    uniformly with the operating system's CSPRNG."""
    if isinstance(length, bool) or not isinstance(length, int):
        raise TypeError(f"length must be an int, not {type(length).__name__}")
    if length < 0:
        raise ValueError(f"a generated password needs a length between 8 and 1024, got {length}")
    return _native.generate_password(length, alphabet)


@dataclass(frozen=True)
class StrengthResult:
    """The outcome of :func:`check_strength`.

    ``ok`` is true when nothing is wrong; ``problems`` holds one message per weakness, in a
    fixed order, and ``codes`` the matching stable codes (``too-short``, ``too-long``,
    ``common``, ``sequential``, ``repetitive``, ``contains-user-input``).
    """

    ok: bool
    problems: tuple[str, ...]
    codes: tuple[str, ...]


def check_strength(
    password: str,
    *,
    user_inputs: Sequence[str] = (),
    min_length: int = 8,
    max_length: int = 64,
) -> StrengthResult:
    """Check ``password`` against NIST SP 800-63B's rules.

    At least ``min_length`` and at most ``max_length`` characters (counted as Unicode code
    points; SP 800-63B asks that at least 64 be accepted), not a commonly used password or a
    decorated variant of one (``P@ssw0rd!``), not a keyboard or alphabet run, not one short unit
    repeated, and not containing the account's own details (``user_inputs``: user name, e-mail,
    the site's name). No composition rules ("a digit and a symbol"), which the guideline advises
    against.
    """
    if not isinstance(password, str):
        raise TypeError(f"password must be str, not {type(password).__name__}")
    if isinstance(user_inputs, str):
        user_inputs = (user_inputs,)
    found = _native.check_strength(password, min_length, max_length, list(user_inputs))
    return StrengthResult(
        ok=not found,
        problems=tuple(message for _, message in found),
        codes=tuple(code for code, _ in found),
    )
