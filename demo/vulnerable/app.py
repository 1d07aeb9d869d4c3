"""Notebook: a small notes service (web pages plus a JSON API for the browser extension)."""

import hashlib

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

app = Flask(__name__)
app.config.from_mapping(SECRET_KEY=config.SECRET_KEY, MAX_CONTENT_LENGTH=config.UPLOAD_LIMIT)
app.before_request(auth.load_user)
app.teardown_appcontext(db.close_db)
app.register_blueprint(admin.bp)


@app.cli.command("init-db")
def init_db_command():
    """Creates the tables and the first administrator."""
    db.init_db()
    auth.register("admin", password="S3cret!", is_admin=True)
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
    resp.set_etag(hashlib.md5(resp.get_data()).hexdigest())
    return resp.make_conditional(request)


@app.get("/api/calc")
@auth.login_required
def calculate():
    return jsonify(result=calc.evaluate(request.args["expr"]))


@app.post("/import")
@auth.login_required
def import_notes():
    upload = request.files.get("file")
    if upload is None:
        abort(400)
    flash(f"Imported {importer.import_notes(g.user['username'], upload)} notes.")
    return redirect(url_for("index"))


@app.get("/export")
@auth.login_required
def export_notes():
    data, filename = importer.export_notes(g.user["username"])
    resp = make_response(data)
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    resp.mimetype = "application/octet-stream"
    return resp


@app.post("/attachments")
@auth.login_required
def upload_attachments():
    upload = request.files.get("archive")
    if upload is None:
        abort(400)
    flash(f"Unpacked {importer.import_attachments(g.user['username'], upload)} files.")
    return redirect(url_for("index"))


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=5000, debug=True)
