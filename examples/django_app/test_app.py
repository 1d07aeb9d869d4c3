"""The Django example, through Django's test client: login, lockout, TOTP, sessions, RBAC,
headers, the error page and the metrics. Each test has its own SQLite file and a fake clock."""

from __future__ import annotations

import logging
import pathlib
import re
import types
from collections.abc import Iterator
from typing import Any

import pytest
from accounts import SESSION_COOKIE, Accounts, Config, UserDirectory
from django.core import checks
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path
from webcheck import (
    FakeClock,
    check_error_page,
    check_page_nonce,
    check_security_headers,
    check_session_cookie,
    metric,
)

from cuirass import mfa, passwords
from cuirass.exceptions import EnvVarError
from cuirass.monitor import LockoutPolicy
from django_app import app as django_app
from django_app import settings as settings_module

# Generated, so no password is written in the code; one set per test module (Argon2 is slow).
PASSWORDS = {name: passwords.generate() for name in ("viewer", "editor", "boss", "root")}
TOTP_SECRET = mfa.generate_secret()


class HttpsClient(Client):
    """Django's test client, over HTTPS unless ``https=False``, with ``post(json=…)``."""

    def __init__(self, *, https: bool = True, **defaults: Any) -> None:
        super().__init__(**defaults)
        self.https = https

    def generic(
        self,
        method: str,
        path: str,
        data: Any = "",
        content_type: str = "application/octet-stream",
        secure: bool = False,
        **extra: Any,
    ) -> HttpResponse:
        return super().generic(method, path, data, content_type, secure or self.https, **extra)

    def post(self, path: str, data: Any = None, json: Any = None, **extra: Any) -> HttpResponse:
        if json is not None:
            return super().post(path, json, content_type="application/json", **extra)
        return super().post(path, data, **extra)


@pytest.fixture(scope="module")
def users() -> UserDirectory:
    directory = UserDirectory()
    directory.add("viewer", PASSWORDS["viewer"], ["viewer"])
    directory.add("editor", PASSWORDS["editor"], ["editor"])
    directory.add("boss", PASSWORDS["boss"], ["admin"])
    directory.add("root", PASSWORDS["root"], ["admin"], totp_secret=TOTP_SECRET)
    return directory


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app(tmp_path: pathlib.Path, users: UserDirectory, clock: FakeClock) -> Iterator[Accounts]:
    config = Config(
        session_db=tmp_path / "sessions.sqlite3",
        users=users,
        lockout=LockoutPolicy(max_failures=3, base_delay=60),
        clock=clock,
    )
    accounts = django_app.configure(config)
    assert accounts is not None
    yield accounts
    django_app.configure(None)


def https_client() -> HttpsClient:
    return HttpsClient()


@pytest.fixture
def client(app: Accounts) -> HttpsClient:
    return https_client()


def text(response: HttpResponse) -> str:
    return response.content.decode()


def login(client: HttpsClient, username: str, password: str | None = None) -> HttpResponse:
    if password is None:
        password = PASSWORDS[username]
    return client.post("/login", json={"username": username, "password": password})


def session_id(client: HttpsClient) -> str | None:
    morsel = client.cookies.get(SESSION_COOKIE)
    # A deleted cookie stays in the test client's jar, emptied.
    return morsel.value if morsel is not None and morsel.value else None


def use_session(client: HttpsClient, value: str) -> None:
    client.cookies[SESSION_COOKIE] = value


# --- Login, and what a failed one reveals -------------------------------------------------------


def test_login_success_sets_a_session_cookie_with_secure_flags(client: HttpsClient) -> None:
    response = login(client, "viewer")
    assert response.status_code == 200
    assert response.json() == {"username": "viewer", "roles": ["viewer"]}
    cookie = response.cookies[SESSION_COOKIE].OutputString()
    assert check_session_cookie(cookie, SESSION_COOKIE) == session_id(client)
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/articles").status_code == 200


def test_wrong_password_is_refused_without_a_session(client: HttpsClient) -> None:
    response = login(client, "viewer", "not-" + PASSWORDS["viewer"])
    assert response.status_code == 401
    assert response.json() == {"error": "invalid user name or password"}
    assert not response.cookies
    assert client.get("/articles").status_code == 401


