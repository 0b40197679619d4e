"""The read API's routes (``/api/v1/…``) and the site's pages, as Starlette endpoints over a ``Reader``.

Each endpoint turns its request into a cache key and a function that computes the answer; ``Api.answer`` checks
the token, asks the store whether it changed, serves the kept answer or computes it in a worker thread, and answers
with its validators (``_http.respond``). docs/api.md is the user's description; ``_openapi.py`` the formal one.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from importlib import metadata
from typing import Any
from urllib.parse import quote, urlencode

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import Response

from hotpapers.serve import _data as data
from hotpapers.serve._documents import API, hit_document, paper_document
from hotpapers.serve._http import (
    ApiError,
    Encoded,
    FrontCache,
    ResponseCache,
    encode_json,
    headers_of,
    make,
    problem,
    respond,
)
from hotpapers.serve._params import FILTERS, PAGE, Filters, Page, Query, parse_day
from hotpapers.serve._reader import Published, Reader, ViewSpec

__all__ = ["Api", "Auth"]

log = logging.getLogger("hotpapers.serve")

_SITE_PAGES_KEPT = 512
_MEDIA = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml", ".xml": "application/xml", ".json": "application/json",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Auth:
    """The optional bearer token: asked for requests naming a ``profile``, or for every request when ``private``."""

    token: str | None
    private: bool = False

    def check(self, request: Request, *, profile: bool) -> bool:
        """Whether the answer is private (the token was asked for).

        Raises:
            ApiError: 401 when the token is needed and missing or wrong (RFC 6750).
        """
        if self.token is None or not (self.private or profile):
            return False
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not given:
            raise ApiError(401, "this needs the bearer token (Authorization: Bearer …)",
                           {"WWW-Authenticate": 'Bearer realm="hotpapers"'})  # fmt: skip
        if not hmac.compare_digest(given.strip().encode(), self.token.encode()):
            raise ApiError(401, "the bearer token is not the right one",
                           {"WWW-Authenticate": 'Bearer realm="hotpapers", error="invalid_token"'})  # fmt: skip
        return True


class Api:
    """The endpoints, sharing one reader and one cache."""

    def __init__(self, reader: Reader, *, auth: Auth, max_age: int, openapi: dict[str, Any]) -> None:
        self.reader = reader
        self.auth = auth
        self.max_age = max_age
        self.cache = ResponseCache()
        self.front = FrontCache()
        self.openapi = encode_json(openapi)
        self.started = dt.datetime.now(dt.UTC).timestamp()
        self._pages: OrderedDict[str, Encoded] = OrderedDict()

    # -- the common path -------------------------------------------------------------------------------------------

    async def answer(
        self, request: Request, key: Hashable, compute: Callable[[], Encoded], *, profile: bool = False,
        timeless: bool = True,
    ) -> Response:
        """Serve ``key``'s kept answer or compute it (in a worker thread), with validators; errors as problems.

        ``timeless``: the answer depends on the store alone (not on the clock), so ``FrontCache`` may send it again
        for as long as the store is unchanged."""
        head = request.method == "HEAD"
        try:
            private = self.auth.check(request, profile=profile)
            generation = self.reader.refresh()
            found = self.cache.get(generation, key)
            if found is None:
                found = await to_thread.run_sync(compute)
                self.cache.put(generation, key, found)
        except ApiError as e:
            return problem(e.status, e.detail, e.headers, head=head)
        except data.StoreError as e:
            log.error("store: %s", e)
            return problem(503, "the store cannot be read right now", {"Retry-After": "5"}, head=head)
        scope = "private" if private else "public"
        modified = self.cache.seen(key, found.etag)
        control, vary = f"{scope}, max-age={self.max_age}", "Authorization" if self.auth.token else None
        if timeless and not private:
            self.front.put((request.scope["path"], request.scope["query_string"]), generation,
                           headers_of(found, last_modified=modified, cache_control=control, vary=vary), found.body)
        return respond(request, found, last_modified=modified, cache_control=control, vary=vary)

    # -- the API ---------------------------------------------------------------------------------------------------

    async def openapi_document(self, request: Request) -> Response:
        """``GET /openapi.json``: the OpenAPI 3.1 description."""
        Query(request.query_params, frozenset())
        return respond(request, self.openapi, last_modified=self.started,
                       cache_control=f"public, max-age={self.max_age}")  # fmt: skip

    async def index(self, request: Request) -> Response:
        """``GET /api/v1``: what the API offers and the newest digest of each preset."""

        def compute() -> Encoded:
            Query(request.query_params, frozenset())
            latest = {}
            for preset in self.reader.presets():
                found = self.reader.latest(preset)
                latest[preset] = None if found is None else found.day.isoformat()
            return encode_json({
                "name": "hotpapers",
                "version": _version(),
                "dataset_schema_version": data.DATASET_VERSION,
                "default_preset": self.reader.preset,
                "presets": self.reader.presets(),
                "latest": latest,
                "links": {
                    "self": API, "openapi": "/openapi.json", "days": f"{API}/days", "latest": f"{API}/digests/latest",
                    "search": f"{API}/search", "rising": f"{API}/views/rising", "site": "/",
                },
            })  # fmt: skip

        return await self.answer(request, ("index", str(request.query_params)), compute)

    async def days(self, request: Request) -> Response:
        """``GET /api/v1/days``: the listing days in the store, newest first, each with its published presets."""
        query = Query(request.query_params, PAGE | {"preset"})
        only = query.text("preset")
        if only is not None:
            only = query.preset(only)
        page = query.page(required=True)
        assert page is not None

        def compute() -> Encoded:
            presets: dict[dt.date, list[str]] = {}
            for published in self.reader.index():
                presets.setdefault(published.day, []).append(published.preset)
            days = sorted(set(self.reader.announced_days()) | presets.keys(), reverse=True)
            if only is not None:
                days = [d for d in days if only in presets.get(d, [])]
            items = [{
                "date": day.isoformat(),
                "presets": presets.get(day, []),
                "links": {p: f"{API}/digests/{day.isoformat()}?preset={p}" for p in presets.get(day, [])},
            } for day in days[page.offset:page.offset + page.limit]]  # fmt: skip
            extra = {"preset": only} if only else {}
            return encode_json({"days": items, **_paging(f"{API}/days", page, len(days), extra)})

        return await self.answer(request, ("days", only, page), compute)

    async def digest(self, request: Request) -> Response:
        """``GET /api/v1/digests/{date}``: the published digest, as ``render --format json`` writes it."""
        text = request.path_params["date"]
        query = Query(request.query_params, PAGE | FILTERS | {"preset"})
        preset = query.preset(self.reader.preset)
        filters, page = query.filters(), query.page(required=False)

        def compute() -> Encoded:
            if filters.profile is not None:
                digest = self._profile_digest(text, filters.profile)
                if filters == Filters(profile=filters.profile) and page is None:
                    return make(data.render_json(digest), "application/json")
            else:
                digest = self.reader.digest(self._published(text, preset))
                if not filters and page is None:
                    return make(data.render_json(digest), "application/json")
            return _document(self._filtered(digest, filters), request.url.path, page, _kept(query))

        key = ("digest", text, preset, filters, page)
        return await self.answer(request, key, compute, profile=filters.profile is not None)

    def _published(self, text: str, preset: str) -> Published:
        if text == "latest":
            found = self.reader.latest(preset)
            if found is None:
                raise ApiError(404, f"no digest is published with preset {preset!r}")
            return found
        day = parse_day(text)
        found = None if day is None else self.reader.published(day, preset)
        if found is None:
            others = sorted(p.preset for p in self.reader.index() if p.day == day)
            hint = f" (published with: {', '.join(others)})" if others else ""
            raise ApiError(404, f"no digest of {text[:40]!r} is published with preset {preset!r}{hint}")
        return found

    def _profile_digest(self, text: str, profile: str) -> data.Digest:
        """The digest ``profile`` published for the day ``text`` (or its newest), as ``render --profile`` wrote it."""
        day = None if text == "latest" else parse_day(text)
        if day is None and text != "latest":
            raise ApiError(404, f"no digest of {text[:40]!r} is published for profile {profile[:60]!r}")
        found = self.reader.profile_digest(profile, day)
        if found is None:
            what = "no digest" if day is None else f"no digest of {day.isoformat()}"
            raise ApiError(404, f"profile: {what} is published for profile {profile[:60]!r}")
        return found

    def _filtered(self, digest: data.Digest, filters: Filters) -> data.Digest:
        """The digest narrowed to the filters' categories, keywords and code (a profile was chosen before)."""
        return data.filter_papers(digest, categories=filters.categories, keywords=filters.keywords,
                                  code=filters.has_code)  # fmt: skip

    async def view(self, request: Request) -> Response:
        """``GET /api/v1/views/{week/D, month/M, range, rising}``: a roll-up or ``rising``, ranked fresh."""
        kind = request.url.path.removeprefix(f"{API}/views/").split("/")[0]
        extra = {"range": {"from", "to"}, "rising": {"hours", "date", "from", "to", "week"}}.get(kind, set())
        query = Query(request.query_params, PAGE | FILTERS | {"preset"} | extra)
        preset = query.preset(self.reader.preset)
        filters, page = query.filters(), query.page(required=False)
        spec = _view_spec(kind, request.path_params.get("value", ""), query)
        now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
        closed = spec.span is not None and spec.kind != "rising" and spec.span.window()[1] <= now
        if closed:
            assert spec.span is not None
            now = spec.span.window()[1]  # a closed window ranks the same whenever it is asked for

        if filters.profile is not None:
            raise ApiError(400, "profile: views are ranked for everyone; a profile's ranking is served by "
                                "/api/v1/digests/{date}?profile=NAME")

        def compute() -> Encoded:
            try:
                digest = self.reader.view(spec, preset=preset, now=now)
            except data.UsageError as e:
                raise ApiError(404, str(e)) from None
            return _document(self._filtered(digest, filters), request.url.path, page, _kept(query))

        key = ("view", spec, preset, now, filters, page)
        return await self.answer(request, key, compute, profile=filters.profile is not None, timeless=closed)

    async def paper(self, request: Request) -> Response:
        """``GET /api/v1/papers/{id}``: the paper with its posts, their engagement history and its rankings."""
        text = request.path_params["arxiv_id"]
        Query(request.query_params, frozenset())

        def compute() -> Encoded:
            arxiv_id = data.canonical_paper_id(text)
            view = None if arxiv_id is None else self.reader.paper(arxiv_id)
            if view is None:
                raise ApiError(404, f"no paper {text[:60]!r} is in the store")
            return encode_json(paper_document(view))

        return await self.answer(request, ("paper", text), compute)

    async def search(self, request: Request) -> Response:
        """``GET /api/v1/search?q=…``: papers listed in published digests, best match first."""
        query = Query(request.query_params, PAGE | {"q", "category", "has_code", "preset"})
        words = (query.text("q") or "").strip()
        if not words:
            raise ApiError(400, "q: give the words to search for")
        categories, code = query.texts("category"), query.flag("has_code")
        named = query.text("preset")
        preset = None if named is None else query.preset(named)
        page = query.page(required=True)
        assert page is not None

        def compute() -> Encoded:
            hits = self.reader.search(words[:500], categories=categories, code=code, preset=preset)
            results = [hit_document(hit) for hit in hits[page.offset:page.offset + page.limit]]
            return encode_json({"query": words, "results": results,
                                **_paging(f"{API}/search", page, len(hits), _kept(query))})  # fmt: skip

        return await self.answer(request, ("search", words, categories, code, preset, page), compute)

    async def api_missing(self, request: Request) -> Response:
        """Any other path under ``/api``: a JSON 404."""
        detail = f"no such route: {request.url.path[:100]} (see /openapi.json)"
        return problem(404, detail, head=request.method == "HEAD")

    # -- the site --------------------------------------------------------------------------------------------------

    async def site(self, request: Request) -> Response:
        """The static site's pages, rendered from the store on request (as ``hotpapers site build`` writes them)."""
        path = request.path_params.get("path", "")
        path = path + "index.html" if path == "" or path.endswith("/") else path

        def compute() -> Encoded:
            pages = self.reader.site()
            key = None if any(part.startswith(".") for part in path.split("/")) else pages.key(path)
            if key is None:
                raise _PageMissing(self._page(pages, "404.html"))
            return self._page(pages, path)

        try:
            return await self.answer(request, ("site", path), compute)
        except _PageMissing as missing:
            return respond(request, missing.page, last_modified=self.started,
                           cache_control="no-store", status=404)  # fmt: skip

    def _page(self, pages: data.SitePages, path: str) -> Encoded:
        """A page's bytes, kept by its key (equal keys, equal bytes) across changes of the store."""
        key = pages.key(path)
        assert key is not None
        with self.reader.lock:  # worker threads share the kept pages
            found = self._pages.get(key)
            if found is None:
                suffix = path[path.rfind("."):] if "." in path else ""
                found = make(self.reader.render_page(pages, path), _MEDIA.get(suffix, "application/octet-stream"))
                self._pages[key] = found
                while len(self._pages) > _SITE_PAGES_KEPT:
                    self._pages.popitem(last=False)
            return found


