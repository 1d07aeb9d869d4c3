"""Django settings of the cuirass example: ``DJANGO_SETTINGS_MODULE=django_app.settings``.

Everything secret or specific to a deployment comes from the environment (README.md), with no
hard-coded fallback. Django's own security middleware is kept beside cuirass's: they agree on
every header they both send, and Django's deployment checks (``manage.py check --deploy``)
stay quiet.
"""

from __future__ import annotations

import pathlib
import secrets
from typing import Any

from cuirass.exceptions import EnvVarError
from cuirass.secrets import env
from cuirass.web import SecurityHeaders

BASE_DIR = pathlib.Path(__file__).resolve().parent


def _secret_key() -> str:
    key = env("DJANGO_SECRET_KEY", required=False)
    if key is not None:
        return key
    if env("EXAMPLE_DEVELOPMENT", default=False, cast=bool):
        # Asked for explicitly: a throwaway key, so CSRF tokens die with the process.
        return secrets.token_urlsafe(50)
    raise EnvVarError(
        "environment variable `DJANGO_SECRET_KEY` is not set, and it is required (or set "
        "EXAMPLE_DEVELOPMENT=1 for a throwaway key). Make one with: export "
        "DJANGO_SECRET_KEY=\"$(python -c 'import secrets; print(secrets.token_urlsafe(50))')\""
    )


def _host_names(value: str) -> list[str]:
    return [name.strip() for name in value.split(",") if name.strip()]


SECRET_KEY = _secret_key()
DEBUG = False
ALLOWED_HOSTS = env("EXAMPLE_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"], cast=_host_names)

# No database and no Django apps: accounts live in ../accounts.py, sessions in cuirass's store.
INSTALLED_APPS: list[str] = []
DATABASES: dict[str, Any] = {}
MIDDLEWARE = [
    # First, so its headers, HTTPS redirect and generic error page cover everything below.
    "cuirass.web.DjangoSecurityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "django_app.app"
WSGI_APPLICATION = "django_app.app.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            # {{ csp_nonce }} in every template ({{ csrf_token }} is built in).
            "context_processors": ["cuirass.web.django_context_processor"],
        },
    }
]
USE_TZ = True

#: Where the session database goes unless EXAMPLE_SESSION_DB says otherwise.
EXAMPLE_INSTANCE_DIR = BASE_DIR / "instance"
HTTPS_REDIRECT = env("EXAMPLE_HTTPS_REDIRECT", default=True, cast=bool)
TRUST_PROXY = env("EXAMPLE_TRUST_PROXY", default=False, cast=bool)
# `preload` in the HSTS header consents to the browsers' preload list: a per-domain decision
# (leaving the list takes months), so off unless the deployment says so.
HSTS_PRELOAD = env("EXAMPLE_HSTS_PRELOAD", default=False, cast=bool)

# cuirass.web.DjangoSecurityMiddleware: CSP with a nonce, HSTS, nosniff, frame options,
# referrer and permissions policies, COOP, cookie flags, HTTPS redirect, the 500 page. It asks
# `request.is_secure()`, which honours SECURE_PROXY_SSL_HEADER below.
CUIRASS_SECURITY_HEADERS = SecurityHeaders(https_redirect=HTTPS_REDIRECT, hsts_preload=HSTS_PRELOAD)

# Django's SecurityMiddleware, saying the same.
SECURE_SSL_REDIRECT = HTTPS_REDIRECT
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUST_PROXY else None
SECURE_HSTS_SECONDS = 63_072_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = HSTS_PRELOAD
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The CSRF token travels in the page (a <meta> the script reads), so the cookie can be
# HttpOnly; `__Host-` keeps sibling subdomains from planting one.
CSRF_COOKIE_NAME = "__Host-csrftoken"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# Django's session framework is not used (cuirass.sessions is); safe values all the same.
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
