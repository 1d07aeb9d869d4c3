"""Accounts, sessions and the login flow, with no web framework in sight.

The Flask, Django and FastAPI examples share this module (run them from ``examples/``, which
puts it on the import path). The framework code in each ``app.py`` only turns requests into
these calls and :class:`Reply` objects back into responses.

What it shows:

- passwords hashed with Argon2id (:mod:`cuirass.passwords`), verified in constant time, and
  an unknown user name checked against a dummy hash, so it takes as long and gets the same
  answer as a wrong password;
- failed logins counted per account (:class:`cuirass.monitor.LoginMonitor`): while an account is
  locked, the password is not even checked and the answer is 429 with ``Retry-After``;
- an optional TOTP second factor (:mod:`cuirass.mfa`), replay-protected through the same store;
  its failures count towards the same lockout;
- server-side sessions (:class:`cuirass.sessions.SessionManager` on SQLite): the cookie holds an
  opaque id, a new one at every login; logout revokes it, "log out everywhere" revokes them all;
- roles and permissions (:class:`cuirass.rbac.Policy`), read from the account on every request
  so a role taken away takes effect at once.
"""

from __future__ import annotations

import dataclasses
import math
import pathlib
import threading
from collections.abc import Callable, Iterable
from typing import Any, TypeGuard

from cuirass import mfa, passwords, rbac, validation
from cuirass.exceptions import EnvVarError, ValidationError
from cuirass.monitor import LockoutPolicy, LoginMonitor, Status
from cuirass.secrets import env
from cuirass.sessions import Session, SessionManager, SQLiteStore

#: The session cookie. The ``__Host-`` prefix makes browsers refuse it unless it is ``Secure``,
#: has ``Path=/`` and no ``Domain``: a sibling subdomain can neither plant nor overwrite it.
SESSION_COOKIE = "__Host-session"

#: Who may do what. ``admin`` inherits ``editor``, which inherits ``viewer``.
POLICY = rbac.Policy(
    roles={
        "viewer": ["articles:read"],
        "editor": ["articles:write"],
        "admin": ["admin:access"],
    },
    inherits={"editor": ["viewer"], "admin": ["editor"]},
    # Declared, so a typo in a view's permission fails at import time.
    permissions=["articles:read", "articles:write", "admin:access"],
)

MAX_USERNAME_LENGTH = 150
# Argon2 would hash a megabyte too; the cap keeps one login from costing more than another.
MAX_PASSWORD_LENGTH = 1024
MAX_TITLE_LENGTH = 200
MAX_BODY_LENGTH = 10_000
# base32 characters in a 128-bit secret, the least RFC 4226 allows.
MIN_TOTP_SECRET_LENGTH = 26

# What a refused login says: the same words whichever part was wrong.
WRONG_LOGIN_MESSAGE = "invalid user name or password"
WRONG_CODE_MESSAGE = "invalid code"
LOCKED_MESSAGE = "too many failed attempts; try again later"


def normalize_username(name: str) -> str:
    """The form user names are stored and counted under (``Alice `` and ``alice`` are one)."""
    return name.strip().lower()


@dataclasses.dataclass(frozen=True)
class User:
    """An account. ``totp_secret`` is set when the user enrolled a second factor."""

    username: str
    password_hash: str = dataclasses.field(repr=False)
    roles: tuple[str, ...]
    totp_secret: str | None = dataclasses.field(default=None, repr=False)


