"""Login monitoring: failed attempts, lockout with back-off, anomaly events, Prometheus metrics.

>>> from cuirass.sessions import MemoryStore
>>> monitor = LoginMonitor(MemoryStore(), LockoutPolicy(max_failures=3, base_delay=30))
>>> for _ in range(3):
...     status = monitor.record_failure("alice", "203.0.113.7")
>>> status.locked, status.retry_after
(True, 30.0)
>>> monitor.check("alice", "203.0.113.7").locked
True

A login view calls :meth:`LoginMonitor.check` first and refuses without checking the password
while the account is locked; then :meth:`~LoginMonitor.record_failure` or
:meth:`~LoginMonitor.record_success`. After ``max_failures`` failures within ``window`` the key
is locked for ``base_delay``; each further failure doubles that, up to ``max_delay`` (so a
script slows to a crawl while a user who mistyped waits a minute). What is counted is the
policy's ``by``: the account, the client address, the pair, or both separately.

Counts live in the same stores as sessions (:mod:`cuirass.sessions`), so every worker process
and, with Redis, every host agree, and concurrent failures are counted exactly.

Events (:class:`SecurityEvent`) go to a sink, by default the ``cuirass.security`` logger at
WARNING: ``lockout``; ``credential_stuffing`` (one address failing on ``stuffing_accounts``
distinct accounts within ``stuffing_window``); and, from a
:class:`~cuirass.sessions.SessionManager` given this monitor, ``new_ip`` and ``new_user_agent``
(a session used from a different address or browser than last time).

Counters in the Prometheus text format: :func:`metrics_text`, or mount
:func:`metrics_wsgi_app` / :func:`metrics_asgi_app` at ``/metrics`` (on an internal port: the
figures are not secret, but they are nobody else's business). The counters are per process, like
a Prometheus client's default registry: scrape each worker, or sum them in the query.
"""

from __future__ import annotations

import datetime
import logging
import math
from collections.abc import Awaitable, Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from cuirass import _native
from cuirass.exceptions import StoreUnavailable
from cuirass.sessions import Clock, Session, Store

__all__ = [
    "CONTENT_TYPE",
    "EventKind",
    "EventSink",
    "LockoutPolicy",
    "LoggingSink",
    "LoginMonitor",
    "SecurityEvent",
    "Status",
    "StoreUnavailable",
    "metrics_asgi_app",
    "metrics_text",
    "metrics_wsgi_app",
]

#: The content type of :func:`metrics_text` (Prometheus text exposition format 0.0.4).
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

By = Literal["account", "ip", "account_and_ip", "account_or_ip"]
EventKind = Literal["lockout", "credential_stuffing", "new_ip", "new_user_agent"]

_BY: tuple[str, ...] = ("account", "ip", "account_and_ip", "account_or_ip")


