"""Server-side sessions: the cookie holds only an opaque id; everything else stays on the server.

>>> sessions = SessionManager(MemoryStore(), ttl=3600)
>>> session_id = sessions.create("user-42", data={"role": "editor"}, ip="192.0.2.1")
>>> session = sessions.validate(session_id, ip="192.0.2.1")
>>> session.user_id, session.data
('user-42', {'role': 'editor'})
>>> sessions.revoke(session_id)
True
>>> sessions.validate(session_id) is None
True

Ids are 32 random bytes from the operating system (43 URL-safe characters); the store keeps only
their SHA-256, so a leaked database or Redis dump opens no session. Put the id in a cookie with
``Secure``, ``HttpOnly`` and ``SameSite`` set, and call :meth:`SessionManager.rotate` at login
and whenever privileges change, so an id planted or leaked before is worthless.

Stores:

- :class:`MemoryStore`: one process, for tests;
- :class:`SQLiteStore`: one file (WAL mode, created 0600), the embedded default, correct when
  several worker processes on one host share it;
- :class:`RedisStore`: several application hosts; a revocation is seen by all of them at once.

Every store also offers :meth:`Store.claim`, the one-time claim :mod:`cuirass.mfa` uses against
replayed codes. When a store cannot answer, operations raise :class:`StoreUnavailable`: a session
never validates on a failed read.

Expiry: ``ttl`` is an absolute lifetime nothing extends; ``idle_timeout`` adds sliding expiry.
To keep validation a read, the last-seen time (and so the idle deadline) is written only when it
has moved by a tenth of the idle timeout or a minute, whichever is less: a session may end up to
that much before ``idle_timeout`` has passed since its very last request.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import stat
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from cuirass import _native
from cuirass.exceptions import InsecurePermissionsWarning, StoreUnavailable

if TYPE_CHECKING:
    from cuirass.monitor import LoginMonitor

__all__ = [
    "DEFAULT_TTL",
    "MemoryStore",
    "RedisStore",
    "SQLiteStore",
    "Session",
    "SessionManager",
    "Store",
    "StoreUnavailable",
]

#: The default absolute session lifetime: two weeks (Django's default).
DEFAULT_TTL = datetime.timedelta(days=14)

Seconds = float | datetime.timedelta
Clock = Callable[[], float]


def _seconds(value: Seconds, name: str) -> float:
    if isinstance(value, datetime.timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be seconds or a timedelta, not {type(value).__name__}")
    else:
        seconds = float(value)
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(f"{name} must be a positive duration, not {value!r}")
    return seconds


def _millis(value: Seconds, name: str) -> int:
    # Rounded up, so a tiny positive duration never becomes 0.
    return max(1, math.ceil(_seconds(value, name) * 1000))


def _now_ms(clock: Clock | None) -> int | None:
    return None if clock is None else math.floor(clock() * 1000)


def _check_str(value: object, name: str, *, optional: bool = False) -> None:
    if optional and value is None:
        return
    if not isinstance(value, str):
        kind = "str or None" if optional else "str"
        raise TypeError(f"{name} must be {kind}, not {type(value).__name__}")


class Store:
    """Base class of :class:`MemoryStore`, :class:`SQLiteStore` and :class:`RedisStore`.

    Not meant to be subclassed: the operations run in Rust. One store object is safe to share
    between threads, and between a :class:`SessionManager` and a
    :class:`~cuirass.monitor.LoginMonitor`.
    """

    __slots__ = ("_handle",)

    _handle: _native.SessionStore

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self._handle.description}>"

    def claim(self, key: str, ttl: float) -> bool:
        """Atomically record ``key`` for ``ttl`` seconds.

        Returns ``True`` if ``key`` was not already held (the caller now holds it) and ``False``
        if it was, in this process or, for SQLite and Redis, any other. Use it to accept
        something once: a one-time code, a nonce, a webhook delivery id.
        """
        _check_str(key, "key")
        return self._handle.claim(key, _millis(ttl, "ttl"))

    def purge_expired(self) -> int:
        """Delete expired sessions, counters and claims now; returns how many.

        Never needed for correctness (expired records are never returned) and run by writes
        about once a minute anyway; Redis expires keys itself (this returns 0).
        """
        return self._handle.purge_expired()


class MemoryStore(Store):
    """A store in this process's memory: for tests and single-process development servers."""

    __slots__ = ()

    def __init__(self) -> None:
        self._handle = _native.SessionStore.memory()


