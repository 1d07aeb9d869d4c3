"""cuirass.validation: validators, safe paths and names, Pydantic field types."""

from __future__ import annotations

import os
import pathlib
import sys

import pydantic
import pytest

from cuirass import ValidationError, validation


def test_username() -> None:
    assert validation.username("alice.smith") == "alice.smith"
    with pytest.raises(ValidationError, match="3 to 32 characters long, this one has 2"):
        validation.username("al")
    with pytest.raises(ValidationError, match="not `ø`"):
        validation.username("bøb")
    with pytest.raises(ValidationError, match="start and end with a letter or a digit"):
        validation.username("-bob")
    with pytest.raises(ValidationError, match="not `а`"):
        validation.username("аdmin")  # Cyrillic а
    assert validation.username("ab", min_length=2) == "ab"
    with pytest.raises(ValidationError, match="must be text"):
        validation.username(42)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("Bob.Smith+tag@Example.COM", "Bob.Smith+tag@example.com"),
        ("a@b.co", "a@b.co"),
        ("x@xn--bcher-kva.example", "x@xn--bcher-kva.example"),
    ],
)
def test_email_valid(value: str, normalised: str) -> None:
    assert validation.email(value) == normalised


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("plainaddress", "needs an `@`"),
        ("a..b@example.com", "two dots in a row"),
        ("a@localhost", "at least one dot"),
        ("a@example.c", "top-level domain"),
        ("a b@example.com", "U\\+0020"),
        ("a@[127.0.0.1]", "only letters, digits"),
    ],
)
def test_email_invalid(value: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        validation.email(value)


def test_url() -> None:
    assert validation.url("https://example.com/a?b=c") == "https://example.com/a?b=c"
    with pytest.raises(
        ValidationError, match="scheme `http` is not allowed \\(allowed: `https`\\)"
    ):
        validation.url("http://example.com")
    assert validation.url("http://example.com", {"http", "https"}) == "http://example.com"
    for value, message in [
        ("javascript:alert(1)", "scheme `javascript`"),
        ("//evil.example", "must be absolute"),
        ("https://bank.example@evil.example/", "user name or password"),
        (" https://example.com", "whitespace"),
        ("https://", "not valid"),
    ]:
        with pytest.raises(ValidationError, match=message):
            validation.url(value)
    with pytest.raises(ValidationError, match="at most 20 characters"):
        validation.url("https://example.com/long/path", max_length=20)


def test_length_int_range_one_of() -> None:
    assert validation.length("abc", min_length=1, max_length=3) == "abc"
    assert validation.length([1, 2], max_length=5) == [1, 2]
    with pytest.raises(ValidationError, match="must be 1 to 3 characters long, not 4"):
        validation.length("abcd", min_length=1, max_length=3)
    with pytest.raises(ValidationError, match="at least 2 characters"):
        validation.length("a", min_length=2)
    assert validation.int_range(5, min_value=1, max_value=10) == 5
    with pytest.raises(ValidationError, match="between 1 and 10, not 11"):
        validation.int_range(11, min_value=1, max_value=10)
    with pytest.raises(ValidationError, match="whole number, not bool"):
        validation.int_range(True, min_value=0)
    with pytest.raises(ValidationError, match="whole number, not float"):
        validation.int_range(1.5)  # type: ignore[arg-type]
    assert validation.one_of("red", {"red", "green"}) == "red"
    with pytest.raises(ValidationError, match="must be one of 'green', 'red'"):
        validation.one_of("blue", ["red", "green"])


def test_matches_is_a_full_match_and_linear_time() -> None:
    assert validation.matches("AB-123", r"[A-Z]{2}-\d{3}") == "AB-123"
    with pytest.raises(ValidationError, match="does not match"):
        validation.matches("AB-1234", r"[A-Z]{2}-\d{3}")
    with pytest.raises(ValidationError, match="does not match"):
        validation.matches("xAB-123", r"[A-Z]{2}-\d{3}")
    with pytest.raises(ValidationError):
        validation.matches("catdog", "cat|dog")
    # The classic catastrophic-backtracking pattern: Python's re would take ages on this.
    with pytest.raises(ValidationError):
        validation.matches("a" * 50_000 + "!", r"(a+)+")
    with pytest.raises(ValueError, match="invalid regular expression"):
        validation.matches("x", r"(?<=a)x")


def test_safe_join(tmp_path: pathlib.Path) -> None:
    base = tmp_path / "uploads"
    (base / "sub").mkdir(parents=True)
    (base / "sub" / "file.txt").write_text("x")
    outside = tmp_path / "outside"
    outside.mkdir()
    resolved_base = base.resolve()
    assert validation.safe_join(base, "sub", "file.txt") == resolved_base / "sub" / "file.txt"
    assert validation.safe_join(str(base), "new/file.txt") == resolved_base / "new" / "file.txt"
    for parts, message in [
        (("../outside",), "contains `..`"),
        (("sub/../../outside",), "contains `..`"),
        (("/etc/passwd",), "is absolute"),
        (("a\x00b",), "NUL byte"),
        (("..\\outside",), "backslash"),
    ]:
        with pytest.raises(ValidationError, match=message):
            validation.safe_join(base, *parts)
    with pytest.raises(FileNotFoundError):
        validation.safe_join(tmp_path / "missing", "x")


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_safe_join_symlinks(tmp_path: pathlib.Path) -> None:
    base = tmp_path / "base"
    base.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret").write_text("s")
    os.symlink(outside, base / "escape")
    os.symlink(tmp_path / "nowhere", base / "dangling")
    (base / "inside").mkdir()
    os.symlink(base / "inside", base / "alias")
    with pytest.raises(ValidationError, match="leaves the base directory"):
        validation.safe_join(base, "escape", "secret")
    with pytest.raises(ValidationError, match="leaves the base directory"):
        validation.safe_join(base, "escape/new-file")
    with pytest.raises(ValidationError, match="target does not exist"):
        validation.safe_join(base, "dangling")
    assert validation.safe_join(base, "alias", "x") == base.resolve() / "inside" / "x"


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "etc_passwd"),
        (".htaccess", "htaccess"),
        ("my résumé.docx", "my_résumé.docx"),
        ("CON.txt", "_CON.txt"),
        ("a;rm -rf ~.sh", "a_rm_-rf_.sh"),
    ],
)
def test_safe_filename(name: str, safe: str) -> None:
    assert validation.safe_filename(name) == safe


