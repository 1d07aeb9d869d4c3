"""Helpers for the session and login-monitor store tests: the test Redis, a fake clock, store
factories, and a minimal RESP client to look inside Redis without another dependency.

The Redis URL comes from ``CUIRASS_TEST_REDIS_URL`` (default database 15 on loopback). When
nothing answers there, Redis tests skip with a message, except under ``CI=true``, where they fail:
CI (``.ci/run``) starts a real ``redis-server``.
"""

from __future__ import annotations

import functools
import os
import secrets
import socket
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import pytest

from cuirass.exceptions import StoreUnavailable
from cuirass.sessions import MemoryStore, RedisStore, SQLiteStore, Store

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"

#: Store kinds the parametrised tests run on.
STORE_KINDS = ("memory", "sqlite", "redis")


@functools.cache
def _probe(url: str) -> str | None:
    """``None`` if the Redis at ``url`` answers, else why not."""
    try:
        RedisStore(url, prefix=f"cuirass-test:{secrets.token_hex(8)}:", timeout=1.0).claim(
            "probe", 1.0
        )
    except StoreUnavailable as error:
        return str(error)
    return None


def redis_url() -> str:
    """The test Redis's URL; skips the test (fails it under CI=true) when it does not answer."""
    url = os.environ.get("CUIRASS_TEST_REDIS_URL", DEFAULT_REDIS_URL)
    problem = _probe(url)
    if problem is not None:
        message = (
            f"no Redis for the tests at {url} ({problem}); start redis-server or set "
            "CUIRASS_TEST_REDIS_URL"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: {message}")
        pytest.skip(message)
    return url


def fresh_prefix() -> str:
    """A key prefix no other test uses."""
    return f"cuirass-test:{secrets.token_hex(8)}:"


def make_store(kind: str, tmp_path: Path) -> Store:
    """A new, empty store of ``kind`` (``memory``, ``sqlite`` or ``redis``)."""
    if kind == "memory":
        return MemoryStore()
    if kind == "sqlite":
        return SQLiteStore(tmp_path / f"store-{secrets.token_hex(4)}.db")
    if kind == "redis":
        return RedisStore(redis_url(), prefix=fresh_prefix())
    raise ValueError(kind)


class FakeClock:
    """A ``time.time`` stand-in that only moves when told to."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


Clock = Callable[[], float]


def resp(url: str, *args: str) -> object:
    """Sends one command to the Redis at ``url`` and returns the decoded reply (RESP2)."""
    parsed = urllib.parse.urlsplit(url)
    db = parsed.path.lstrip("/") or "0"
    with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), 2) as s:
        stream = s.makefile("rwb")

        def send(*words: str) -> object:
            encoded = [word.encode() for word in words]
            stream.write(f"*{len(encoded)}\r\n".encode())
            for word in encoded:
                stream.write(b"$%d\r\n%s\r\n" % (len(word), word))
            stream.flush()
            return read()

        def read() -> object:
            line = stream.readline().rstrip(b"\r\n")
            kind, rest = line[:1], line[1:]
            if kind == b"+":
                return rest.decode()
            if kind == b"-":
                raise RuntimeError(rest.decode())
            if kind == b":":
                return int(rest)
            if kind == b"$":
                size = int(rest)
                if size < 0:
                    return None
                data = stream.read(size + 2)[:-2]
                return data.decode()
            if kind == b"*":
                count = int(rest)
                return None if count < 0 else [read() for _ in range(count)]
            raise RuntimeError(f"unexpected reply {line!r}")

        send("SELECT", db)
        return send(*args)
