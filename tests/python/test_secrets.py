"""cuirass.secrets: env(), .env files, Secret, redaction and the logging filter."""

from __future__ import annotations

import copy
import io
import json
import logging
import os
import pathlib
import pickle
import sys

import pytest

from cuirass import EnvVarError, InsecurePermissionsWarning, secrets
from cuirass.secrets import MASK, RedactingFilter, Secret


def test_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUIRASS_TEST_PORT", "8080")
    monkeypatch.setenv("CUIRASS_TEST_FLAG", "Yes")
    monkeypatch.setenv("CUIRASS_TEST_EMPTY", "")
    monkeypatch.delenv("CUIRASS_TEST_MISSING", raising=False)
    assert secrets.env("CUIRASS_TEST_PORT") == "8080"
    assert secrets.env("CUIRASS_TEST_PORT", cast=int) == 8080
    assert secrets.env("CUIRASS_TEST_FLAG", cast=bool) is True
    assert secrets.env("CUIRASS_TEST_MISSING", required=False) is None
    assert secrets.env("CUIRASS_TEST_MISSING", default="x") == "x"
    with pytest.raises(EnvVarError, match="`CUIRASS_TEST_MISSING` is not set, and it is required"):
        secrets.env("CUIRASS_TEST_MISSING")
    with pytest.raises(EnvVarError, match="`CUIRASS_TEST_EMPTY` is set but empty"):
        secrets.env("CUIRASS_TEST_EMPTY")


def test_env_conversion_errors_never_show_the_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUIRASS_TEST_SECRET_PORT", "hunter2")
    with pytest.raises(EnvVarError) as caught:
        secrets.env("CUIRASS_TEST_SECRET_PORT", cast=int)
    message = str(caught.value)
    assert "`CUIRASS_TEST_SECRET_PORT` could not be read as int" in message
    assert "hunter2" not in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    with pytest.raises(EnvVarError, match="as bool"):
        secrets.env("CUIRASS_TEST_SECRET_PORT", cast=bool)


