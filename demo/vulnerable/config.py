"""Settings for the Notebook service, read once at start-up."""

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("NOTEBOOK_DATA_DIR", BASE_DIR / "data"))
DATABASE = DATA_DIR / "notebook.sqlite3"
BACKUP_DIR = DATA_DIR / "backups"
ATTACHMENT_DIR = DATA_DIR / "attachments"

# Sessions are signed with this key; a fresh one per process is fine for a single worker.
SECRET_KEY = os.environ.get("NOTEBOOK_SECRET_KEY") or secrets.token_hex(32)
UPLOAD_LIMIT = 5 * 1024 * 1024
API_TOKEN_LIFETIME_DAYS = 30

# Nightly backups are pushed to the storage appliance in the server room.
BACKUP_URL = os.environ.get("NOTEBOOK_BACKUP_URL", "https://backup.internal.example")
BACKUP_USER = "notebook"
BACKUP_PASSWORD = "hunter2-Prod!"
