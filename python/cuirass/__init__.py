"""cuirass: a security auditor for Python projects, and a library of secure primitives.

The command line (``cuirass check …``) is installed with this package; ``python -m cuirass``
runs the same program. The library is organised by task:

- :mod:`cuirass.validation`: HTML sanitising and escaping, input validators, safe paths and
  file names, Pydantic types;
- :mod:`cuirass.passwords`: Argon2id hashing, verification of migrated hashes, peppers,
  generated passwords, a strength policy;
- :mod:`cuirass.signing`: signed, timestamped JSON tokens (the replacement for pickle across a
  trust boundary);
- :mod:`cuirass.crypto`: AES-256-GCM with key ids and rotation, and Fernet;
- :mod:`cuirass.secrets`: environment variables, ``.env`` files, a ``Secret`` type that never
  prints, log redaction;
- :mod:`cuirass.mfa`: one-time passwords (TOTP) with provisioning URIs and replay protection;
- :mod:`cuirass.rbac`: roles, permissions and inheritance, with Flask, Django and FastAPI
  adapters;
- :mod:`cuirass.web`: WSGI and ASGI middleware for security headers, HTTPS redirects, cookie
  flags and error pages that never show a traceback;
- :mod:`cuirass.sessions`: server-side sessions (create, validate, rotate, revoke) in memory,
  SQLite or Redis;
- :mod:`cuirass.monitor`: failed-login tracking with lockout and back-off, anomaly events,
  Prometheus metrics.

The heavy work runs in Rust (``cuirass._native``) with the GIL released.
"""

from __future__ import annotations

from cuirass import (
    crypto,
    mfa,
    monitor,
    passwords,
    rbac,
    secrets,
    sessions,
    signing,
    validation,
    web,
)
from cuirass._native import __version__
from cuirass.exceptions import (
    AccessDenied,
    BadSignature,
    ConfigurationError,
    CuirassError,
    EnvVarError,
    InsecurePermissionsWarning,
    InvalidHash,
    InvalidOTPSecret,
    InvalidToken,
    SignatureExpired,
    StoreUnavailable,
    ValidationError,
)

__all__ = [
    "AccessDenied",
    "BadSignature",
    "ConfigurationError",
    "CuirassError",
    "EnvVarError",
    "InsecurePermissionsWarning",
    "InvalidHash",
    "InvalidOTPSecret",
    "InvalidToken",
    "SignatureExpired",
    "StoreUnavailable",
    "ValidationError",
    "__version__",
    "crypto",
    "mfa",
    "monitor",
    "passwords",
    "rbac",
    "secrets",
    "sessions",
    "signing",
    "validation",
    "web",
]
