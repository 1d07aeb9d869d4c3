"""Notebook: a small notes service (web pages plus a JSON API for the browser extension)."""

import hashlib
import logging
import os
import tarfile

import click
from flask import (
    Flask,
    abort,
    flash,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

import admin
import auth
import calc
import config
import db
import importer

log = logging.getLogger(__name__)
app = Flask(__name__)
app.config.from_mapping(SECRET_KEY=config.SECRET_KEY, MAX_CONTENT_LENGTH=config.UPLOAD_LIMIT)
app.before_request(auth.load_user)
app.teardown_appcontext(db.close_db)
app.register_blueprint(admin.bp)


@app.cli.command("init-db")
def init_db_command():
    """Creates the tables and the first administrator."""
    password = os.environ.get("NOTEBOOK_ADMIN_PASSWORD")
    if not password:
        raise click.UsageError("set NOTEBOOK_ADMIN_PASSWORD to the first administrator's password")
    db.init_db()
    auth.register("admin", password=password, is_admin=True)
    click.echo("Initialised the database.")


@app.get("/")
def index():
    if g.user is None:
        return render_template("notes.html", notes=[])
    term = request.args.get("q", "").strip()
    if term:
        notes = db.search_notes(g.user["username"], term)
    else:
        notes = db.list_notes(g.user["username"], request.args.get("order") != "oldest")
    return render_template("notes.html", notes=notes, term=term)


@app.post("/login")
def login():
    user = auth.check_login(request.form.get("username", ""), request.form.get("password", ""))
    if user is None:
        flash("Unknown user or wrong password.")
        return redirect(url_for("index"))
    session.clear()
    session["user_id"] = user["id"]
    return redirect(url_for("index"))


@app.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("index"))


@app.post("/api/token")
@auth.login_required
def api_token():
    return jsonify(token=auth.issue_api_token(g.user))


@app.post("/notes")
@auth.login_required
def add_note():
    title = request.form.get("title", "").strip()
    body = request.form.get("body", "")
    if not title:
        abort(400)
    db.add_note(g.user["username"], title, body, importer.fingerprint(title, body))
    return redirect(url_for("index"))


@app.get("/notes/<int:note_id>")
@auth.login_required
def show_note(note_id):
    note = db.get_note(g.user["username"], note_id)
    if note is None:
        abort(404)
    resp = make_response(jsonify(id=note["id"], title=note["title"], body=note["body"]))
    # MD5 only names a version of the response for caches; nothing relies on it being secret.
    resp.set_etag(hashlib.md5(resp.get_data(), usedforsecurity=False).hexdigest())
    return resp.make_conditional(request)


@app.get("/api/calc")
@auth.login_required
def calculate():
    try:
        return jsonify(result=calc.evaluate(request.args.get("expr", "")))
    except calc.CalcError as exc:
        return jsonify(error=str(exc)), 400


@app.post("/import")
@auth.login_required
def import_notes():
    upload = request.files.get("file")
    if upload is None:
        abort(400)
    try:
        flash(f"Imported {importer.import_notes(g.user['username'], upload)} notes.")
    except importer.BadUpload as exc:
        flash(str(exc))
    return redirect(url_for("index"))


@app.get("/export")
@auth.login_required
def export_notes():
    data, filename = importer.export_notes(g.user["username"])
    resp = make_response(data)
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    resp.mimetype = "application/json"
    return resp


@app.post("/attachments")
@auth.login_required
def upload_attachments():
    upload = request.files.get("archive")
    if upload is None:
        abort(400)
    try:
        flash(f"Unpacked {importer.import_attachments(g.user['username'], upload)} files.")
    except tarfile.TarError as exc:
        # Includes the "data" filter refusing a member (absolute path, link out of the folder).
        # Its message names server paths: those go to the log, not to the browser.
        log.warning("rejected attachment archive from %s: %s", g.user["username"], exc)
        flash("Archive rejected: not a .tar.gz, or it holds links or paths outside its folder.")
    return redirect(url_for("index"))


if __name__ == "__main__":
    # The debugger runs arbitrary code for whoever reaches it: opt-in, for local work only.
    app.run(host=config.HOST, port=config.PORT, debug=os.environ.get("FLASK_DEBUG") == "1")
