"""Imports notes and attachment archives uploaded by users.

Uploads are data, never code: notes travel as JSON or YAML (safe loader only), archives are
unpacked through tarfile's "data" filter, which refuses links and paths leaving the target.
"""

import hashlib
import json
import tarfile
import tempfile

from yaml import YAMLError, safe_load

import config
import db


class BadUpload(ValueError):
    """The uploaded file is not a notes export this service understands."""


def fingerprint(title, body):
    return hashlib.sha256(f"{title}\n{body}".encode()).hexdigest()


def parse_upload(filename, raw):
    """Returns a list of {"title": ..., "body": ...} records from an export file."""
    try:
        if filename.endswith((".yaml", ".yml")):
            records = safe_load(raw)
        else:
            records = json.loads(raw)
    except (YAMLError, ValueError) as exc:
        raise BadUpload(f"cannot read {filename or 'the upload'}: {exc}") from exc
    if not isinstance(records, list) or not all(
        isinstance(r, dict) and {"title", "body"} <= r.keys() for r in records
    ):
        raise BadUpload("expected a list of notes with a title and a body")
    return records


def import_notes(owner, upload):
    records = parse_upload(upload.filename or "", upload.read())
    added = 0
    for record in records:
        title, body = str(record["title"]), str(record["body"])
        digest = fingerprint(title, body)
        if not db.has_fingerprint(owner, digest):
            db.add_note(owner, title, body, digest)
            added += 1
    return added


def export_notes(owner):
    notes = [{"title": n["title"], "body": n["body"]} for n in db.list_notes(owner)]
    return json.dumps(notes, ensure_ascii=False, indent=2).encode(), "notebook-export.json"


def import_attachments(owner, upload):
    dest = config.ATTACHMENT_DIR / owner
    dest.mkdir(parents=True, exist_ok=True)
    # An open, already-created temporary file: no name another process could claim first.
    with tempfile.NamedTemporaryFile(suffix=".tar.gz") as tmp:
        upload.save(tmp)
        tmp.seek(0)
        with tarfile.open(fileobj=tmp) as tar:
            tar.extractall(dest, filter="data")
            return len(tar.getnames())
