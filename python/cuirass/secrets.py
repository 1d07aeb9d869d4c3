"""Secrets in configuration and in logs.

- :func:`env` reads a required, typed environment variable, with errors that name the variable
  and never show its value.
- :func:`load_dotenv` loads a ``.env`` file and warns when others can read it.
- :class:`Secret` wraps a value so ``repr``, ``str``, f-strings, logging and pickling never show
  it; :meth:`Secret.reveal` is the one explicit way out.
- :func:`redact` masks secrets in text and :class:`RedactingFilter` does it to log records,
  including secret-named keys in dict arguments (``{"password": …}``) and ``extra`` fields.

>>> import logging
>>> handler = logging.StreamHandler()
>>> handler.addFilter(RedactingFilter())

Attach the filter to handlers rather than loggers: a logger's filters do not see records that
propagate from its children, a handler's filters see everything it emits.
"""

from __future__ import annotations

import logging
import os
import re
import stat
import warnings
from collections.abc import Callable, Mapping
from typing import Any, Generic, NoReturn, TypeVar, overload

from cuirass import _native
from cuirass.exceptions import EnvVarError, InsecurePermissionsWarning

__all__ = [
    "MASK",
    "EnvVarError",
    "InsecurePermissionsWarning",
    "RedactingFilter",
    "Secret",
    "env",
    "is_secret_name",
    "load_dotenv",
    "redact",
]

#: What a masked secret is replaced with.
MASK = "[REDACTED]"

T = TypeVar("T")

_HIDDEN = "**********"


class Secret(Generic[T]):
    """A value that does not print.

    ``repr``, ``str``, ``format`` (f-strings) and therefore logging show ``**********``;
    pickling and copying into a pickle are refused. Use :meth:`reveal` where the value is really
    needed (to connect to the database, to sign a request).

    >>> password = Secret("hunter2")
    >>> f"connecting with {password}"
    'connecting with **********'
    >>> password.reveal()
    'hunter2'
    """

    __slots__ = ("_value",)

    def __init__(self, value: T) -> None:
        self._value = value

    def reveal(self) -> T:
        """The wrapped value. Keep the result out of logs and error messages."""
        return self._value

    #: Pydantic's name for :meth:`reveal`, for code written against ``SecretStr``.
    get_secret_value = reveal

    def __repr__(self) -> str:
        return f"Secret({_HIDDEN!r})"

    def __str__(self) -> str:
        return _HIDDEN

    def __format__(self, spec: str) -> str:
        return format(_HIDDEN, spec)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        mine, theirs = self._value, other._value
        if isinstance(mine, (str, bytes)) and isinstance(theirs, (str, bytes)):
            if type(mine) is not type(theirs):
                return False
            return _native.constant_time_compare(mine, theirs)
        return bool(mine == theirs)

    def __hash__(self) -> int:
        return hash((Secret, self._value))

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Secret cannot be pickled; reveal() it explicitly if you must")

    def __copy__(self) -> Secret[T]:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Secret[T]:
        return self


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def _to_bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError("expected one of 1/0, true/false, yes/no, on/off")


@overload
def env(name: str) -> str: ...
@overload
def env(name: str, *, required: bool = ..., default: str) -> str: ...
@overload
def env(name: str, *, required: bool = ..., cast: Callable[[str], T]) -> T: ...
@overload
def env(name: str, *, required: bool = ..., default: T, cast: Callable[[str], T]) -> T: ...
@overload
def env(
    name: str, *, required: bool, default: None = ..., cast: Callable[[str], T] = ...
) -> T | None: ...
def env(
    name: str,
    *,
    required: bool = True,
    default: Any = None,
    cast: Callable[[str], Any] = str,
) -> Any:
    """Read the environment variable ``name``, converted by ``cast``.

    Unset and empty count as missing. A missing variable returns ``default`` when one is given,
    ``None`` when ``required=False``, and otherwise raises
    :class:`~cuirass.exceptions.EnvVarError` naming the variable. ``cast`` is any callable from
    ``str`` (``int``, ``float``, ``json.loads``, :class:`Secret`); ``bool`` accepts
    ``1/0 true/false yes/no on/off``. Conversion errors name the variable and the expected type
    but never the value, which may be a secret.

    >>> import os
    >>> os.environ["EXAMPLE_PORT"] = "8080"
    >>> env("EXAMPLE_PORT", cast=int)
    8080
    """
    if not isinstance(name, str) or not name:
        raise TypeError("the variable name must be a non-empty str")
    raw = os.environ.get(name)
    if raw is None or raw == "":
        if default is not None:
            return default
        if not required:
            return None
        state = "is not set" if raw is None else "is set but empty"
        raise EnvVarError(f"environment variable `{name}` {state}, and it is required")
    converter: Callable[[str], Any] = _to_bool if cast is bool else cast
    try:
        return converter(raw)
    except Exception as error:  # noqa: BLE001 - any conversion failure becomes one clear error
        cast_name = getattr(cast, "__name__", type(cast).__name__)
        # `from None`: the original message often quotes the value (int("...")).
        raise EnvVarError(
            f"environment variable `{name}` could not be read as {cast_name} "
            f"({type(error).__name__}); its value is not shown because it may be a secret"
        ) from None


