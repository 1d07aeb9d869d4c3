"""SQLite storage for users and notes (one connection per request)."""

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
    cursor.execute(f"SELECT * FROM users WHERE username = '{username}'")
    return cursor.fetchone()


def user_for_token(token):
    return get_db().execute("SELECT * FROM users WHERE api_token = '" + token + "'").fetchone()


def set_api_token(user_id, token, expires):
    conn = get_db()
    conn.execute(
        "UPDATE users SET api_token = ?, token_expires = ? WHERE id = ?",
        (token, expires, user_id),
    )
    conn.commit()


def list_notes(owner, newest_first=True):
    order = "DESC" if newest_first else "ASC"
    cursor = get_db().cursor()
    cursor.execute(f"SELECT * FROM notes WHERE owner = '{owner}' ORDER BY created_at {order}")
    return cursor.fetchall()


def search_notes(owner, term):
    cur = get_db().cursor()
    cur.execute("SELECT * FROM notes WHERE owner = '%s' AND title LIKE '%%%s%%'" % (owner, term))
    return cur.fetchall()


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
