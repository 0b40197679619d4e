"""The shared HTTP client factory and the one retrying request function every fetcher uses.

``make_client`` builds an ``httpx.Client`` with connect/read timeouts and a descriptive User-Agent
(``hotpapers/<version> (+https://github.com/hotpapers/hotpapers; mailto:<address>)``).

``request`` sends one request with retries (hynek/stamina) on timeouts, connection errors, HTTP 429 and
5xx, honouring ``Retry-After`` (seconds or an HTTP date, capped by ``RetryPolicy.max_retry_after``).
Other statuses are returned to the caller, who knows how to read the provider's error document;
``check_status`` turns them into ``APIError``. Retries are configuration: pass ``NO_RETRIES`` or call
``stamina.set_testing(True)`` in tests. A ``before_attempt`` callback runs before *every* attempt, so a
politeness throttle also spaces the retries.

``naming_request`` wraps the parsing of a response so that a ``ParseError`` names the request it came from.

Nothing here logs headers, and URLs in messages and logs go through ``redact_url`` (query parameters
that look like credentials and any user:password part are masked).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import orjson
import stamina

from hotpapers.errors import APIError, NetworkError, ParseError

__all__ = [
    "DEFAULT_TIMEOUT",
    "NO_RETRIES",
    "PROJECT_URL",
    "RETRY_STATUSES",
    "RetryPolicy",
    "RetryableStatusError",
    "Throttle",
    "check_status",
    "error_message",
    "make_client",
    "naming_request",
    "redact_url",
    "request",
    "user_agent",
]

log = logging.getLogger(__name__)


class _RedactHttpxUrls(logging.Filter):
    """httpx logs each request's full URL at INFO (shown by ``-v``); mask credentials in it like ours."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact_url(a) if isinstance(a, httpx.URL) else a for a in record.args)
        return True


logging.getLogger("httpx").addFilter(_RedactHttpxUrls())

