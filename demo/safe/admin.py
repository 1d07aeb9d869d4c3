"""Maintenance endpoints for administrators: backups, reachability, database upkeep."""

import re
import shutil
import subprocess as sp

import requests
from flask import Blueprint, abort, g, jsonify, request
from requests.auth import HTTPBasicAuth

import config
import db
from auth import login_required

bp = Blueprint("admin", __name__, url_prefix="/admin")

BACKUP_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
# A host name or an IPv4 address; never starts with "-", so it cannot pose as an option.
HOST_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")
MAINTENANCE_TASKS = {"vacuum": db.vacuum, "analyze": db.analyze}


def _require_admin():
    # An explicit check: `assert` would vanish under `python -O`.
    if not g.user["is_admin"]:
        abort(403)


def _executable(name):
    """Absolute path of a system tool, resolved once here rather than by a shell."""
    path = shutil.which(name)
    if path is None:
        abort(503, description=f"{name} is not installed on this server")
    return path


@bp.post("/backup")
@login_required
def backup():
    _require_admin()
    name = request.form.get("name", "notebook")
    if not BACKUP_NAME.fullmatch(name):
        abort(400, description="backup names use letters, digits, - and _")
    config.BACKUP_DIR.mkdir(parents=True, exist_ok=True)
    archive = config.BACKUP_DIR / f"{name}.tar.gz"
    command = [_executable("tar"), "czf", str(archive), "-C", str(config.DATA_DIR)]
    sp.run([*command, "notebook.sqlite3"], check=True)
    return jsonify(archive=archive.name)


@bp.get("/ping")
@login_required
def ping():
    _require_admin()
    host = request.args.get("host", "localhost")
    if not HOST_NAME.fullmatch(host):
        abort(400, description="not a host name")
    result = sp.run(
        [_executable("ping"), "-c", "1", host], capture_output=True, timeout=10, check=False
    )
    return jsonify(host=host, reachable=result.returncode == 0)


@bp.get("/backup-service")
@login_required
def backup_service():
    _require_admin()
    if config.BACKUP_PASSWORD is None:
        return jsonify(status=None, body="backup credentials are not configured"), 503
    credentials = HTTPBasicAuth(username=config.BACKUP_USER, password=config.BACKUP_PASSWORD)
    resp = requests.get(f"{config.BACKUP_URL}/status", auth=credentials, timeout=5)
    return jsonify(status=resp.status_code, body=resp.json())


@bp.post("/maintenance")
@login_required
def maintenance():
    _require_admin()
    # Operators pick from named tasks; nothing they send is run as code.
    task = MAINTENANCE_TASKS.get(request.form.get("task", ""))
    if task is None:
        abort(400, description=f"known tasks: {', '.join(sorted(MAINTENANCE_TASKS))}")
    task()
    return jsonify(done=True)