class _PageMissing(Exception):
    """The site has no such page: answer its 404 page."""

    def __init__(self, page: Encoded) -> None:
        super().__init__("missing page")
        self.page = page


# -- helpers ------------------------------------------------------------------------------------------------------


def _version() -> str:
    try:
        return metadata.version("hotpapers")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def _kept(query: Query) -> dict[str, Any]:
    """The request's parameters other than the page's, for the links to other pages."""
    return {k: query.params.getlist(k) for k in query.params if k not in PAGE}


def _url(path: str, params: dict[str, Any]) -> str:
    encoded = urlencode(params, doseq=True)
    return f"{quote(path)}?{encoded}" if encoded else quote(path)


def _paging(path: str, page: Page, total: int, kept: dict[str, Any]) -> dict[str, Any]:
    """``total``, ``limit``, ``offset`` and the ``links`` (self, first, prev, next) of a page of a list."""

    def at(offset: int) -> str:
        return _url(path, {**kept, "limit": page.limit, "offset": offset})

    links = {"self": at(page.offset), "first": at(0), "prev": None, "next": None}
    if page.offset > 0:
        links["prev"] = at(max(0, page.offset - page.limit))
    if page.offset + page.limit < total:
        links["next"] = at(page.offset + page.limit)
    return {"total": total, "limit": page.limit, "offset": page.offset, "links": links}


