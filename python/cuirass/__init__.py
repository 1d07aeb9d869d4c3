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
  prints, log redaction.

The heavy work runs in Rust (``cuirass._native``) with the GIL released.
"""

from __future__ import annotations

from cuirass import crypto, passwords, secrets, signing, validation
from cuirass._native import __version__
from cuirass.exceptions import (
    BadSignature,
    CuirassError,
    EnvVarError,
    InsecurePermissionsWarning,
    InvalidHash,
    InvalidToken,
    SignatureExpired,
    ValidationError,
)

__all__ = [
    "BadSignature",
    "CuirassError",
    "EnvVarError",
    "InsecurePermissionsWarning",
    "InvalidHash",
    "InvalidToken",
    "SignatureExpired",
    "ValidationError",
    "__version__",
    "crypto",
    "passwords",
    "secrets",
    "signing",
    "validation",
]
