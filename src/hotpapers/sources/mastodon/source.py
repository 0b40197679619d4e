"""The ``mastodon`` source: statuses linking arXiv on a list of Mastodon instances, and their engagement.

Configuration (environment, or the config file's ``[mastodon]`` table; see docs/sources/mastodon.md):

* ``HOTPAPERS_MASTODON_INSTANCES``: comma-separated base URLs (``https://sigmoid.social,https://mastodon.social``);
  without any the source is disabled. Listed first is read first, and a status seen on several instances is
  kept as the first one saw it.
* ``HOTPAPERS_MASTODON_TOKEN``: optional, an access token (``read:search`` / ``read:statuses``) of an account
  on the **first** instance; sent only to that instance, in a header. It enables full-text search there and
  the timelines of instances that require a login.
* ``HOTPAPERS_MASTODON_HASHTAGS``: hashtags whose timelines are read (default ``arxiv``).
* ``HOTPAPERS_MASTODON_MAX_PAGES``: pages of 40 per timeline (default 5).

On each instance, newest first, until a status older than the window's start:

1. ``GET /api/v1/timelines/tag/{hashtag}`` for each hashtag (``limit=40``, ``max_id`` from the ``Link`` header);
2. ``GET /api/v1/trends/statuses`` (the instance's trending statuses);
3. ``GET /api/v1/trends/links``; for each trending link to an arXiv paper, ``GET /api/v1/timelines/link?url=``
   (Mastodon >= 4.3: the statuses sharing a trending link);
4. with the token, on the first instance: ``GET /api/v2/search?q=arxiv.org&type=statuses`` (offset paging).

Statuses created in the window that link a paper are posts, each with its snapshot. An optional endpoint the
instance does not have (404, 410, 422: trends off, an older server, a link no longer trending) is skipped with
a log line; an instance that fails (unreachable, refusing) is skipped with a warning while the others go on,
and the source fails only when every instance failed.

Then the request's known posts not seen are refreshed on the instance whose page their url is: 20 at a time
with ``GET /api/v1/statuses?id[]=`` (Mastodon >= 4.3; statuses it omits are ``PostGone``), or one by one with
``GET /api/v1/statuses/{id}`` on an older server (404: ``PostGone``). ``X-RateLimit-Remaining`` /
``X-RateLimit-Reset`` (an ISO time) are read from every response and a spent window is waited out.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Generator, Iterator, Sequence
from urllib.parse import parse_qs, urlsplit

import httpx

from hotpapers.bounds import read_instant
from hotpapers.errors import APIError, HotpapersError, NetworkError, ParseError
from hotpapers.http import check_status, error_message, naming_request, redact_url, request
from hotpapers.links import resolve_url
from hotpapers.models import Post, PostGone
from hotpapers.plugins import CollectRequest, SourceContext, SourceOutput, SourceStatus
from hotpapers.sources._base import HeaderRateLimit, env_count, env_list, origin
from hotpapers.sources.mastodon.parse import (
    PLATFORM,
    StatusPage,
    parse_search,
    parse_status,
    parse_statuses,
    parse_trending_links,
    status_location,
)

__all__ = ["LOOKUP_BATCH", "PAGE_SIZE", "MastodonSource"]

log = logging.getLogger(__name__)

PAGE_SIZE = 40  # the largest limit of timelines, trends and search
TRENDING_LINKS = 20  # the largest limit of /api/v1/trends/links
LOOKUP_BATCH = 20  # ids per GET /api/v1/statuses?id[]=
DEFAULT_HASHTAGS = ("arxiv",)
DEFAULT_MAX_PAGES = 5
SEARCH_QUERY = "arxiv.org"
_MISSING = frozenset({404, 410, 422})  # an endpoint (or a link timeline) this instance does not serve
_DOCS = "see docs/sources/mastodon.md"


def _iso_reset(value: str, now: dt.datetime) -> dt.datetime | None:
    """Mastodon's ``X-RateLimit-Reset``: the ISO 8601 time the window resets."""
    return read_instant(value)


