"""Sanitising, escaping and validating untrusted input.

- :func:`sanitize_html` keeps an allow-list of tags, attributes and URL schemes and drops
  everything else (scripts, event handlers, ``javascript:`` links), parsing the markup the way a
  browser does (html5ever, through the Rust ``ammonia`` crate), so malformed markup cannot hide a
  tag. :func:`escape_html` is for text that should show as text.
- The validators (:func:`username`, :func:`email`, :func:`url`, :func:`length`,
  :func:`int_range`, :func:`one_of`, :func:`matches`) return the value (normalised where noted)
  or raise :class:`~cuirass.exceptions.ValidationError` with a message meant for the person who
  typed it.
- :func:`safe_join` and :func:`safe_filename` keep untrusted names inside a directory.
- With Pydantic v2 installed, :data:`Username`, :data:`Email`, :data:`HttpsUrl`,
  :data:`SafeFilename` and :data:`SanitizedHtml` are ready-made ``Annotated`` field types.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Container, Iterable, Mapping, Sized
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from cuirass import _native
from cuirass.exceptions import ValidationError

__all__ = [
    "ValidationError",
    "email",
    "escape_html",
    "int_range",
    "length",
    "matches",
    "one_of",
    "safe_filename",
    "safe_join",
    "sanitize_html",
    "url",
    "username",
]

T = TypeVar("T")
S = TypeVar("S", bound=Sized)


def _names(kind: str, values: Iterable[str]) -> list[str]:
    if isinstance(values, str):
        raise TypeError(f"{kind} must be a collection of strings, not a single string")
    names = sorted(set(values))
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"{kind} must contain strings, not {type(name).__name__}")
    return names


def sanitize_html(
    html: str,
    *,
    tags: Iterable[str] | None = None,
    attributes: Mapping[str, Iterable[str]] | None = None,
    url_schemes: Iterable[str] | None = None,
) -> str:
    """Return ``html`` with everything outside an allow-list removed.

    The default allow-list keeps text formatting, headings, lists, tables, quotes, code, links
    and images; links may use ``http``, ``https`` and ``mailto`` and get
    ``rel="noopener noreferrer"``; comments are dropped; ``<script>`` and ``<style>`` are removed
    with their content. Each keyword replaces one part of the default: ``tags`` the allowed
    tag names, ``attributes`` the allowed attributes per tag (the key ``"*"`` applies to all
    tags), ``url_schemes`` the schemes allowed in ``href``/``src``. Tags and attributes that can
    never be safe (``script``, ``style``, ``iframe``, ``on*`` handlers, ``srcdoc``, …) raise
    ``ValueError``.

    >>> sanitize_html('<p onclick="steal()">Hi <script>alert(1)</script><b>there</b></p>')
    '<p>Hi <b>there</b></p>'
    """
    if not isinstance(html, str):
        raise TypeError(f"html must be str, not {type(html).__name__}")
    if tags is None and attributes is None and url_schemes is None:
        return _native.sanitize_html(html)
    return _native.sanitize_html(
        html,
        None if tags is None else _names("tags", tags),
        None
        if attributes is None
        else {tag: _names(f"attributes[{tag!r}]", names) for tag, names in attributes.items()},
        None if url_schemes is None else _names("url_schemes", url_schemes),
    )


def escape_html(text: str) -> str:
    """Escape ``& < > " '`` so ``text`` shows as text in HTML content and quoted attributes.

    >>> escape_html('<a href="x">Tom & Jerry</a>')
    '&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&lt;/a&gt;'
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    return _native.escape_html(text)


def _require_str(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"{what} must be text, not {type(value).__name__}")
    return value


def username(value: str, *, min_length: int = 3, max_length: int = 32) -> str:
    """Validate a user name: ASCII letters, digits, ``.``, ``_`` and ``-``, starting and ending
    with a letter or digit, ``min_length`` to ``max_length`` characters. Returns it unchanged.

    ASCII only on purpose: no two accepted names can look alike (``admin`` spelt with a
    Cyrillic "a").
    """
    _native.validate_username(_require_str(value, "a user name"), min_length, max_length)
    return value


def email(value: str) -> str:
    """Validate an e-mail address and return it with the domain lowercased.

    Accepts what people and mail servers use: ``local@domain`` of at most 254 characters, an
    unquoted ASCII local part, a domain of two or more DNS labels (international domains in their
    ``xn--`` form). Quoted local parts and IP-address domains are refused. This checks the form
    only; send a confirmation mail to know the address works.
    """
    return _native.validate_email(_require_str(value, "an e-mail address"))


def url(
    value: str,
    allowed_schemes: Iterable[str] = frozenset({"https"}),
    *,
    max_length: int = 2048,
) -> str:
    """Validate an absolute URL whose scheme is in ``allowed_schemes`` (``https`` only by
    default). Also refused: a missing host, a user name or password in the URL
    (``https://bank.example@evil.example``), whitespace or control characters, more than
    ``max_length`` characters. Returns the URL unchanged.
    """
    schemes = _names("allowed_schemes", allowed_schemes)
    _native.validate_url(_require_str(value, "a URL"), schemes, max_length)
    return value


