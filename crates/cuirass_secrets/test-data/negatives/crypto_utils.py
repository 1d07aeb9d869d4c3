"""Helpers that handle tokens and keys without containing any."""
import getpass
import hashlib
import hmac
import os
import secrets

PUBLIC_KEY = """-----BEGIN PUBLIC KEY-----
oxwGvUY+OSO8Gq295IsWl2wIBxc3O4GaBo8yt6azi2s4cpZHz94Bws4osmxXRyc3
9cNWGhdhGFvYWJpDzgu6dYkf+exgFI1L1KCe4txckzG0EQupOsVK/BTaO90ZYUd0
otVdKV5aNatEs++upRKboiuIuj4pdmFF/eyjsI44r1PXxMYOOtIIzlBmRBA26fGR
-----END PUBLIC KEY-----"""

PEM_MARKERS = ("-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----")
MD5_OF_EMPTY = "d41d8cd98f00b204e9800998ecf8427e"
SHA1_OF_EMPTY = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
JWT_HEADER = "eyJhbGciOiJIUzI1NiJ9"
token_type = "Bearer"
api_key_id = "5f1e3c9a7b2d4e6f"
password_hash = "pbkdf2_sha256$600000$c2FsdHNhbHQ$abcdEFGHijklMNOPqrstUVWXyz0123456789+/="


def new_api_token() -> str:
    token = secrets.token_urlsafe(32)
    return token


def verify_token(token: str, expected: str) -> bool:
    return hmac.compare_digest(token, expected)


def ask_password() -> bytes:
    password = getpass.getpass("Password: ")
    return hashlib.sha256(password.encode()).digest()


def read_private_key(path: str) -> str:
    in_key = False
    lines = []
    with open(path) as handle:
        for line in handle:
            if line.startswith("-----BEGIN RSA PRIVATE KEY-----"):
                in_key = True
            elif line.startswith("-----END RSA PRIVATE KEY-----"):
                in_key = False
            elif in_key:
                lines.append(line.strip())
    return "".join(lines)


def auth_headers() -> dict:
    token = os.environ["SERVICE_TOKEN"]
    return {"Authorization": f"Bearer {token}"}


def connect(password=None, secret_key=None, api_key=None):
    password = password or os.environ.get("DB_PASSWORD")
    secret_key = secret_key or os.getenv("SECRET_KEY")
    api_key = api_key or settings.API_KEY
    return password, secret_key, api_key


def login_form():
    return {"password": "", "password_confirm": "", "token": None}


PASSWORD_PROMPT = "Enter your password"
ERROR_BAD_TOKEN = "invalid_token"
secret_name = "prod/api/stripe-key"
key = "user:42:profile"
