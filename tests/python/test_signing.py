"""cuirass.signing: signed JSON tokens, rotation, expiry, tampering."""

from __future__ import annotations

import base64
import datetime
import json
import time

import pytest

from cuirass import BadSignature, SignatureExpired, signing

KEY = "server-secret"


def test_round_trip() -> None:
    data = {"user": 42, "roles": ["admin"], "name": "Zoë", "ok": True, "none": None}
    token = signing.dumps(data, KEY, salt="session")
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
    assert token.count(".") == 2
    assert signing.loads(token, KEY, salt="session") == data
    assert signing.loads(token.encode(), KEY.encode(), salt=b"session") == data


def test_payload_is_readable_but_not_changeable() -> None:
    token = signing.dumps({"user": 42}, KEY, salt="s")
    payload, stamp, signature = token.split(".")
    assert json.loads(base64.urlsafe_b64decode(payload + "==")) == {"user": 42}
    forged = base64.urlsafe_b64encode(b'{"user":1}').decode().rstrip("=")
    with pytest.raises(BadSignature, match="does not match"):
        signing.loads(f"{forged}.{stamp}.{signature}", KEY, salt="s")


@pytest.mark.parametrize(
    "token",
    ["", "abc", "a.b", "a.b.c", "a.b.c.d", "...", "e30.AQ." + "A" * 43, "é.é.é"],
)
def test_garbage_is_bad_signature(token: str) -> None:
    with pytest.raises(BadSignature):
        signing.loads(token, KEY, salt="s")


def test_wrong_key_or_salt() -> None:
    token = signing.dumps([1, 2, 3], KEY, salt="password-reset")
    with pytest.raises(BadSignature):
        signing.loads(token, "other-secret", salt="password-reset")
    with pytest.raises(BadSignature):
        signing.loads(token, KEY, salt="session")


def test_rotation_signs_with_the_first_key_and_accepts_any() -> None:
    old_token = signing.dumps("x", "old", salt="s")
    keys = ["new", "old"]
    assert signing.loads(old_token, keys, salt="s") == "x"
    new_token = signing.dumps("x", keys, salt="s")
    assert signing.loads(new_token, "new", salt="s") == "x"
    with pytest.raises(BadSignature):
        signing.loads(new_token, "old", salt="s")


def test_expiry(monkeypatch: pytest.MonkeyPatch) -> None:
    now = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: now - 120)
    token = signing.dumps({"a": 1}, KEY, salt="s")
    monkeypatch.setattr(signing.time, "time", lambda: now)
    assert signing.loads(token, KEY, salt="s", max_age=3600) == {"a": 1}
    assert signing.loads(token, KEY, salt="s") == {"a": 1}
    with pytest.raises(SignatureExpired, match="at most 60 allowed") as caught:
        signing.loads(token, KEY, salt="s", max_age=60)
    assert isinstance(caught.value, BadSignature)
    with pytest.raises(SignatureExpired):
        signing.loads(token, KEY, salt="s", max_age=datetime.timedelta(minutes=1))
    with pytest.raises(ValueError, match="non-negative"):
        signing.loads(token, KEY, salt="s", max_age=-1)


def test_expired_check_only_after_the_signature() -> None:
    # An altered old token is a bad signature, not "expired": nothing unauthenticated is trusted.
    token = signing.dumps("x", KEY, salt="s")
    payload, _, signature = token.split(".")
    with pytest.raises(BadSignature) as caught:
        signing.loads(f"{payload}.AQ.{signature}", KEY, salt="s", max_age=10)
    assert not isinstance(caught.value, SignatureExpired)


def test_serializer_reuse_and_timestamp() -> None:
    serializer = signing.Serializer(["k2", "k1"], salt="unsubscribe")
    token = serializer.dumps({"list": 7})
    obj, signed_at = serializer.loads_with_timestamp(token)
    assert obj == {"list": 7}
    assert abs((datetime.datetime.now(datetime.timezone.utc) - signed_at).total_seconds()) < 60
    assert "k1" not in repr(serializer)


def test_refuses_what_json_cannot_carry() -> None:
    with pytest.raises(ValueError):
        signing.dumps(float("nan"), KEY, salt="s")
    with pytest.raises(TypeError):
        signing.dumps({1, 2}, KEY, salt="s")
    with pytest.raises(ValueError, match="no signing key"):
        signing.dumps(1, [], salt="s")
    with pytest.raises(ValueError, match="signing key 0 is empty"):
        signing.dumps(1, "", salt="s")


def test_constant_time_compare() -> None:
    assert signing.constant_time_compare("abc", "abc")
    assert signing.constant_time_compare(b"abc", b"abc")
    assert not signing.constant_time_compare("abc", "abd")
    assert not signing.constant_time_compare("abc", "abcd")
    assert signing.constant_time_compare("é", "é".encode())
    with pytest.raises(TypeError):
        signing.constant_time_compare(1, "1")  # type: ignore[arg-type]