# One entry: `[export] KEY = value [# comment]`, where the value is 'literal', "escaped" (both
# may span lines) or bare (ends at the line end or at whitespace followed by `#`).
_ENTRY = re.compile(
    r"""[ \t]*(?:export[ \t]+)?(?P<key>[A-Za-z_][A-Za-z0-9_.\-]*)[ \t]*=[ \t]*
    (?:
        '(?P<single>[^']*)'[ \t]*(?:\#[^\n]*)?
      | "(?P<double>(?:\\.|[^"\\])*)"[ \t]*(?:\#[^\n]*)?
      | (?P<bare>(?:[^\n'"\s\#][^\n]*?)?)(?:[ \t]+\#[^\n]*)?[ \t]*
    )(?:\r?\n|\Z)""",
    re.VERBOSE | re.DOTALL,
)
_SKIP = re.compile(r"[ \t]*(?:\#[^\n]*)?(?:\r?\n|\Z)")
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\", "$": "$"}


def _parse_dotenv(text: str, path: str) -> dict[str, str]:
    values: dict[str, str] = {}
    position = 0
    while position < len(text):
        skip = _SKIP.match(text, position)
        if skip and skip.end() > position:
            position = skip.end()
            continue
        entry = _ENTRY.match(text, position)
        if entry is None:
            # The line number and never the line: it may hold a secret.
            line = text.count("\n", 0, position) + 1
            raise ValueError(f"{path}:{line}: expected KEY=VALUE (or a quoted value is unclosed)")
        if entry["single"] is not None:
            value = entry["single"]
        elif entry["double"] is not None:
            value = _ESCAPE.sub(
                lambda match: _ESCAPES.get(match[1], "\\" + match[1]), entry["double"]
            )
        else:
            value = entry["bare"]
        values[entry["key"]] = value
        position = entry.end()
    return values


def load_dotenv(path: str | os.PathLike[str] = ".env", *, override: bool = False) -> dict[str, str]:
    """Load ``KEY=VALUE`` lines from ``path`` into ``os.environ`` and return them.

    Supports comments (``#``), ``export`` prefixes, single quotes (literal), and double quotes
    (with ``\\n``-style escapes, and spanning lines). Variables already set in the environment
    win unless ``override`` is true. Warns with
    :class:`~cuirass.exceptions.InsecurePermissionsWarning` when the file can be read or written
    by group or others (``chmod 600`` it). Malformed lines raise ``ValueError`` naming the file
    and line, never the line's content.
    """
    path_str = os.fspath(path)
    with open(path_str, encoding="utf-8") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        text = handle.read()
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        warnings.warn(
            InsecurePermissionsWarning(
                f"`{path_str}` holds secrets but its mode is {stat.filemode(mode)} "
                f"({mode & 0o777:#o}): other users can read or change it; run `chmod 600 "
                f"{path_str}`"
            ),
            stacklevel=2,
        )
    values = _parse_dotenv(text.removeprefix("\ufeff"), path_str)
    for key, value in values.items():
        if override or key not in os.environ:
            os.environ[key] = value
    return values


def redact(text: str) -> str:
    """``text`` with recognised secrets replaced by ``[REDACTED]``: values of secret-named keys
    (``password=…``, ``"api_key": "…"``), URL passwords, bearer tokens, private keys and common
    provider tokens (AWS, GitHub, Slack, Stripe, Google, JWTs)."""
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    # TODO(#4): `_native.redact` uses a small interim detector set; it is to become the
    # auditor's own detectors (crates/cuirass_secrets) behind the same call.
    return _native.redact(text)


def is_secret_name(name: str) -> bool:
    """Whether a key or variable name suggests a secret value (``password``, ``API_KEY``,
    ``x-auth-token``, ``client_secret``, …)."""
    return _native.is_secret_name(name)


_MAX_DEPTH = 8

#: Attributes every LogRecord has; anything else came from ``extra=``.
_STANDARD_RECORD_ATTRIBUTES = frozenset(
    logging.LogRecord("", 0, "", 0, "", None, None).__dict__
) | {"message", "asctime", "taskName"}


def _scrub(value: Any, depth: int = 0) -> Any:
    """A copy of ``value`` with secret-named keys masked in (nested) mappings and sequences."""
    if depth > _MAX_DEPTH:
        return value
    if isinstance(value, Mapping):
        return {
            key: (MASK if isinstance(key, str) and is_secret_name(key) else _scrub(item, depth + 1))
            for key, item in value.items()
        }
    if isinstance(value, (list, tuple)):
        scrubbed = [_scrub(item, depth + 1) for item in value]
        return tuple(scrubbed) if isinstance(value, tuple) else scrubbed
    return value


class RedactingFilter(logging.Filter):
    """A logging filter that masks secrets in every record it sees.

    It formats the message with its arguments (after masking secret-named keys in dict
    arguments), runs :func:`redact` on the result, and stores it as the record's message with no
    arguments left. Secret-named ``extra=`` fields and formatted tracebacks are masked too.
    Records are never dropped.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask secrets in ``record`` in place; always returns ``True``."""
        try:
            if record.args:
                args = record.args
                record.args = _scrub(args) if isinstance(args, (Mapping, tuple)) else args
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string is the handler's to report
            return True
        record.msg = redact(message)
        record.args = None
        for key in list(vars(record)):
            if key not in _STANDARD_RECORD_ATTRIBUTES and is_secret_name(key):
                setattr(record, key, MASK)
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
