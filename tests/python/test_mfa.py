"""cuirass.mfa: RFC 6238 / RFC 4226 vectors, windows, replay protection, provisioning URIs."""

from __future__ import annotations

import base64
import datetime
import doctest
import hashlib
import hmac
import importlib.util
import inspect
import pathlib
import struct
import threading
import typing
import urllib.parse

import pytest

import cuirass
from cuirass import InvalidOTPSecret, mfa

# RFC 6238 Appendix B: the seeds are the ASCII strings below (20, 32 and 64 bytes).
SEED_SHA1 = b"12345678901234567890"
SEED_SHA256 = b"12345678901234567890123456789012"
SEED_SHA512 = b"1234567890123456789012345678901234567890123456789012345678901234"
SECRET_SHA1 = base64.b32encode(SEED_SHA1).decode()
SECRET_SHA256 = base64.b32encode(SEED_SHA256).decode()
SECRET_SHA512 = base64.b32encode(SEED_SHA512).decode()

RFC6238_VECTORS = [
    # (time, SHA1, SHA256, SHA512), all 8 digits.
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]

RFC4226_VECTORS = [
    "755224",
    "287082",
    "359152",
    "969429",
    "338314",
    "254676",
    "287922",
    "162583",
    "399871",
    "520489",
]

NOW = 1_700_000_000


class DictClaims:
    """A ClaimStore for tests: records keys and TTLs, honours expiry on a fake clock."""

    def __init__(self) -> None:
        self.clock = 0.0
        self.held: dict[str, float] = {}
        self.calls: list[tuple[str, float]] = []
        self.lock = threading.Lock()

    def claim(self, key: str, ttl: float) -> bool:
        with self.lock:
            self.calls.append((key, ttl))
            expiry = self.held.get(key)
            if expiry is not None and expiry > self.clock:
                return False
            self.held[key] = self.clock + ttl
            return True


@pytest.mark.parametrize(("at", "sha1", "sha256", "sha512"), RFC6238_VECTORS)
def test_rfc6238_appendix_b(at: int, sha1: str, sha256: str, sha512: str) -> None:
    assert mfa.totp(SECRET_SHA1, at=at, digits=8, algorithm="sha1") == sha1
    assert mfa.totp(SECRET_SHA256, at=at, digits=8, algorithm="sha256") == sha256
    assert mfa.totp(SECRET_SHA512, at=at, digits=8, algorithm="sha512") == sha512
    # And each verifies, with no window, at exactly that time.
    assert mfa.verify(SECRET_SHA1, sha1, at=at, digits=8, window=0)
    assert mfa.verify(SECRET_SHA256, sha256, at=at, digits=8, algorithm="sha256", window=0)
    assert mfa.verify(SECRET_SHA512, sha512, at=at, digits=8, algorithm="SHA-512", window=0)


def test_rfc6238_times_as_datetimes() -> None:
    # The RFC's table lists the UTC dates too.
    at = datetime.datetime(2005, 3, 18, 1, 58, 29, tzinfo=datetime.timezone.utc)
    assert mfa.totp(SECRET_SHA1, at=at, digits=8) == "07081804"
    paris = datetime.timezone(datetime.timedelta(hours=1))
    assert mfa.totp(SECRET_SHA1, at=at.astimezone(paris), digits=8) == "07081804"
    with pytest.raises(ValueError, match="timezone-aware"):
        mfa.totp(SECRET_SHA1, at=datetime.datetime(2005, 3, 18, 1, 58, 29))


@pytest.mark.parametrize(("counter", "code"), list(enumerate(RFC4226_VECTORS)))
def test_rfc4226_appendix_d(counter: int, code: str) -> None:
    assert mfa.hotp(SECRET_SHA1, counter) == code


