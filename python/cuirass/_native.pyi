"""Type stubs of ``cuirass._native`` (the Rust extension). Private: use the public modules.

Checked against the built module with ``python -m mypy.stubtest cuirass._native``.
"""

from collections.abc import Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import final

__all__ = [
    "Fernet",
    "FullMatch",
    "Keyring",
    "Signer",
    "__version__",
    "check_strength",
    "constant_time_compare",
    "escape_html",
    "generate_aes_key",
    "generate_password",
    "hash_password",
    "identify_hash",
    "is_secret_name",
    "key_id",
    "needs_rehash",
    "redact",
    "run",
    "safe_filename",
    "safe_join",
    "sanitize_html",
    "validate_email",
    "validate_url",
    "validate_username",
    "verify_password",
]

__version__: str

_Text = str | bytes | bytearray
_Bytes = bytes | bytearray

def run(argv: Sequence[str]) -> int: ...

# Passwords.
def hash_password(
    password: _Text,
    memory_kib: int,
    iterations: int,
    parallelism: int,
    pepper: _Text | None = None,
) -> str: ...
def verify_password(
    stored: str, password: _Text, peppers: Sequence[_Text | None]
) -> tuple[bool, int | None]: ...
def needs_rehash(stored: str, memory_kib: int, iterations: int, parallelism: int) -> bool: ...
def identify_hash(stored: str) -> str | None: ...
def generate_password(length: int, alphabet: str) -> str: ...
def check_strength(
    password: str, min_length: int, max_length: int, user_inputs: Sequence[str]
) -> list[tuple[str, str]]: ...

# Validation and sanitising.
def sanitize_html(
    html: str,
    tags: Sequence[str] | None = None,
    attributes: Mapping[str, Sequence[str]] | None = None,
    url_schemes: Sequence[str] | None = None,
) -> str: ...
def escape_html(text: str) -> str: ...
def validate_username(value: str, min_length: int, max_length: int) -> None: ...
def validate_email(value: str) -> str: ...
def validate_url(value: str, allowed_schemes: Sequence[str], max_length: int) -> None: ...
def safe_join(base: str | PathLike[str], parts: Sequence[str]) -> Path: ...
def safe_filename(name: str, max_bytes: int) -> str: ...

@final
class FullMatch:
    def __new__(cls, pattern: str) -> FullMatch: ...
    @property
    def pattern(self) -> str: ...
    def is_match(self, value: str) -> bool: ...

# Signing.
def constant_time_compare(a: _Text, b: _Text) -> bool: ...

@final
class Signer:
    def __new__(cls, keys: Sequence[_Text], salt: _Text) -> Signer: ...
    def sign(self, payload: _Bytes, timestamp: int | None = None) -> str: ...
    def unsign(
        self, token: _Text, max_age: float | None = None, now: int | None = None
    ) -> tuple[bytes, int]: ...

# Encryption.
def key_id(token: _Text) -> str: ...
def generate_aes_key() -> bytes: ...

@final
class Keyring:
    def __new__(cls, entries: Sequence[tuple[str, _Bytes]]) -> Keyring: ...
    @property
    def ids(self) -> list[str]: ...
    @property
    def primary_id(self) -> str: ...
    def encrypt(self, plaintext: _Bytes, associated_data: _Bytes | None = None) -> str: ...
    def decrypt(self, token: _Text, associated_data: _Bytes | None = None) -> bytes: ...
    def rotate(self, token: _Text, associated_data: _Bytes | None = None) -> str: ...

@final
class Fernet:
    def __new__(cls, key: _Text) -> Fernet: ...
    @staticmethod
    def generate_key() -> bytes: ...
    def encrypt(self, data: _Bytes) -> bytes: ...
    def encrypt_at_time(self, data: _Bytes, current_time: int) -> bytes: ...
    def decrypt(self, token: _Text, ttl: int | None = None) -> bytes: ...
    def decrypt_at_time(self, token: _Text, ttl: int, current_time: int) -> bytes: ...
    def extract_timestamp(self, token: _Text) -> int: ...