PROJECT_URL = "https://github.com/hotpapers/hotpapers"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=30.0, pool=10.0)
_SECRET_PARAMS = ("key", "token", "secret", "password", "passwd", "auth", "signature", "sig", "session")
_TRANSIENT = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard ``request`` tries: attempts, total time budget and backoff bounds, in seconds."""

    attempts: int = 5
    timeout: float = 300.0
    wait_initial: float = 1.0
    wait_max: float = 60.0
    max_retry_after: float = 300.0
    enabled: bool = True


NO_RETRIES = RetryPolicy(enabled=False)
"""A policy that sends each request exactly once."""


class RetryableStatusError(APIError):
    """An HTTP status worth retrying (429, 5xx); raised as the final error once retries run out."""

    def __init__(self, message: str, *, status: int, url: str, retry_after: float | None) -> None:
        super().__init__(message, status=status, url=url)
        self.retry_after = retry_after


def _package_version() -> str:
    try:
        return version("hotpapers")
    except PackageNotFoundError:  # running from a source tree without installation
        return "0+unknown"


def user_agent(mailto: str | None = None) -> str:
    """Return the User-Agent hotpapers sends.

    Args:
        mailto: a contact address providers may use (arXiv asks API clients to identify themselves).

    Returns:
        ``hotpapers/<version> (+<project url>[; mailto:<address>])``.
    """
    contact = f"; mailto:{mailto.strip()}" if mailto and mailto.strip() else ""
    return f"hotpapers/{_package_version()} (+{PROJECT_URL}{contact})"


def make_client(
    *,
    mailto: str | None = None,
    timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    transport: httpx.BaseTransport | None = None,
    headers: Mapping[str, str] | None = None,
) -> httpx.Client:
    """Build the ``httpx.Client`` every hotpapers fetcher shares.

    Args:
        mailto: contact address put in the User-Agent.
        timeout: connect/read/write/pool timeouts.
        transport: a custom transport (``httpx.MockTransport`` in tests).
        headers: extra default headers (e.g. an API token; never logged).

    Returns:
        A client that follows redirects and identifies hotpapers. The caller closes it.
    """
    all_headers = {"User-Agent": user_agent(mailto), **(headers or {})}
    return httpx.Client(headers=all_headers, timeout=timeout, transport=transport, follow_redirects=True)


def redact_url(url: str | httpx.URL) -> str:
    """Return ``url`` with credential-looking query values and any userinfo replaced by ``***``.

    Args:
        url: the URL to show in a message or log line.

    Returns:
        The redacted URL as a string.
    """
    parts = urlsplit(str(url))
    netloc = parts.netloc.rsplit("@", 1)[-1] if "@" in parts.netloc else parts.netloc
    if "@" in parts.netloc:
        netloc = f"***@{netloc}"
    pairs = [
        (name, "***" if any(s in name.lower() for s in _SECRET_PARAMS) else value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    query = urlencode(pairs, safe=":/,*[]") if pairs else parts.query
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _parse_retry_after(value: str | None, cap: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date), capped; None if absent."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return min(float(text), cap)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, min((when - dt.datetime.now(dt.UTC)).total_seconds(), cap))


class _TransientError(NetworkError):
    """A timeout or connection failure (retried; the final one propagates as a ``NetworkError``)."""


def _backoff_hook(exc: Exception) -> bool | float:
    """Tell stamina whether to retry ``exc`` and, for a ``Retry-After``, how long to wait."""
    if isinstance(exc, RetryableStatusError):
        log.warning("HTTP %s from %s; retrying", exc.status, exc.url)
        return True if exc.retry_after is None else exc.retry_after
    if isinstance(exc, _TransientError):
        log.warning("%s; retrying", exc)
        return True
    return False


@dataclass(frozen=True, slots=True)
class _Extra:
    """What a request may add: headers, a JSON body, and which retryable answers to return at once instead."""

    headers: Mapping[str, str] | None = None
    json: Any = None
    give_up: Callable[[httpx.Response], bool] | None = None


def _attempt(
    client: httpx.Client,
    method: str,
    url: str,
    params: Mapping[str, str | int] | None,
    cap: float,
    extra: _Extra = _Extra(),  # a frozen dataclass: a safe shared default
) -> httpx.Response:
    """Send once; raise a retryable error for transient failures and retryable statuses."""
    try:
        response = client.request(method, url, params=params, headers=extra.headers, json=extra.json)
    except _TRANSIENT as e:
        raise _TransientError(f"{type(e).__name__} for {redact_url(url)}") from e
    except (httpx.HTTPError, httpx.InvalidURL) as e:
        raise NetworkError(f"{type(e).__name__} for {redact_url(url)}") from e  # e may quote secrets
    log.info("%s %s -> %s", method, redact_url(response.request.url), response.status_code)
    if response.status_code in RETRY_STATUSES and not (extra.give_up and extra.give_up(response)):
        shown = redact_url(response.request.url)
        raise RetryableStatusError(
            f"HTTP {response.status_code} from {shown}",
            status=response.status_code,
            url=shown,
            retry_after=_parse_retry_after(response.headers.get("Retry-After"), cap),
        )
    return response


def request(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    params: Mapping[str, str | int] | None = None,
    policy: RetryPolicy = RetryPolicy(),
    before_attempt: Callable[[], None] | None = None,
    headers: Mapping[str, str] | None = None,
    json: Any = None,
    give_up: Callable[[httpx.Response], bool] | None = None,
) -> httpx.Response:
    """Send a request, retrying transient failures, 429 and 5xx.

    Args:
        client: the client to send with (see ``make_client``).
        method: HTTP method.
        url: absolute URL.
        params: query parameters.
        policy: retry configuration; ``NO_RETRIES`` sends once.
        before_attempt: called before every attempt, retries included (a politeness throttle).
        headers: headers of this request alone (e.g. ``If-None-Match``), added to the client's.
        json: a body to send as JSON (e.g. the ids of a batch request).
        give_up: a 429 or 5xx answer for which this returns True is returned at once, not retried (e.g. a
            rate limit whose window resets in an hour: waiting would only spend the time budget).

    Returns:
        The response, whatever its status if that status is not retryable.

    Raises:
        APIError: a retryable status persisted after the retries (``status`` and ``url`` set).
        NetworkError: timeouts or connection failures persisted, or the request could not be sent.
    """
    attempts = policy.attempts if policy.enabled else 1
    for attempt in stamina.retry_context(
        on=_backoff_hook,
        attempts=attempts,
        timeout=policy.timeout,
        wait_initial=policy.wait_initial,
        wait_max=policy.wait_max,
    ):
        with attempt:
            if before_attempt is not None:
                before_attempt()
            return _attempt(client, method, url, params, policy.max_retry_after, _Extra(headers, json, give_up))
    raise AssertionError("unreachable: stamina re-raises the last error")  # pragma: no cover


def check_status(response: httpx.Response, message: str | None = None) -> None:
    """Raise ``APIError`` if ``response`` has an error status (>= 400).

    Args:
        response: a response returned by ``request``.
        message: what the provider said, if the caller could read it from the body.

    Raises:
        APIError: with ``status`` and the redacted ``url``.
    """
    if response.status_code < 400:
        return
    shown = redact_url(response.request.url)
    detail = f": {message}" if message else ""
    status = response.status_code
    raise APIError(f"HTTP {status} from {shown}{detail}", status=status, url=shown)


def error_message(response: httpx.Response, keys: Sequence[str] = ("message", "error")) -> str | None:
    """The first of ``keys`` found in a JSON error body, on one line (at most 200 characters), if any."""
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(body, dict):
        return None
    text = next((body[k] for k in keys if isinstance(body.get(k), str) and body[k].strip()), None)
    return " ".join(text.split())[:200] if text else None


@contextmanager
def naming_request(response: httpx.Response) -> Iterator[None]:
    """Re-raise a ``ParseError`` of the block with `` (from <redacted request URL>)`` appended.

    Raises:
        ParseError: the block's, naming the request.
    """
    try:
        yield
    except ParseError as e:
        raise ParseError(f"{e} (from {redact_url(response.request.url)})") from e


class Throttle:
    """Keeps successive calls at least ``delay`` seconds apart (on an injectable clock, in seconds).

    Pass ``throttle.wait`` as ``request(..., before_attempt=...)`` so that retries keep the spacing too.
    """

    def __init__(self, delay: float, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        self._delay = delay
        self._clock = clock
        self._sleep = sleep
        self._last: float | None = None

    def wait(self) -> None:
        """Sleep until ``delay`` seconds have passed since the previous call, then mark this one."""
        now = self._clock()
        if self._last is not None and now < self._last + self._delay:
            self._sleep(self._last + self._delay - now)
            now = max(self._clock(), self._last + self._delay)
        self._last = now