class UserDirectory:
    """The accounts, in memory for the example.

    A real application keeps them in its database, with the TOTP secrets encrypted at rest
    (:mod:`cuirass.crypto`): unlike a password hash, a TOTP secret is all it takes to make codes.
    """

    def __init__(self) -> None:
        self._users: dict[str, User] = {}
        self._lock = threading.Lock()

    def add(
        self,
        username: str,
        password: str,
        roles: Iterable[str],
        *,
        totp_secret: str | None = None,
    ) -> User:
        """Create (or replace) an account; refuses weak passwords and unknown roles."""
        name = validation.username(normalize_username(username))
        strength = passwords.check_strength(password, user_inputs=[name])
        if not strength.ok:
            raise ValueError(
                f"the password of {name!r} is too weak: {'; '.join(strength.problems)}"
            )
        role_list = tuple(roles)
        unknown = sorted(set(role_list) - set(POLICY.roles))
        if unknown:
            raise ValueError(f"unknown roles {unknown}; the policy knows {list(POLICY.roles)}")
        secret = None
        if totp_secret is not None:
            secret = mfa.normalize_secret(totp_secret)
            if len(secret) < MIN_TOTP_SECRET_LENGTH:
                raise ValueError(
                    "the TOTP secret is shorter than 128 bits; use mfa.generate_secret()"
                )
        user = User(name, passwords.hash(password), role_list, secret)
        with self._lock:
            self._users[name] = user
        return user

    def get(self, username: str) -> User | None:
        """The account named ``username`` (normalised), if there is one."""
        with self._lock:
            return self._users.get(normalize_username(username))

    def replace_hash(self, username: str, password_hash: str) -> None:
        """Store a rehashed password (stronger parameters, see ``passwords.verify_and_update``)."""
        with self._lock:
            user = self._users.get(username)
            if user is not None:
                self._users[username] = dataclasses.replace(user, password_hash=password_hash)

    def all(self) -> list[User]:
        """Every account, by name."""
        with self._lock:
            return sorted(self._users.values(), key=lambda user: user.username)


def demo_users() -> UserDirectory:
    """The demo accounts ``viewer``, ``editor`` and ``admin``, from the environment.

    All three have the password in ``EXAMPLE_DEMO_PASSWORD`` (required: nothing is hard-coded);
    ``admin`` also needs a TOTP code when ``EXAMPLE_ADMIN_TOTP_SECRET`` is set.
    """
    try:
        password = env("EXAMPLE_DEMO_PASSWORD")
    except EnvVarError as error:
        raise EnvVarError(
            f"{error}: it is the password of the demo accounts viewer, editor and admin. "
            'Make one with: export EXAMPLE_DEMO_PASSWORD="$(python -c '
            "'from cuirass import passwords; print(passwords.generate())')\""
        ) from None
    totp_secret = env("EXAMPLE_ADMIN_TOTP_SECRET", required=False)
    users = UserDirectory()
    users.add("viewer", password, ["viewer"])
    users.add("editor", password, ["editor"])
    users.add("admin", password, ["admin"], totp_secret=totp_secret)
    return users


@dataclasses.dataclass(frozen=True)
class Config:
    """What the application needs. :meth:`from_env` reads it from the environment; tests build
    it directly, with a temporary database and a fake clock. (Django takes ``https_redirect``,
    ``trust_proxy`` and ``hsts_preload`` from its settings instead, which read the same
    variables.)"""

    #: The SQLite file for sessions, lockout counters and used TOTP codes.
    session_db: pathlib.Path
    users: UserDirectory
    lockout: LockoutPolicy = dataclasses.field(default_factory=LockoutPolicy)
    #: A session's absolute lifetime and its idle timeout, in seconds.
    session_ttl: float = 8 * 3600
    idle_timeout: float = 30 * 60
    #: How long a user has to type the TOTP code after the password.
    mfa_timeout: float = 5 * 60
    #: Send plain-HTTP requests to HTTPS (turn off only for a local development server).
    https_redirect: bool = True
    #: Behind a TLS-terminating proxy that sets ``X-Forwarded-Proto`` (and ``-For``).
    trust_proxy: bool = False
    #: Add ``preload`` to HSTS: consent to the browsers' preload list, a per-domain decision.
    hsts_preload: bool = False
    #: A ``time.time``-like clock for sessions, lockouts and TOTP: tests pass a fake one.
    clock: Callable[[], float] | None = None

    @classmethod
    def from_env(cls, instance_dir: pathlib.Path) -> Config:
        """Read ``EXAMPLE_SESSION_DB`` (default ``instance_dir/sessions.sqlite3``),
        ``EXAMPLE_HTTPS_REDIRECT`` (default on), ``EXAMPLE_TRUST_PROXY`` and
        ``EXAMPLE_HSTS_PRELOAD`` (default off) and the demo accounts (:func:`demo_users`)."""
        configured = env("EXAMPLE_SESSION_DB", required=False)
        if configured is None:
            # Private: the store holds session hashes and who logged in from where.
            instance_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            session_db = instance_dir / "sessions.sqlite3"
        else:
            session_db = pathlib.Path(configured)
        return cls(
            session_db=session_db,
            users=demo_users(),
            https_redirect=env("EXAMPLE_HTTPS_REDIRECT", default=True, cast=bool),
            trust_proxy=env("EXAMPLE_TRUST_PROXY", default=False, cast=bool),
            hsts_preload=env("EXAMPLE_HSTS_PRELOAD", default=False, cast=bool),
        )


