"""The shared HTTP client factory and the one retrying request function every fetcher uses.

``make_client`` builds an ``httpx.Client`` with timeouts (``timeout_from_seconds``: the one number a user
configures as ``HOTPAPERS_HTTP_TIMEOUT`` bounds connecting, each wait for data, sending and waiting for a pooled
connection, so a server that stalls costs at most that long per attempt) and a descriptive User-Agent
(``hotpapers/<version> (+https://github.com/hotpapers/hotpapers; mailto:<address>)``).

``request`` sends one request with retries (hynek/stamina) on timeouts, connection errors, HTTP 429 and
5xx, honouring ``Retry-After`` (seconds or an HTTP date, capped by ``RetryPolicy.max_retry_after``). Each retry
is announced by one WARNING line of hotpapers' own on the ``hotpapers.http`` logger, naming what was asked
(``what``, e.g. "arXiv RSS"), what went wrong, the retry's number and the wait: ``arXiv RSS unreachable
(ConnectError), retry 2/4 in 3 s``. (stamina's own ``stamina.retry_scheduled`` events carry the details; the
CLI shows them only with ``-v``.)
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
import functools
import logging
import math
import random
import ssl
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import orjson
import stamina
import stamina.instrumentation

from hotpapers.errors import APIError, NetworkError, ParseError


def _retry_details(details: stamina.instrumentation.RetryDetails) -> None:
    """stamina's retry event with its details in the message, at INFO: shown with ``-v`` only (every retry is
    already announced in one WARNING line of this module's own)."""
    logging.getLogger("stamina").info(
        "stamina.retry_scheduled: attempt %d failed with %r; waiting %.2f s (%.2f s waited so far)",
        details.retry_num, details.caused_by, details.wait_for, details.waited_so_far,
    )


# Replaces stamina's default hooks (a WARNING log line per retry, which would repeat this module's own line).
stamina.instrumentation.set_on_retry_hooks([_retry_details])

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
    "timeout_from_seconds",
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
MAX_CONNECT = 10.0  # seconds: a host that does not accept a connection in 10 s is down, whatever the timeout
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


def timeout_from_seconds(seconds: float | None) -> httpx.Timeout:
    """The client timeouts for a configured number of seconds (``HOTPAPERS_HTTP_TIMEOUT``).

    Args:
        seconds: the longest any one wait of a request may last (each wait for data, sending, waiting for a
            pooled connection; connecting waits at most ``MAX_CONNECT`` seconds, or ``seconds`` if less); None
            for ``DEFAULT_TIMEOUT``.

    Returns:
        An ``httpx.Timeout`` with every phase bounded by ``seconds``.

    Raises:
        ValueError: ``seconds`` is not a positive finite number.
    """
    if seconds is None:
        return DEFAULT_TIMEOUT
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(f"an HTTP timeout must be a positive number of seconds, got {seconds!r}")
    return httpx.Timeout(seconds, connect=min(seconds, MAX_CONNECT))


def make_client(
    *,
    mailto: str | None = None,
    timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
    transport: httpx.BaseTransport | None = None,
    headers: Mapping[str, str] | None = None,
) -> httpx.Client:
    """Build the ``httpx.Client`` every hotpapers fetcher shares.

    Args:
        mailto: contact address put in the User-Agent.
        timeout: connect/read/write/pool timeouts, or one number of seconds for all of them
            (``timeout_from_seconds``).
        transport: a custom transport (``httpx.MockTransport`` in tests).
        headers: extra default headers (e.g. an API token; never logged).

    Returns:
        A client that follows redirects and identifies hotpapers. The caller closes it.
    """
    all_headers = {"User-Agent": user_agent(mailto), **(headers or {})}
    bounds = timeout if isinstance(timeout, httpx.Timeout) else timeout_from_seconds(timeout)
    return httpx.Client(headers=all_headers, timeout=bounds, transport=transport, follow_redirects=True,
                        verify=_ssl_context())


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """The TLS context every client shares: httpx's default (certifi, or SSL_CERT_FILE / SSL_CERT_DIR), built once.

    Loading the CA bundle takes about 80 ms, and a run makes a client per source; the context is only read once
    built, so sharing it is safe.
    """
    return httpx.create_ssl_context()


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
        return True if exc.retry_after is None else exc.retry_after
    return isinstance(exc, _TransientError)


