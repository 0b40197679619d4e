"""What the JSON sources share: settings from the environment, JSON and value checks for their parsers, HTML to
text, a waiter for ``X-RateLimit-*`` headers, and ``PublicJsonSource``, the skeleton of a source over a public API
that needs no credentials (Hacker News, Hugging Face).

Nothing here touches the store or writes files.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from typing import ClassVar, TypeVar
from urllib.parse import urlsplit

import httpx
import lxml.etree
import lxml.html
import orjson

from hotpapers.bounds import read_instant
from hotpapers.errors import APIError, ParseError
from hotpapers.http import Throttle, check_status, error_message, naming_request, redact_url, request
from hotpapers.plugins import SourceContext, SourceStatus

__all__ = [
    "HeaderRateLimit",
    "PublicJsonSource",
    "SkipError",
    "count",
    "env_count",
    "env_list",
    "env_url",
    "html_text",
    "load_json",
    "mapping",
    "origin",
    "read_each",
    "show",
    "string",
    "utc_from_iso",
    "utc_from_timestamp",
]

log = logging.getLogger(__name__)
T = TypeVar("T")


class SkipError(Exception):
    """One item of a page that cannot be read; the message says why (the item is skipped, the page kept)."""


def show(value: object) -> str:
    """A short one-line rendering of a JSON value for a message."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:37]}..."


