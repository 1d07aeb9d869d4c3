"""cuirass.sessions against every store: ids, expiry, rotation, revocation, listing, anomalies,
the claim contract, and failing closed when the store is out."""

from __future__ import annotations

import base64
import contextlib
import datetime
import doctest
import hashlib
import inspect
import os
import sqlite3
import stat
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from store_support import STORE_KINDS, FakeClock, fresh_prefix, make_store, redis_url, resp

import cuirass
from cuirass import monitor, sessions
from cuirass.exceptions import CuirassError, InsecurePermissionsWarning, StoreUnavailable
from cuirass.monitor import LoginMonitor, SecurityEvent
from cuirass.sessions import (
    MemoryStore,
    RedisStore,
    Session,
    SessionManager,
    SQLiteStore,
    Store,
)

UTC = datetime.timezone.utc
MINUTE = 60.0


@pytest.fixture(params=STORE_KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    return make_store(request.param, tmp_path)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def manager(store: Store, clock: FakeClock, **options: Any) -> SessionManager:
    options.setdefault("ttl", 60 * MINUTE)
    return SessionManager(store, clock=clock, **options)


class ListSink:
    def __init__(self) -> None:
        self.events: list[SecurityEvent] = []

    def emit(self, event: SecurityEvent) -> None:
        self.events.append(event)


def stored_hash(session_id: str) -> bytes:
    return hashlib.sha256(base64.urlsafe_b64decode(session_id + "=")).digest()


# --- Ids and values ----------------------------------------------------------------------------


def test_create_and_validate_round_trip(store: Store, clock: FakeClock) -> None:
    sessions_ = manager(store, clock)
    session_id = sessions_.create(
        "user-42",
        data={"role": "editor", "cart": [1, 2], "name": "Zoë"},
        ip="192.0.2.1",
        user_agent="Firefox/140",
    )
    clock.advance(1)
    session = sessions_.validate(session_id, ip="192.0.2.1", user_agent="Firefox/140")
    assert session is not None
    assert session.user_id == "user-42"
    assert session.data == {"role": "editor", "cart": [1, 2], "name": "Zoë"}
    created = datetime.datetime.fromtimestamp(1_700_000_000, tz=UTC)
    assert session.created_at == created
    assert session.created_at.tzinfo is UTC
    assert session.absolute_expires_at == created + datetime.timedelta(hours=1)
    assert session.expires_at == session.absolute_expires_at
    assert (session.ip, session.user_agent) == ("192.0.2.1", "Firefox/140")
    assert (session.last_ip, session.last_user_agent) == ("192.0.2.1", "Firefox/140")
    assert len(session.handle) == 22
    assert sessions_.get(session_id) == session
    # Neither the id nor the data shows in the repr.
    assert session_id not in repr(session)
    assert "editor" not in repr(session)
    assert "user-42" in repr(session)


def test_ids_are_256_bit_and_fresh(clock: FakeClock) -> None:
    sessions_ = manager(MemoryStore(), clock)
    ids = {sessions_.create("u") for _ in range(200)}
    assert len(ids) == 200
    for session_id in ids:
        assert len(session_id) == 43
        assert set(session_id) <= set(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        )
        assert len(base64.urlsafe_b64decode(session_id + "=")) == 32


def test_sqlite_stores_only_the_hash(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "s.db"
    sessions_ = manager(SQLiteStore(path), clock)
    session_id = sessions_.create("alice", data={"k": "v"})
    with contextlib.closing(sqlite3.connect(path)) as connection:
        rows = connection.execute("SELECT hash, user_id FROM sessions").fetchall()
    assert rows == [(stored_hash(session_id), "alice")]
    assert session_id.encode() not in path.read_bytes()
    wal = path.with_name("s.db-wal")
    if wal.exists():
        assert session_id.encode() not in wal.read_bytes()


def test_redis_stores_only_the_hash() -> None:
    url, prefix = redis_url(), fresh_prefix()
    sessions_ = SessionManager(RedisStore(url, prefix=prefix), ttl=60)
    session_id = sessions_.create("alice")
    keys = resp(url, "KEYS", prefix + "*")
    assert isinstance(keys, list)
    assert sorted(keys) == sorted(
        [f"{prefix}s:{stored_hash(session_id).hex()}", f"{prefix}u:alice"]
    )
    ttl = resp(url, "PTTL", f"{prefix}s:{stored_hash(session_id).hex()}")
    assert isinstance(ttl, int) and 0 < ttl <= 60_000
    # Revocation is a delete: gone for every host at once.
    assert sessions_.revoke(session_id)
    assert resp(url, "EXISTS", f"{prefix}s:{stored_hash(session_id).hex()}") == 0


@pytest.mark.parametrize(
    "bad", ["", "short", "A" * 42, "A" * 44, "+" * 43, "A" * 42 + "B", "é" * 43]
)
def test_malformed_ids_are_not_sessions(store: Store, clock: FakeClock, bad: str) -> None:
    sessions_ = manager(store, clock)
    assert sessions_.validate(bad) is None
    assert sessions_.get(bad) is None
    assert sessions_.rotate(bad) is None
    assert sessions_.revoke(bad) is False


def test_missing_cookie_is_no_session(clock: FakeClock) -> None:
    sessions_ = manager(MemoryStore(), clock)
    assert sessions_.validate(None) is None
    assert sessions_.get(None) is None
    with pytest.raises(TypeError, match="session_id must be str"):
        sessions_.validate(b"A" * 43)  # type: ignore[arg-type]


# --- Expiry ------------------------------------------------------------------------------------


def test_absolute_expiry_is_exact(store: Store, clock: FakeClock) -> None:
    sessions_ = manager(store, clock, ttl=datetime.timedelta(minutes=30))
    session_id = sessions_.create("alice")
    clock.advance(30 * MINUTE - 0.001)
    assert sessions_.validate(session_id) is not None
    clock.advance(0.001)
    assert sessions_.validate(session_id) is None
    assert sessions_.get(session_id) is None


def test_per_session_ttl(store: Store, clock: FakeClock) -> None:
    sessions_ = manager(store, clock)
    remembered = sessions_.create("alice", ttl=datetime.timedelta(days=30))
    ordinary = sessions_.create("alice")
    clock.advance(2 * 3600)
    assert sessions_.validate(ordinary) is None
    assert sessions_.validate(remembered) is not None


def test_sliding_expiry_keeps_the_absolute_limit(store: Store, clock: FakeClock) -> None:
    sessions_ = manager(store, clock, idle_timeout=10 * MINUTE)
    session_id = sessions_.create("alice")
    # Used every 9 minutes: alive until the hour is up, and not a millisecond more.
    for _ in range(6):
        clock.advance(9 * MINUTE)
        assert sessions_.validate(session_id) is not None
    clock.advance(60 * MINUTE - 54 * MINUTE - 0.001)
    assert sessions_.validate(session_id) is not None
    clock.advance(0.001)
    assert sessions_.validate(session_id) is None


def test_idle_sessions_expire(store: Store, clock: FakeClock) -> None:
    sessions_ = manager(store, clock, idle_timeout=10 * MINUTE)
    session_id = sessions_.create("alice")
    clock.advance(5 * MINUTE)
    session = sessions_.validate(session_id)
    assert session is not None
    # Refreshed: idle deadline moved to 15 minutes after creation.
    assert session.expires_at - session.created_at == datetime.timedelta(minutes=15)
    assert session.last_seen_at - session.created_at == datetime.timedelta(minutes=5)
    clock.advance(10 * MINUTE - 0.001)
    assert sessions_.get(session_id) is not None
    clock.advance(0.001)
    assert sessions_.validate(session_id) is None


def test_get_does_not_refresh(store: Store, clock: FakeClock) -> None:
    sessions_ = manager(store, clock, idle_timeout=10 * MINUTE)
    session_id = sessions_.create("alice")
    clock.advance(9 * MINUTE)
    assert sessions_.get(session_id) is not None
    clock.advance(MINUTE)
    assert sessions_.validate(session_id) is None


@pytest.mark.parametrize("ttl", [0, -1, float("nan"), float("inf"), datetime.timedelta(0)])
def test_bad_durations_are_refused(ttl: float) -> None:
    with pytest.raises(ValueError, match="ttl must be a positive duration"):
        SessionManager(MemoryStore(), ttl=ttl)
    with pytest.raises(ValueError, match="idle_timeout"):
        SessionManager(MemoryStore(), idle_timeout=ttl)
    with pytest.raises(ValueError):
        SessionManager(MemoryStore()).create("u", ttl=ttl)


def test_durations_must_be_numbers() -> None:
    with pytest.raises(TypeError, match="ttl must be seconds or a timedelta"):
        SessionManager(MemoryStore(), ttl=True)
    with pytest.raises(TypeError):
        SessionManager(MemoryStore(), ttl="3600")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at most ten years"):
        SessionManager(MemoryStore(), ttl=datetime.timedelta(days=4000))


# --- Rotation, revocation, listing -------------------------------------------------------------


def test_rotate_gives_a_new_id_to_the_same_session(store: Store, clock: FakeClock) -> None:
    sessions_ = manager(store, clock)
    old = sessions_.create("alice", data={"n": 1}, ip="192.0.2.1")
    before = sessions_.get(old)
    clock.advance(5)
    new = sessions_.rotate(old)
    assert new is not None and new != old
    assert sessions_.validate(old) is None
    after = sessions_.get(new)
    assert after is not None and before is not None
    assert (after.user_id, after.created_at, after.data, after.ip) == (
        before.user_id,
        before.created_at,
        before.data,
        before.ip,
    )
    assert after.handle != before.handle
    assert sessions_.rotate(old) is None
    assert [s.handle for s in sessions_.list_user_sessions("alice")] == [after.handle]


def test_rotated_sessions_keep_their_expiry(store: Store, clock: FakeClock) -> None:
    sessions_ = manager(store, clock)
    old = sessions_.create("alice")
    clock.advance(59 * MINUTE)
    new = sessions_.rotate(old)
    assert new is not None
    clock.advance(MINUTE)
    assert sessions_.validate(new) is None


def test_revoke_and_revoke_user(store: Store, clock: FakeClock) -> None:
    sessions_ = manager(store, clock)
    phone = sessions_.create("alice", user_agent="phone")
    laptop = sessions_.create("alice", user_agent="laptop")
    tablet = sessions_.create("alice", user_agent="tablet")
    bob = sessions_.create("bob")
    assert sessions_.revoke(phone) is True
    assert sessions_.revoke(phone) is False
    assert sessions_.validate(phone) is None
    assert sessions_.revoke_user("alice", except_id=laptop) == 1
    assert sessions_.validate(tablet) is None
    assert sessions_.validate(laptop) is not None
    assert sessions_.validate(bob) is not None
    assert sessions_.revoke_user("alice") == 1
    assert sessions_.revoke_user("alice") == 0
    assert sessions_.validate(laptop) is None
    assert sessions_.validate(bob) is not None


def test_list_and_revoke_by_handle(store: Store, clock: FakeClock) -> None:
    sessions_ = manager(store, clock)
    first = sessions_.create("alice", user_agent="phone")
    clock.advance(1)
    second = sessions_.create("alice", user_agent="laptop")
    clock.advance(1)
    expiring = sessions_.create("alice", ttl=1)
    sessions_.create("alice-2")
    clock.advance(1)
    listed = sessions_.list_user_sessions("alice")
    assert [s.user_agent for s in listed] == ["phone", "laptop"]
    assert all(isinstance(s, Session) for s in listed)
    assert sessions_.list_user_sessions("nobody") == []
    assert sessions_.validate(expiring) is None
    # A handle is not an id, and does not revoke another user's session.
    handle = listed[0].handle
    assert sessions_.validate(handle) is None
    assert sessions_.revoke_handle("bob", handle) is False
    assert sessions_.revoke_handle("alice", "x" * 22) is False
    assert sessions_.revoke_handle("alice", handle) is True
    assert sessions_.validate(first) is None
    assert sessions_.validate(second) is not None


def test_update_data(store: Store, clock: FakeClock) -> None:
    sessions_ = manager(store, clock)
    session_id = sessions_.create("alice", data={"cart": []})
    updated = sessions_.update_data(session_id, {"cart": [7]})
    assert updated is not None and updated.data == {"cart": [7]}
    session = sessions_.validate(session_id)
    assert session is not None and session.data == {"cart": [7]}
    sessions_.revoke(session_id)
    assert sessions_.update_data(session_id, {"cart": [8]}) is None
    assert sessions_.get(session_id) is None


def test_data_must_be_json(clock: FakeClock) -> None:
    sessions_ = manager(MemoryStore(), clock)
    with pytest.raises(TypeError, match="JSON-serialisable"):
        sessions_.create("alice", data={"when": datetime.datetime.now(tz=UTC)})
    with pytest.raises(TypeError, match="JSON-serialisable"):
        sessions_.create("alice", data={"x": float("nan")})
    with pytest.raises(TypeError, match="mapping"):
        sessions_.create("alice", data=[1, 2])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="65536 allowed"):
        sessions_.create("alice", data={"x": "a" * 70_000})
    with pytest.raises(TypeError, match="user_id must be str"):
        sessions_.create(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="user_id is longer"):
        sessions_.create("u" * 300)


def test_client_strings_are_clipped_not_refused(clock: FakeClock) -> None:
    sessions_ = manager(MemoryStore(), clock)
    session_id = sessions_.create("alice", user_agent="é" * 1000, ip="1" * 100)
    session = sessions_.get(session_id)
    assert session is not None
    assert session.user_agent == "é" * 256
    assert session.ip == "1" * 64


# --- Anomalies ---------------------------------------------------------------------------------


def metric(name: str) -> int:
    for line in monitor.metrics_text().splitlines():
        if line.startswith(name + " "):
            return int(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} not in the metrics")


def test_new_ip_and_user_agent_raise_events(store: Store, clock: FakeClock) -> None:
    sink = ListSink()
    login_monitor = LoginMonitor(store, sink=sink, clock=clock)
    sessions_ = manager(store, clock, monitor=login_monitor)
    session_id = sessions_.create("alice", ip="192.0.2.1", user_agent="Firefox")
    new_ip_before = metric('cuirass_security_anomalies_total{kind="new_ip"}')
    agent_before = metric('cuirass_security_anomalies_total{kind="new_user_agent"}')

    assert sessions_.validate(session_id, ip="192.0.2.1", user_agent="Firefox") is not None
    assert sessions_.validate(session_id) is not None
    assert sink.events == []

    clock.advance(1)
    moved = sessions_.validate(session_id, ip="203.0.113.9", user_agent="Firefox")
    assert moved is not None and moved.last_ip == "203.0.113.9" and moved.ip == "192.0.2.1"
    [event] = sink.events
    assert event.kind == "new_ip"
    assert (event.user_id, event.ip, event.account) == ("alice", "203.0.113.9", None)
    assert event.details == {"previous_ip": "192.0.2.1", "session": moved.handle}
    assert event.at == datetime.datetime.fromtimestamp(clock.now, tz=UTC)
    # Seen once: the same address again is no news.
    assert sessions_.validate(session_id, ip="203.0.113.9") is not None
    assert len(sink.events) == 1

    assert sessions_.validate(session_id, ip="203.0.113.9", user_agent="curl/8") is not None
    assert [e.kind for e in sink.events] == ["new_ip", "new_user_agent"]
    assert sink.events[1].details["previous_user_agent"] == "Firefox"
    assert sink.events[1].details["user_agent"] == "curl/8"
    assert metric('cuirass_security_anomalies_total{kind="new_ip"}') == new_ip_before + 1
    assert metric('cuirass_security_anomalies_total{kind="new_user_agent"}') == agent_before + 1


def test_no_monitor_no_events_but_the_address_is_recorded(clock: FakeClock) -> None:
    sessions_ = manager(MemoryStore(), clock)
    session_id = sessions_.create("alice", ip="192.0.2.1")
    session = sessions_.validate(session_id, ip="198.51.100.1")
    assert session is not None and session.last_ip == "198.51.100.1"


# --- Claims (the contract cuirass.mfa relies on) -----------------------------------------------


def test_claim_is_granted_once(store: Store) -> None:
    key = "totp:alice:" + os.urandom(4).hex()
    assert store.claim(key, 30) is True
    assert store.claim(key, 30) is False
    assert store.claim(key + "-other", 30.0) is True
    with pytest.raises(ValueError, match="ttl"):
        store.claim("k", 0)
    with pytest.raises(TypeError):
        store.claim(b"k", 1)  # type: ignore[arg-type]


def test_claims_are_shared_between_handles(tmp_path: Path) -> None:
    path = tmp_path / "claims.db"
    assert SQLiteStore(path).claim("nonce", 60)
    assert not SQLiteStore(path).claim("nonce", 60)
    url, prefix = redis_url(), fresh_prefix()
    assert RedisStore(url, prefix=prefix).claim("nonce", 60)
    assert not RedisStore(url, prefix=prefix).claim("nonce", 60)
    assert RedisStore(url, prefix=fresh_prefix()).claim("nonce", 60)


def test_claims_race_between_threads(store: Store) -> None:
    key = "race:" + os.urandom(4).hex()
    barrier = threading.Barrier(8)
    results: list[bool] = []

    def contend() -> None:
        barrier.wait(timeout=30)
        results.append(store.claim(key, 60))

    threads = [threading.Thread(target=contend) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == [False] * 7 + [True]


# --- SQLite files ------------------------------------------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_sqlite_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "private.db"
    SQLiteStore(path).claim("k", 1)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for suffix in ("-wal", "-shm"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            assert stat.S_IMODE(extra.stat().st_mode) == 0o600, suffix


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_sqlite_warns_about_a_shared_file(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    SQLiteStore(path)
    path.chmod(0o644)
    with pytest.warns(InsecurePermissionsWarning, match="chmod 600"):
        SQLiteStore(path)


def test_sqlite_options(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "n.db", busy_timeout=0.5, synchronous="normal")
    assert store.path == str(tmp_path / "n.db")
    assert repr(store) == f"<SQLiteStore: SQLite store at {tmp_path / 'n.db'}>"
    with pytest.raises(ValueError, match="synchronous"):
        SQLiteStore(tmp_path / "n.db", synchronous="off")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="busy_timeout"):
        SQLiteStore(tmp_path / "n.db", busy_timeout=-1)


def test_purge_expired(tmp_path: Path, clock: FakeClock) -> None:
    store = SQLiteStore(tmp_path / "purge.db")
    sessions_ = SessionManager(store, ttl=1)
    sessions_.create("alice")
    assert store.purge_expired() == 0
    assert RedisStore("redis://127.0.0.1:1/0").purge_expired() == 0


def test_sessions_validate_from_many_threads(tmp_path: Path) -> None:
    sessions_ = SessionManager(SQLiteStore(tmp_path / "threads.db"), ttl=600)
    ids = [sessions_.create(f"user-{n}") for n in range(20)]
    failures: list[str] = []

    def work() -> None:
        for _ in range(50):
            for session_id in ids:
                if sessions_.validate(session_id) is None:
                    failures.append(session_id)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []


# --- Failing closed ----------------------------------------------------------------------------


def test_redis_outage_fails_closed() -> None:
    # Nothing listens on port 1 of loopback: every connection is refused at once.
    store = RedisStore("redis://:hunter2@127.0.0.1:1/0", timeout=0.5)
    sessions_ = SessionManager(store)
    errors_before = metric("cuirass_store_errors_total")
    some_id = base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")
    for call in (
        lambda: sessions_.validate(some_id),
        lambda: sessions_.get(some_id),
        lambda: sessions_.create("alice"),
        lambda: sessions_.revoke(some_id),
        lambda: sessions_.revoke_user("alice"),
        lambda: sessions_.list_user_sessions("alice"),
        lambda: sessions_.rotate(some_id),
        lambda: store.claim("k", 1),
    ):
        with pytest.raises(StoreUnavailable) as caught:
            call()
        message = str(caught.value)
        assert "redis://127.0.0.1:1/0" in message
        assert "hunter2" not in message
    assert metric("cuirass_store_errors_total") >= errors_before + 7
    assert issubclass(StoreUnavailable, CuirassError)
    assert cuirass.StoreUnavailable is StoreUnavailable


def test_bad_redis_urls_are_value_errors() -> None:
    with pytest.raises(ValueError, match="Redis URL") as caught:
        RedisStore("http://:hunter2@example.com/")
    assert "hunter2" not in str(caught.value)
    with pytest.raises(ValueError, match="timeout"):
        RedisStore("redis://127.0.0.1/0", timeout=0)


def test_sqlite_unusable_path(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(StoreUnavailable, match="a-file"):
        SQLiteStore(blocker / "sessions.db")
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"\x55" * 4096)
    garbage.chmod(0o600)
    with pytest.raises(StoreUnavailable, match="not a database"):
        SQLiteStore(garbage)


def test_sqlite_corrupted_under_a_running_store_fails_closed(tmp_path: Path) -> None:
    path = tmp_path / "victim.db"
    sessions_ = SessionManager(SQLiteStore(path))
    session_id = sessions_.create("alice")
    assert sessions_.validate(session_id) is not None
    # Another program scribbles over the database, its WAL and its shared-memory index.
    for name in ("victim.db", "victim.db-wal", "victim.db-shm"):
        target = tmp_path / name
        if target.exists():
            with target.open("r+b") as file:
                file.write(b"\x55" * max(target.stat().st_size, 8192))
    with pytest.raises(StoreUnavailable, match="not a database"):
        sessions_.validate(session_id)


# Holds the write lock from another process: two copies of SQLite in one process (Python's and
# the bundled one) do not see each other's POSIX locks, so the holder cannot live in this one.
LOCK_HOLDER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.read()
connection.execute("ROLLBACK")
"""


def test_sqlite_lock_beyond_busy_timeout_fails_closed(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    sessions_ = SessionManager(SQLiteStore(path, busy_timeout=0.05))
    existing = sessions_.create("alice")
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        with pytest.raises(StoreUnavailable, match="locked"):
            sessions_.create("bob")
        with pytest.raises(StoreUnavailable, match="locked"):
            sessions_.revoke(existing)
        # WAL: reads go on while another process writes, and see the last commit.
        assert sessions_.validate(existing) is not None
    finally:
        holder.communicate("", timeout=60)
    assert holder.returncode == 0
    assert sessions_.revoke(existing) is True


def test_sqlite_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    SQLiteStore(path)
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreUnavailable, match="schema version 99"):
        SQLiteStore(path)


# --- The module --------------------------------------------------------------------------------


def test_docstring_examples() -> None:
    result = doctest.testmod(sessions, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.attempted > 0
    assert result.failed == 0


def test_public_api_is_documented() -> None:
    assert sessions.__doc__
    undocumented = []
    for name in sessions.__all__:
        obj = getattr(sessions, name)
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
    assert {"MemoryStore", "SQLiteStore", "RedisStore", "SessionManager"} <= set(sessions.__all__)