class SQLiteStore(Store):
    """A store in one SQLite file, shared safely by every thread and process that opens it.

    The file is created with mode 0600 if missing (a :class:`InsecurePermissionsWarning` is
    issued if an existing one is readable by others) and put in WAL mode, so validations read
    without waiting for writers. Writes wait up to ``busy_timeout`` seconds for another process's
    write lock, then raise :class:`StoreUnavailable`. ``synchronous="full"`` (the default) makes
    every revocation durable before it returns; ``"normal"`` is faster and only risks the last
    writes on an operating-system crash or power cut.

    Raises :class:`StoreUnavailable` if the file cannot be created or opened, is not a database,
    or was written by a newer cuirass. Give the store a file of its own and do not open it with
    Python's :mod:`sqlite3` in the same process: that is a second copy of SQLite, and two copies
    in one process do not see each other's file locks.
    """

    __slots__ = ("_path",)

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        busy_timeout: float = 5.0,
        synchronous: Literal["full", "normal"] = "full",
    ) -> None:
        self._path = os.fspath(path)
        _check_str(self._path, "path")
        if isinstance(busy_timeout, bool) or not isinstance(busy_timeout, (int, float)):
            raise TypeError("busy_timeout must be a number of seconds")
        if synchronous not in ("full", "normal"):
            raise ValueError(f"synchronous must be 'full' or 'normal', not {synchronous!r}")
        self._warn_if_shared(self._path)
        self._handle = _native.SessionStore.sqlite(self._path, float(busy_timeout), synchronous)

    @property
    def path(self) -> str:
        """The database file."""
        return self._path

    @staticmethod
    def _warn_if_shared(path: str) -> None:
        try:
            mode = os.stat(path).st_mode
        except OSError:
            return
        if os.name == "posix" and stat.S_IMODE(mode) & 0o077:
            warnings.warn(
                f"the session store {path} can be read or written by other users "
                f"(mode {stat.S_IMODE(mode):o}); run: chmod 600 {path}",
                InsecurePermissionsWarning,
                stacklevel=3,
            )


class RedisStore(Store):
    """A store in a Redis database, for applications served from several hosts.

    ``url`` is ``redis://[[user]:password@]host[:port][/db]`` or ``unix:///path/to/socket``.
    Every key starts with ``prefix``, so applications (or environments) can share a database.
    Records expire through Redis TTLs; validity is still decided by the stored timestamps.
    ``timeout`` (seconds) bounds connecting, reading and writing, so an outage raises
    :class:`StoreUnavailable` quickly instead of hanging requests. Connects on first use.
    Standalone Redis (or Sentinel-managed) only, not Redis Cluster.
    """

    __slots__ = ()

    def __init__(self, url: str, *, prefix: str = "cuirass:", timeout: float = 2.0) -> None:
        _check_str(url, "url")
        _check_str(prefix, "prefix")
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
            raise TypeError("timeout must be a number of seconds")
        self._handle = _native.SessionStore.redis(url, prefix, float(timeout))


def _time(millis: int) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(millis / 1000, tz=datetime.timezone.utc)


