#!/usr/bin/env python3
"""Speed of the cuirass library's primitives against the packages people use today.

A script, not a test: it prints a table of median times per call and the ratio
``cuirass / other`` (below 1.00 means cuirass is faster). Targets (issue 7): hashing and
verifying within 10% of argon2-cffi at the same parameters, sanitising at least on par with nh3,
signing faster than itsdangerous. Encryption is compared with cryptography's Fernet and AESGCM.

Run it in the test virtualenv, which has every package it compares with:

    scripts/test-python            # builds .venv-test with the wheel and the packages
    .venv-test/bin/python bench/library.py [--quick] [--json results.json]

Each case is timed as the median of several batches (each sized to take ~0.25 s, after a
warm-up); both sides of a comparison run in the same process on the same inputs, in alternating
batches so that background load affects both alike.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import timeit
from collections.abc import Callable
from dataclasses import asdict, dataclass
from importlib import metadata

try:
    import argon2
    import bleach
    import itsdangerous
    import nh3
    from cryptography.fernet import Fernet as CryptographyFernet
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    import cuirass
    from cuirass import crypto, passwords, signing, validation
except ImportError as error:  # pragma: no cover - a usage error, reported plainly
    sys.exit(
        f"error: {error.name} is not installed\n"
        "hint: run scripts/test-python, then .venv-test/bin/python bench/library.py"
    )


@dataclass
class Result:
    group: str
    case: str
    ours_us: float
    theirs: str
    theirs_us: float

    @property
    def ratio(self) -> float:
        return self.ours_us / self.theirs_us


def _calibrate(function: Callable[[], object], budget: float) -> int:
    """How many calls make one batch of about ``budget`` seconds."""
    number, elapsed = timeit.Timer(function).autorange()
    return max(1, int(number * budget / max(elapsed, 1e-9)))


def compare(
    results: list[Result],
    group: str,
    case: str,
    ours: Callable[[], object],
    theirs_name: str,
    theirs: Callable[[], object],
    *,
    repeats: int,
    budget: float,
) -> None:
    """Time both sides in alternating batches (so background load hits both alike) and record
    the median seconds per call of each."""
    ours(), theirs()  # warm-up: caches, lazy statics, first-touch of memory
    sides = [
        (timeit.Timer(ours), _calibrate(ours, budget), []),
        (timeit.Timer(theirs), _calibrate(theirs, budget), []),
    ]
    for round_ in range(repeats):
        for timer, number, samples in sides if round_ % 2 == 0 else reversed(sides):
            samples.append(timer.timeit(number) / number)
    ours_s = statistics.median(sides[0][2])
    theirs_s = statistics.median(sides[1][2])
    results.append(Result(group, case, ours_s * 1e6, theirs_name, theirs_s * 1e6))
    print(
        f"{group:<10} {case:<34} {ours_s * 1e6:>12.2f} µs   {theirs_name:<22} "
        f"{theirs_s * 1e6:>12.2f} µs   ratio {ours_s / theirs_s:5.2f}",
        flush=True,
    )


HTML_SMALL = (
    '<p>Hello <b>world</b>, see <a href="https://example.com/" onclick="x()">this</a>'
    "<script>alert(1)</script> and <img src=x onerror=alert(1)></p>"
)


def html_document(paragraphs: int) -> str:
    parts = []
    for i in range(paragraphs):
        parts.append(
            f'<h2 id="s{i}">Section {i}</h2><p class="c">Text with <em>emphasis</em>, '
            f'<a href="https://example.com/{i}" title="t">a link</a>, <code>code()</code>, and '
            f'<span style="color:red" onmouseover="steal()">spans</span>.</p>'
            f"<ul><li>one</li><li>two <b>bold</b></li></ul><script>evil({i})</script>"
            f'<table><tr><td>{i}</td><td><img src="https://example.com/{i}.png" alt="i"></td>'
            "</tr></table>"
        )
    return "".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (noisier)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    parser.add_argument(
        "--only",
        choices=("passwords", "sanitize", "signing", "crypto"),
        action="append",
        help="run only this group (repeatable)",
    )
    args = parser.parse_args()
    groups = set(args.only or ("passwords", "sanitize", "signing", "crypto"))
    repeats, budget = (3, 0.1) if args.quick else (7, 0.25)
    slow_repeats, slow_budget = (3, 0.3) if args.quick else (9, 1.0)

    print(
        f"cuirass {cuirass.__version__} · Python {platform.python_version()} · "
        f"{platform.machine()} · {os.cpu_count()} CPUs"
    )
    print(
        " · ".join(
            f"{name} {metadata.version(name)}"
            for name in ("argon2-cffi", "nh3", "bleach", "itsdangerous", "cryptography")
        )
        + "\n"
    )
    results: list[Result] = []

    if "passwords" in groups:
        bench_passwords(results, slow_repeats, slow_budget)
    if "sanitize" in groups:
        bench_sanitize(results, repeats, budget)
    if "signing" in groups:
        bench_signing(results, repeats, budget)
    if "crypto" in groups:
        bench_crypto(results, repeats, budget)

    print("\nratio = cuirass time / other time (below 1.00: cuirass is faster)")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump([{**asdict(r), "ratio": r.ratio} for r in results], handle, indent=2)
            handle.write("\n")


def bench_passwords(results: list[Result], slow_repeats: int, slow_budget: float) -> None:
    """Argon2id at the same parameters on both sides (OWASP: m=19 MiB, t=2, p=1)."""
    reference = argon2.PasswordHasher(
        time_cost=passwords.TIME_COST,
        memory_cost=passwords.MEMORY_COST,
        parallelism=passwords.PARALLELISM,
        hash_len=32,
        salt_len=16,
        type=argon2.Type.ID,
    )
    password = "correct horse battery staple"
    ours_hash = passwords.hash(password)
    their_hash = reference.hash(password)
    compare(
        results,
        "passwords",
        "hash (argon2id m=19456 t=2 p=1)",
        lambda: passwords.hash(password),
        "argon2-cffi",
        lambda: reference.hash(password),
        repeats=slow_repeats,
        budget=slow_budget,
    )
    compare(
        results,
        "passwords",
        "verify (argon2id m=19456 t=2 p=1)",
        lambda: passwords.verify(ours_hash, password),
        "argon2-cffi",
        lambda: reference.verify(their_hash, password),
        repeats=slow_repeats,
        budget=slow_budget,
    )


def bench_sanitize(results: list[Result], repeats: int, budget: float) -> None:
    """nh3 is the same engine (ammonia); bleach is html5lib in pure Python."""
    small, large = HTML_SMALL, html_document(400)
    for name, document in (
        (f"small ({len(small)} B)", small),
        (f"large ({len(large) // 1000} kB)", large),
    ):
        compare(
            results,
            "sanitize",
            f"sanitize_html {name}",
            lambda d=document: validation.sanitize_html(d),
            "nh3.clean",
            lambda d=document: nh3.clean(d),
            repeats=repeats,
            budget=budget,
        )
        compare(
            results,
            "sanitize",
            f"sanitize_html {name}",
            lambda d=document: validation.sanitize_html(d),
            "bleach.clean",
            lambda d=document: bleach.clean(d, strip=True),
            repeats=repeats,
            budget=budget,
        )


def bench_signing(results: list[Result], repeats: int, budget: float) -> None:
    """Timed JSON tokens, HMAC-SHA256 on both sides."""
    payload = {"user": 42, "roles": ["admin", "editor"], "next": "/dashboard", "n": 3.5}
    serializer = signing.Serializer("server-secret", salt="session")
    theirs_serializer = itsdangerous.URLSafeTimedSerializer(
        "server-secret",
        salt="session",
        signer_kwargs={"digest_method": __import__("hashlib").sha256},
    )
    our_token = serializer.dumps(payload)
    their_token = theirs_serializer.dumps(payload)
    compare(
        results,
        "signing",
        "Serializer.dumps",
        lambda: serializer.dumps(payload),
        "itsdangerous dumps",
        lambda: theirs_serializer.dumps(payload),
        repeats=repeats,
        budget=budget,
    )
    compare(
        results,
        "signing",
        "Serializer.loads(max_age)",
        lambda: serializer.loads(our_token, max_age=3600),
        "itsdangerous loads",
        lambda: theirs_serializer.loads(their_token, max_age=3600),
        repeats=repeats,
        budget=budget,
    )
    compare(
        results,
        "signing",
        "signing.dumps (module function)",
        lambda: signing.dumps(payload, "server-secret", salt="session"),
        "itsdangerous dumps",
        lambda: theirs_serializer.dumps(payload),
        repeats=repeats,
        budget=budget,
    )
    compare(
        results,
        "signing",
        "signing.loads (module function)",
        lambda: signing.loads(our_token, "server-secret", salt="session", max_age=3600),
        "itsdangerous loads",
        lambda: theirs_serializer.loads(their_token, max_age=3600),
        repeats=repeats,
        budget=budget,
    )


def bench_crypto(results: list[Result], repeats: int, budget: float) -> None:
    """AES-256-GCM (cuirass tokens are base64 text with a key id; AESGCM returns raw bytes) and
    Fernet on both sides."""
    ring = crypto.Keyring({"k1": crypto.generate_key()})
    aesgcm_key = AESGCM.generate_key(bit_length=256)
    aesgcm = AESGCM(aesgcm_key)
    fernet_key = crypto.Fernet.generate_key()
    ours_fernet, their_fernet = crypto.Fernet(fernet_key), CryptographyFernet(fernet_key)
    for size in (100, 64 * 1024):
        data = os.urandom(size)
        label = f"{size} B" if size < 1024 else f"{size // 1024} KiB"
        token = ring.encrypt(data)
        nonce = os.urandom(12)
        sealed = aesgcm.encrypt(nonce, data, None)
        compare(
            results,
            "crypto",
            f"Keyring.encrypt {label}",
            lambda d=data: ring.encrypt(d),
            "AESGCM.encrypt",
            lambda d=data: aesgcm.encrypt(os.urandom(12), d, None),
            repeats=repeats,
            budget=budget,
        )
        compare(
            results,
            "crypto",
            f"Keyring.decrypt {label}",
            lambda t=token: ring.decrypt(t),
            "AESGCM.decrypt",
            lambda n=nonce, s=sealed: aesgcm.decrypt(n, s, None),
            repeats=repeats,
            budget=budget,
        )
        our_token_f, their_token_f = ours_fernet.encrypt(data), their_fernet.encrypt(data)
        compare(
            results,
            "crypto",
            f"Fernet.encrypt {label}",
            lambda d=data: ours_fernet.encrypt(d),
            "cryptography Fernet",
            lambda d=data: their_fernet.encrypt(d),
            repeats=repeats,
            budget=budget,
        )
        compare(
            results,
            "crypto",
            f"Fernet.decrypt {label}",
            lambda t=our_token_f: ours_fernet.decrypt(t),
            "cryptography Fernet",
            lambda t=their_token_f: their_fernet.decrypt(t),
            repeats=repeats,
            budget=budget,
        )


if __name__ == "__main__":
    main()
