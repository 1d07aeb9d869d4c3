"""Accounts, password checks, API tokens and the login_required guard."""

import functools
import logging
import re
import secrets
from datetime import datetime, timedelta, timezone

from flask import g, redirect, request, session, url_for
from werkzeug.security import check_password_hash, generate_password_hash

import config
import db

log = logging.getLogger(__name__)
USERNAME = re.compile(r"[a-z][a-z0-9_]{2,31}")
MIN_PASSWORD_LENGTH = 12


class TokenExpired(Exception):
    """The API token's expiry date has passed."""


def hash_password(password):
    # Salted, deliberately slow (scrypt); the hash string records its own parameters.
    return generate_password_hash(password)


def register(username, password, is_admin=False):
    if not USERNAME.fullmatch(username):
        raise ValueError(f"invalid username: {username!r}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"passwords need at least {MIN_PASSWORD_LENGTH} characters")
    db.add_user(username, hash_password(password), is_admin)


def check_login(username, password):
    user = db.find_user(username)
    if user is None or not check_password_hash(user["password_hash"], password):
        log.info("failed login for %r from %s", username, request.remote_addr)
        return None
    return user


def issue_api_token(user):
    token = secrets.token_urlsafe(32)
    expires = datetime.now(timezone.utc) + timedelta(days=config.API_TOKEN_LIFETIME_DAYS)
    db.set_api_token(user["id"], token, expires.isoformat())
    return token


def _check_expiry(expires):
    if expires is None or datetime.fromisoformat(expires) < datetime.now(timezone.utc):
        raise TokenExpired(expires)


def user_from_token(token):
    user = db.user_for_token(token)
    if user is None:
        return None
    try:
        _check_expiry(user["token_expires"])
    except (TokenExpired, ValueError) as exc:
        # Expired or unreadable expiry: refuse the token, and leave a trace for the operator.
        log.warning("rejected API token of %s: %r", user["username"], exc)
        return None
    return user


def load_user():
    """Before-request hook: the session cookie first, then a bearer token."""
    g.user = None
    user_id = session.get("user_id")
    if user_id is not None:
        g.user = db.get_user(user_id)
        return
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        g.user = user_from_token(header.removeprefix("Bearer "))


def login_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if g.user is None:
            return redirect(url_for("index"))
        return view(*args, **kwargs)

    return wrapped
