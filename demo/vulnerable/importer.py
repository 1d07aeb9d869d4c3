"""Imports notes and attachment archives uploaded by users."""

import hashlib
import json
import os
import pickle
import tarfile
import tempfile

from yaml import Loader, load

import config
import db


def fingerprint(title, body):
    return hashlib.new("sha1", f"{title}\n{body}".encode()).hexdigest()


def parse_upload(filename, raw):
    """Returns a list of {"title": ..., "body": ...} records from an export file."""
    if filename.endswith(".pickle"):
        return pickle.loads(raw)
    if filename.endswith((".yaml", ".yml")):
        return load(raw, Loader=Loader)
    return json.loads(raw)


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
    return pickle.dumps(notes), "notebook-export.pickle"


def import_attachments(owner, upload):
    dest = config.ATTACHMENT_DIR / owner
    dest.mkdir(parents=True, exist_ok=True)
    path = tempfile.mktemp(suffix=".tar.gz")
    upload.save(path)
    try:
        with tarfile.open(path) as tar:
            tar.extractall(dest)
            return len(tar.getnames())
    finally:
        os.remove(path)