def _document(digest: data.Digest, path: str, page: Page | None, kept: dict[str, Any]) -> Encoded:
    """A digest in the dataset's shape; with a page, only its papers, and a ``Link`` header to the others."""
    document = data.digest_dataset(digest)
    if page is None:
        return encode_json(document)
    total = len(document["papers"])
    document["papers"] = document["papers"][page.offset:page.offset + page.limit]
    links = _paging(path, page, total, kept)["links"]
    header = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items() if url and rel != "self")
    return encode_json(document, (("Link", header), ("X-Total-Count", str(total))))


def _view_spec(kind: str, value: str, query: Query) -> ViewSpec:
    """The view a request names (a week's or month's path value, or the range in the query)."""
    try:
        if kind == "week":
            day = parse_day(value)
            if day is None:
                raise ApiError(404, f"no week of {value[:40]!r}: give a date YYYY-MM-DD")
            return ViewSpec("week", _supported(data.week_range(day)))
        if kind == "month":
            if len(value) != 7 or parse_day(value + "-01") is None:
                raise ApiError(404, f"no month {value[:40]!r}: give YYYY-MM")
            return ViewSpec("month", _supported(data.month_range(value)))
        if kind == "range":
            start, end = query.day("from"), query.day("to")
            if start is None or end is None:
                raise ApiError(400, "from, to: give both dates")
            return ViewSpec("range", _range(start, end))
        hours = query.number("hours", 24.0, least=0, most=24 * 366)
        return ViewSpec("rising", _rising_scope(query), hours)
    except data.UsageError as e:  # the library's words name no option of the command line, so they are the API's too
        raise ApiError(400, str(e)) from None


def _range(start: dt.date, end: dt.date) -> data.DateRange:
    """The range ``from`` .. ``to``; one that ends before it starts is a 400 naming both parameters."""
    if end < start:
        raise ApiError(400, f"to {end.isoformat()} is before from {start.isoformat()}")
    return data.date_range(start, end)


def _rising_scope(query: Query) -> data.DateRange | None:
    day, start, end, week = query.day("date"), query.day("from"), query.day("to"), query.day("week")
    given = [name for name, v in (("date", day), ("from/to", start or end), ("week", week)) if v is not None]
    if len(given) > 1:
        raise ApiError(400, f"give only one of date, from/to, week (got {' and '.join(given)})")
    if (start is None) != (end is None):
        raise ApiError(400, "from, to: give both dates")
    if day is not None:
        return data.date_range(day, day)
    if start is not None and end is not None:
        return _range(start, end)
    return None if week is None else _supported(data.week_range(week))


def _supported(span: data.DateRange) -> data.DateRange:
    if span.start < data.FIRST_DAY or span.end > data.LAST_DAY:
        raise ApiError(404, f"{span.start.isoformat()} .. {span.end.isoformat()} is outside {data.DATE_RANGE}")
    return span
