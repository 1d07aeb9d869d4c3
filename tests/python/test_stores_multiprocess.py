"""Several worker processes sharing one SQLite file, and one Redis, as web-server workers do:
a revocation in one is refused in all at once, and concurrent failures and claims are counted
exactly. Processes start with ``spawn`` (no state inherited) and synchronise on barriers only.
"""

from __future__ import annotations

import multiprocessing
import os
import queue as queue_module
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import store_workers
from store_support import fresh_prefix, redis_url

from cuirass.monitor import LockoutPolicy, LoginMonitor
from cuirass.sessions import SessionManager

WORKERS = 4
TIMEOUT = 120.0

Spec = tuple[str, str, str]


@pytest.fixture(params=["sqlite", "redis"])
def spec(request: pytest.FixtureRequest, tmp_path: Path) -> Spec:
    if request.param == "sqlite":
        return ("sqlite", str(tmp_path / "shared.db"), "")
    return ("redis", redis_url(), fresh_prefix())


def run_workers(
    target: Callable[..., None],
    args: Callable[[int], tuple[Any, ...]],
    *,
    start_method: str = "spawn",
    parent: Callable[[Any], None] | None = None,
) -> dict[str, dict[int, Any]]:
    """Runs ``WORKERS`` processes of ``target(worker, *args(worker), barrier, queue)`` and
    returns their reports as ``{step: {worker: value}}``; fails on any worker error. With
    ``parent``, the barrier has one more party, and ``parent(barrier)`` runs here meanwhile."""
    # Any: get_context's overloads only narrow literal method names.
    context: Any = multiprocessing.get_context(start_method)
    barrier = context.Barrier(WORKERS + (parent is not None))
    queue = context.Queue()
    processes = [
        context.Process(target=target, args=(worker, *args(worker), barrier, queue))
        for worker in range(WORKERS)
    ]
    for process in processes:
        process.start()
    if parent is not None:
        parent(barrier)
    reports: dict[str, dict[int, Any]] = defaultdict(dict)
    errors: list[str] = []
    try:
        # Read while they run (a full pipe would block a worker) until every one is done.
        while len(reports["done"]) < WORKERS:
            try:
                worker, step, value = queue.get(timeout=TIMEOUT)
            except queue_module.Empty:
                errors.append(f"no report for {TIMEOUT} s; done: {sorted(reports['done'])}")
                break
            if step == "error":
                errors.append(f"worker {worker}:\n{value}")
            reports[step][worker] = value
    finally:
        for process in processes:
            process.join(TIMEOUT)
            if process.is_alive():
                process.kill()
                process.join()
        queue.close()
        queue.join_thread()
    assert errors == []
    assert [process.exitcode for process in processes] == [0] * WORKERS
    return reports


def parent_store(spec: Spec) -> Any:
    return store_workers.open_store(spec)


def test_revocation_in_one_process_is_refused_in_all(spec: Spec) -> None:
    sessions = SessionManager(parent_store(spec))
    session_ids = [sessions.create("alice"), sessions.create("bob"), sessions.create("bob")]
    reports = run_workers(store_workers.revocation_worker, lambda worker: (spec, session_ids))
    everyone = set(range(WORKERS))
    assert reports["before"] == {worker: [True, True, True] for worker in everyone}
    assert reports["revoked"] == {0: True}
    assert reports["after-revoke"] == {worker: [False, True, True] for worker in everyone}
    assert reports["revoked-user"] == {1: 1}
    assert reports["after-revoke-user"] == {worker: [False, False, True] for worker in everyone}
    # And the parent, which validated nothing in between, agrees.
    assert [sessions.validate(session_id) is not None for session_id in session_ids] == [
        False,
        False,
        True,
    ]


def test_concurrent_failures_are_counted_exactly(spec: Spec) -> None:
    attempts = 40
    reports = run_workers(store_workers.failure_worker, lambda worker: (spec, attempts))
    login = LoginMonitor(parent_store(spec), LockoutPolicy(max_failures=1_000_000))
    assert login.check("shared-account", "198.51.100.1").failures == WORKERS * attempts
    for worker in range(WORKERS):
        assert login.check(f"own-account-{worker}", "198.51.100.1").failures == 1
    # WORKERS + 1 accounts failed from one address, stuffing_accounts=4: exactly one process
    # saw the threshold crossed, so exactly one event in all.
    events = [kind for kinds in reports["events"].values() for kind in kinds]
    assert events == ["credential_stuffing"]


def test_concurrent_claims_are_granted_once(spec: Spec) -> None:
    keys = [f"nonce-{n}" for n in range(50)]
    reports = run_workers(store_workers.claim_worker, lambda worker: (spec, keys))
    granted = [key for claimed in reports["claimed"].values() for key in claimed]
    assert sorted(granted) == sorted(keys)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_store_used_before_fork_works_in_the_children(spec: Spec) -> None:
    # As with gunicorn --preload: the store is opened (and used) in the parent, then inherited.
    # Each child must open its own connections rather than share the parent's socket or SQLite
    # handle, which would mix replies or corrupt locking.
    sessions = SessionManager(parent_store(spec))
    expected = []
    for _ in range(10):
        session_id = sessions.create("alice")
        session = sessions.validate(session_id)
        assert session is not None
        expected.append((session_id, session.handle))

    def alongside(barrier: Any) -> None:
        barrier.wait(60)
        for _ in range(50):
            assert all(store_workers.same_session(sessions, *pair) for pair in expected)

    reports = run_workers(
        store_workers.inherited_worker,
        lambda worker: (sessions, expected),
        start_method="fork",
        parent=alongside,
    )
    assert reports["valid"] == {worker: 500 for worker in range(WORKERS)}
