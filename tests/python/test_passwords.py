"""cuirass.passwords, including interop with argon2-cffi, bcrypt, and Django/passlib hashes."""

from __future__ import annotations

import base64
import hashlib
import secrets as stdlib_secrets
import threading

import argon2
import bcrypt
import pytest

from cuirass import InvalidHash, passwords

# Cheap parameters for most tests; the OWASP defaults are exercised where they matter.
FAST = {"memory_cost": 64, "time_cost": 1, "parallelism": 1}


def test_default_hash_is_argon2id_with_owasp_parameters() -> None:
    stored = passwords.hash("correct horse battery staple")
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert passwords.verify(stored, "correct horse battery staple")
    assert not passwords.verify(stored, "correct horse battery stapl")
    assert not passwords.needs_rehash(stored)
    assert passwords.identify(stored) == "argon2id"


def test_str_and_bytes_passwords_are_the_same_utf8() -> None:
    stored = passwords.hash("pässwörd", **FAST)
    assert passwords.verify(stored, "pässwörd".encode())
    assert passwords.verify(stored, bytearray("pässwörd".encode()))


def test_salts_are_fresh() -> None:
    assert passwords.hash("x", **FAST) != passwords.hash("x", **FAST)


@pytest.mark.parametrize(
    ("time_cost", "memory_cost", "parallelism"), [(2, 19456, 1), (3, 65536, 4), (1, 8, 1)]
)
def test_argon2_cffi_hashes_verify_with_cuirass(
    time_cost: int, memory_cost: int, parallelism: int
) -> None:
    hasher = argon2.PasswordHasher(
        time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism
    )
    stored = hasher.hash("hunter2 – ünïcode")
    assert passwords.verify(stored, "hunter2 – ünïcode")
    assert not passwords.verify(stored, "hunter2")


@pytest.mark.parametrize("variant", [argon2.Type.I, argon2.Type.D, argon2.Type.ID])
def test_every_argon2_variant_from_the_reference_implementation(variant: argon2.Type) -> None:
    stored = argon2.low_level.hash_secret(
        b"secret",
        stdlib_secrets.token_bytes(16),
        time_cost=1,
        memory_cost=64,
        parallelism=1,
        hash_len=32,
        type=variant,
    ).decode()
    assert passwords.verify(stored, b"secret")
    assert not passwords.verify(stored, b"Secret")
    assert passwords.needs_rehash(stored, **FAST) == (variant != argon2.Type.ID)


def test_cuirass_hashes_verify_with_argon2_cffi() -> None:
    stored = passwords.hash("hunter2 – ünïcode")
    hasher = argon2.PasswordHasher()
    assert hasher.verify(stored, "hunter2 – ünïcode")
    with pytest.raises(argon2.exceptions.VerifyMismatchError):
        hasher.verify(stored, "hunter2")
    # At the same parameters argon2-cffi sees nothing to upgrade: same salt and output lengths.
    same = argon2.PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
    assert not same.check_needs_rehash(stored)
    assert argon2.extract_parameters(stored).salt_len == 16


def test_bcrypt_hashes_verify() -> None:
    for prefix in (b"2b", b"2a"):
        stored = bcrypt.hashpw(b"hunter2", bcrypt.gensalt(rounds=4, prefix=prefix)).decode()
        assert stored.startswith(f"${prefix.decode()}$")
        assert passwords.verify(stored, "hunter2")
        assert not passwords.verify(stored, "hunter3")
        assert passwords.needs_rehash(stored)
        assert passwords.identify(stored) == "bcrypt"
    # $2y$ (PHP's name for $2b$) is the same algorithm.
    stored = bcrypt.hashpw(b"hunter2", bcrypt.gensalt(rounds=4)).decode().replace("$2b$", "$2y$", 1)
    assert passwords.verify(stored, "hunter2")