def test_safe_filename_limits() -> None:
    assert len(validation.safe_filename("x" * 300 + ".txt").encode()) == 255
    assert validation.safe_filename("x" * 300 + ".txt").endswith(".txt")
    with pytest.raises(ValidationError, match="no usable characters"):
        validation.safe_filename("../..")


def test_pydantic_field_types() -> None:
    class Signup(pydantic.BaseModel):
        username: validation.Username
        email: validation.Email
        homepage: validation.HttpsUrl
        avatar: validation.SafeFilename
        bio: validation.SanitizedHtml

    signup = Signup(
        username="alice",
        email="Alice@Example.COM",
        homepage="https://alice.example/",
        avatar="../me.png",
        bio="<p>hi<script>alert(1)</script></p>",
    )
    assert signup.email == "Alice@example.com"
    assert signup.avatar == "me.png"
    assert signup.bio == "<p>hi</p>"
    with pytest.raises(pydantic.ValidationError) as caught:
        Signup(
            username="a",
            email="nope",
            homepage="http://alice.example/",
            avatar="ok.png",
            bio="",
        )
    errors = {error["loc"][0]: error["msg"] for error in caught.value.errors()}
    assert set(errors) == {"username", "email", "homepage"}
    assert "3 to 32 characters" in str(errors["username"])
    assert "scheme `http` is not allowed" in str(errors["homepage"])


def test_unknown_attribute() -> None:
    with pytest.raises(AttributeError):
        validation.NoSuchType  # type: ignore[attr-defined]  # noqa: B018
