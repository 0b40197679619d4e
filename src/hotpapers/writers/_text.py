"""Small text helpers shared by the feed, JSON, Hugo and Jekyll writers (pure functions, no I/O).

Outside text may hold anything a JSON string can: lone UTF-16 surrogates (which UTF-8 cannot encode) and
control characters (which XML 1.0 forbids). :func:`scrub` makes any string encodable; :func:`xml_safe`
also drops what an XML document may not contain.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from hotpapers.errors import ConfigError
from hotpapers.writers._markup import http_url

__all__ = [
    "CATEGORY_RE",
    "DEFAULT_SITE_URL",
    "SITE_URL_ENV",
    "arxiv_categories",
    "one_line",
    "rfc3339",
    "score_text",
    "scrub",
    "site_url",
    "xml_safe",
]

SITE_URL_ENV = "HOTPAPERS_SITE_URL"
DEFAULT_SITE_URL = "https://example.invalid/"
CATEGORY_RE = re.compile(r"(?=[A-Za-z.-]{1,40}\Z)[a-z]+(?:-[a-z]+)*(?:\.[A-Za-z]+(?:-[A-Za-z]+)*)?")
"""An arXiv category code (``cs.LG``, ``hep-th``, ``q-bio.NC``, ``cond-mat.stat-mech``, old ``cmp-lg``): an archive
of lower-case words joined by ``-``, then optionally ``.`` and a subject class, at most 40 characters. Safe as a
path segment, in a URL, an XML attribute, a YAML scalar and a tag of any blog engine."""

_SURROGATE_RE = re.compile("[\ud800-\udfff]")
# XML 1.0 Char excludes C0 controls but tab, LF and CR, the surrogates, U+FFFE and U+FFFF; DEL and the C1
# controls are allowed but "discouraged", and never meant as text here, so they go too.
_XML_BAD_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def arxiv_categories(values: Iterable[str]) -> list[str]:
    """The values that are arXiv category codes (:data:`CATEGORY_RE`), in order, each once; the rest dropped.

    Outputs that name categories as data (front-matter tags, feed categories) use only these: a stored category
    is outside text (imported files can hold anything), and shown elsewhere only escaped, as text.
    """
    return list(dict.fromkeys(v for v in values if CATEGORY_RE.fullmatch(v)))


def scrub(text: str) -> str:
    """Replace each lone surrogate (not encodable as UTF-8) with U+FFFD; other text is returned unchanged."""
    return _SURROGATE_RE.sub("\ufffd", text) if _SURROGATE_RE.search(text) else text


def xml_safe(text: str) -> str:
    """Drop the characters an XML 1.0 document may not contain (and DEL and C1 controls)."""
    return _XML_BAD_RE.sub("", text)


def one_line(text: str) -> str:
    """``text`` with every run of whitespace (line breaks included) as one space, trimmed."""
    return " ".join(text.split())


def rfc3339(value: dt.datetime) -> str:
    """``value`` in UTC as RFC 3339 with ``Z`` and whole seconds: ``2021-04-20T00:43:48Z``."""
    return value.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def score_text(score: float) -> str:
    """A score for people: at most two decimals, no trailing zeros (``1391``, ``12.5``)."""
    return f"{score:.2f}".rstrip("0").rstrip(".")


def site_url(value: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """The public base URL of the published output, ending with ``/``.

    Args:
        value: an explicit URL (a writer's constructor argument); None to read the environment.
        env: where to read ``HOTPAPERS_SITE_URL`` (default ``os.environ``); unset or empty gives
            ``https://example.invalid/``.

    Raises:
        ConfigError: the URL is not an absolute http(s) URL.
    """
    if value is None:
        value = (os.environ if env is None else env).get(SITE_URL_ENV) or DEFAULT_SITE_URL
    checked = http_url(value)
    if checked is None or urlsplit(checked).hostname is None:
        raise ConfigError(f"{SITE_URL_ENV}={value!r}: not an absolute http(s) URL with a host")
    return checked if checked.endswith("/") else checked + "/"
