"""Django reads its settings once per process, before any of it is used: point it at this
example's settings module and set it up before the tests are imported.

The secret key is made up for the run, so no key is written anywhere; ``setup_test_environment``
adds ``testserver`` (the test client's host) to ``ALLOWED_HOSTS``.
"""

from __future__ import annotations

import os
import secrets

import django
from django.test.utils import setup_test_environment

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "django_app.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
django.setup()
setup_test_environment()