def _positive_seconds(value: object, name: str) -> float:
    if isinstance(value, datetime.timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be seconds or a timedelta, not {type(value).__name__}")
    else:
        seconds = float(value)
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(f"{name} must be a positive duration, not {value!r}")
    return seconds


def _ms(seconds: float) -> int:
    return max(1, math.ceil(seconds * 1000))


@dataclass(frozen=True, slots=True)
class LockoutPolicy:
    """When failed logins lock, and for how long. Durations are seconds (a ``timedelta`` is
    converted).

    - ``max_failures``: failures within ``window`` that start the first lockout;
    - ``base_delay``: the first lockout; each further failure doubles it, up to ``max_delay``;
    - ``window``: a counter is forgotten once this long has passed since its last failure and no
      lockout is running;
    - ``by``: what is counted: ``"account"`` (the default: guessing one account's password from
      anywhere), ``"ip"`` (one address, whatever the account), ``"account_and_ip"`` (the pair:
      an attacker's address cannot lock the owner out from elsewhere) or ``"account_or_ip"``
      (both counters; either locks). Policies that count addresses need ``ip`` in every call;
    - ``stuffing_accounts`` / ``stuffing_window``: one address failing on this many distinct
      accounts within the window raises a ``credential_stuffing`` event.
    """

    max_failures: int = 5
    base_delay: float = 60.0
    max_delay: float = 3600.0
    window: float = 900.0
    by: By = "account"
    stuffing_accounts: int = 10
    stuffing_window: float = 600.0

    def __post_init__(self) -> None:
        for name in ("max_failures", "stuffing_accounts"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{name} must be an int, not {type(value).__name__}")
        if self.max_failures < 1:
            raise ValueError("max_failures must be at least 1")
        if self.stuffing_accounts < 2:
            raise ValueError("stuffing_accounts must be at least 2")
        for name in ("base_delay", "max_delay", "window", "stuffing_window"):
            object.__setattr__(self, name, _positive_seconds(getattr(self, name), name))
        if self.max_delay < self.base_delay:
            raise ValueError("max_delay must be at least base_delay")
        if self.by not in _BY:
            raise ValueError(f"by must be one of {', '.join(map(repr, _BY))}, not {self.by!r}")


@dataclass(frozen=True, slots=True)
class Status:
    """Whether a login may be attempted: ``locked``, and for how many more seconds
    (``retry_after``, 0 when not locked; send it as a ``Retry-After`` header), with the
    ``failures`` counted so far."""

    locked: bool
    retry_after: float
    failures: int


@dataclass(frozen=True, slots=True)
class SecurityEvent:
    """Something a security team wants to hear about.

    ``kind`` is ``"lockout"``, ``"credential_stuffing"``, ``"new_ip"`` or
    ``"new_user_agent"``; ``at`` is when (aware UTC). ``account`` is the login name tried (for
    login events), ``user_id`` the session's user (for session events), ``ip`` the client's
    address; ``details`` holds the rest (failure counts, the previous address or agent, the
    session's handle). Never holds a password or a session id.
    """

    kind: EventKind
    at: datetime.datetime
    account: str | None = None
    user_id: str | None = None
    ip: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)


@runtime_checkable
class EventSink(Protocol):
    """Where events go: any object with ``emit(event)``. It is called synchronously on the
    request's thread, so keep it quick (queue to a SIEM, do not call one); an exception it
    raises is logged and does not fail the login."""

    def emit(self, event: SecurityEvent) -> None:
        """Deliver one event."""


class LoggingSink:
    """The default sink: logs each event to ``cuirass.security`` at WARNING.

    The message is one line (``security event lockout: account='alice' ip='203.0.113.7'
    failures=5 retry_after=60.0``); the event itself is attached as ``record.security_event``
    for structured handlers.
    """

    __slots__ = ("level", "logger")

    def __init__(self, logger: logging.Logger | None = None, level: int = logging.WARNING) -> None:
        self.logger = logger if logger is not None else logging.getLogger("cuirass.security")
        self.level = level

    def emit(self, event: SecurityEvent) -> None:
        """Log ``event``."""
        fields = [
            f"{name}={value!r}"
            for name, value in (
                ("account", event.account),
                ("user_id", event.user_id),
                ("ip", event.ip),
            )
            if value is not None
        ]
        fields.extend(f"{name}={value!r}" for name, value in sorted(event.details.items()))
        self.logger.log(
            self.level,
            "security event %s: %s",
            event.kind,
            " ".join(fields),
            extra={"security_event": event},
        )


_logger = logging.getLogger("cuirass.security")


def _status(raw: tuple[bool, int, int]) -> Status:
    locked, retry_after_ms, failures = raw
    return Status(locked, retry_after_ms / 1000, failures)


class LoginMonitor:
    """Counts login attempts in ``store`` and applies ``policy`` (see :class:`LockoutPolicy`).

    Events go to ``sink`` (a :class:`LoggingSink` by default). ``clock`` (a ``time.time``-like
    callable) replaces the system clock, for tests. Store failures raise
    :class:`StoreUnavailable`: treat them as "locked", never as "allowed".
    """

    __slots__ = ("_clock", "_monitor", "_policy", "_sink", "_store")

    def __init__(
        self,
        store: Store,
        policy: LockoutPolicy | None = None,
        *,
        sink: EventSink | None = None,
        clock: Clock | None = None,
    ) -> None:
        if not isinstance(store, Store):
            raise TypeError(
                "store must be a MemoryStore, SQLiteStore or RedisStore, "
                f"not {type(store).__name__}"
            )
        policy = policy if policy is not None else LockoutPolicy()
        if not isinstance(policy, LockoutPolicy):
            raise TypeError(f"policy must be a LockoutPolicy, not {type(policy).__name__}")
        if sink is not None and not callable(getattr(sink, "emit", None)):
            raise TypeError("sink must have an emit(event) method")
        self._monitor = _native.LoginMonitor(
            store._handle,
            policy.max_failures,
            _ms(policy.base_delay),
            _ms(policy.max_delay),
            _ms(policy.window),
            policy.by,
            policy.stuffing_accounts,
            _ms(policy.stuffing_window),
        )
        self._store = store
        self._policy = policy
        self._sink: EventSink = sink if sink is not None else LoggingSink()
        self._clock = clock

    def __repr__(self) -> str:
        return f"<LoginMonitor on {self._store!r}: {self._policy!r}>"

    @property
    def policy(self) -> LockoutPolicy:
        """The lockout policy."""
        return self._policy

    @property
    def store(self) -> Store:
        """The store the counters live in."""
        return self._store

    def _now_ms(self) -> int | None:
        return None if self._clock is None else math.floor(self._clock() * 1000)

    def _now(self) -> datetime.datetime:
        seconds = self._clock() if self._clock is not None else None
        if seconds is None:
            return datetime.datetime.now(tz=datetime.timezone.utc)
        return datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)

    @staticmethod
    def _check_args(account: object, ip: object) -> None:
        if not isinstance(account, str):
            raise TypeError(f"account must be str, not {type(account).__name__}")
        if ip is not None and not isinstance(ip, str):
            raise TypeError(f"ip must be str or None, not {type(ip).__name__}")

    def check(self, account: str, ip: str | None = None) -> Status:
        """Whether ``account`` may try to log in now (from ``ip``). Call it before checking the
        password, and refuse without checking while locked. Pass the account as the login form
        normalises it (e.g. lowercased), or each spelling gets its own counter."""
        self._check_args(account, ip)
        return _status(self._monitor.check(account, ip, self._now_ms()))

    def record_failure(self, account: str, ip: str | None = None) -> Status:
        """Count a failed login for ``account`` from ``ip``; returns the status after it.

        Emits ``lockout`` when this failure locks (or, by doubling, extends a lockout) and
        ``credential_stuffing`` when ``ip`` has now failed on ``stuffing_accounts`` accounts.
        """
        self._check_args(account, ip)
        raw, lockout_started, stuffing = self._monitor.record_failure(account, ip, self._now_ms())
        status = _status(raw)
        if lockout_started:
            self._deliver(
                SecurityEvent(
                    "lockout",
                    self._now(),
                    account=account,
                    ip=ip,
                    details={"failures": status.failures, "retry_after": status.retry_after},
                )
            )
        if stuffing is not None:
            self._deliver(
                SecurityEvent(
                    "credential_stuffing",
                    self._now(),
                    account=account,
                    ip=ip,
                    details={
                        "distinct_accounts": stuffing,
                        "window": self._policy.stuffing_window,
                    },
                )
            )
        return status

    def record_success(self, account: str, ip: str | None = None) -> None:
        """Count a successful login; resets the account's failure counter (an address's own
        counter, under ``by="ip"`` or ``"account_or_ip"``, is kept)."""
        self._check_args(account, ip)
        self._monitor.record_success(account, ip, self._now_ms())

    def reset(self, account: str, ip: str | None = None) -> None:
        """Forget the counters of ``account`` (and ``ip``): an administrator's unlock."""
        self._check_args(account, ip)
        self._monitor.reset(account, ip)

    def emit(self, event: SecurityEvent) -> None:
        """Send an event of the application's own through this monitor's sink."""
        if not isinstance(event, SecurityEvent):
            raise TypeError(f"event must be a SecurityEvent, not {type(event).__name__}")
        self._deliver(event)

    def _session_anomaly(
        self, kind: Literal["new_ip", "new_user_agent"], session: Session, previous: str
    ) -> None:
        """Called by :meth:`cuirass.sessions.SessionManager.validate`."""
        _native.monitor_count_anomaly(kind)
        if kind == "new_ip":
            details: dict[str, Any] = {"previous_ip": previous}
        else:
            details = {"previous_user_agent": previous, "user_agent": session.last_user_agent}
        details["session"] = session.handle
        self._deliver(
            SecurityEvent(
                kind, self._now(), user_id=session.user_id, ip=session.last_ip, details=details
            )
        )

    def _deliver(self, event: SecurityEvent) -> None:
        try:
            self._sink.emit(event)
        except Exception:
            # A broken sink must not turn into a failed (or, worse, an allowed) login.
            _logger.exception(
                "the security event sink %r failed on a %s event", self._sink, event.kind
            )