def mapping(value: object) -> Mapping[str, object]:
    """``value`` if it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def string(data: Mapping[str, object], key: str) -> str:
    """``data[key]`` if it is a string, else ""."""
    value = data.get(key)
    return value if isinstance(value, str) else ""


def read_each(items: Sequence[object], read: Callable[[object], T], where: str) -> tuple[list[T], list[str]]:
    """Read every item of a page; one that cannot be read is skipped, as ``"<where>[<index>]: <why>"``.

    ``read`` raises ``SkipError`` (or ``ValueError``, from a record's own checks) for an unreadable item.
    """
    results: list[T] = []
    skipped: list[str] = []
    for index, item in enumerate(items):
        try:
            results.append(read(item))
        except (SkipError, ValueError) as e:
            skipped.append(f"{where}[{index}]: {e}")
    return results, skipped


def load_json(data: bytes, what: str) -> object:
    """Parse a response body.

    Raises:
        ParseError: the body is not JSON, naming ``what``.
    """
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as e:
        raise ParseError(f"{what}: not JSON: {e}") from e


def count(value: object) -> int | None:
    """A JSON count: a non-negative integer (also an integral float, or a digit string), else None."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        return None
    return int(value) if 0 <= value < 2**63 else None


def utc_from_timestamp(value: object, what: str) -> dt.datetime:
    """A UTC datetime from epoch seconds (int or float).

    Raises:
        SkipError: not a timestamp in range.
    """
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise SkipError(f"{what} {show(value)} is not a timestamp")
    try:
        return dt.datetime.fromtimestamp(value, dt.UTC)
    except (OverflowError, OSError, ValueError) as e:
        raise SkipError(f"{what} {show(value)} is out of range") from e


def utc_from_iso(value: object, what: str) -> dt.datetime:
    """A UTC datetime from an ISO 8601 string (``Z`` or an offset; a naive one is taken as UTC).

    Raises:
        SkipError: not an ISO 8601 date-time.
    """
    if not isinstance(value, str):
        raise SkipError(f"{what} {show(value)} is not a date")
    parsed = read_instant(value)
    if parsed is None:
        raise SkipError(f"{what} {show(value)} is not an ISO 8601 date a UTC clock can show")
    return parsed


def html_text(html: str) -> str:
    """The visible text of an HTML fragment (a Mastodon status), paragraphs and line breaks kept as newlines."""
    if not html.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return " ".join(html.split())
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for paragraph in root.iter("p"):
        paragraph.tail = "\n\n" + (paragraph.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return "\n".join(lines).strip()


def origin(url: str) -> str:
    """``scheme://host[:port]`` of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}"


def env_url(env: Mapping[str, str], name: str, default: str) -> tuple[str, str]:
    """(the URL without a trailing slash, a problem message or "") from ``name``."""
    url = env.get(name, "").strip().rstrip("/") or default
    if not url.startswith(("http://", "https://")) or not urlsplit(url).hostname:
        return default, f"{name} must be an http(s) URL, got {redact_url(url)!r}"
    return url, ""


def env_list(env: Mapping[str, str], name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    """A comma-separated list from ``name`` (blank items dropped, duplicates kept once), else ``default``."""
    text = env.get(name, "")
    items = tuple(dict.fromkeys(item.strip() for item in text.split(",") if item.strip()))
    return items or default


def env_count(env: Mapping[str, str], name: str, default: int, *, least: int = 1) -> tuple[int, str]:
    """(a whole number >= ``least``, a problem message or "") from ``name``."""
    text = env.get(name, "").strip()
    if not text:
        return default, ""
    if text.isascii() and text.isdigit() and len(text) <= 9 and int(text) >= least:
        return int(text), ""
    return default, f"{name} must be a whole number >= {least}, got {text!r}"


class HeaderRateLimit:
    """Reads a platform's ``X-RateLimit-Remaining`` / ``-Reset`` headers; before a request, waits out a spent window.

    ``reset_at(value, now)`` turns the platform's reset header into the time the window resets (Reddit sends
    seconds from now, Mastodon an ISO 8601 time). A 429 without a usable reset waits ``Retry-After``, else a
    minute. A window resetting later than ``max_wait`` is an ``APIError`` naming when to try again.
    """

    def __init__(
        self,
        what: str,
        reset_at: Callable[[str, dt.datetime], dt.datetime | None],
        now: Callable[[], dt.datetime],
        sleep: Callable[[float], None],
        max_wait: dt.timedelta = dt.timedelta(minutes=15),
    ) -> None:
        self._what = what
        self._reset_at = reset_at
        self._now = now
        self._sleep = sleep
        self._max_wait = max_wait
        self._until: dt.datetime | None = None

    def observe(self, response: httpx.Response) -> None:
        """Response hook: remember when the window resets if it is spent (a 429, or nothing remaining)."""
        now = self._now()
        reset_text = response.headers.get("x-ratelimit-reset", "").strip()
        reset = self._reset_at(reset_text, now) if reset_text else None
        remaining = _float(response.headers.get("x-ratelimit-remaining"))
        if response.status_code == 429:
            retry_after = _float(response.headers.get("retry-after"))
            fallback = now + dt.timedelta(seconds=60 if retry_after is None else retry_after)
            self._until = reset or fallback
        elif remaining is not None and remaining < 1:
            self._until = reset
        else:
            self._until = None

    def wait(self) -> None:
        """Before a request: sleep until the window resets, if it is spent.

        Raises:
            APIError: the window resets later than ``max_wait`` from now.
        """
        until, self._until = self._until, None
        if until is None:
            return
        delay = (until - self._now()).total_seconds()
        if delay > self._max_wait.total_seconds():
            raise APIError(f"{self._what} rate limit reached; it resets at {until:%Y-%m-%dT%H:%M:%SZ} "
                           f"(in {delay / 60:.0f} min), later than hotpapers waits; try again then", status=429)
        if delay > 0:
            log.warning("%s rate limit reached; waiting %.0f s until it resets", self._what, delay + 1)
            self._sleep(delay + 1.0)


def _float(value: str | None) -> float | None:
    try:
        number = float((value or "").strip())
    except ValueError:
        return None
    return number if math.isfinite(number) and number >= 0 else None


class PublicJsonSource:
    """The skeleton of a source over a public JSON API: no credentials, one base URL (``ENV_API_URL`` in the
    environment, else ``API_URL``), every request through ``hotpapers.http.request`` (retries, timeouts) and spaced
    ``MIN_INTERVAL`` seconds apart with ``SourceContext.sleep``; an error status is an ``APIError`` quoting the
    answer's ``ERROR_KEYS``, and an answer the parser refuses a ``ParseError`` naming the request.

    A subclass sets ``name`` and the four class attributes, and reads pages with ``_read``.
    """

    name: str
    API_URL: ClassVar[str]
    ENV_API_URL: ClassVar[str]
    MIN_INTERVAL: ClassVar[float]  # seconds between requests, from the API's documented rate limit
    ERROR_KEYS: ClassVar[tuple[str, ...]]  # where the API's error documents put their message

    def __init__(self, context: SourceContext) -> None:
        self._context = context
        self._base = context.env.get(self.ENV_API_URL, "").strip().rstrip("/") or self.API_URL
        self._throttle = Throttle(self.MIN_INTERVAL, lambda: context.now().timestamp(), context.sleep)

    def status(self) -> SourceStatus:
        """Always enabled: the API is public."""
        return SourceStatus(True)

    def _get(self, url: str, params: Mapping[str, str | int] | None = None) -> httpx.Response:
        """GET ``url`` (retried, throttled); the answer whatever its status."""
        return request(self._context.http, "GET", url, params=params, policy=self._context.retry,
                       before_attempt=self._throttle.wait)

    def _read(self, url: str, params: Mapping[str, str | int], parse: Callable[[bytes, dt.datetime], T]) -> T:
        """GET ``url`` and parse its body, observed now.

        Raises:
            NetworkError: no answer after the retries.
            APIError: an error status.
            ParseError: the parser refused the body (naming the request).
        """
        response = self._get(url, params)
        check_status(response, error_message(response, self.ERROR_KEYS))
        with naming_request(response):
            return parse(response.content, self._context.now())
