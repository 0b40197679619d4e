"""The one place secrets are masked, in every encoding a server or a library may echo them in.

A secret is any value of an environment variable whose name says it is one (``HOTPAPERS_*TOKEN*``,
``*PASSWORD*``, ``*SECRET*``, ``*KEY*``, and ``PGPASSWORD``; not an endpoint, ``HOTPAPERS_*_URL``, such as
``HOTPAPERS_REDDIT_TOKEN_URL``), of such a variable in the environment a collector is
given (``register_env``), and any value registered at run time (a session token, a database password:
``register``). Each is masked as ``***`` wherever it appears:

* raw;
* JSON-escaped (a request body echoed in an error: ``"pa\\"ss"``), with and without ``\\uXXXX`` escapes, and
  JSON-escaped twice (a body quoted inside another JSON string);
* URL-encoded (``%22``, ``+`` for a space, upper- or lower-case hex) and HTML-escaped;
* in base64, as in an HTTP Basic ``Authorization`` header (``base64(user:secret)``): the characters that encode
  only the secret are masked whatever precedes it (standard and URL-safe alphabets).

``redact`` is applied where text leaves hotpapers: every ``HotpapersError`` message when it is made (so printed
errors, run summaries and the collect table are clean), every log record (a record factory, so httpx's and
other libraries' records too, tracebacks included), the ``runs`` table, and each line of an export.

Secrets shorter than ``MIN_LENGTH`` characters are not masked (masking ``abc`` everywhere would mangle every
output and hide nothing). A secret that itself contains ``***`` may not be masked completely.
"""

from __future__ import annotations

import base64
import html
import json
import logging
import os
import re
import threading
from collections.abc import Callable, Mapping
from functools import lru_cache
from urllib.parse import quote, quote_plus

__all__ = [
    "MASK",
    "MIN_LENGTH",
    "encodings",
    "redact",
    "redact_bytes",
    "redactor_for_bytes",
    "register",
    "register_env",
    "secret_names",
]

MASK = "***"
MIN_LENGTH = 6
_SECRET_NAME = re.compile(r"(?!\w*_URL\Z)HOTPAPERS_\w*(?:TOKEN|PASSWORD|PASSWD|SECRET|KEY|CREDENTIAL)\w*|PGPASSWORD")
_registered: set[str] = set()
_lock = threading.Lock()


def secret_names(env: Mapping[str, str]) -> list[str]:
    """The names in ``env`` that hold secrets."""
    return [name for name in env if _SECRET_NAME.fullmatch(name)]


def register(secret: str | None) -> None:
    """Mask ``secret`` from now on, in this process (a session token, a password read from a URL)."""
    if secret and len(secret) >= MIN_LENGTH:
        with _lock:
            _registered.add(secret)


def register_env(env: Mapping[str, str]) -> None:
    """Mask the secrets of an environment mapping (one given to a job instead of ``os.environ``)."""
    for name in secret_names(env):
        register(env[name])


def _text_forms(secret: str) -> set[str]:
    """``secret`` as JSON, URL and HTML writers write it (once each)."""

    def raw(text: str) -> str:
        return text

    def lower_hex(text: str) -> str:
        return re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), text)

    encoders: list[Callable[[str], str]] = [
        raw,
        lambda s: json.dumps(s, ensure_ascii=False)[1:-1],
        lambda s: json.dumps(s)[1:-1],
        lambda s: quote(s, safe=""),
        lambda s: lower_hex(quote(s, safe="")),
        lambda s: quote_plus(s, safe=""),
        quote,
        html.escape,
        lambda s: html.escape(s, quote=False),
    ]
    forms: set[str] = set()
    for encode in encoders:
        try:
            forms.add(encode(secret))
        except UnicodeEncodeError:  # a lone surrogate has no UTF-8 (so no URL) form
            continue
    return forms


def _base64_cores(data: bytes) -> set[str]:
    """The base64 characters that encode only ``data``, at each of the three alignments it may start at."""
    cores: set[str] = set()
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + data).decode()
        core = encoded[-(-8 * offset // 6) : 8 * (offset + len(data)) // 6]
        if len(core) >= MIN_LENGTH:
            cores.add(core)
            cores.add(core.replace("+", "-").replace("/", "_"))
    return cores


def encodings(secret: str) -> set[str]:
    """Every form of ``secret`` that ``redact`` masks (see the module docstring)."""
    forms = {twice for once in _text_forms(secret) for twice in _text_forms(once)}
    try:
        raw = secret.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: no byte form
        raw = secret.encode("utf-8", "surrogatepass")
    forms |= _base64_cores(raw)
    return {form for form in forms if len(form) >= MIN_LENGTH}


@lru_cache(maxsize=32)
def _pattern(secrets: frozenset[str]) -> re.Pattern[str] | None:
    forms = {form for secret in secrets for form in encodings(secret)}
    if not forms:
        return None
    return re.compile("|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True)))


@lru_cache(maxsize=32)
def _bytes_pattern(secrets: frozenset[str]) -> re.Pattern[bytes] | None:
    pattern = _pattern(secrets)
    if pattern is None:
        return None
    forms = sorted({form for secret in secrets for form in encodings(secret)}, key=len, reverse=True)
    return re.compile(b"|".join(re.escape(form.encode("utf-8", "surrogatepass")) for form in forms))


def _current(env: Mapping[str, str] | None = None) -> frozenset[str]:
    environ = os.environ if env is None else env
    found = {environ[name] for name in secret_names(environ) if len(environ[name]) >= MIN_LENGTH}
    with _lock:
        return frozenset(found | _registered)


def redact(text: str, env: Mapping[str, str] | None = None) -> str:
    """``text`` with every known secret, in every encoding, replaced by ``***``.

    Args:
        text: any text about to be shown, logged or stored.
        env: the environment to take secrets from, besides the registered ones (default ``os.environ``).
    """
    pattern = _pattern(_current(env))
    return text if pattern is None or not text else pattern.sub(MASK, text)


def redact_bytes(data: bytes) -> bytes:
    """``redact`` for UTF-8 bytes (an export line)."""
    pattern = _bytes_pattern(_current())
    return data if pattern is None else pattern.sub(MASK.encode(), data)


def redactor_for_bytes() -> Callable[[bytes], bytes]:
    """A function redacting bytes with the secrets known now (for many lines: the look-up is done once)."""
    pattern = _bytes_pattern(_current())
    if pattern is None:
        return lambda data: data
    mask = MASK.encode()
    return lambda data: pattern.sub(mask, data)


# -- every log record, whoever logs it -------------------------------------------------------------------------

_previous_factory = logging.getLogRecordFactory()


def _redacting_factory(*args: object, **kwargs: object) -> logging.LogRecord:
    record = _previous_factory(*args, **kwargs)
    pattern = _pattern(_current())
    if pattern is None:
        return record
    try:
        message = record.getMessage()
    except (TypeError, ValueError):  # a bad format string: logging reports it when the record is handled
        return record
    clean = pattern.sub(MASK, message)
    if clean != message:
        record.msg, record.args = clean, ()
    if record.exc_info and record.exc_info[1] is not None:
        record.exc_text = pattern.sub(MASK, logging.Formatter().formatException(record.exc_info))
    return record


logging.setLogRecordFactory(_redacting_factory)