@dataclass(frozen=True, slots=True)
class Session:
    """A session as stored when it was read: a snapshot, changing it changes nothing.

    Times are aware UTC datetimes. ``expires_at`` is when the session ends unless used again
    (the earlier of the idle deadline and ``absolute_expires_at``). ``ip`` and ``user_agent`` are
    the client's at creation, ``last_ip`` and ``last_user_agent`` the most recent ones seen by
    :meth:`SessionManager.validate`. ``handle`` identifies the session in a "your devices" list:
    safe to show and to send back to :meth:`SessionManager.revoke_handle`, useless as a login.
    The id itself is never part of a session object.
    """

    user_id: str
    created_at: datetime.datetime
    last_seen_at: datetime.datetime
    expires_at: datetime.datetime
    absolute_expires_at: datetime.datetime
    ip: str | None
    user_agent: str | None
    last_ip: str | None
    last_user_agent: str | None
    data: dict[str, Any] = field(repr=False)
    handle: str = field(repr=False)

    @classmethod
    def _from_record(cls, record: _native._Record) -> Session:
        (
            user_id,
            created_at,
            last_seen_at,
            expires_at,
            absolute_expires_at,
            ip,
            user_agent,
            last_ip,
            last_user_agent,
            data,
            handle,
        ) = record
        try:
            decoded = json.loads(data)
        except ValueError:
            raise StoreUnavailable("a stored session holds data that is not JSON") from None
        if not isinstance(decoded, dict):
            raise StoreUnavailable("a stored session holds data that is not a JSON object")
        return cls(
            user_id,
            _time(created_at),
            _time(last_seen_at),
            _time(expires_at),
            _time(absolute_expires_at),
            ip,
            user_agent,
            last_ip,
            last_user_agent,
            decoded,
            handle,
        )