def _reference_totp(key: bytes, at: int, digits: int, digest: str, period: int = 30) -> str:
    # An independent implementation on the standard library, for the differential test.
    mac = hmac.new(key, struct.pack(">Q", at // period), digest).digest()
    offset = mac[-1] & 0x0F
    value = int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


@pytest.mark.parametrize("algorithm", ["sha1", "sha256", "sha512"])
@pytest.mark.parametrize("digits", [6, 7, 8])
def test_matches_a_reference_implementation(algorithm: str, digits: int) -> None:
    key = hashlib.sha256(f"{algorithm}{digits}".encode()).digest()
    secret = base64.b32encode(key).decode()
    for at in range(0, 5_000_000_000, 123_456_789):
        for period in (30, 60):
            assert mfa.totp(
                secret, at=at, digits=digits, algorithm=algorithm, period=period
            ) == _reference_totp(key, at, digits, algorithm, period)


def test_codes_keep_leading_zeros() -> None:
    # 07081804 at 1111111109 (RFC 6238): eight characters, leading zero included.
    code = mfa.totp(SECRET_SHA1, at=1111111109, digits=8)
    assert code == "07081804"
    assert mfa.verify(SECRET_SHA1, code, at=1111111109, digits=8)
    with pytest.raises(TypeError, match="leading zeros"):
        mfa.verify(SECRET_SHA1, 7081804, at=1111111109, digits=8)  # type: ignore[arg-type]


def test_generate_secret() -> None:
    secrets = {mfa.generate_secret() for _ in range(50)}
    assert len(secrets) == 50
    for secret in secrets:
        assert len(secret) == 32
        assert len(base64.b32decode(secret)) == 20
        assert mfa.verify(secret, mfa.totp(secret))


def test_secret_forms_are_tolerated() -> None:
    spaced = " ".join(SECRET_SHA1[i : i + 4] for i in range(0, len(SECRET_SHA1), 4)).lower()
    assert mfa.normalize_secret(spaced) == SECRET_SHA1
    assert mfa.totp(spaced, at=59, digits=8) == "94287082"
    padded = base64.b32encode(b"0123456789abcdefghijk").decode()
    assert padded.endswith("=")
    assert mfa.normalize_secret(padded) == padded.rstrip("=")
    assert mfa.totp(padded, at=NOW) == mfa.totp(padded.rstrip("="), at=NOW)


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("JBSWY3DPEHPK3PX0", "character 16"),
        ("JBSWY3DP!HPK3PXP", "character 9"),
        ("JBS=WY3DPEHPK3PXP", "padding"),
        ("JBSWY3DPE", "length"),
    ],
)
def test_bad_secrets_are_refused_clearly(secret: str, message: str) -> None:
    with pytest.raises(InvalidOTPSecret, match=message) as info:
        mfa.totp(secret)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, cuirass.CuirassError)
    if len(secret.strip()) > 4:
        assert secret not in str(info.value)
    with pytest.raises(InvalidOTPSecret):
        mfa.verify(secret, "123456")