def test_user_names_are_normalised(client: HttpsClient) -> None:
    assert login(client, " Viewer ", PASSWORDS["viewer"]).status_code == 200


def test_unknown_user_is_indistinguishable_from_a_wrong_password(client: HttpsClient) -> None:
    wrong = login(client, "viewer", "not-" + PASSWORDS["viewer"])
    unknown = login(client, "nobody", "not-" + PASSWORDS["viewer"])
    assert (unknown.status_code, unknown.json()) == (wrong.status_code, wrong.json())
    assert sorted(unknown.headers.keys()) == sorted(wrong.headers.keys())
    assert not unknown.cookies and not wrong.cookies
    # And the lockout treats both alike, so it does not tell them apart either.
    for _ in range(2):
        wrong = login(client, "viewer", "not-" + PASSWORDS["viewer"])
        unknown = login(client, "nobody", "not-" + PASSWORDS["viewer"])
    assert (unknown.status_code, unknown.json()) == (wrong.status_code, wrong.json())
    assert wrong.status_code == 429
    assert unknown.headers["Retry-After"] == wrong.headers["Retry-After"] == "60"


def test_malformed_logins_are_rejected(client: HttpsClient) -> None:
    assert client.post("/login", json={"username": "viewer"}).status_code == 400
    assert client.post("/login", json=["viewer", "x"]).status_code == 400
    too_long = {"username": "viewer", "password": "x" * 1025}
    assert client.post("/login", json=too_long).status_code == 400


def test_only_json_is_accepted_so_cross_site_forms_cannot_post(client: HttpsClient) -> None:
    form = {"username": "viewer", "password": PASSWORDS["viewer"]}
    response = client.post("/login", data=form)
    assert response.status_code == 415
    assert session_id(client) is None


# --- Lockout ------------------------------------------------------------------------------------


def test_lockout_after_three_failures_with_retry_after_and_back_off(
    client: HttpsClient, clock: FakeClock
) -> None:
    wrong = "not-" + PASSWORDS["editor"]
    assert [login(client, "editor", wrong).status_code for _ in range(2)] == [401, 401]
    locked = login(client, "editor", wrong)
    assert locked.status_code == 429
    assert locked.headers["Retry-After"] == "60"
    # While locked, even the right password is refused (and not checked).
    right = login(client, "editor")
    assert right.status_code == 429
    assert session_id(client) is None
    clock.advance(59.5)
    assert login(client, "editor").headers["Retry-After"] == "1"
    clock.advance(1)
    # Over: one more failure locks again, for twice as long.
    assert login(client, "editor", wrong).headers["Retry-After"] == "120"
    clock.advance(121)
    assert login(client, "editor").status_code == 200
    # A success resets the count.
    assert login(client, "editor", wrong).status_code == 401


def test_lockout_is_per_account(client: HttpsClient) -> None:
    for _ in range(3):
        login(client, "editor", "not-" + PASSWORDS["editor"])
    assert login(client, "editor").status_code == 429
    assert login(client, "viewer").status_code == 200


# --- Sessions -----------------------------------------------------------------------------------


def test_login_rotates_the_session_id(client: HttpsClient) -> None:
    login(client, "viewer")
    first = session_id(client)
    login(client, "editor")
    second = session_id(client)
    assert first is not None and second is not None and first != second
    assert client.get("/articles").status_code == 200
    use_session(client, first)
    assert client.get("/articles").status_code == 401, "the id from before the login is dead"


def test_logout_revokes_the_session(client: HttpsClient) -> None:
    login(client, "viewer")
    old = session_id(client)
    assert old is not None
    response = client.post("/logout")
    assert response.status_code == 200
    cleared = response.cookies[SESSION_COOKIE].OutputString()
    assert cleared.split(";")[0] in (f"{SESSION_COOKIE}=", f'{SESSION_COOKIE}=""')
    assert "max-age=0" in cleared.lower()
    assert session_id(client) is None
    use_session(client, old)
    assert client.get("/articles").status_code == 401, "a copy of the old cookie is refused"


