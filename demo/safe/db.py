"""SQLite storage for users and notes (one connection per request).

Every value reaches SQL as a bound parameter; no query text is ever built from input.
"""

import sqlite3

from flask import g

import config

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    username TEXT UNIQUE NOT NULL,
    password_hash TEXT NOT NULL,
    is_admin INTEGER NOT NULL DEFAULT 0,
    api_token TEXT UNIQUE,
    token_expires TEXT
);
CREATE TABLE IF NOT EXISTS notes (
    id INTEGER PRIMARY KEY,
    owner TEXT NOT NULL REFERENCES users (username),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
"""


def get_db():
    if "db" not in g:
        config.DATA_DIR.mkdir(parents=True, exist_ok=True)
        g.db = sqlite3.connect(config.DATABASE)
        g.db.row_factory = sqlite3.Row
    return g.db


def close_db(_error=None):
    conn = g.pop("db", None)
    if conn is not None:
        conn.close()


def init_db():
    get_db().executescript(SCHEMA)


def add_user(username, password_hash, is_admin=False):
    conn = get_db()
    conn.execute(
        "INSERT INTO users (username, password_hash, is_admin) VALUES (?, ?, ?)",
        (username, password_hash, int(is_admin)),
    )
    conn.commit()


def get_user(user_id):
    return get_db().execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()


def find_user(username):
    cursor = get_db().cursor()
    cursor.execute("SELECT * FROM users WHERE username = ?", (username,))
    return cursor.fetchone()


def user_for_token(token):
    return get_db().execute("SELECT * FROM users WHERE api_token = ?", (token,)).fetchone()


def set_api_token(user_id, token, expires):
    conn = get_db()
    conn.execute(
        "UPDATE users SET api_token = ?, token_expires = ? WHERE id = ?",
        (token, expires, user_id),
    )
    conn.commit()


def list_notes(owner, newest_first=True):
    cursor = get_db().cursor()
    # The sort direction cannot be a parameter, so each order has its own complete query.
    if newest_first:
        cursor.execute(
            "SELECT * FROM notes WHERE owner = ? ORDER BY created_at DESC", (owner,)
        )
    else:
        cursor.execute("SELECT * FROM notes WHERE owner = ? ORDER BY created_at ASC", (owner,))
    return cursor.fetchall()


def _like_pattern(term):
    """Matches `term` literally inside a LIKE: its own % and _ are escaped."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_notes(owner, term):
    cursor = get_db().cursor()
    cursor.execute(
        "SELECT * FROM notes WHERE owner = ? AND title LIKE ? ESCAPE '\\'",
        (owner, _like_pattern(term)),
    )
    return cursor.fetchall()


def get_note(owner, note_id):
    return (
        get_db()
        .execute("SELECT * FROM notes WHERE id = ? AND owner = ?", (note_id, owner))
        .fetchone()
    )


def has_fingerprint(owner, fingerprint):
    row = (
        get_db()
        .execute(
            "SELECT 1 FROM notes WHERE owner = ? AND fingerprint = ?", (owner, fingerprint)
        )
        .fetchone()
    )
    return row is not None


def add_note(owner, title, body, fingerprint):
    conn = get_db()
    conn.execute(
        "INSERT INTO notes (owner, title, body, fingerprint) VALUES (?, ?, ?, ?)",
        (owner, title, body, fingerprint),
    )
    conn.commit()


def vacuum():
    get_db().execute("VACUUM")


def analyze():
    get_db().execute("ANALYZE")
