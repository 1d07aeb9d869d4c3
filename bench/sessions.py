#!/usr/bin/env python3
"""Session validation throughput and latency of ``cuirass.sessions`` on SQLite and Redis.

A script, not a test: for each store and each number of worker processes it creates sessions,
starts the workers together (a barrier), lets each call ``SessionManager.validate`` on those
sessions in a loop for a fixed time, and prints the total validations per second with the
p50/p99/p99.9 latency of one call, measured around the public Python API (what a web request
pays). Targets (issue 8): at least 20 000 validations/s on SQLite across 2 processes, and a Redis
p99 under 2 ms on loopback.

Run it in any virtualenv with the built package (``scripts/test-python`` makes ``.venv-test``):

    .venv-test/bin/python bench/sessions.py                 # SQLite and Redis, 1/2/4 processes
    .venv-test/bin/python bench/sessions.py --store sqlite --processes 2 --seconds 10
    .venv-test/bin/python bench/sessions.py --json results.json

Redis comes from ``--redis-url`` (default ``CUIRASS_TEST_REDIS_URL`` or database 15 on loopback;
start one with ``redis-server --port 6379 --bind 127.0.0.1 --save '' --appendonly no
--daemonize yes``). Its rows are skipped with a message when nothing answers there. Keys use a
fresh prefix and are deleted afterwards; the SQLite file lives in a temporary directory.

Read the figures with the machine in mind: on a 2-core machine, 4 workers (plus redis-server)
compete for the cores, so the 4-process rows show contention, not scaling.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import secrets
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from typing import Any

try:
    from cuirass.exceptions import StoreUnavailable
    from cuirass.sessions import RedisStore, SessionManager, SQLiteStore, Store
except ImportError as error:  # pragma: no cover - a usage error, reported plainly
    sys.exit(
        f"error: {error.name} is not installed\n"
        "hint: run scripts/test-python, then .venv-test/bin/python bench/sessions.py"
    )

SQLITE_TARGET_OPS = 20_000  # validations/s across 2 processes
REDIS_TARGET_P99_MS = 2.0

Spec = tuple[str, str, str]


def open_store(spec: Spec) -> Store:
    kind, where, prefix = spec
    if kind == "sqlite":
        return SQLiteStore(where)
    return RedisStore(where, prefix=prefix)


def worker(
    spec: Spec, ids: list[str], seconds: float, warmup: float, barrier: Any, results: Any
) -> None:
    """Validates ``ids`` round-robin for ``seconds`` after ``warmup``; reports
    ``(count, elapsed, latencies in ns)``."""
    sessions = SessionManager(open_store(spec), ttl=3600)
    validate = sessions.validate
    clock = time.perf_counter_ns
    count = len(ids)
    index = 0
    barrier.wait(60)
    end = time.perf_counter() + warmup
    while time.perf_counter() < end:
        validate(ids[index % count])
        index += 1
    latencies: list[int] = []
    record = latencies.append
    started = clock()
    deadline = started + int(seconds * 1e9)
    now = started
    while now < deadline:
        before = clock()
        if validate(ids[index % count]) is None:
            raise RuntimeError("a session did not validate")
        now = clock()
        record(now - before)
        index += 1
    results.put((len(latencies), (now - started) / 1e9, latencies))


@dataclass
class Row:
    store: str
    processes: int
    validations: int
    ops_per_s: float
    p50_us: float
    p99_us: float
    p999_us: float
    max_us: float


def percentile(sorted_ns: list[int], fraction: float) -> float:
    index = min(len(sorted_ns) - 1, max(0, round(fraction * len(sorted_ns)) - 1))
    return sorted_ns[index] / 1000


def measure(spec: Spec, processes: int, sessions_count: int, seconds: float, warmup: float) -> Row:
    store = open_store(spec)
    manager = SessionManager(store, ttl=3600)
    users = [f"bench-user-{n}" for n in range(max(1, sessions_count // 10))]
    ids = [manager.create(users[n % len(users)], data={"n": n}) for n in range(sessions_count)]
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes)
    results = context.Queue()
    workers = [
        context.Process(target=worker, args=(spec, ids, seconds, warmup, barrier, results))
        for _ in range(processes)
    ]
    for process in workers:
        process.start()
    reports = [results.get(timeout=seconds + warmup + 120) for _ in workers]
    for process in workers:
        process.join(60)
    if any(process.exitcode != 0 for process in workers):
        raise RuntimeError(f"a worker failed on {spec[0]}")
    for user in users:
        manager.revoke_user(user)
    latencies = sorted(ns for _, _, samples in reports for ns in samples)
    total = sum(count for count, _, _ in reports)
    return Row(
        store=spec[0],
        processes=processes,
        validations=total,
        ops_per_s=sum(count / elapsed for count, elapsed, _ in reports),
        p50_us=percentile(latencies, 0.50),
        p99_us=percentile(latencies, 0.99),
        p999_us=percentile(latencies, 0.999),
        max_us=latencies[-1] / 1000,
    )


def print_table(rows: list[Row]) -> None:
    header = ("store", "procs", "validations/s", "per proc/s", "p50 µs", "p99 µs", "p99.9 µs")
    lines = [header]
    for row in rows:
        lines.append(
            (
                row.store,
                str(row.processes),
                f"{row.ops_per_s:,.0f}",
                f"{row.ops_per_s / row.processes:,.0f}",
                f"{row.p50_us:.1f}",
                f"{row.p99_us:.1f}",
                f"{row.p999_us:.1f}",
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for number, line in enumerate(lines):
        cells = [
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        ]
        print("  ".join(cells))
        if number == 0:
            print("  ".join("-" * width for width in widths))


def verdicts(rows: list[Row]) -> list[str]:
    out = []
    for row in rows:
        if row.store == "sqlite" and row.processes == 2:
            ok = row.ops_per_s >= SQLITE_TARGET_OPS
            out.append(
                f"{'PASS' if ok else 'MISS'}: SQLite, 2 processes: {row.ops_per_s:,.0f} "
                f"validations/s (target >= {SQLITE_TARGET_OPS:,})"
            )
        if row.store == "redis":
            ok = row.p99_us / 1000 < REDIS_TARGET_P99_MS
            out.append(
                f"{'PASS' if ok else 'MISS'}: Redis, {row.processes} process(es): p99 "
                f"{row.p99_us / 1000:.3f} ms (target < {REDIS_TARGET_P99_MS} ms)"
            )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--store", action="append", choices=["sqlite", "redis"], help="repeatable; default both"
    )
    parser.add_argument(
        "--processes", action="append", type=int, help="repeatable; default 1, 2 and 4"
    )
    parser.add_argument("--seconds", type=float, default=5.0, help="timed seconds per row")
    parser.add_argument("--warmup", type=float, default=1.0, help="untimed seconds first")
    parser.add_argument("--sessions", type=int, default=1000, help="sessions validated")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("CUIRASS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"),
    )
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args()
    stores = args.store or ["sqlite", "redis"]
    counts = args.processes or [1, 2, 4]

    print(
        f"cuirass.sessions validate: {platform.python_implementation()} "
        f"{platform.python_version()}, {os.cpu_count()} CPUs, load "
        f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}, {args.seconds:g} s per row, "
        f"{args.sessions} sessions\n"
    )
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="cuirass-bench-") as directory:
        for kind in stores:
            if kind == "sqlite":
                spec: Spec = ("sqlite", os.path.join(directory, "sessions.db"), "")
            else:
                spec = ("redis", args.redis_url, f"cuirass-bench:{secrets.token_hex(6)}:")
                try:
                    open_store(spec).claim("probe", 1)
                except StoreUnavailable as error:
                    print(f"skipped redis: {error}\n", file=sys.stderr)
                    continue
            for processes in counts:
                rows.append(measure(spec, processes, args.sessions, args.seconds, args.warmup))
    if not rows:
        return 1
    print_table(rows)
    print()
    for line in verdicts(rows):
        print(line)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as file:
            json.dump(
                {
                    "machine": {
                        "platform": platform.platform(),
                        "cpus": os.cpu_count(),
                        "python": platform.python_version(),
                    },
                    "arguments": vars(args),
                    "rows": [asdict(row) for row in rows],
                },
                file,
                indent=2,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
