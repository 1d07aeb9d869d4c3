"""Maintenance endpoints for administrators: backups, reachability, database upkeep."""

import os
import subprocess as sp

import requests
from flask import Blueprint, g, jsonify, request
from requests.auth import HTTPBasicAuth

import config
import db
from auth import login_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _require_admin():
    assert g.user["is_admin"], "administrators only"


@bp.post("/backup")
@login_required
def backup():
    _require_admin()
    name = request.form.get("name", "notebook")
    config.BACKUP_DIR.mkdir(parents=True, exist_ok=True)
    archive = config.BACKUP_DIR / f"{name}.tar.gz"
    sp.run(f"tar czf {archive} -C {config.DATA_DIR} notebook.sqlite3", shell=True, check=True)
    return jsonify(archive=archive.name)


@bp.get("/ping")
@login_required
def ping():
    _require_admin()
    host = request.args.get("host", "localhost")
    status = os.system("ping -c 1 " + host)
    return jsonify(host=host, reachable=status == 0)


@bp.get("/backup-service")
@login_required
def backup_service():
    _require_admin()
    credentials = HTTPBasicAuth(username=config.BACKUP_USER, password=config.BACKUP_PASSWORD)
    resp = requests.get(f"{config.BACKUP_URL}/status", auth=credentials, verify=False, timeout=5)
    return jsonify(status=resp.status_code, body=resp.json())


@bp.post("/maintenance")
@login_required
def maintenance():
    _require_admin()
    # Lets an operator run a one-liner such as "db.vacuum()" without shell access.
    exec(request.form["task"], {"db": db})
    return jsonify(done=True)