def metrics_text() -> str:
    """This process's security counters in the Prometheus text exposition format (0.0.4).

    Families: ``cuirass_login_attempts_total{result="success"|"failure"|"locked"}``
    (``locked``: a :meth:`LoginMonitor.check` that refused), ``cuirass_login_lockouts_total``,
    ``cuirass_security_anomalies_total{kind="new_ip"|"new_user_agent"|"credential_stuffing"}``
    and ``cuirass_store_errors_total`` (operations refused because the store failed).
    """
    return _native.monitor_metrics_text()


StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
ASGIScope = MutableMapping[str, Any]
ASGIReceive = Callable[[], Awaitable[MutableMapping[str, Any]]]
ASGISend = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[ASGIScope, ASGIReceive, ASGISend], Awaitable[None]]

_ALLOWED = ("GET", "HEAD")


def _response(method: str) -> tuple[int, list[tuple[str, str]], bytes]:
    if method not in _ALLOWED:
        body = b"method not allowed\n"
        headers = [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Allow", ", ".join(_ALLOWED)),
        ]
        return 405, [*headers, ("Content-Length", str(len(body)))], body
    body = metrics_text().encode()
    headers = [
        ("Content-Type", CONTENT_TYPE),
        ("Content-Length", str(len(body))),
        ("Cache-Control", "no-store"),
    ]
    return 200, headers, b"" if method == "HEAD" else body


def metrics_wsgi_app() -> WSGIApp:
    """A WSGI application serving :func:`metrics_text` (GET or HEAD; other methods get 405).

    Mount it at ``/metrics`` of an internal listener, e.g. with Werkzeug's
    ``DispatcherMiddleware(app, {"/metrics": metrics_wsgi_app()})``.
    """

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        status, headers, body = _response(str(environ.get("REQUEST_METHOD", "GET")).upper())
        reason = "OK" if status == 200 else "Method Not Allowed"
        start_response(f"{status} {reason}", headers)
        return [body]

    return app


def metrics_asgi_app() -> ASGIApp:
    """An ASGI application serving :func:`metrics_text` (GET or HEAD; other methods get 405).

    Mount it at ``/metrics``, e.g. ``app.mount("/metrics", metrics_asgi_app())`` in Starlette or
    FastAPI. It also answers the ``lifespan`` protocol, so it can run on its own.
    """

    async def app(scope: ASGIScope, receive: ASGIReceive, send: ASGISend) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            raise ValueError(f"metrics_asgi_app serves HTTP, not {scope['type']!r}")
        status, headers, body = _response(str(scope.get("method", "GET")).upper())
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(name.lower().encode(), value.encode()) for name, value in headers],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return app