class _Missing(Exception):
    """An optional endpoint this instance does not serve."""


class _Bearer(httpx.Auth):
    """Adds the token to requests for its own instance only."""

    def __init__(self, instance: str, token: str) -> None:
        self._origin = origin(instance)
        self._header = f"Bearer {token}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if origin(str(request.url)) == self._origin:
            request.headers["Authorization"] = self._header
        yield request

    def __repr__(self) -> str:
        return "_Bearer('***')"


class MastodonSource:
    """Statuses linking arXiv on the instances of ``HOTPAPERS_MASTODON_INSTANCES``."""

    name = PLATFORM

    def __init__(self, context: SourceContext) -> None:
        env = context.env
        self._context = context
        self._instances = tuple(i.rstrip("/") for i in env_list(env, "HOTPAPERS_MASTODON_INSTANCES", ()))
        self._hashtags = tuple(t.lstrip("#") for t in env_list(env, "HOTPAPERS_MASTODON_HASHTAGS", DEFAULT_HASHTAGS))
        self._max_pages, self._problem = env_count(env, "HOTPAPERS_MASTODON_MAX_PAGES", DEFAULT_MAX_PAGES)
        self._token = env.get("HOTPAPERS_MASTODON_TOKEN", "").strip()
        bad = [i for i in self._instances if not i.startswith(("https://", "http://")) or not urlsplit(i).hostname
               or urlsplit(i).path not in ("", "/")]
        tags = [t for t in self._hashtags if not t.replace("_", "").isalnum()]
        if bad:
            self._problem = f"HOTPAPERS_MASTODON_INSTANCES: {redact_url(bad[0])!r} is not a base URL (https://host)"
        elif tags:
            self._problem = f"HOTPAPERS_MASTODON_HASHTAGS: {tags[0]!r} is not a hashtag"
        self._limits: dict[str, HeaderRateLimit] = {}
        if self.status().enabled:
            if self._token:
                context.http.auth = _Bearer(self._instances[0], self._token)
            context.http.event_hooks["response"].append(self._observe)

    def status(self) -> SourceStatus:
        """Enabled with at least one instance; says which, and whether search is on."""
        if not self._instances:
            return SourceStatus(False, "set HOTPAPERS_MASTODON_INSTANCES to the base URLs of Mastodon instances, "
                                       f"e.g. https://sigmoid.social,https://mastodon.social ({_DOCS})")
        if self._problem:
            return SourceStatus(False, self._problem)
        search = (f"search on {self._instances[0]}" if self._token
                  else "no search (set HOTPAPERS_MASTODON_TOKEN to search the first instance)")
        tags = ", ".join(f"#{t}" for t in self._hashtags)
        return SourceStatus(True, f"{', '.join(self._instances)}: {tags}, trends; {search}")

    def collect(self, request: CollectRequest) -> Iterator[SourceOutput]:
        """Yield the window's statuses linking arXiv with snapshots, then refresh the known ones not seen.

        Raises:
            NetworkError, APIError, ParseError: every instance failed (the last failure is raised).
        """
        if not self.status().enabled:
            return
        seen: set[str] = set()
        failures: list[HotpapersError] = []
        for index, instance in enumerate(self._instances):
            try:
                yield from self._instance(instance, index == 0 and bool(self._token), request, seen)
            except (NetworkError, ParseError) as e:  # APIError is a NetworkError
                log.warning("mastodon: %s skipped: %s", instance, e)
                failures.append(e)
        if len(failures) == len(self._instances):
            raise failures[-1]
        yield from self._refresh([p for p in request.known_posts if p.platform == PLATFORM and p.post_id not in seen])

    # -- reading an instance ---------------------------------------------------------------------------------

    def _instance(self, instance: str, search: bool, request: CollectRequest,
                  seen: set[str]) -> Iterator[SourceOutput]:
        for tag in self._hashtags:
            yield from self._timeline(instance, f"/api/v1/timelines/tag/{tag}", {}, request, seen)
        try:
            yield from self._trending(instance, request, seen)
        except _Missing:
            log.info("mastodon: %s serves no trending statuses; skipped", instance)
        try:
            links = self._trending_links(instance)
        except _Missing:
            log.info("mastodon: %s serves no trending links; skipped", instance)
            links = ()
        for url in links:
            try:
                yield from self._timeline(instance, "/api/v1/timelines/link", {"url": url}, request, seen)
            except _Missing:
                log.info("mastodon: %s serves no link timeline for %s; skipped", instance, url)
        if search:
            try:
                yield from self._search(instance, request, seen)
            except _Missing:
                log.info("mastodon: %s serves no status search; skipped", instance)

    def _timeline(self, instance: str, path: str, params: dict[str, str], request: CollectRequest,
                  seen: set[str]) -> Iterator[SourceOutput]:
        query: dict[str, str | int] = {**params, "limit": PAGE_SIZE}
        for _ in range(self._max_pages):
            response = self._get(instance, path, query)
            with naming_request(response):
                page = parse_statuses(response.content, self._context.now(), instance)
            yield from self._keep(page, request, seen, f"{instance}{path}")
            oldest = min((s.created_at for s in page.statuses), default=None)
            next_id = _next_max_id(response)
            if oldest is None or oldest < request.start or next_id is None:
                return
            query["max_id"] = next_id
        log.warning("mastodon: %s%s: stopped after %d pages of %d; older statuses of the window were not read "
                    "(HOTPAPERS_MASTODON_MAX_PAGES)", instance, path, self._max_pages, PAGE_SIZE)

    def _trending(self, instance: str, request: CollectRequest, seen: set[str]) -> Iterator[SourceOutput]:
        response = self._get(instance, "/api/v1/trends/statuses", {"limit": PAGE_SIZE})
        with naming_request(response):
            page = parse_statuses(response.content, self._context.now(), instance)
        yield from self._keep(page, request, seen, f"{instance}/api/v1/trends/statuses")

    def _trending_links(self, instance: str) -> tuple[str, ...]:
        response = self._get(instance, "/api/v1/trends/links", {"limit": TRENDING_LINKS})
        with naming_request(response):
            urls = parse_trending_links(response.content)
        return tuple(u for u in urls if resolve_url(u) is not None)

    def _search(self, instance: str, request: CollectRequest, seen: set[str]) -> Iterator[SourceOutput]:
        for number in range(self._max_pages):
            params: dict[str, str | int] = {"q": SEARCH_QUERY, "type": "statuses", "limit": PAGE_SIZE,
                                            "offset": number * PAGE_SIZE}
            response = self._get(instance, "/api/v2/search", params)
            with naming_request(response):
                page = parse_search(response.content, self._context.now(), instance)
            yield from self._keep(page, request, seen, f"{instance}/api/v2/search")
            if len(page.statuses) + len(page.skipped) < PAGE_SIZE:
                return

    def _keep(self, page: StatusPage, request: CollectRequest, seen: set[str], where: str) -> Iterator[SourceOutput]:
        """The page's statuses of the window that link a paper and were not yielded before, each with its snapshot."""
        for reason in page.skipped:
            log.warning("mastodon: skipped status %s of %s", reason, where)
        for status in page.statuses:
            post = status.post
            if post is not None and post.post_id not in seen and request.start <= status.created_at < request.end:
                seen.add(post.post_id)
                yield post
                yield status.snapshot

    # -- refreshing known statuses -----------------------------------------------------------------------------

    def _refresh(self, known: Sequence[Post]) -> Iterator[SourceOutput]:
        hosts = {urlsplit(i).netloc.lower(): i for i in self._instances}
        by_instance: dict[str, list[tuple[str, str]]] = defaultdict(list)
        unreachable = 0
        for post in known:
            location = status_location(post.url, hosts)
            if location is None:
                unreachable += 1
            else:
                by_instance[location[0]].append((location[1], post.post_id))
        if unreachable:
            log.info("mastodon: %d known statuses are on instances no longer listed; not refreshed", unreachable)
        for instance, items in by_instance.items():
            try:
                yield from self._refresh_on(instance, items)
            except (NetworkError, ParseError) as e:
                log.warning("mastodon: could not refresh %d statuses on %s: %s", len(items), instance, e)

    def _refresh_on(self, instance: str, items: Sequence[tuple[str, str]]) -> Iterator[SourceOutput]:
        for start in range(0, len(items), LOOKUP_BATCH):
            batch = items[start : start + LOOKUP_BATCH]
            try:
                yield from self._refresh_batch(instance, batch)
            except _Missing:  # an instance older than 4.3: one status per request
                for local_id, uri in items[start:]:
                    yield from self._refresh_one(instance, local_id, uri)
                return

    def _refresh_batch(self, instance: str, batch: Sequence[tuple[str, str]]) -> Iterator[SourceOutput]:
        query = "&".join(f"id[]={local_id}" for local_id, _ in batch)
        response = self._get(instance, f"/api/v1/statuses?{query}", None)
        now = self._context.now()
        with naming_request(response):
            page = parse_statuses(response.content, now, instance)
        found = {status.snapshot.post_id: status.snapshot for status in page.statuses}
        for _, uri in batch:
            snapshot = found.get(uri)
            yield snapshot if snapshot is not None else PostGone(PLATFORM, uri, now, "not returned by the instance")

    def _refresh_one(self, instance: str, local_id: str, uri: str) -> Iterator[SourceOutput]:
        try:
            response = self._get(instance, f"/api/v1/statuses/{local_id}", None)
        except _Missing:
            yield PostGone(PLATFORM, uri, self._context.now(), "not found (deleted or not visible)")
            return
        with naming_request(response):
            status = parse_status(response.content, self._context.now(), instance)
        if status.snapshot.post_id == uri:
            yield status.snapshot

    # -- HTTP ----------------------------------------------------------------------------------------------------

    def _observe(self, response: httpx.Response) -> None:
        self._limit(origin(str(response.request.url))).observe(response)

    def _limit(self, instance: str) -> HeaderRateLimit:
        key = origin(instance)
        if key not in self._limits:
            self._limits[key] = HeaderRateLimit(f"Mastodon {urlsplit(key).netloc}", _iso_reset, self._context.now,
                                                self._context.sleep)
        return self._limits[key]

    def _get(self, instance: str, path: str, params: dict[str, str | int] | None) -> httpx.Response:
        """GET from an instance; ``_Missing`` for an optional endpoint it lacks, ``APIError`` for other errors."""
        response = request(self._context.http, "GET", f"{instance}{path}", params=params, policy=self._context.retry,
                           before_attempt=self._limit(instance).wait, what=f"Mastodon {urlsplit(instance).netloc}")
        if response.status_code in _MISSING and "/timelines/tag/" not in path:
            raise _Missing(path)
        if response.status_code < 400:
            return response
        said = error_message(response, ("error", "message"))
        if said and self._token:
            said = said.replace(self._token, "***")
        if response.status_code in (401, 403):
            hint = "the instance requires a login: set HOTPAPERS_MASTODON_TOKEN" if not self._token else \
                "check HOTPAPERS_MASTODON_TOKEN"
            raise APIError(f"HTTP {response.status_code} from {redact_url(response.request.url)}: "
                           f"{said or 'refused'}; {hint} ({_DOCS})", status=response.status_code,
                           url=redact_url(response.request.url))
        check_status(response, said)
        return response  # pragma: no cover - check_status raised


def _next_max_id(response: httpx.Response) -> str | None:
    """The ``max_id`` of the ``Link: <...>; rel="next"`` header, if any."""
    link = response.links.get("next", {}).get("url")
    if not link:
        return None
    values = parse_qs(urlsplit(link).query).get("max_id")
    return values[0] if values else None