@dataclasses.dataclass(frozen=True)
class Reply:
    """What to answer: the status, a JSON body, ``Retry-After`` (seconds), and whether to set
    the session cookie to a new id or clear it."""

    status: int
    body: dict[str, Any]
    retry_after: int | None = None
    set_session: str | None = None
    clear_session: bool = False


def _text(value: object, max_length: int) -> TypeGuard[str]:
    return isinstance(value, str) and 0 < len(value) <= max_length


def _locked(status: Status) -> Reply:
    return Reply(429, {"error": LOCKED_MESSAGE}, retry_after=max(1, math.ceil(status.retry_after)))


class Accounts:
    """The login flow, sessions, and the little the example does once someone is logged in."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.users = config.users
        # One store for sessions, failure counters and TOTP claims: every worker process
        # sharing the file agrees on all three.
        self.store = SQLiteStore(config.session_db)
        self.monitor = LoginMonitor(self.store, config.lockout, clock=config.clock)
        self.sessions = SessionManager(
            self.store,
            ttl=config.session_ttl,
            idle_timeout=config.idle_timeout,
            monitor=self.monitor,
            clock=config.clock,
        )
        # Checked when the user name is unknown, so that costs what a wrong password costs.
        self._dummy_hash = passwords.hash(passwords.generate())
        self._articles: list[dict[str, str]] = []
        self._lock = threading.Lock()

    def _now(self) -> float | None:
        return None if self.config.clock is None else self.config.clock()

    def _password_matches(self, user: User | None, password: str) -> bool:
        if user is None:
            passwords.verify(self._dummy_hash, password)
            return False
        matched, new_hash = passwords.verify_and_update(user.password_hash, password)
        if matched and new_hash is not None:
            self.users.replace_hash(user.username, new_hash)
        return matched

    def _failed(self, account: str, ip: str | None, message: str) -> Reply:
        status = self.monitor.record_failure(account, ip)
        if status.locked:
            return _locked(status)
        return Reply(401, {"error": message})

    def _start(self, user: User, ip: str | None, user_agent: str | None) -> Reply:
        self.monitor.record_success(user.username, ip)
        session_id = self.sessions.create(
            user.username, data={"stage": "active"}, ip=ip, user_agent=user_agent
        )
        body = {"username": user.username, "roles": list(user.roles)}
        return Reply(200, body, set_session=session_id)

    def login(
        self,
        username: object,
        password: object,
        *,
        ip: str | None,
        user_agent: str | None,
        previous: str | None,
    ) -> Reply:
        """Check a user name and password; start a session, or a pending one awaiting TOTP.

        ``previous`` is the session id the client already had: it is revoked, whoever it
        belonged to, so a login always ends with a new id.
        """
        if not _text(username, MAX_USERNAME_LENGTH) or not _text(password, MAX_PASSWORD_LENGTH):
            return Reply(400, {"error": "send a user name and a password"})
        account = normalize_username(username)
        status = self.monitor.check(account, ip)
        if status.locked:
            return _locked(status)
        user = self.users.get(account)
        if not self._password_matches(user, password) or user is None:
            return self._failed(account, ip, WRONG_LOGIN_MESSAGE)
        if previous:
            self.sessions.revoke(previous)
        if user.totp_secret is not None:
            # Grants nothing (see `session`) until the code is checked; short-lived.
            pending = self.sessions.create(
                user.username,
                ttl=self.config.mfa_timeout,
                data={"stage": "mfa"},
                ip=ip,
                user_agent=user_agent,
            )
            return Reply(200, {"mfa_required": True}, set_session=pending)
        return self._start(user, ip, user_agent)

    def verify_totp(
        self, pending_id: str | None, code: object, *, ip: str | None, user_agent: str | None
    ) -> Reply:
        """Check the TOTP code of a pending login; on success, replace the pending session
        with a full one (a new id again)."""
        if not _text(code, 16):
            return Reply(400, {"error": "send the code"})
        pending = self.sessions.validate(pending_id, ip=ip, user_agent=user_agent)
        if pending is None or pending_id is None or pending.data.get("stage") != "mfa":
            return Reply(401, {"error": "log in with your password first"})
        account = pending.user_id
        status = self.monitor.check(account, ip)
        if status.locked:
            return _locked(status)
        user = self.users.get(account)
        if (
            user is None
            or user.totp_secret is None
            or not mfa.verify(
                user.totp_secret, code, at=self._now(), store=self.store, account=user.username
            )
        ):
            return self._failed(account, ip, WRONG_CODE_MESSAGE)
        self.sessions.revoke(pending_id)
        return self._start(user, ip, user_agent)

    def session(
        self, session_id: str | None, *, ip: str | None, user_agent: str | None
    ) -> Session | None:
        """The request's session if it is fully logged in (a pending TOTP step is not)."""
        if not session_id:
            return None
        session = self.sessions.validate(session_id, ip=ip, user_agent=user_agent)
        if session is None or session.data.get("stage") != "active":
            return None
        return session

    def roles(self, session: Session | None) -> list[str] | None:
        """The roles of the session's user, or ``None`` when nobody is logged in."""
        if session is None:
            return None
        user = self.users.get(session.user_id)
        return None if user is None else list(user.roles)

    def logout(self, session_id: str | None) -> Reply:
        """End this session (also a pending one)."""
        if session_id:
            self.sessions.revoke(session_id)
        return Reply(200, {"logged_out": True}, clear_session=True)

    def logout_everywhere(self, session: Session | None) -> Reply:
        """End every session of the session's user, this one included."""
        if session is None:
            return Reply(401, {"error": "not logged in"})
        revoked = self.sessions.revoke_user(session.user_id)
        return Reply(200, {"revoked": revoked}, clear_session=True)

    def articles(self) -> list[dict[str, str]]:
        """Every article, oldest first."""
        with self._lock:
            return list(self._articles)

    def add_article(self, session: Session | None, title: object, body: object) -> Reply:
        """Publish an article (the view has checked ``articles:write``)."""
        if session is None:
            return Reply(401, {"error": "not logged in"})
        if not isinstance(title, str) or not isinstance(body, str):
            return Reply(400, {"error": "send a title and a body"})
        try:
            validation.length(title.strip(), min_length=1, max_length=MAX_TITLE_LENGTH)
            validation.length(body, max_length=MAX_BODY_LENGTH)
        except ValidationError as error:
            return Reply(400, {"error": str(error)})
        article = {"title": title.strip(), "body": body, "author": session.user_id}
        with self._lock:
            self._articles.append(article)
        return Reply(201, article)

    def overview(self) -> dict[str, Any]:
        """The administrator's page: accounts, roles, second factors and open sessions."""
        return {
            "accounts": [
                {
                    "username": user.username,
                    "roles": list(user.roles),
                    "mfa": user.totp_secret is not None,
                    "sessions": len(self.sessions.list_user_sessions(user.username)),
                }
                for user in self.users.all()
            ]
        }