# Secrets.
def redact(text: str) -> str: ...
def is_secret_name(name: str) -> bool: ...

# One-time passwords (cuirass.mfa).
__all__ += [
    "hotp_code",
    "totp_code",
    "totp_generate_secret",
    "totp_normalize_secret",
    "totp_verify",
]

def totp_generate_secret() -> str: ...
def totp_normalize_secret(secret: str) -> str: ...
def hotp_code(secret: str, counter: int, digits: int, algorithm: str) -> str: ...
def totp_code(secret: str, at: int, digits: int, algorithm: str, period: int) -> str: ...
def totp_verify(
    secret: str,
    code: str,
    at: int,
    window: int,
    digits: int,
    algorithm: str,
    period: int,
    allow_short_secret: bool,
) -> int | None: ...

# Sessions and the login monitor (cuirass.sessions, cuirass.monitor).
__all__ += [
    "LoginMonitor",
    "SessionManager",
    "SessionStore",
    "monitor_count_anomaly",
    "monitor_metrics_text",
]

# (user_id, created_at, last_seen_at, expires_at, absolute_expires_at, ip, user_agent, last_ip,
# last_user_agent, data JSON, handle); times in Unix milliseconds.
_Record = tuple[str, int, int, int, int, str | None, str | None, str | None, str | None, str, str]

@final
class SessionStore:
    @staticmethod
    def memory() -> SessionStore: ...
    @staticmethod
    def sqlite(
        path: str | PathLike[str], busy_timeout: float, synchronous: str
    ) -> SessionStore: ...
    @staticmethod
    def redis(url: str, prefix: str, timeout: float) -> SessionStore: ...
    @property
    def description(self) -> str: ...
    def claim(self, key: str, ttl_ms: int, now: int | None = None) -> bool: ...
    def purge_expired(self, now: int | None = None) -> int: ...

@final
class SessionManager:
    def __new__(
        cls, store: SessionStore, ttl_ms: int, idle_timeout_ms: int | None = None
    ) -> SessionManager: ...
    def create(
        self,
        user_id: str,
        data: str,
        ttl_ms: int | None = None,
        ip: str | None = None,
        user_agent: str | None = None,
        now: int | None = None,
    ) -> tuple[str, _Record]: ...
    def get(self, session_id: str, now: int | None = None) -> _Record | None: ...
    def validate(
        self,
        session_id: str,
        ip: str | None = None,
        user_agent: str | None = None,
        now: int | None = None,
    ) -> tuple[_Record, str | None, str | None] | None: ...
    def update_data(self, session_id: str, data: str, now: int | None = None) -> _Record | None: ...
    def rotate(self, session_id: str, now: int | None = None) -> tuple[str, _Record] | None: ...
    def revoke(self, session_id: str) -> bool: ...
    def revoke_user(self, user_id: str, except_id: str | None = None) -> int: ...
    def revoke_handle(self, user_id: str, handle: str, now: int | None = None) -> bool: ...
    def list_user_sessions(self, user_id: str, now: int | None = None) -> list[_Record]: ...

@final
class LoginMonitor:
    def __new__(
        cls,
        store: SessionStore,
        max_failures: int,
        base_delay_ms: int,
        max_delay_ms: int,
        window_ms: int,
        by: str,
        stuffing_accounts: int,
        stuffing_window_ms: int,
    ) -> LoginMonitor: ...
    def check(
        self, account: str, ip: str | None = None, now: int | None = None
    ) -> tuple[bool, int, int]: ...
    def record_failure(
        self, account: str, ip: str | None = None, now: int | None = None
    ) -> tuple[tuple[bool, int, int], bool, int | None]: ...
    def record_success(
        self, account: str, ip: str | None = None, now: int | None = None
    ) -> None: ...
    def reset(self, account: str, ip: str | None = None) -> None: ...

def monitor_count_anomaly(kind: str) -> None: ...
def monitor_metrics_text() -> str: ...
