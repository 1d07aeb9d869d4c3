"""cuirass.monitor against every store: lockout and back-off, scopes, credential stuffing,
event sinks, Prometheus metrics and their WSGI/ASGI endpoints, and failing closed."""

from __future__ import annotations

import asyncio
import datetime
import doctest
import inspect
import logging
import re
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import pytest
from store_support import STORE_KINDS, FakeClock, make_store

from cuirass import monitor
from cuirass.exceptions import StoreUnavailable
from cuirass.monitor import (
    CONTENT_TYPE,
    EventSink,
    LockoutPolicy,
    LoggingSink,
    LoginMonitor,
    SecurityEvent,
    Status,
    metrics_asgi_app,
    metrics_text,
    metrics_wsgi_app,
)
from cuirass.sessions import MemoryStore, RedisStore, Store

UTC = datetime.timezone.utc
IP = "203.0.113.7"


@pytest.fixture(params=STORE_KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    return make_store(request.param, tmp_path)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


class ListSink:
    def __init__(self) -> None:
        self.events: list[SecurityEvent] = []

    def emit(self, event: SecurityEvent) -> None:
        self.events.append(event)


def metric(name: str) -> int:
    for line in metrics_text().splitlines():
        if line.startswith(name + " "):
            return int(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} not in the metrics")


POLICY = LockoutPolicy(max_failures=3, base_delay=10, max_delay=60, window=100, stuffing_accounts=3)


def test_lockout_with_exponential_back_off(store: Store, clock: FakeClock) -> None:
    sink = ListSink()
    login = LoginMonitor(store, POLICY, sink=sink, clock=clock)
    assert login.check("alice", IP) == Status(locked=False, retry_after=0.0, failures=0)
    assert login.record_failure("alice", IP) == Status(False, 0.0, 1)
    assert login.record_failure("alice", IP) == Status(False, 0.0, 2)
    assert sink.events == []
    assert login.record_failure("alice", IP) == Status(True, 10.0, 3)
    [event] = sink.events
    assert (event.kind, event.account, event.ip) == ("lockout", "alice", IP)
    assert event.details == {"failures": 3, "retry_after": 10.0}
    assert event.at == datetime.datetime.fromtimestamp(clock.now, tz=UTC)

    clock.advance(4)
    assert login.check("alice", IP) == Status(True, 6.0, 3)
    assert not login.check("bob", IP).locked
    clock.advance(6)
    assert login.check("alice", IP) == Status(False, 0.0, 3)
    # Each failure after the threshold doubles the lockout, up to max_delay.
    assert login.record_failure("alice", IP).retry_after == 20.0
    clock.advance(20)
    assert login.record_failure("alice", IP).retry_after == 40.0
    clock.advance(40)
    assert login.record_failure("alice", IP).retry_after == 60.0
    clock.advance(60)
    assert login.record_failure("alice", IP).retry_after == 60.0
    assert [e.kind for e in sink.events] == ["lockout"] * 5
    # A success resets the account.
    clock.advance(60)
    login.record_success("alice", IP)
    assert login.check("alice", IP) == Status(False, 0.0, 0)


def test_counters_are_forgotten_after_the_window(store: Store, clock: FakeClock) -> None:
    login = LoginMonitor(store, POLICY, sink=ListSink(), clock=clock)
    login.record_failure("alice")
    clock.advance(99.999)
    assert login.record_failure("alice").failures == 2
    clock.advance(99.999)
    assert login.check("alice").failures == 2
    clock.advance(0.001)
    assert login.check("alice").failures == 0
    assert login.record_failure("alice").failures == 1


def test_scopes(store: Store, clock: FakeClock) -> None:
    sink = ListSink()
    by_ip = LoginMonitor(store, LockoutPolicy(max_failures=2, by="ip"), sink=sink, clock=clock)
    by_ip.record_failure("a", "192.0.2.1")
    by_ip.record_failure("b", "192.0.2.1")
    assert by_ip.check("c", "192.0.2.1").locked
    assert not by_ip.check("c", "192.0.2.2").locked
    by_ip.record_success("c", "192.0.2.1")
    assert by_ip.check("c", "192.0.2.1").locked, "a success must not clear an address"
    with pytest.raises(ValueError, match="no address was given"):
        by_ip.check("a")
    by_ip.reset("c", "192.0.2.1")
    assert not by_ip.check("c", "192.0.2.1").locked

    pair = LoginMonitor(
        store, LockoutPolicy(max_failures=2, by="account_and_ip"), sink=sink, clock=clock
    )
    pair.record_failure("alice", "198.51.100.1")
    pair.record_failure("alice", "198.51.100.1")
    assert pair.check("alice", "198.51.100.1").locked
    assert not pair.check("alice", "198.51.100.2").locked, "the owner can still log in"

    either = LoginMonitor(
        store, LockoutPolicy(max_failures=2, by="account_or_ip"), sink=sink, clock=clock
    )
    either.record_failure("carol", "192.0.2.50")
    either.record_failure("carol", "192.0.2.51")
    assert either.check("carol", "192.0.2.99").locked
    either.record_failure("x", "192.0.2.60")
    either.record_failure("y", "192.0.2.60")
    assert either.check("z", "192.0.2.60").locked


def test_credential_stuffing_is_reported_once(store: Store, clock: FakeClock) -> None:
    sink = ListSink()
    login = LoginMonitor(store, POLICY, sink=sink, clock=clock)
    stuffing_before = metric('cuirass_security_anomalies_total{kind="credential_stuffing"}')
    for account in ["ann", "ben", "ben", "cat", "dan", "eve"]:
        login.record_failure(account, "198.51.100.66")
        clock.advance(1)
    [event] = [e for e in sink.events if e.kind == "credential_stuffing"]
    assert (event.account, event.ip) == ("cat", "198.51.100.66")
    assert event.details == {"distinct_accounts": 3, "window": 600.0}
    after = metric('cuirass_security_anomalies_total{kind="credential_stuffing"}')
    assert after == stuffing_before + 1
    # Accounts age out of the window; a new wave is a new event.
    clock.advance(600)
    for account in ["fay", "gus", "hal"]:
        login.record_failure(account, "198.51.100.66")
    assert [e.kind for e in sink.events].count("credential_stuffing") == 2


def test_events_go_to_the_logging_sink_by_default(
    caplog: pytest.LogCaptureFixture, clock: FakeClock
) -> None:
    login = LoginMonitor(MemoryStore(), LockoutPolicy(max_failures=1), clock=clock)
    with caplog.at_level(logging.WARNING, logger="cuirass.security"):
        login.record_failure("alice", IP)
    [record] = caplog.records
    assert record.name == "cuirass.security"
    assert record.levelno == logging.WARNING
    assert record.getMessage() == (
        "security event lockout: account='alice' ip='203.0.113.7' failures=1 retry_after=60.0"
    )
    assert isinstance(getattr(record, "security_event", None), SecurityEvent)


def test_logging_sink_options(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("app.audit")
    sink = LoggingSink(logger, level=logging.ERROR)
    event = SecurityEvent("new_ip", datetime.datetime.now(tz=UTC), user_id="7", ip="192.0.2.9")
    with caplog.at_level(logging.ERROR, logger="app.audit"):
        sink.emit(event)
    assert caplog.records[0].levelno == logging.ERROR
    assert caplog.records[0].getMessage() == "security event new_ip: user_id='7' ip='192.0.2.9'"
    assert isinstance(sink, EventSink)


def test_a_broken_sink_does_not_break_logins(
    caplog: pytest.LogCaptureFixture, clock: FakeClock
) -> None:
    class Broken:
        def emit(self, event: SecurityEvent) -> None:
            raise RuntimeError("SIEM down")

    login = LoginMonitor(MemoryStore(), LockoutPolicy(max_failures=1), sink=Broken(), clock=clock)
    with caplog.at_level(logging.ERROR, logger="cuirass.security"):
        status = login.record_failure("alice", IP)
    assert status.locked
    assert "sink" in caplog.records[0].getMessage()
    assert caplog.records[0].exc_info is not None


def test_emit_own_events(clock: FakeClock) -> None:
    sink = ListSink()
    login = LoginMonitor(MemoryStore(), sink=sink, clock=clock)
    event = SecurityEvent("lockout", datetime.datetime.now(tz=UTC), account="admin")
    login.emit(event)
    assert sink.events == [event]
    with pytest.raises(TypeError):
        login.emit("lockout")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"max_failures": 0}, "max_failures must be at least 1"),
        ({"base_delay": 0}, "base_delay must be a positive duration"),
        ({"max_delay": 1, "base_delay": 2}, "max_delay must be at least base_delay"),
        ({"window": float("nan")}, "window must be a positive duration"),
        ({"by": "user"}, "by must be one of"),
        ({"stuffing_accounts": 1}, "stuffing_accounts must be at least 2"),
    ],
)
def test_policies_are_checked(options: dict[str, Any], error: str) -> None:
    with pytest.raises(ValueError, match=error):
        LockoutPolicy(**options)