def test_short_secrets_need_explicit_permission() -> None:
    short = base64.b32encode(b"0123456789").decode()  # 80 bits, below RFC 4226's 128
    code = mfa.totp(short, at=NOW)
    with pytest.raises(InvalidOTPSecret, match="80 bits"):
        mfa.verify(short, code, at=NOW)
    assert mfa.verify(short, code, at=NOW, allow_short_secret=True)
    sixteen = base64.b32encode(b"0123456789abcdef").decode()
    assert mfa.verify(sixteen, mfa.totp(sixteen, at=NOW), at=NOW)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"digits": 5}, ValueError),
        ({"digits": 9}, ValueError),
        ({"algorithm": "md5"}, ValueError),
        ({"period": 0}, ValueError),
        ({"at": -1}, ValueError),
        ({"at": float("nan")}, ValueError),
        ({"at": "now"}, TypeError),
        ({"digits": True}, TypeError),
    ],
)
def test_bad_parameters(kwargs: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        mfa.totp(SECRET_SHA1, **kwargs)  # type: ignore[arg-type]


def test_window() -> None:
    step = 30
    code_at = {offset: mfa.totp(SECRET_SHA1, at=NOW + offset * step) for offset in range(-3, 4)}
    assert mfa.verify(SECRET_SHA1, code_at[0], at=NOW)
    assert mfa.verify(SECRET_SHA1, code_at[-1], at=NOW)
    assert mfa.verify(SECRET_SHA1, code_at[1], at=NOW)
    assert not mfa.verify(SECRET_SHA1, code_at[-2], at=NOW)
    assert not mfa.verify(SECRET_SHA1, code_at[2], at=NOW)
    assert mfa.verify(SECRET_SHA1, code_at[-2], at=NOW, window=2)
    assert mfa.verify(SECRET_SHA1, code_at[3], at=NOW, window=3)
    assert not mfa.verify(SECRET_SHA1, code_at[-1], at=NOW, window=0)
    with pytest.raises(ValueError):
        mfa.verify(SECRET_SHA1, code_at[0], at=NOW, window=-1)
    with pytest.raises(ValueError, match="at most 10"):
        mfa.verify(SECRET_SHA1, code_at[0], at=NOW, window=11)
    assert mfa.verify(SECRET_SHA1, code_at[0], at=NOW, window=mfa.MAX_WINDOW)


def test_period() -> None:
    code = mfa.totp(SECRET_SHA1, at=NOW, period=60)
    assert code == _reference_totp(SEED_SHA1, NOW, 6, "sha1", 60)
    assert mfa.verify(SECRET_SHA1, code, at=NOW + 60, period=60)
    assert not mfa.verify(SECRET_SHA1, code, at=NOW + 120, period=60)


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef", "12345a", "١٢٣٤٥٦"])
def test_malformed_codes_are_false_not_errors(typed: str) -> None:
    assert mfa.verify(SECRET_SHA1, typed, at=NOW) is False


def test_spaces_in_codes_are_ignored() -> None:
    code = mfa.totp(SECRET_SHA1, at=NOW)
    assert mfa.verify(SECRET_SHA1, f"{code[:3]} {code[3:]}", at=NOW)
    assert mfa.verify(SECRET_SHA1, f" {code}\n", at=NOW)


def test_wrong_code_is_false() -> None:
    code = mfa.totp(SECRET_SHA1, at=NOW)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert mfa.verify(SECRET_SHA1, wrong, at=NOW) is False


def test_replay_is_refused() -> None:
    store = DictClaims()
    code = mfa.totp(SECRET_SHA1, at=NOW)
    assert mfa.verify(SECRET_SHA1, code, at=NOW, store=store, account="alice")
    assert not mfa.verify(SECRET_SHA1, code, at=NOW, store=store, account="alice")
    assert not mfa.verify(SECRET_SHA1, code, at=NOW + 29, store=store, account="alice")
    # Another account with the same secret (never do that) is a different claim.
    assert mfa.verify(SECRET_SHA1, code, at=NOW, store=store, account="bob")
    step = NOW // 30
    key, ttl = store.calls[0]
    assert key == f"cuirass.mfa:alice:{step}"
    # The TTL outlives every moment at which the code could still be accepted.
    assert ttl >= 3 * 30


def test_replay_burns_older_codes_in_the_window() -> None:
    store = DictClaims()
    older = mfa.totp(SECRET_SHA1, at=NOW - 30)
    current = mfa.totp(SECRET_SHA1, at=NOW)
    assert mfa.verify(SECRET_SHA1, current, at=NOW, store=store, account="alice")
    # A code from the previous step, seen over a shoulder, is refused after the current one.
    assert not mfa.verify(SECRET_SHA1, older, at=NOW, store=store, account="alice")
    # The next code still works.
    newer = mfa.totp(SECRET_SHA1, at=NOW + 30)
    assert mfa.verify(SECRET_SHA1, newer, at=NOW + 30, store=store, account="alice")


def test_failed_codes_claim_nothing() -> None:
    store = DictClaims()
    assert not mfa.verify(SECRET_SHA1, "000000", at=59, store=store, account="alice")
    assert store.calls == []


def test_claims_expire() -> None:
    store = DictClaims()
    code = mfa.totp(SECRET_SHA1, at=NOW)
    assert mfa.verify(SECRET_SHA1, code, at=NOW, store=store, account="alice")
    store.clock = 10_000.0
    # Expired claim: the store lets it through again (by then the code is out of the window).
    assert mfa.verify(SECRET_SHA1, code, at=NOW, store=store, account="alice")


def test_store_needs_an_account() -> None:
    code = mfa.totp(SECRET_SHA1, at=NOW)
    with pytest.raises(ValueError, match="account"):
        mfa.verify(SECRET_SHA1, code, at=NOW, store=DictClaims())


def test_store_errors_propagate() -> None:
    class Broken:
        def claim(self, key: str, ttl: float) -> bool:
            raise ConnectionError("store unreachable")

    code = mfa.totp(SECRET_SHA1, at=NOW)
    with pytest.raises(ConnectionError):
        mfa.verify(SECRET_SHA1, code, at=NOW, store=Broken(), account="alice")


def test_concurrent_replays_accept_once() -> None:
    store = DictClaims()
    code = mfa.totp(SECRET_SHA1, at=NOW)
    results: list[bool] = []
    barrier = threading.Barrier(8)

    def attempt() -> None:
        barrier.wait()
        results.append(mfa.verify(SECRET_SHA1, code, at=NOW, store=store, account="alice"))

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True]


def test_claim_store_protocol() -> None:
    assert isinstance(DictClaims(), mfa.ClaimStore)
    assert not isinstance(object(), mfa.ClaimStore)