def test_env_secret_cast(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUIRASS_TEST_TOKEN", "t0ps3cret")
    token = secrets.env("CUIRASS_TEST_TOKEN", cast=Secret)
    assert isinstance(token, Secret)
    assert token.reveal() == "t0ps3cret"
    assert "t0ps3cret" not in repr(token)


DOTENV = """\
# comment
export DATABASE_URL=postgres://app:pw@db/app
PLAIN = value with spaces   # trailing comment
HASH=abc#def
SINGLE='literal $HOME \\n'
DOUBLE="line1\\nline2 \\"quoted\\""
MULTI="first
second"
EMPTY=
"""


@pytest.fixture
def dotenv(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> pathlib.Path:
    path = tmp_path / ".env"
    path.write_text(DOTENV, encoding="utf-8")
    path.chmod(0o600)
    for key in ("DATABASE_URL", "PLAIN", "HASH", "SINGLE", "DOUBLE", "MULTI", "EMPTY"):
        monkeypatch.delenv(key, raising=False)
    return path


def test_load_dotenv(dotenv: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAIN", "from the environment")
    values = secrets.load_dotenv(dotenv)
    assert values == {
        "DATABASE_URL": "postgres://app:pw@db/app",
        "PLAIN": "value with spaces",
        "HASH": "abc#def",
        "SINGLE": "literal $HOME \\n",
        "DOUBLE": 'line1\nline2 "quoted"',
        "MULTI": "first\nsecond",
        "EMPTY": "",
    }
    assert os.environ["DATABASE_URL"] == "postgres://app:pw@db/app"
    assert os.environ["PLAIN"] == "from the environment", "the environment wins"
    secrets.load_dotenv(dotenv, override=True)
    assert os.environ["PLAIN"] == "value with spaces"


def test_load_dotenv_crlf_and_bom(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "windows.env"
    path.write_bytes(b'\xef\xbb\xbfCUIRASS_A=1\r\nCUIRASS_B="two"\r\n# c\r\nCUIRASS_C=3 # x\r\n')
    path.chmod(0o600)
    for key in ("CUIRASS_A", "CUIRASS_B", "CUIRASS_C"):
        monkeypatch.delenv(key, raising=False)
    assert secrets.load_dotenv(path) == {"CUIRASS_A": "1", "CUIRASS_B": "two", "CUIRASS_C": "3"}


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_load_dotenv_warns_when_others_can_read(dotenv: pathlib.Path) -> None:
    dotenv.chmod(0o644)
    with pytest.warns(InsecurePermissionsWarning, match="chmod 600"):
        secrets.load_dotenv(dotenv)
    dotenv.chmod(0o640)
    with pytest.warns(InsecurePermissionsWarning, match="0o640"):
        secrets.load_dotenv(dotenv)


def test_load_dotenv_errors_name_the_line_not_its_content(tmp_path: pathlib.Path) -> None:
    path = tmp_path / ".env"
    path.write_text("OK=1\nthis line has a s3cr3t but no equals sign\n", encoding="utf-8")
    path.chmod(0o600)
    with pytest.raises(ValueError, match=r"\.env:2: expected KEY=VALUE") as caught:
        secrets.load_dotenv(path)
    assert "s3cr3t" not in str(caught.value)
    path.write_text('A="unclosed\n', encoding="utf-8")
    with pytest.raises(ValueError, match=":1:"):
        secrets.load_dotenv(path)
    with pytest.raises(FileNotFoundError):
        secrets.load_dotenv(tmp_path / "missing.env")


def test_secret_never_prints() -> None:
    secret = Secret("hunter2")
    for rendering in (
        repr(secret),
        str(secret),
        f"{secret}",
        f"{secret!r}",
        f"{secret:>20}",
        "%s" % (secret,),  # noqa: UP031 - the %-operator is what logging uses
    ):
        assert "hunter2" not in rendering
    assert repr(secret) == "Secret('**********')"
    assert secret.reveal() == secret.get_secret_value() == "hunter2"
    assert Secret("a") == Secret("a") and Secret("a") != Secret("b")
    assert Secret("a") != "a"
    assert bool(Secret("")) is False
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(secret)
    assert copy.deepcopy(secret) is secret
    with pytest.raises(TypeError):
        json.dumps(secret)
    assert len({Secret("a"), Secret("a")}) == 1


def test_secret_in_logs(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        logging.getLogger("cuirass.test").info("connecting with %s", Secret("hunter2"))
    assert "hunter2" not in caplog.text
    assert "**********" in caplog.text


def test_redact() -> None:
    assert secrets.redact("login password=hunter2 ok") == f"login password={MASK} ok"
    assert secrets.redact("postgres://app:pa55@db/app") == f"postgres://app:{MASK}@db/app"
    assert secrets.redact("key AKIAIOSFODNN7EXAMPLE here") == f"key {MASK} here"
    assert secrets.redact("nothing here") == "nothing here"
    assert secrets.is_secret_name("DB_PASSWORD") and not secrets.is_secret_name("username")


def _logger_with_filter() -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s|%(api_key)s"))
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger(f"cuirass.test.{id(stream)}")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    return logger, stream


def test_redacting_filter() -> None:
    logger, stream = _logger_with_filter()
    extra = {"api_key": "sk_live_abcdefghijklmnop1234"}
    logger.info("user %s logged in with password=%s", "bob", "hunter2", extra=extra)
    logger.info(
        "payload %s",
        {"user": "bob", "password": "hunter2", "nested": {"token": "abc"}},
        extra=extra,
    )
    logger.info(
        "user %(user)s pw %(password)s", {"user": "bob", "password": "hunter2"}, extra=extra
    )
    # A real-format fake: the auditor's detectors (shared with the library) check formats, so
    # `ghp_` + 36 × "a" (bad checksum) would not be a token for either.
    logger.info(
        "slack token %s", "xoxb-48215097233-5208713456291-Qk3VbN7rT2mXc9LpWz4HdF1s", extra=extra
    )
    logger.info("secret object %s", Secret("hunter2"), extra=extra)
    try:
        raise RuntimeError("could not connect to postgres://app:hunter2@db/app")
    except RuntimeError:
        logger.exception("failed", extra=extra)
    output = stream.getvalue()
    assert "hunter2" not in output
    assert "abc'" not in output
    assert "sk_live" not in output
    assert "Qk3VbN7rT2" not in output
    assert "user bob logged in with password=[REDACTED]" in output
    assert "'user': 'bob'" in output, "non-secret keys are kept"
    assert "user bob pw [REDACTED]" in output
    assert "RuntimeError" in output, "tracebacks are kept, masked"


def test_redacting_filter_keeps_records_and_tolerates_bad_formats() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s %s", ("only one",), None)
    assert RedactingFilter().filter(record) is True