def test_logout_everywhere_ends_the_sessions_of_other_clients(app: Accounts) -> None:
    laptop, phone, colleague = https_client(), https_client(), https_client()
    login(laptop, "editor")
    login(phone, "editor")
    login(colleague, "viewer")
    assert phone.get("/articles").status_code == 200
    response = laptop.post("/logout/everywhere")
    assert response.status_code == 200
    assert response.json() == {"revoked": 2}
    assert phone.get("/articles").status_code == 401
    assert laptop.get("/articles").status_code == 401
    assert colleague.get("/articles").status_code == 200, "other users keep their sessions"


def test_sessions_end_after_the_idle_timeout(client: HttpsClient, clock: FakeClock) -> None:
    login(client, "viewer")
    clock.advance(29 * 60)
    assert client.get("/articles").status_code == 200
    clock.advance(31 * 60)
    assert client.get("/articles").status_code == 401


# --- RBAC ---------------------------------------------------------------------------------------


def test_anonymous_requests_get_401(client: HttpsClient) -> None:
    assert client.get("/articles").status_code == 401
    assert client.post("/articles", json={"title": "t", "body": "b"}).status_code == 401
    assert client.get("/admin").status_code == 401
    assert client.post("/logout/everywhere").status_code == 401
    use_session(client, "forged-" + "A" * 36)
    response = client.get("/admin")
    assert response.status_code == 401
    # cuirass.rbac's own 401 for Django (403 goes through handler403).
    assert response.content == b"Authentication required"


def test_a_viewer_reads_but_cannot_write_or_administer(client: HttpsClient) -> None:
    login(client, "viewer")
    assert client.get("/articles").status_code == 200
    response = client.post("/articles", json={"title": "Hello", "body": "world"})
    assert response.status_code == 403
    assert response.json() == {"error": "forbidden"}
    assert client.get("/admin").status_code == 403


def test_an_editor_writes_and_inherits_reading(client: HttpsClient) -> None:
    login(client, "editor")
    response = client.post("/articles", json={"title": " Hello ", "body": "world"})
    assert response.status_code == 201
    assert response.json() == {"title": "Hello", "body": "world", "author": "editor"}
    assert client.get("/articles").json() == {"articles": [response.json()]}
    assert client.get("/admin").status_code == 403
    assert client.post("/articles", json={"title": "", "body": "x"}).status_code == 400


def test_an_admin_inherits_everything(client: HttpsClient) -> None:
    login(client, "boss")
    assert client.post("/articles", json={"title": "By the boss", "body": ""}).status_code == 201
    response = client.get("/admin")
    assert response.status_code == 200
    accounts = {entry["username"]: entry for entry in response.json()["accounts"]}
    assert accounts["boss"] == {"username": "boss", "roles": ["admin"], "mfa": False, "sessions": 1}
    assert accounts["root"]["mfa"] is True


# --- TOTP ---------------------------------------------------------------------------------------


def wrong_code(clock: FakeClock) -> str:
    """Six digits that are no code the server accepts now (it allows one step either side)."""
    accepted = {mfa.totp(TOTP_SECRET, at=clock() + 30 * step) for step in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in accepted)


def test_totp_is_a_second_step_with_its_own_rotation(
    app: Accounts, client: HttpsClient, clock: FakeClock
) -> None:
    response = login(client, "root")
    assert response.status_code == 200
    assert response.json() == {"mfa_required": True}
    pending = session_id(client)
    assert pending is not None
    assert client.get("/articles").status_code == 401, "the password alone grants nothing"
    assert client.get("/admin").status_code == 401
    wrong = client.post("/login/totp", json={"code": wrong_code(clock)})
    assert wrong.status_code == 401
    assert wrong.json() == {"error": "invalid code"}
    code = mfa.totp(TOTP_SECRET, at=clock())
    response = client.post("/login/totp", json={"code": code})
    assert response.status_code == 200
    assert response.json() == {"username": "root", "roles": ["admin"]}
    full = session_id(client)
    assert full is not None and full != pending
    assert client.get("/admin").status_code == 200
    # The pending id died with the step; the code cannot be used twice.
    other = https_client()
    use_session(other, pending)
    assert other.post("/login/totp", json={"code": code}).status_code == 401
    other = https_client()
    login(other, "root")
    replay = other.post("/login/totp", json={"code": code})
    assert replay.status_code == 401
    assert replay.json() == {"error": "invalid code"}