def _django_pbkdf2(password: str, salt: str, iterations: int) -> str:
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations)
    return f"pbkdf2_sha256${iterations}${salt}${base64.b64encode(digest).decode()}"


def test_django_pbkdf2_hashes_verify() -> None:
    stored = _django_pbkdf2("hunter2", "Fk0xVLpzNyWoY3cT8bPzxq", 1_000)
    assert passwords.identify(stored) == "pbkdf2_sha256"
    assert passwords.verify(stored, "hunter2")
    assert not passwords.verify(stored, "hunter3")
    assert passwords.needs_rehash(stored)


def test_django_bcrypt_and_argon2_wrappers() -> None:
    inner = bcrypt.hashpw(b"pw", bcrypt.gensalt(rounds=4)).decode()
    assert passwords.verify(f"bcrypt${inner}", "pw")
    prehashed = hashlib.sha256(b"pw").hexdigest().encode()
    inner = bcrypt.hashpw(prehashed, bcrypt.gensalt(rounds=4)).decode()
    assert passwords.verify(f"bcrypt_sha256${inner}", "pw")
    assert not passwords.verify(f"bcrypt_sha256${inner}", "pX")
    argon = argon2.PasswordHasher(time_cost=1, memory_cost=64).hash("pw")
    assert passwords.verify(f"argon2{argon}", "pw")


def test_passlib_pbkdf2_sha256() -> None:
    salt = stdlib_secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", b"pw", salt, 2000)

    def ab64(data: bytes) -> str:
        return base64.b64encode(data).decode().rstrip("=").replace("+", ".")

    stored = f"$pbkdf2-sha256$2000${ab64(salt)}${ab64(digest)}"
    assert passwords.verify(stored, "pw")
    assert not passwords.verify(stored, "px")


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "plaintext",
        "md5$salt$hash",
        "$1$abc$def",
        "pbkdf2_sha256$x$salt$hash",
        "$argon2id$v=19$junk",
    ],
)
def test_unreadable_hashes_raise_invalid_hash(stored: str) -> None:
    with pytest.raises(InvalidHash):
        passwords.verify(stored, "x")


def test_invalid_hash_is_a_value_error_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="not in a recognised format"):
        passwords.verify("sha1$abc$def", "x")


def test_needs_rehash_for_weaker_parameters() -> None:
    weak = passwords.hash("pw", **FAST)
    assert passwords.needs_rehash(weak)
    assert not passwords.needs_rehash(weak, **FAST)
    assert passwords.needs_rehash(weak, memory_cost=64, time_cost=2, parallelism=1)


def test_verify_and_update_migrates_old_schemes() -> None:
    old = _django_pbkdf2("pw", "salt", 1000)
    matched, new = passwords.verify_and_update(old, "pw", **FAST)
    assert matched and new is not None and new.startswith("$argon2id$")
    assert passwords.verify(new, "pw")
    assert passwords.verify_and_update(old, "wrong", **FAST) == (False, None)
    current = passwords.hash("pw", **FAST)
    assert passwords.verify_and_update(current, "pw", **FAST) == (True, None)


def test_pepper_and_its_rotation() -> None:
    stored = passwords.hash("pw", pepper="pepper-2024", **FAST)
    # Without the pepper, or with another, the hash is useless.
    assert not passwords.verify(stored, "pw")
    assert not passwords.verify(stored, "pw", pepper="pepper-2025")
    assert passwords.verify(stored, "pw", pepper="pepper-2024")
    # argon2-cffi cannot verify it either: the pepper is not in the table.
    with pytest.raises(argon2.exceptions.VerifyMismatchError):
        argon2.PasswordHasher().verify(stored, "pw")

    # Rotation: the new pepper first, the old one kept for verification.
    hasher = passwords.PasswordHasher(pepper="pepper-2025", old_peppers=["pepper-2024"], **FAST)
    assert hasher.verify(stored, "pw")
    matched, new = hasher.verify_and_update(stored, "pw")
    assert matched and new is not None
    assert passwords.verify(new, "pw", pepper="pepper-2025")
    assert not passwords.verify(new, "pw", pepper="pepper-2024")
    assert hasher.verify_and_update(new, "pw") == (True, None)
    assert "pepper-20" not in repr(hasher)