def test_policy_accepts_timedeltas() -> None:
    policy = LockoutPolicy(base_delay=datetime.timedelta(minutes=2), window=300)  # type: ignore[arg-type]
    assert (policy.base_delay, policy.window) == (120.0, 300.0)
    with pytest.raises(TypeError):
        LockoutPolicy(max_failures=2.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        LoginMonitor(MemoryStore(), sink=object())  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        LoginMonitor("redis://")  # type: ignore[arg-type]


def test_attempt_counters(clock: FakeClock) -> None:
    login = LoginMonitor(MemoryStore(), LockoutPolicy(max_failures=2), sink=ListSink(), clock=clock)
    names = [
        'cuirass_login_attempts_total{result="success"}',
        'cuirass_login_attempts_total{result="failure"}',
        'cuirass_login_attempts_total{result="locked"}',
        "cuirass_login_lockouts_total",
    ]
    before = [metric(name) for name in names]
    login.record_success("bob", IP)
    login.record_failure("alice", IP)
    login.record_failure("alice", IP)
    assert login.check("alice", IP).locked
    assert not login.check("bob", IP).locked
    after = [metric(name) for name in names]
    assert [b - a for a, b in zip(before, after, strict=True)] == [1, 2, 1, 1]


def test_metrics_text_is_prometheus_exposition_format() -> None:
    text = metrics_text()
    assert text.endswith("\n")
    families = re.findall(r"^# TYPE (\S+) (\S+)$", text, flags=re.MULTILINE)
    assert families == [
        ("cuirass_login_attempts_total", "counter"),
        ("cuirass_login_lockouts_total", "counter"),
        ("cuirass_security_anomalies_total", "counter"),
        ("cuirass_store_errors_total", "counter"),
    ]
    sample = re.compile(r'^[a-z_]+(\{[a-z_]+="[a-z_]+"\})? \d+$')
    for line in text.splitlines():
        assert line.startswith("# HELP ") or line.startswith("# TYPE ") or sample.match(line), line
    for kind in ("new_ip", "new_user_agent", "credential_stuffing"):
        assert f'cuirass_security_anomalies_total{{kind="{kind}"}} ' in text


def test_metrics_wsgi_app() -> None:
    app = metrics_wsgi_app()
    seen: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        seen.append((status, headers))

    body = b"".join(app({"REQUEST_METHOD": "GET"}, start_response))
    status, headers = seen[-1]
    assert status == "200 OK"
    assert dict(headers)["Content-Type"] == CONTENT_TYPE
    assert dict(headers)["Content-Length"] == str(len(body))
    assert body.decode().startswith("# HELP cuirass_login_attempts_total")
    assert b"".join(app({"REQUEST_METHOD": "HEAD"}, start_response)) == b""
    assert seen[-1][0] == "200 OK"
    app({"REQUEST_METHOD": "POST"}, start_response)
    assert seen[-1][0] == "405 Method Not Allowed"
    assert dict(seen[-1][1])["Allow"] == "GET, HEAD"


def test_metrics_asgi_app() -> None:
    app = metrics_asgi_app()

    async def call(scope: dict[str, Any], inbox: list[dict[str, Any]]) -> list[dict[str, Any]]:
        sent: list[dict[str, Any]] = []

        async def receive() -> MutableMapping[str, Any]:
            return inbox.pop(0)

        async def send(message: MutableMapping[str, Any]) -> None:
            sent.append(dict(message))

        await app(scope, receive, send)
        return sent

    start, body = asyncio.run(call({"type": "http", "method": "GET", "path": "/metrics"}, []))
    assert start["status"] == 200
    assert (b"content-type", CONTENT_TYPE.encode()) in start["headers"]
    assert body["body"].startswith(b"# HELP cuirass_login_attempts_total")
    start, _ = asyncio.run(call({"type": "http", "method": "DELETE"}, []))
    assert start["status"] == 405
    lifespan = asyncio.run(
        call({"type": "lifespan"}, [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
    )
    assert [m["type"] for m in lifespan] == [
        "lifespan.startup.complete",
        "lifespan.shutdown.complete",
    ]


def test_store_outage_fails_closed() -> None:
    login = LoginMonitor(RedisStore("redis://127.0.0.1:1/0", timeout=0.5), sink=ListSink())
    errors_before = metric("cuirass_store_errors_total")
    with pytest.raises(StoreUnavailable, match=re.escape("127.0.0.1:1")):
        login.check("alice", IP)
    with pytest.raises(StoreUnavailable):
        login.record_failure("alice", IP)
    with pytest.raises(StoreUnavailable):
        login.record_success("alice", IP)
    assert metric("cuirass_store_errors_total") == errors_before + 3


def test_docstring_examples() -> None:
    result = doctest.testmod(monitor, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.attempted > 0
    assert result.failed == 0


def test_public_api_is_documented() -> None:
    assert monitor.__doc__
    undocumented = []
    for name in monitor.__all__:
        obj = getattr(monitor, name)
        if not (inspect.isclass(obj) or inspect.isfunction(obj)):
            continue
        if not (inspect.getdoc(obj) or "").strip():
            undocumented.append(name)
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if attr.startswith("_") or not (callable(member) or isinstance(member, property)):
                    continue
                if not (inspect.getdoc(member) or "").strip():
                    undocumented.append(f"{name}.{attr}")
    assert undocumented == []
