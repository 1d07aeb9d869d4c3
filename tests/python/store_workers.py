"""Worker functions for test_stores_multiprocess.py, in their own module so that processes
started with ``spawn`` can import them by name (pytest's importlib mode gives test modules names
a child cannot import). Each worker reports ``(worker, step, value)`` tuples on a queue, or
``(worker, "error", traceback)`` if it fails, then ``(worker, "done", None)``; workers
synchronise only on barriers.
"""

from __future__ import annotations

import traceback
from typing import Any

from cuirass.monitor import LockoutPolicy, LoginMonitor, SecurityEvent
from cuirass.sessions import RedisStore, SessionManager, SQLiteStore, Store

BARRIER_TIMEOUT = 60.0


def open_store(spec: tuple[str, str, str]) -> Store:
    """``("sqlite", path, "")`` or ``("redis", url, prefix)``."""
    kind, where, prefix = spec
    if kind == "sqlite":
        return SQLiteStore(where)
    return RedisStore(where, prefix=prefix)


class CountingSink:
    def __init__(self) -> None:
        self.kinds: list[str] = []

    def emit(self, event: SecurityEvent) -> None:
        self.kinds.append(event.kind)


def revocation_worker(
    worker: int, spec: tuple[str, str, str], session_ids: list[str], barrier: Any, queue: Any
) -> None:
    """Validates every session, waits, lets worker 0 revoke (one session, then a user's), and
    validates again after each step."""
    try:
        sessions = SessionManager(open_store(spec))
        first, second, third = session_ids

        def report(step: str) -> None:
            valid = [sessions.validate(session_id) is not None for session_id in session_ids]
            queue.put((worker, step, valid))

        report("before")
        barrier.wait(BARRIER_TIMEOUT)
        if worker == 0:
            queue.put((worker, "revoked", sessions.revoke(first)))
        barrier.wait(BARRIER_TIMEOUT)
        report("after-revoke")
        barrier.wait(BARRIER_TIMEOUT)
        if worker == 1:
            queue.put((worker, "revoked-user", sessions.revoke_user("bob", except_id=third)))
        barrier.wait(BARRIER_TIMEOUT)
        report("after-revoke-user")
        del second
    except BaseException:
        barrier.abort()
        queue.put((worker, "error", traceback.format_exc()))
        raise
    finally:
        queue.put((worker, "done", None))


def failure_worker(
    worker: int,
    spec: tuple[str, str, str],
    attempts: int,
    barrier: Any,
    queue: Any,
) -> None:
    """Records ``attempts`` failures for one shared account and one account of its own (all
    from one address), started together with the other workers."""
    try:
        sink = CountingSink()
        login = LoginMonitor(
            open_store(spec),
            LockoutPolicy(max_failures=1_000_000, stuffing_accounts=4, stuffing_window=3600),
            sink=sink,
        )
        barrier.wait(BARRIER_TIMEOUT)
        for _ in range(attempts):
            login.record_failure("shared-account", "198.51.100.1")
        login.record_failure(f"own-account-{worker}", "198.51.100.1")
        queue.put((worker, "events", sink.kinds))
    except BaseException:
        barrier.abort()
        queue.put((worker, "error", traceback.format_exc()))
        raise
    finally:
        queue.put((worker, "done", None))


def claim_worker(
    worker: int, spec: tuple[str, str, str], keys: list[str], barrier: Any, queue: Any
) -> None:
    """Claims every key, started together with the other workers."""
    try:
        store = open_store(spec)
        barrier.wait(BARRIER_TIMEOUT)
        queue.put((worker, "claimed", [key for key in keys if store.claim(key, 600)]))
    except BaseException:
        barrier.abort()
        queue.put((worker, "error", traceback.format_exc()))
        raise
    finally:
        queue.put((worker, "done", None))


def same_session(sessions: SessionManager, session_id: str, handle: str) -> bool:
    """Whether ``session_id`` validates as the session with ``handle`` (a reply meant for
    another caller on a shared connection would be another session)."""
    session = sessions.validate(session_id)
    return session is not None and session.handle == handle


def inherited_worker(
    worker: int,
    sessions: SessionManager,
    expected: list[tuple[str, str]],
    barrier: Any,
    queue: Any,
) -> None:
    """Started with ``fork``: validates ``(id, handle)`` pairs through a manager (and store) the
    parent had already used, at the same time as the parent and the other children, and reports
    how many validations returned the right session."""
    try:
        barrier.wait(BARRIER_TIMEOUT)
        valid = 0
        for _ in range(50):
            valid += sum(same_session(sessions, *pair) for pair in expected)
        queue.put((worker, "valid", valid))
    except BaseException:
        barrier.abort()
        queue.put((worker, "error", traceback.format_exc()))
        raise
    finally:
        queue.put((worker, "done", None))