def test_introducing_a_pepper_on_unpeppered_hashes() -> None:
    plain = passwords.hash("pw", **FAST)
    hasher = passwords.PasswordHasher(pepper=b"new", old_peppers=[None], **FAST)
    matched, new = hasher.verify_and_update(plain, "pw")
    assert matched and new is not None
    assert passwords.verify(new, "pw", pepper=b"new")
    strict = passwords.PasswordHasher(pepper=b"new", **FAST)
    assert not strict.verify(plain, "pw")


def test_legacy_hashes_are_verified_without_the_pepper() -> None:
    stored = bcrypt.hashpw(b"pw", bcrypt.gensalt(rounds=4)).decode()
    hasher = passwords.PasswordHasher(pepper="p", **FAST)
    matched, new = hasher.verify_and_update(stored, "pw")
    assert matched and new is not None
    assert hasher.verify(new, "pw")


def test_hashing_releases_the_gil() -> None:
    """A Python thread keeps running while a (deliberately slow) hash is computed."""
    counter = 0
    stop = threading.Event()

    def spin() -> None:
        nonlocal counter
        while not stop.is_set():
            counter += 1

    thread = threading.Thread(target=spin)
    thread.start()
    try:
        before = counter
        passwords.hash("pw", memory_cost=65536, time_cost=3, parallelism=1)
        during = counter - before
    finally:
        stop.set()
        thread.join()
    assert during > 10_000, f"the spinning thread advanced only {during} times"


def test_bad_parameters() -> None:
    with pytest.raises(ValueError, match="memory_cost must be a positive integer"):
        passwords.hash("pw", memory_cost=0)
    with pytest.raises(ValueError, match="memory_kib=4"):
        passwords.hash("pw", memory_cost=4, time_cost=1, parallelism=1)
    with pytest.raises(TypeError):
        passwords.hash(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="must not be empty"):
        passwords.PasswordHasher(pepper="")


def test_generate() -> None:
    generated = passwords.generate()
    assert len(generated) == 20 and generated.isalnum()
    assert generated != passwords.generate()
    assert set(passwords.generate(64, alphabet="01")) == {"0", "1"}
    with pytest.raises(ValueError, match="between 8 and 1024"):
        passwords.generate(4)
    with pytest.raises(ValueError, match="at least 2 distinct"):
        passwords.generate(12, alphabet="aaa")


@pytest.mark.parametrize(
    ("password", "codes"),
    [
        ("correct horse battery staple", ()),
        ("short", ("too-short",)),
        ("P@ssw0rd!", ("common",)),
        ("qwerty123", ("common",)),
        ("12345678", ("sequential",)),
        ("aaaaaaaaaa", ("repetitive",)),
        ("x" * 65 + "yz", ("too-long",)),
    ],
)
def test_check_strength(password: str, codes: tuple[str, ...]) -> None:
    result = passwords.check_strength(password)
    assert result.codes == codes
    assert result.ok == (not codes)
    assert len(result.problems) == len(codes)


def test_check_strength_user_inputs_and_limits() -> None:
    result = passwords.check_strength("alice-in-wonderland", user_inputs=["alice@example.com"])
    assert result.codes == ("contains-user-input",)
    assert "`alice" in result.problems[0]
    assert passwords.check_strength("ünïcödé!").ok, "eight characters, eleven bytes"
    assert passwords.check_strength("ünïcödé").codes == ("too-short",)
    long_phrase = "the quick brown fox jumps over the lazy dog " * 3
    assert passwords.check_strength(long_phrase, max_length=200).ok
    assert passwords.check_strength(long_phrase).codes == ("too-long",)
