"""X (API v2): posts linking arXiv found by recent search, then a metrics refresh of known posts by lookup.

Configuration comes from the environment (see ``docs/sources/x.md``):

* ``HOTPAPERS_X_BEARER_TOKEN``: an app-only bearer token; without it the source is disabled.
* ``HOTPAPERS_X_API_URL``: the API root (default ``https://api.x.com``); requests go to
  ``{root}/2/tweets/search/recent`` and ``{root}/2/tweets``.
* ``HOTPAPERS_X_MAX_READS_PER_RUN``, ``HOTPAPERS_X_MAX_READS_PER_DAY``, ``HOTPAPERS_X_PRICE_PER_READ``: the read
  budget (X bills every post read), see ``hotpapers.sources.x.budget``; ``HOTPAPERS_X_MAX_PAGES`` is its
  deprecated predecessor. The search stops, and the refresh skips the least important known posts, when the
  budget is spent, with a warning naming what was cut; the run summary shows the reads and their estimated cost.

``collect`` searches ``url:"arxiv.org" -is:retweet`` over the request's window, clamped to what recent
search covers (the last 7 days, ending at least 10 seconds before the request), page by page with
``next_token``, and yields each post linking arXiv followed by its snapshot, and the profile of each author
(``includes.users``: followers, account creation; once per account and run). Then it looks up the known posts of
the request that the search did not return, in the request's order (most important first), 100 ids per request:
a snapshot for each one X returns, a ``PostGone`` for each one X reports deleted or not visible, and the authors'
profiles.

The token is sent as ``Authorization: Bearer ...`` by an ``httpx.Auth`` on this source's client: never in a
URL, a log line or an error message, and not forwarded on a redirect to another host. Transient failures
(timeouts, 5xx) are retried by ``hotpapers.http.request`` under the context's ``RetryPolicy``. Rate limits
are X's own: every response carries ``x-rate-limit-remaining`` and ``x-rate-limit-reset`` (epoch seconds);
after a 429, or when a response says no requests remain, the next request first waits (``context.sleep``)
until the window resets (a 429 without ``x-rate-limit-reset`` waits its ``Retry-After``, else a minute),
unless that is more than 15 minutes away, which is an ``APIError`` saying when
to try again. A 429 for an exhausted usage cap is an ``APIError`` at once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from typing import Any

import httpx
import orjson

from hotpapers.errors import APIError
from hotpapers.http import (
    RetryableStatusError,
    _parse_retry_after,
    check_status,
    naming_request,
    redact_url,
    request,
)
from hotpapers.models import AccountProfile, Record
from hotpapers.plugins import CollectRequest, SourceContext, SourceOutput, SourceStatus
from hotpapers.sources.x.budget import (
    MIN_SEARCH_PAGE,
    ReadBudget,
    budget_from_env,
    budget_summary,
    returned_posts,
)
from hotpapers.sources.x.parse import PLATFORM, XPage, parse_lookup, parse_search_page

__all__ = ["DEFAULT_API_URL", "DEFAULT_MAX_PAGES", "LOOKUP_BATCH", "QUERY", "XSource"]

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.x.com"
DEFAULT_MAX_PAGES = 20  # deprecated with HOTPAPERS_X_MAX_PAGES: see hotpapers.sources.x.budget
LOOKUP_BATCH = 100
QUERY = 'url:"arxiv.org" -is:retweet'
SEARCH_FIELDS = {
    "tweet.fields": "author_id,created_at,entities,lang,note_tweet,public_metrics,referenced_tweets",
    "expansions": "author_id",
    "user.fields": "created_at,public_metrics",
}
# The refresh also asks for the authors, so that an account's profile (followers, age) is observed again.
LOOKUP_FIELDS = {
    "tweet.fields": "public_metrics",
    "expansions": "author_id",
    "user.fields": "created_at,public_metrics",
}
MAX_RATE_LIMIT_WAIT = dt.timedelta(minutes=15)
_SEARCH_HORIZON = dt.timedelta(days=7) - dt.timedelta(minutes=1)  # a minute of slack for clock skew
_SEARCH_END_LAG = dt.timedelta(seconds=30)  # X wants end_time at least 10 s before the request
_DEFAULT_429_WAIT = dt.timedelta(seconds=60)  # a 429 without x-rate-limit-reset or Retry-After
_RETRY_AFTER_CAP = 86_400.0  # longer than MAX_RATE_LIMIT_WAIT: such a Retry-After is an APIError
_MAX_RATE_LIMITED = 3  # 429s in a row (each waited out) before giving up on a request
_DOCS = "see docs/sources/x.md"


class XSource:
    """Posts linking arXiv on X, and the engagement of known X posts (``HOTPAPERS_X_BEARER_TOKEN``)."""

    name = PLATFORM

    def __init__(self, context: SourceContext) -> None:
        self._context = context
        self._token = context.env.get("HOTPAPERS_X_BEARER_TOKEN", "").strip()
        self._root = context.env.get("HOTPAPERS_X_API_URL", "").strip().rstrip("/") or DEFAULT_API_URL
        self._budget, self._problem = budget_from_env(context.env)
        if not self._root.startswith(("http://", "https://")):
            self._problem = f"HOTPAPERS_X_API_URL must be an http(s) URL, got {redact_url(self._root)!r}"
        self._limit = _RateLimit(context.now, context.sleep)
        if self._token and not self._problem:
            context.http.auth = _BearerAuth(self._token)
            context.http.event_hooks["response"].append(self._limit.observe)

    def status(self) -> SourceStatus:
        """Enabled when a bearer token is set and the other settings are valid."""
        if not self._token:
            return SourceStatus(False, f"set HOTPAPERS_X_BEARER_TOKEN to an X API bearer token ({_DOCS})")
        if self._problem:
            return SourceStatus(False, self._problem)
        return SourceStatus(True, budget_summary(self._budget))

    def collect(self, request: CollectRequest) -> Iterator[SourceOutput]:
        """Yield the window's posts linking arXiv with their snapshots, then refresh the other known posts,
        within the read budget (with a ``Checkpoint`` of today's reads and a ``SourceUsage`` after each request).

        Raises:
            APIError: X refused the token or the request, or a rate limit resets too late to wait for.
            NetworkError: X could not be reached after retries.
            ParseError: X answered with an undocumented shape.
        """
        if not self.status().enabled:
            log.info("x: disabled: %s", self.status().reason)
            return
        seen: set[str] = set()
        profiled: set[str] = set()
        budget = ReadBudget(self._budget, self._context.now, self._context.state)
        if self._budget.deprecated_pages:
            log.warning("x: HOTPAPERS_X_MAX_PAGES is deprecated; set HOTPAPERS_X_MAX_READS_PER_RUN instead "
                        "(posts read per run; N pages = N x 100 posts)")
        window = self._window(request)
        if window is not None:
            for page, reads in self._search(*window, budget):
                for post, snapshot in zip(page.posts, page.snapshots, strict=True):
                    if post.post_id not in seen:
                        seen.add(post.post_id)
                        yield post
                        yield snapshot
                yield from _new_profiles(page.profiles, profiled)
                yield budget.spend(reads)
                yield budget.usage()
        known = [p.post_id for p in request.known_posts if p.platform == PLATFORM and p.post_id not in seen]
        yield from self._refresh_known(known, budget, profiled)
        yield budget.usage()
        log.info("x: %d posts linking arXiv found by search, %d other known posts looked up", len(seen), len(known))

    def _window(self, request: CollectRequest) -> tuple[dt.datetime, dt.datetime] | None:
        """The request's window clamped to what recent search covers; None if nothing of it is covered."""
        now = self._context.now()
        start, end = max(request.start, now - _SEARCH_HORIZON), min(request.end, now - _SEARCH_END_LAG)
        if start >= end:
            log.warning("x: recent search covers only the last 7 days; the window %s to %s is outside it, "
                        "so only known posts are refreshed", _rfc3339(request.start), _rfc3339(request.end))
            return None
        if start > request.start:
            log.warning("x: recent search covers only the last 7 days; searching from %s instead of %s",
                        _rfc3339(start), _rfc3339(request.start))
        return start, end

    def _search(self, start: dt.datetime, end: dt.datetime, budget: ReadBudget) -> Iterator[tuple[XPage, int]]:
        """Each search page with the number of posts it returned (billed), until the last page or the budget."""
        params: dict[str, str | int] = {
            "query": QUERY, "max_results": 100, "start_time": _rfc3339(start), "end_time": _rfc3339(end),
            **SEARCH_FIELDS,
        }
        pages = 0
        while True:
            allowed = budget.allowance()
            if allowed is not None and allowed < MIN_SEARCH_PAGE:
                _budget_cut_search(budget, pages, start)
                return
            params["max_results"] = 100 if allowed is None else min(100, allowed)
            response = self._get(f"{self._root}/2/tweets/search/recent", params)
            with naming_request(response):
                page = parse_search_page(response.content, self._context.now())
            pages += 1
            _log_skipped("search page", page.skipped)
            yield page, returned_posts(response.content)
            if page.next_token is None:
                return
            params["next_token"] = page.next_token

    def _refresh_known(
        self, known: Sequence[str], budget: ReadBudget, profiled: set[str]
    ) -> Iterator[SourceOutput]:
        """Look up ``known`` (most important first), 100 ids a request, as far as the budget allows."""
        start = 0
        while start < len(known):
            allowed = budget.allowance()
            if allowed == 0:
                log.warning("x: %d of %d known posts not refreshed (the least important ones): %s is spent",
                            len(known) - start, len(known), budget.limit_name())
                return
            size = LOOKUP_BATCH if allowed is None else min(LOOKUP_BATCH, allowed)
            records, reads = self._refresh(known[start : start + size], profiled)
            yield from records
            yield budget.spend(reads)
            yield budget.usage()
            start += size

    def _refresh(self, ids: Sequence[str], profiled: set[str]) -> tuple[list[Record], int]:
        """The snapshots, new authors' profiles and ``PostGone`` of one lookup, and the number of posts it returned
        (billed)."""
        response = self._get(f"{self._root}/2/tweets", {"ids": ",".join(ids), **LOOKUP_FIELDS})
        with naming_request(response):
            lookup = parse_lookup(response.content, self._context.now())
        _log_skipped("lookup", lookup.skipped)
        wanted = set(ids)
        gone = [g for g in lookup.gone if g.post_id in wanted]  # X names only what was asked
        profiles = list(_new_profiles(lookup.profiles, profiled))
        return [*lookup.snapshots, *profiles, *gone], returned_posts(response.content)

    def _get(self, url: str, params: Mapping[str, str | int]) -> httpx.Response:
        """GET with retries; 429s are waited out (see ``_RateLimit``), other errors become ``APIError``."""
        for _ in range(_MAX_RATE_LIMITED):
            try:
                response = request(self._context.http, "GET", url, params=params, policy=self._context.retry,
                                   before_attempt=self._limit.wait)
            except RetryableStatusError as e:
                if e.status == 429:
                    continue  # the next attempt waits for the reset the 429 announced
                raise
            self._check(response)
            return response
        raise APIError(f"X API answered HTTP 429 (rate limit) {_MAX_RATE_LIMITED} times in a row for "
                       f"{redact_url(url)}; try again later", status=429, url=redact_url(url))

    def _check(self, response: httpx.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        said = _problem(response.content, self._token)
        shown = redact_url(response.request.url)
        if status == 401:
            raise APIError(f"X API refused the bearer token (HTTP 401{said}); check HOTPAPERS_X_BEARER_TOKEN "
                           f"({_DOCS})", status=status, url=shown)
        if status == 403:
            raise APIError(f"X API refused the request (HTTP 403{said}); the token's app may lack access to "
                           f"recent search or tweet lookup ({_DOCS})", status=status, url=shown)
        check_status(response, said.removeprefix(": ") or None)


class _BearerAuth(httpx.Auth):
    """Adds ``Authorization: Bearer <token>`` to each request (httpx drops it on cross-origin redirects)."""

    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request

    def __repr__(self) -> str:
        return "_BearerAuth('***')"


class _RateLimit:
    """Reads X's ``x-rate-limit-*`` headers from every response; before a request, waits out a spent window."""

    def __init__(self, now: Callable[[], dt.datetime], sleep: Callable[[float], None]) -> None:
        self._now = now
        self._sleep = sleep
        self._until: dt.datetime | None = None
        self._capped: str | None = None

    def observe(self, response: httpx.Response) -> None:
        """Response hook: remember when the window resets if it is spent (a 429, or none remaining)."""
        reset = _epoch(response.headers.get("x-rate-limit-reset"))
        if response.status_code == 429:
            retry_after = _parse_retry_after(response.headers.get("Retry-After"), _RETRY_AFTER_CAP)
            wait = _DEFAULT_429_WAIT if retry_after is None else dt.timedelta(seconds=retry_after)
            self._until = reset or self._now() + wait
            response.read()
            if "usage-capped" in _problem_type(response.content):
                self._capped = f"X API usage cap exceeded (HTTP 429{_problem(response.content, '')}); " + _DOCS
        elif response.headers.get("x-rate-limit-remaining", "").strip() == "0":
            self._until = reset
        else:
            self._until = None

    def wait(self) -> None:
        """Before a request: sleep until the window resets, if it is spent.

        Raises:
            APIError: the usage cap is exhausted, or the window resets more than 15 minutes from now.
        """
        if self._capped:
            raise APIError(self._capped, status=429)
        until, self._until = self._until, None
        if until is None:
            return
        delay = (until - self._now()).total_seconds()
        if delay > MAX_RATE_LIMIT_WAIT.total_seconds():
            raise APIError(f"X API rate limit reached; it resets at {_rfc3339(until)} (in {delay / 60:.0f} min), "
                           f"later than hotpapers waits; try again then", status=429)
        log.warning("x: rate limit reached; waiting %.0f s until %s", max(delay, 0) + 1, _rfc3339(until))
        self._sleep(max(delay, 0.0) + 1.0)  # a second past the reset: X counts whole seconds


def _new_profiles(profiles: Sequence[AccountProfile], profiled: set[str]) -> Iterator[AccountProfile]:
    """Each account's profile once per run (the first observation of it)."""
    for profile in profiles:
        key = profile.handle.casefold()
        if key not in profiled:
            profiled.add(key)
            yield profile


def _rfc3339(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _epoch(value: str | None) -> dt.datetime | None:
    text = (value or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 11):
        return None
    return dt.datetime.fromtimestamp(int(text), dt.UTC)


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        obj = orjson.loads(body)
    except orjson.JSONDecodeError:
        return {}
    return obj if isinstance(obj, dict) else {}


def _problem_type(body: bytes) -> str:
    value = _json_object(body).get("type")
    return value if isinstance(value, str) else ""


def _problem(body: bytes, token: str) -> str:
    """": title: message: detail" from an X error document (one line, at most 300 characters, never the token)."""
    obj = _json_object(body)
    errors = obj.get("errors")
    first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
    parts = [obj.get("title"), first.get("message"), obj.get("detail")]
    said = ": ".join(dict.fromkeys(p.strip() for p in parts if isinstance(p, str) and p.strip()))
    said = " ".join(said.split())[:300]
    if token:
        said = said.replace(token, "***")
    return f": {said}" if said else ""


def _budget_cut_search(budget: ReadBudget, pages: int, start: dt.datetime) -> None:
    """The warning of a search the budget stopped: what it cut, and which limit."""
    if pages == 0:
        log.warning("x: the search was not run: %s is spent (%d read today)", budget.limit_name(), budget.day_reads)
    else:
        log.warning("x: search stopped after %d pages (%d posts read): %s is spent; the window's older posts, "
                    "back to %s, were not read", pages, budget.run_reads, budget.limit_name(), _rfc3339(start))


def _log_skipped(what: str, skipped: Sequence[str]) -> None:
    for line in skipped:
        log.warning("x: skipped in %s: %s", what, line)