@pytest.mark.skipif(
    importlib.util.find_spec("cuirass.sessions") is None, reason="cuirass.sessions not built yet"
)
def test_replay_with_the_sessions_memory_store() -> None:
    from cuirass import sessions

    store = sessions.MemoryStore()
    assert isinstance(store, mfa.ClaimStore)
    code = mfa.totp(SECRET_SHA1, at=NOW)
    assert mfa.verify(SECRET_SHA1, code, at=NOW, store=store, account="alice")
    assert not mfa.verify(SECRET_SHA1, code, at=NOW, store=store, account="alice")


@pytest.mark.skipif(
    importlib.util.find_spec("cuirass.sessions") is None, reason="cuirass.sessions not built yet"
)
def test_replay_across_processes_with_the_sqlite_store(tmp_path: pathlib.Path) -> None:
    from cuirass import sessions

    # Two store objects on one file stand for two worker processes.
    first = sessions.SQLiteStore(tmp_path / "claims.db")
    second = sessions.SQLiteStore(tmp_path / "claims.db")
    code = mfa.totp(SECRET_SHA1, at=NOW)
    assert mfa.verify(SECRET_SHA1, code, at=NOW, store=first, account="alice")
    assert not mfa.verify(SECRET_SHA1, code, at=NOW, store=second, account="alice")


def test_provisioning_uri() -> None:
    uri = mfa.provisioning_uri("jbsw y3dp ehpk 3pxp", "alice@example.com", issuer="Example Co")
    assert uri == (
        "otpauth://totp/Example%20Co:alice%40example.com"
        "?secret=JBSWY3DPEHPK3PXP&issuer=Example%20Co"
    )
    parsed = urllib.parse.urlsplit(uri)
    assert parsed.scheme == "otpauth"
    assert parsed.netloc == "totp"
    assert urllib.parse.unquote(parsed.path) == "/Example Co:alice@example.com"
    query = urllib.parse.parse_qs(parsed.query)
    assert query == {"secret": ["JBSWY3DPEHPK3PXP"], "issuer": ["Example Co"]}


def test_provisioning_uri_non_defaults_and_encoding() -> None:
    uri = mfa.provisioning_uri(
        SECRET_SHA256,
        "zoë+test@example.com",
        issuer="Ünïcode & Co/Ltd?",
        digits=8,
        algorithm="sha256",
        period=60,
    )
    parsed = urllib.parse.urlsplit(uri)
    assert " " not in uri and "+" not in uri.split("?")[0]
    label = urllib.parse.unquote(parsed.path[1:])
    assert label == "Ünïcode & Co/Ltd?:zoë+test@example.com"
    query = dict(urllib.parse.parse_qsl(parsed.query))
    assert query == {
        "secret": SECRET_SHA256.rstrip("="),
        "issuer": "Ünïcode & Co/Ltd?",
        "algorithm": "SHA256",
        "digits": "8",
        "period": "60",
    }
    # The URI carries everything needed to make the same codes.
    assert mfa.totp(query["secret"], at=NOW, digits=8, algorithm="sha256", period=60) == (
        mfa.totp(SECRET_SHA256, at=NOW, digits=8, algorithm="sha256", period=60)
    )


@pytest.mark.parametrize(
    ("account", "issuer", "error"),
    [
        ("a:b", "Example", ValueError),
        ("alice", "Ex:ample", ValueError),
        ("", "Example", ValueError),
        ("alice", " ", ValueError),
    ],
)
def test_provisioning_uri_refuses_bad_labels(account: str, issuer: str, error: type) -> None:
    with pytest.raises(error):
        mfa.provisioning_uri(SECRET_SHA1, account, issuer=issuer)


def test_provisioning_uri_validates_parameters() -> None:
    with pytest.raises(InvalidOTPSecret):
        mfa.provisioning_uri("not base32!", "alice", issuer="Example")
    with pytest.raises(ValueError):
        mfa.provisioning_uri(SECRET_SHA1, "alice", issuer="Example", digits=10)
    with pytest.raises(ValueError):
        mfa.provisioning_uri(SECRET_SHA1, "alice", issuer="Example", algorithm="md5")


def test_public_api_is_documented_and_examples_run() -> None:
    assert mfa.__doc__
    for name in mfa.__all__:
        obj = getattr(mfa, name)
        if callable(obj) and typing.get_origin(obj) is None:
            assert (inspect.getdoc(obj) or "").strip(), name
    result = doctest.testmod(mfa, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