def test_totp_without_a_password_step_is_refused(client: HttpsClient, clock: FakeClock) -> None:
    code = mfa.totp(TOTP_SECRET, at=clock())
    response = client.post("/login/totp", json={"code": code})
    assert response.status_code == 401
    login(client, "viewer")
    assert client.post("/login/totp", json={"code": code}).status_code == 401


def test_wrong_codes_count_towards_the_lockout(client: HttpsClient, clock: FakeClock) -> None:
    login(client, "root")
    codes = [client.post("/login/totp", json={"code": "12345x"}) for _ in range(3)]
    assert [response.status_code for response in codes] == [401, 401, 429]
    assert codes[-1].headers["Retry-After"] == "60"
    code = mfa.totp(TOTP_SECRET, at=clock())
    assert client.post("/login/totp", json={"code": code}).status_code == 429
    assert login(client, "root").status_code == 429


def test_a_pending_totp_step_expires(client: HttpsClient, clock: FakeClock) -> None:
    login(client, "root")
    clock.advance(5 * 60 + 1)
    code = mfa.totp(TOTP_SECRET, at=clock())
    assert client.post("/login/totp", json={"code": code}).status_code == 401


# --- Headers, error page, metrics ---------------------------------------------------------------


def test_the_page_carries_the_csp_nonce_and_every_security_header(client: HttpsClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    nonce = check_security_headers(response.headers, https=True)
    assert check_page_nonce(response.content.decode(), response.headers) == nonce
    again = client.get("/")
    assert check_page_nonce(again.content.decode(), again.headers) != nonce, (
        "a fresh nonce per response"
    )


def test_api_responses_carry_the_security_headers(client: HttpsClient) -> None:
    for response in (
        login(client, "viewer", "wrong-" + PASSWORDS["viewer"]),
        client.get("/admin"),
        login(client, "viewer"),
        client.get("/articles"),
        client.get("/no-such-page"),
    ):
        check_security_headers(response.headers, https=True)


def test_the_page_shows_who_is_signed_in(client: HttpsClient) -> None:
    assert "Signed in" not in client.get("/").content.decode()
    login(client, "editor")
    assert "Signed in as <strong>editor</strong>" in client.get("/").content.decode()


def test_plain_http_is_redirected_to_https_without_hsts(app: Accounts) -> None:
    http = HttpsClient(https=False)
    response = http.get("/articles?page=2")
    assert response.status_code == 301
    assert response.headers["Location"] == "https://testserver/articles?page=2"
    check_security_headers(response.headers, https=False)
    post = http.post("/login", json={})
    assert post.status_code == 308, "a POST is not turned into a GET"


def test_an_unhandled_exception_gets_the_generic_page(
    app: Accounts, client: HttpsClient, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(request: Any) -> HttpResponse:
        raise RuntimeError("connection to db-7.internal refused")

    # The example's URLs plus one that fails.
    urls = types.ModuleType("broken_urls")
    urls.urlpatterns = [*django_app.urlpatterns, path("broken", broken)]  # type: ignore[attr-defined]
    with (
        override_settings(ROOT_URLCONF=urls),
        caplog.at_level(logging.ERROR, logger="cuirass.web"),
    ):
        response = client.get("/broken")
    correlation_id = check_error_page(
        response.status_code,
        response.content.decode(),
        response.headers,
        exception_text="db-7.internal",
    )
    check_security_headers(response.headers, https=True)
    [record] = [r for r in caplog.records if r.name == "cuirass.web"]
    assert correlation_id in record.getMessage()
    assert record.exc_info is not None and "db-7.internal" in str(record.exc_info[1])


def test_metrics_expose_the_login_counters(client: HttpsClient) -> None:
    before = client.get("/metrics")
    assert before.status_code == 200
    assert before.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    check_security_headers(before.headers, https=True)
    failures = 'cuirass_login_attempts_total{result="failure"}'
    successes = 'cuirass_login_attempts_total{result="success"}'
    lockouts = "cuirass_login_lockouts_total"
    for _ in range(3):
        login(client, "nobody", "guess")
    login(client, "viewer")
    after = client.get("/metrics")
    assert metric(text(after), failures) - metric(text(before), failures) == 3
    assert metric(text(after), lockouts) - metric(text(before), lockouts) == 1
    assert metric(text(after), successes) - metric(text(before), successes) == 1


def test_metrics_are_only_for_this_host(client: HttpsClient) -> None:
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 404
    assert "cuirass_" not in response.content.decode()


# --- Django's own protections -------------------------------------------------------------------


def test_posts_need_the_csrf_token_of_the_page(app: Accounts) -> None:
    browser = HttpsClient(enforce_csrf_checks=True)
    same_origin = {"Origin": "https://testserver"}
    credentials = {"username": "viewer", "password": PASSWORDS["viewer"]}
    assert browser.post("/login", json=credentials, headers=same_origin).status_code == 403
    page = browser.get("/")
    match = re.search(r'<meta name="csrf-token" content="([^"]+)">', text(page))
    assert match is not None
    cookie = page.cookies["__Host-csrftoken"]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
    token = {"X-CSRFToken": match.group(1)}
    cross_site = {"Origin": "https://attacker.example", **token}
    assert browser.post("/login", json=credentials, headers=cross_site).status_code == 403
    accepted = browser.post("/login", json=credentials, headers={**same_origin, **token})
    assert accepted.status_code == 200


def test_djangos_deployment_checks_only_ask_about_hsts_preload() -> None:
    # `manage.py check --deploy`: everything but the preload list, which is a per-domain
    # decision (EXAMPLE_HSTS_PRELOAD=1 turns it on).
    messages = checks.run_checks(include_deployment_checks=True)
    assert [message.id for message in messages] == ["security.W021"]


# --- Configuration from the environment ---------------------------------------------------------


@pytest.fixture
def from_settings() -> Iterator[None]:
    django_app.configure(None)
    yield
    django_app.configure(None)


def demo_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path) -> str:
    password = passwords.generate()
    monkeypatch.setenv("EXAMPLE_SESSION_DB", str(tmp_path / "from-env.sqlite3"))
    monkeypatch.setenv("EXAMPLE_DEMO_PASSWORD", password)
    monkeypatch.setenv("EXAMPLE_ADMIN_TOTP_SECRET", TOTP_SECRET)
    monkeypatch.setenv("EXAMPLE_HTTPS_REDIRECT", "false")
    return password


def test_without_a_demo_password_the_app_does_not_start(
    monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path, from_settings: None
) -> None:
    demo_environment(monkeypatch, tmp_path)
    monkeypatch.delenv("EXAMPLE_DEMO_PASSWORD")
    with pytest.raises(EnvVarError, match=r"EXAMPLE_DEMO_PASSWORD.*passwords\.generate"):
        django_app.accounts()
    monkeypatch.setenv("EXAMPLE_DEMO_PASSWORD", "password1")
    with pytest.raises(ValueError, match="too weak"):
        django_app.accounts()


def test_the_configuration_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path, from_settings: None
) -> None:
    password = demo_environment(monkeypatch, tmp_path)
    # EXAMPLE_HTTPS_REDIRECT is read by the settings, at start-up: this request is HTTPS.
    client = HttpsClient()
    credentials = {"username": "viewer", "password": password}
    assert client.post("/login", json=credentials).status_code == 200
    credentials["username"] = "admin"
    assert client.post("/login", json=credentials).json() == {"mfa_required": True}
    assert (tmp_path / "from-env.sqlite3").is_file()


def test_the_secret_key_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DJANGO_SECRET_KEY")
    monkeypatch.delenv("EXAMPLE_DEVELOPMENT", raising=False)
    with pytest.raises(EnvVarError, match=r"DJANGO_SECRET_KEY.*EXAMPLE_DEVELOPMENT=1"):
        settings_module._secret_key()
    monkeypatch.setenv("EXAMPLE_DEVELOPMENT", "1")
    throwaway = settings_module._secret_key()
    assert len(throwaway) >= 50 and throwaway != settings_module._secret_key()
    monkeypatch.setenv("DJANGO_SECRET_KEY", "k" * 50)
    assert settings_module._secret_key() == "k" * 50