def length(value: S, *, min_length: int | None = None, max_length: int | None = None) -> S:
    """Validate that ``len(value)`` is within the bounds (characters for text).

    Returns ``value``.
    """
    size = len(value)
    if min_length is not None and size < min_length:
        if max_length is not None:
            raise ValidationError(
                f"must be {min_length} to {max_length} characters long, not {size}"
            )
        raise ValidationError(f"must be at least {min_length} characters long, not {size}")
    if max_length is not None and size > max_length:
        if min_length is not None:
            raise ValidationError(
                f"must be {min_length} to {max_length} characters long, not {size}"
            )
        raise ValidationError(f"must be at most {max_length} characters long, not {size}")
    return value


def int_range(value: int, *, min_value: int | None = None, max_value: int | None = None) -> int:
    """Validate an integer (not a bool, not a float) within the inclusive bounds."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"must be a whole number, not {type(value).__name__}")
    if (min_value is not None and value < min_value) or (
        max_value is not None and value > max_value
    ):
        if min_value is not None and max_value is not None:
            raise ValidationError(f"must be between {min_value} and {max_value}, not {value}")
        if min_value is not None:
            raise ValidationError(f"must be at least {min_value}, not {value}")
        raise ValidationError(f"must be at most {max_value}, not {value}")
    return value


def one_of(value: T, choices: Container[T] | Iterable[T]) -> T:
    """Validate that ``value`` is one of ``choices``. Returns ``value``."""
    if isinstance(choices, str):
        raise TypeError("choices must be a collection, not a single string")
    pool = choices if isinstance(choices, Container) else tuple(choices)
    if value not in pool:
        shown = sorted(repr(choice) for choice in pool) if isinstance(pool, Iterable) else []
        listed = ", ".join(shown[:10]) + (", …" if len(shown) > 10 else "")
        raise ValidationError(f"must be one of {listed}" if listed else "is not an allowed choice")
    return value


@functools.lru_cache(maxsize=256)
def _compile(pattern: str) -> _native.FullMatch:
    return _native.FullMatch(pattern)


def matches(value: str, pattern: str) -> str:
    """Validate that the whole of ``value`` matches the regular expression ``pattern``.

    Patterns use the syntax of Rust's ``regex`` crate (close to Python's ``re`` without
    look-around and back-references); matching takes time linear in the input whatever the
    pattern, so a crafted value cannot stall the process (no ReDoS). An invalid pattern raises
    ``ValueError``. Returns ``value``.
    """
    if not isinstance(pattern, str):
        raise TypeError(f"pattern must be str, not {type(pattern).__name__}")
    compiled = _compile(pattern)
    if not compiled.is_match(_require_str(value, "the value")):
        raise ValidationError(f"does not match the pattern {pattern!r}")
    return value


def safe_join(base: str | os.PathLike[str], *parts: str) -> Path:
    """Join ``parts`` under the directory ``base``, refusing anything that would leave it.

    Refused with :class:`~cuirass.exceptions.ValidationError`: ``..`` components, absolute
    parts, NUL bytes, backslashes, and symbolic links (existing along the path) that lead outside
    ``base`` or nowhere. Returns the resolved path. ``base`` must exist
    (``FileNotFoundError`` otherwise).
    """
    for part in parts:
        if not isinstance(part, str):
            raise TypeError(f"path parts must be str, not {type(part).__name__}")
    return _native.safe_join(os.fspath(base), list(parts))


def safe_filename(name: str, *, max_length: int = 255) -> str:
    """Turn an untrusted file name (an upload's) into one that is safe to create.

    Path separators, ``..``, leading dots, control characters and shell metacharacters go;
    whitespace runs become ``_``; Windows device names (``CON``, ``LPT1``) get a ``_`` prefix;
    the result is cut to ``max_length`` bytes keeping the extension. Letters and digits of any
    script are kept. Raises :class:`~cuirass.exceptions.ValidationError` if nothing usable is
    left.

    >>> safe_filename("../../etc/passwd")
    'etc_passwd'
    """
    return _native.safe_filename(_require_str(name, "a file name"), max_length)


# --- Pydantic v2 ----------------------------------------------------------------------------

_PYDANTIC_TYPES = ("Username", "Email", "HttpsUrl", "SafeFilename", "SanitizedHtml")

if TYPE_CHECKING:
    # For type checkers the field types are plain `str`; at run time they carry validators.
    Username = str
    Email = str
    HttpsUrl = str
    SafeFilename = str
    SanitizedHtml = str


@functools.cache
def _pydantic_types() -> dict[str, Any]:
    try:
        from pydantic import AfterValidator
    except ImportError as error:  # pragma: no cover - exercised without pydantic installed
        raise ImportError(
            "the cuirass.validation field types need Pydantic v2: pip install 'cuirass[pydantic]'"
        ) from error
    validator: Callable[[Callable[..., Any]], Any] = AfterValidator
    return {
        "Username": Annotated[str, validator(username)],
        "Email": Annotated[str, validator(email)],
        "HttpsUrl": Annotated[str, validator(url)],
        "SafeFilename": Annotated[str, validator(safe_filename)],
        "SanitizedHtml": Annotated[str, validator(sanitize_html)],
    }


def __getattr__(name: str) -> Any:
    """Build the Pydantic field types on first use, so Pydantic stays optional."""
    if name in _PYDANTIC_TYPES:
        return _pydantic_types()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