def _encode_data(data: Mapping[str, Any] | None) -> str:
    if data is None:
        return "{}"
    if not isinstance(data, Mapping):
        raise TypeError(f"data must be a mapping, not {type(data).__name__}")
    try:
        return json.dumps(dict(data), separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise TypeError(f"session data must be JSON-serialisable: {error}") from None


class SessionManager:
    """Creates, validates, rotates and revokes sessions in a store.

    ``ttl`` (seconds or a timedelta; two weeks by default) is each session's absolute lifetime.
    ``idle_timeout`` (default none) also ends a session that has not been validated for that
    long. With a ``monitor``, :meth:`validate` reports a session used from a new address or user
    agent to the monitor's event sink. ``clock`` (a ``time.time``-like callable) replaces the
    system clock, for tests.
    """

    __slots__ = ("_clock", "_manager", "_monitor", "_store")

    def __init__(
        self,
        store: Store,
        *,
        ttl: Seconds = DEFAULT_TTL,
        idle_timeout: Seconds | None = None,
        monitor: LoginMonitor | None = None,
        clock: Clock | None = None,
    ) -> None:
        if not isinstance(store, Store):
            raise TypeError(
                "store must be a MemoryStore, SQLiteStore or RedisStore, "
                f"not {type(store).__name__}"
            )
        idle = None if idle_timeout is None else _millis(idle_timeout, "idle_timeout")
        self._manager = _native.SessionManager(store._handle, _millis(ttl, "ttl"), idle)
        self._store = store
        self._monitor = monitor
        self._clock = clock

    def __repr__(self) -> str:
        return f"<SessionManager on {self._store!r}>"

    @property
    def store(self) -> Store:
        """The store the sessions live in."""
        return self._store

    def create(
        self,
        user_id: str,
        *,
        ttl: Seconds | None = None,
        data: Mapping[str, Any] | None = None,
        ip: str | None = None,
        user_agent: str | None = None,
    ) -> str:
        """Start a session for ``user_id`` and return its id (for the cookie; never log it).

        ``ttl`` overrides the manager's lifetime for this session (a "remember me" login);
        ``data`` is a JSON-serialisable mapping (at most 64 KiB encoded); ``ip`` and
        ``user_agent`` are the client's, kept for :meth:`list_user_sessions` and anomaly
        detection.
        """
        _check_str(user_id, "user_id")
        _check_str(ip, "ip", optional=True)
        _check_str(user_agent, "user_agent", optional=True)
        ttl_ms = None if ttl is None else _millis(ttl, "ttl")
        session_id, _ = self._manager.create(
            user_id, _encode_data(data), ttl_ms, ip, user_agent, _now_ms(self._clock)
        )
        return session_id

    def get(self, session_id: str | None) -> Session | None:
        """The session for ``session_id`` if it is valid, without refreshing it.

        ``None`` for a missing (``None``), malformed, unknown, expired or revoked id.
        """
        if session_id is None:
            return None
        _check_str(session_id, "session_id", optional=True)
        record = self._manager.get(session_id, _now_ms(self._clock))
        return None if record is None else Session._from_record(record)

    def validate(
        self,
        session_id: str | None,
        *,
        ip: str | None = None,
        user_agent: str | None = None,
    ) -> Session | None:
        """The session for ``session_id`` if it is valid; call it on every request.

        Refreshes the idle deadline (see the module notes) and, given the client's ``ip`` and
        ``user_agent``, records them and, with a monitor, reports a change as a ``new_ip`` or
        ``new_user_agent`` event. Returns ``None`` for a missing, malformed, unknown, expired or
        revoked id; raises :class:`StoreUnavailable` when the store cannot answer.
        """
        if session_id is None:
            return None
        _check_str(session_id, "session_id")
        _check_str(ip, "ip", optional=True)
        _check_str(user_agent, "user_agent", optional=True)
        found = self._manager.validate(session_id, ip, user_agent, _now_ms(self._clock))
        if found is None:
            return None
        record, previous_ip, previous_agent = found
        session = Session._from_record(record)
        if self._monitor is not None:
            if previous_ip is not None:
                self._monitor._session_anomaly("new_ip", session, previous_ip)
            if previous_agent is not None:
                self._monitor._session_anomaly("new_user_agent", session, previous_agent)
        return session

    def update_data(self, session_id: str, data: Mapping[str, Any]) -> Session | None:
        """Replace the data of a valid session; returns the updated session, or ``None``."""
        _check_str(session_id, "session_id")
        record = self._manager.update_data(session_id, _encode_data(data), _now_ms(self._clock))
        return None if record is None else Session._from_record(record)

    def rotate(self, session_id: str) -> str | None:
        """Give a valid session a new id and return it; the old id stops working at once.

        Call it right after login and whenever the session's privileges change, and send the
        new id to the client. Returns ``None`` if ``session_id`` is not valid.
        """
        _check_str(session_id, "session_id")
        rotated = self._manager.rotate(session_id, _now_ms(self._clock))
        return None if rotated is None else rotated[0]

    def revoke(self, session_id: str) -> bool:
        """End a session (log out); returns whether it existed. Seen by every process at once."""
        _check_str(session_id, "session_id")
        return self._manager.revoke(session_id)

    def revoke_user(self, user_id: str, except_id: str | None = None) -> int:
        """End every session of ``user_id``, except ``except_id`` (the caller's own, for "log
        out other devices"); returns how many ended. Use it after a password change."""
        _check_str(user_id, "user_id")
        _check_str(except_id, "except_id", optional=True)
        return self._manager.revoke_user(user_id, except_id)

    def revoke_handle(self, user_id: str, handle: str) -> bool:
        """End the session of ``user_id`` whose :attr:`Session.handle` is ``handle``."""
        _check_str(user_id, "user_id")
        _check_str(handle, "handle")
        return self._manager.revoke_handle(user_id, handle, _now_ms(self._clock))

    def list_user_sessions(self, user_id: str) -> list[Session]:
        """The valid sessions of ``user_id``, oldest first."""
        _check_str(user_id, "user_id")
        records = self._manager.list_user_sessions(user_id, _now_ms(self._clock))
        return [Session._from_record(record) for record in records]