def _problem(exc: Exception) -> str:
    """What went wrong, in a few words, for the retry line."""
    if isinstance(exc, RetryableStatusError):
        return "is rate-limiting (HTTP 429)" if exc.status == 429 else f"answered HTTP {exc.status}"
    cause = exc.__cause__
    name = type(cause).__name__ if cause is not None else type(exc).__name__
    if isinstance(cause, httpx.TimeoutException):
        return f"timed out ({name})"
    if isinstance(cause, httpx.RemoteProtocolError):
        return f"broke off its answer ({name})"
    return f"unreachable ({name})"


def _seconds(wait: float) -> str:
    return f"{wait:.0f}" if wait >= 1 or wait == 0 else f"{wait:.1f}"


class _RetryReporter:
    """The ``on`` hook of one request: decides like ``_backoff_hook``, sets the wait, and logs one line per retry.

    The exponential backoff with jitter is computed here rather than by stamina (same formula, the policy's bounds),
    so that the line can say exactly how long the wait is. The last failure is not announced: it is raised.
    """

    def __init__(self, what: str, policy: RetryPolicy, attempts: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._what = what
        self._policy = policy
        self._retries = attempts - 1
        self._clock = clock
        self._started = clock()
        self._failures = 0

    def __call__(self, exc: Exception) -> bool | float:
        decision = _backoff_hook(exc)
        if decision is False:
            return False
        self._failures += 1
        retries = self._retries
        wait = decision if not isinstance(decision, bool) else self._backoff()
        if self._failures <= retries and self._clock() - self._started + wait < self._policy.timeout:
            log.warning("%s %s, retry %d/%d in %s s", self._what, _problem(exc), self._failures, retries,
                        _seconds(wait))
        return wait

    def _backoff(self) -> float:
        policy = self._policy
        jitter = random.uniform(0, 1.0)  # noqa: S311 - jitter, not cryptography
        try:
            return min(policy.wait_max, policy.wait_initial * 2.0 ** (self._failures - 1) + jitter)
        except OverflowError:
            return policy.wait_max


@dataclass(frozen=True, slots=True)
class _Extra:
    """What a request may add: headers, a form or JSON body, its own auth, and which retryable answers to return
    at once instead."""

    headers: Mapping[str, str] | None = None
    data: Mapping[str, str] | None = None
    auth: httpx.Auth | None = None
    json: object = None
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
        response = client.request(method, url, params=params, headers=extra.headers, data=extra.data,
                                  json=extra.json,
                                  auth=httpx.USE_CLIENT_DEFAULT if extra.auth is None else extra.auth)
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
    what: str | None = None,
    data: Mapping[str, str] | None = None,
    auth: httpx.Auth | None = None,
    json: object = None,
    headers: Mapping[str, str] | None = None,
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
        what: what is asked, for the retry lines ("arXiv RSS"); default the URL's host.
        data: a form body (``application/x-www-form-urlencoded``), e.g. for an OAuth token request.
        auth: authentication for this request only (default: the client's).
        json: a JSON body, e.g. the ids of a batch request (never logged: it may hold a password).
        headers: headers of this request alone (e.g. ``If-None-Match``), added to the client's.
        give_up: a 429 or 5xx answer for which this returns True is returned at once, not retried (e.g. a
            rate limit whose window resets in an hour: waiting would only spend the time budget).

    Returns:
        The response, whatever its status if that status is not retryable.

    Raises:
        APIError: a retryable status persisted after the retries (``status`` and ``url`` set).
        NetworkError: timeouts or connection failures persisted, or the request could not be sent.
    """
    attempts = policy.attempts if policy.enabled else 1
    label = what or (urlsplit(url).hostname or "the server")
    for attempt in stamina.retry_context(
        on=_RetryReporter(label, policy, attempts),
        attempts=attempts,
        timeout=policy.timeout,
        wait_initial=policy.wait_initial,
        wait_max=policy.wait_max,
    ):
        with attempt:
            if before_attempt is not None:
                before_attempt()
            return _attempt(client, method, url, params, policy.max_retry_after,
                            _Extra(headers, data, auth, json, give_up))
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
