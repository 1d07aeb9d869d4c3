"""Django settings for shop.

Lookalike corpus: every value here sits where a secret would, and none is one.
"""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
SECRET_KEY_FALLBACKS = [os.environ.get("DJANGO_OLD_SECRET_KEY", "")]
DEBUG = os.environ.get("DEBUG") == "1"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "shop",
        "USER": os.environ.get("DB_USER", "shop"),
        "PASSWORD": os.environ.get("DB_PASSWORD", ""),
        "HOST": "db",
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
CSRF_COOKIE_NAME = "csrftoken"
SESSION_COOKIE_NAME = "sessionid"
TOKEN_HEADER = "X-Auth-Token"
API_KEY_HEADER = "X-Api-Key"
PASSWORD_RESET_TIMEOUT = 259200
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD")
STRIPE_PUBLISHABLE_KEY = os.getenv("STRIPE_PUBLISHABLE_KEY", "pk_test_placeholder")
AWS_ACCESS_KEY_ID = os.environ.get("AWS_ACCESS_KEY_ID")
AWS_SECRET_ACCESS_KEY = os.environ.get("AWS_SECRET_ACCESS_KEY")
AWS_STORAGE_BUCKET_NAME = "shop-static-assets"
REDIS_URL = "redis://redis:6379/0"
DATABASE_URL_TEMPLATE = "postgres://{user}:{password}@{host}:{port}/{name}"
CELERY_BROKER_URL = "amqp://guest:guest@localhost:5672//"
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
JWT_ALGORITHM = "HS256"
JWT_AUTH_HEADER_PREFIX = "Bearer"
OAUTH_TOKEN_URL = "https://accounts.internal/o/oauth2/token"
SOCIAL_AUTH_GITHUB_KEY = os.environ.get("GITHUB_CLIENT_ID")
SOCIAL_AUTH_GITHUB_SECRET = os.environ.get("GITHUB_CLIENT_SECRET")
SECRET_STORE_BACKEND = "vault"
API_TOKEN_TTL = 3600
MAX_TOKENS = 4096
PRIVATE_KEY_PATH = BASE_DIR / "keys" / "signing.pem"
PUBLIC_KEY_URL = "https://auth.internal/.well-known/jwks.json"
