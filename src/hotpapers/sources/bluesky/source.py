"""Bluesky: post records and AppView views to ``Post`` records, and the AppView source (engagement, search).

New posts come from the Jetstream firehose (``hotpapers.sources.bluesky.jetstream``, ``hotpapers listen bluesky``);
this module holds what both paths share, how a post *record* (``app.bsky.feed.post``) becomes a ``Post``,
and the ``BlueskySource`` that refreshes engagement on the public AppView.

A record links an arXiv paper through (all resolved with ``hotpapers.links``):

* a link facet: ``facets[].features[]`` of ``$type`` ``app.bsky.richtext.facet#link``, its ``uri``;
* an external embed: ``embed.external.uri`` (``app.bsky.embed.external``), also as the media of
  ``app.bsky.embed.recordWithMedia``;
* a quoted record: ``embed.record.uri`` (``app.bsky.embed.record``) or ``embed.record.record.uri``
  (``recordWithMedia``). A record only names the quoted post, so its links come from the caller: the
  AppView's ``embed.record#viewRecord`` (its ``value`` and ``embeds``), or the posts Jetstream already kept;
* the text (``LinkMethod.TEXT``), for ``arXiv:ID`` and URLs written out without a facet.

A quote is a ``QUOTE`` (``references`` = the quoted at-uri), else a reply a ``REPLY`` (the parent at-uri).
The post id is the at-uri ``at://{did}/app.bsky.feed.post/{rkey}``; the url ``https://bsky.app/profile/{did}/post/{rkey}``.

Engagement: ``app.bsky.feed.getPosts`` on the public AppView (``HOTPAPERS_BSKY_APPVIEW_URL``, default
``https://public.api.bsky.app``), at most 25 ``uris`` per request, no credentials. A requested uri the AppView
does not return is ``PostGone``. Then the profiles of the posts' authors (followers, account creation) from
``app.bsky.actor.getProfiles`` on the same AppView, 25 actors per request (``profiles.py``). With
``HOTPAPERS_BSKY_HANDLE`` and ``HOTPAPERS_BSKY_APP_PASSWORD`` set, the
window is also backfilled with ``app.bsky.feed.searchPosts`` through the PDS (``HOTPAPERS_BSKY_PDS_URL``,
default ``https://bsky.social``): the public AppView refuses unauthenticated search. Neither the password
nor the session token is ever logged or put in an error message.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections.abc import Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
import orjson

from hotpapers.bounds import is_count
from hotpapers.errors import ParseError
from hotpapers.http import check_status, naming_request, redact_url, request
from hotpapers.links import ids_from_urls
from hotpapers.models import ArxivId, EngagementSnapshot, Post, PostGone, Record
from hotpapers.plugins import CollectRequest, SourceContext, SourceStatus
from hotpapers.redact import register
from hotpapers.sources.bluesky.profiles import fetch_profiles
from hotpapers.sources.bluesky.records import (
    _COUNTS,
    _QUOTE_WITH_MEDIA,
    DEFAULT_APPVIEW_URL,
    DEFAULT_PDS_URL,
    GET_POSTS_MAX,
    PLATFORM,
    POST_COLLECTION,
    SEARCH_LIMIT,
    SEARCH_MAX_PAGES,
    SEARCH_QUERY,
    ItemError,
    _dict,
    _str,
    at_uri,
    link_uris,
    parse_datetime,
    post_from_record,
    quoted_uri,
    record_links,
    split_at_uri,
)

__all__ = [
    "DEFAULT_APPVIEW_URL",
    "DEFAULT_PDS_URL",
    "GET_POSTS_MAX",
    "PLATFORM",
    "POST_COLLECTION",
    "BlueskySource",
    "BskyPage",
    "ItemError",
    "at_uri",
    "link_uris",
    "parse_datetime",
    "parse_get_posts",
    "parse_search_posts",
    "post_from_record",
    "quoted_uri",
    "record_links",
    "split_at_uri",
    "xrpc_message",
]

log = logging.getLogger(__name__)



# -- AppView views ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BskyPage:
    """A parsed getPosts or searchPosts body: posts, a snapshot of each, the next cursor and skipped items."""

    posts: tuple[Post, ...]
    snapshots: tuple[EngagementSnapshot, ...]
    cursor: str | None
    skipped: tuple[str, ...]  # one line per malformed post: "posts[3]: likeCount is -1"
    returned: frozenset[str]  # the at-uris of every post in the body, parsed or skipped

    @property
    def records(self) -> list[Record]:
        """Each post followed by its snapshot."""
        by_id = {s.post_id: s for s in self.snapshots}
        return [r for post in self.posts for r in (post, by_id[post.post_id])]


def _quoted_view_links(view: Mapping[str, Any]) -> list[ArxivId]:
    """The arXiv ids of the post a view quotes (``record#view`` or ``recordWithMedia#view``)."""
    embed = _dict(view, "embed")
    quoted = _dict(embed, "record")
    if (_str(embed, "$type") or "").startswith(_QUOTE_WITH_MEDIA):
        quoted = _dict(quoted, "record")
    value = _dict(quoted, "value")
    embeds = quoted.get("embeds")
    urls = [_str(_dict(e, "external"), "uri") for e in (embeds if isinstance(embeds, list) else ())]
    ids = [link.arxiv_id for link in record_links(value)] if value else []
    return list(dict.fromkeys([*ids, *ids_from_urls(u for u in urls if u)]))


def _count(view: Mapping[str, Any], key: str) -> int:
    value = view.get(key, 0)
    if not (isinstance(value, int) and is_count(value)):
        raise ItemError(f"{key} is {repr(value)[:80]}")
    return value


def _from_view(view: Any, observed_at: dt.datetime) -> tuple[Post, EngagementSnapshot]:
    if not isinstance(view, dict):
        raise ItemError(f"a {type(view).__name__}, not an object")
    uri, author, record = _str(view, "uri"), _dict(view, "author"), _dict(view, "record")
    parts = split_at_uri(uri or "")
    if parts is None or not record:
        raise ItemError(f"no post at-uri or record (uri {uri!r})")
    handle = _str(author, "handle")
    post = post_from_record(
        *parts, record,
        fallback_time=parse_datetime(view.get("indexedAt")) or observed_at,
        handle=handle, name=_str(author, "displayName") or "", quoted=_quoted_view_links(view),
    )
    reposts, likes, replies, quotes = (_count(view, key) for key in _COUNTS)
    return post, EngagementSnapshot(PLATFORM, post.post_id, observed_at, reposts, likes, replies, quotes)


def _parse_views(data: bytes, observed_at: dt.datetime, what: str, *, linking_only: bool) -> BskyPage:
    try:
        body = orjson.loads(data)
    except orjson.JSONDecodeError as e:
        raise ParseError(f"{what}: not JSON ({e})") from e
    views = body.get("posts") if isinstance(body, dict) else None
    if not isinstance(views, list):
        raise ParseError(f"{what}: expected an object with a 'posts' array")
    cursor = body.get("cursor")
    posts: list[Post] = []
    snapshots: list[EngagementSnapshot] = []
    skipped: list[str] = []
    for index, view in enumerate(views):
        try:
            post, snapshot = _from_view(view, observed_at)
        except (ItemError, ValueError) as e:
            skipped.append(f"posts[{index}]: {e}")
            continue
        if post.links or not linking_only:
            posts.append(post)
            snapshots.append(snapshot)
    returned = frozenset(v["uri"] for v in views if isinstance(v, dict) and isinstance(v.get("uri"), str))
    return BskyPage(tuple(posts), tuple(snapshots), cursor if isinstance(cursor, str) else None,
                    tuple(skipped), returned)


def parse_get_posts(data: bytes, observed_at: dt.datetime) -> BskyPage:
    """Parse an ``app.bsky.feed.getPosts`` body: every post (linking arXiv or not) with a snapshot.

    Raises:
        ParseError: the body is not JSON or has no ``posts`` array.
    """
    return _parse_views(data, observed_at, "app.bsky.feed.getPosts", linking_only=False)


def parse_search_posts(data: bytes, observed_at: dt.datetime) -> BskyPage:
    """Parse an ``app.bsky.feed.searchPosts`` page: the posts that link arXiv, a snapshot each, the cursor.

    Raises:
        ParseError: the body is not JSON or has no ``posts`` array.
    """
    return _parse_views(data, observed_at, "app.bsky.feed.searchPosts", linking_only=True)


def xrpc_message(response: httpx.Response) -> str | None:
    """``error: message`` of an XRPC error body (``{"error": ..., "message": ...}``), or None."""
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(body, dict) or not isinstance(body.get("error"), str):
        return None
    message = body.get("message")
    return f"{body['error']}: {message}" if isinstance(message, str) else str(body["error"])


# -- the source ---------------------------------------------------------------------------------------------


class _Bearer(httpx.Auth):
    """Adds the session token to requests for one origin (the PDS) only, never to the AppView."""

    def __init__(self, origin: str, token: str) -> None:
        self._origin = origin
        self._header = f"Bearer {token}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if f"{request.url.scheme}://{request.url.netloc.decode()}" == self._origin:
            request.headers["Authorization"] = self._header
        yield request


class BlueskySource:
    """Bluesky engagement from the public AppView, plus an authenticated search backfill when configured."""

    name = PLATFORM

    def __init__(self, context: SourceContext) -> None:
        self._ctx = context
        self._appview = context.env.get("HOTPAPERS_BSKY_APPVIEW_URL", DEFAULT_APPVIEW_URL).rstrip("/")
        self._pds = context.env.get("HOTPAPERS_BSKY_PDS_URL", DEFAULT_PDS_URL).rstrip("/")
        self._handle = context.env.get("HOTPAPERS_BSKY_HANDLE", "").strip()
        self._password = context.env.get("HOTPAPERS_BSKY_APP_PASSWORD", "")
        self._token = ""  # the session's access token, once logged in

    def status(self) -> SourceStatus:
        """Always enabled: getPosts needs no credentials. Says whether the search backfill is on."""
        if self._handle and self._password:
            search = f"authenticated search backfill on as {self._handle} via {self._pds}"
        else:
            search = "search backfill off (set HOTPAPERS_BSKY_HANDLE and HOTPAPERS_BSKY_APP_PASSWORD to enable)"
        return SourceStatus(True, f"engagement via getPosts on {self._appview}; {search}; "
                                  "new posts come from `hotpapers listen bluesky`")

    def collect(self, request: CollectRequest) -> Iterator[Record]:
        """Refresh ``request.known_posts`` of Bluesky (25 per getPosts), then backfill by search if configured.

        Raises:
            NetworkError: the AppView or PDS could not be reached after retries.
            APIError: it refused (for search: bad credentials).
            ParseError: it answered with an undocumented shape.
        """
        known = [p for p in request.known_posts if p.platform == PLATFORM and split_at_uri(p.post_id)]
        fresh = request.profiled
        authors = [did for p in known if (PLATFORM, p.author_handle) not in fresh and (did := _author_did(p.post_id))]
        batches = (known[start : start + GET_POSTS_MAX] for start in range(0, len(known), GET_POSTS_MAX))
        refreshed = (record for batch in batches for record in self._refresh(batch))
        searched = self._search(request.start, request.end) if self._handle and self._password else iter(())
        for record in itertools.chain(refreshed, searched):
            if isinstance(record, Post) and (PLATFORM, record.author_handle) not in fresh:
                authors.extend(did for did in [_author_did(record.post_id)] if did)
            yield record
        yield from fetch_profiles(lambda url: self._get(url).content, self._appview, authors, self._ctx.now)

    def _get(self, url: str, params: Mapping[str, str | int] | None = None) -> httpx.Response:
        response = request(self._ctx.http, "GET", url, params=params, policy=self._ctx.retry)
        check_status(response, self._said(response))
        return response

    def _said(self, response: httpx.Response) -> str | None:
        """The XRPC error message, with the app password and session token masked (a server may echo them)."""
        message = xrpc_message(response)
        for secret in (self._password, self._token):
            if message and secret:
                message = message.replace(secret, "***")
        return message

    def _refresh(self, batch: Sequence[Post]) -> Iterator[Record]:
        query = urlencode([("uris", post.post_id) for post in batch])
        now = self._ctx.now()
        response = self._get(f"{self._appview}/xrpc/app.bsky.feed.getPosts?{query}")
        with naming_request(response):  # a malformed answer names the request
            page = parse_get_posts(response.content, now)
        for note in page.skipped:
            log.warning("bluesky getPosts: skipped %s", note)
        fresh = {p.post_id: p for p in page.posts}
        snapshots = {s.post_id: s for s in page.snapshots}
        for known in batch:
            post = fresh.get(known.post_id)
            if post is not None:
                links = {link.arxiv_id: link for link in (*known.links, *post.links)}
                yield replace(post, links=tuple(links.values()))
                yield snapshots[known.post_id]
            elif known.post_id not in page.returned:
                yield PostGone(PLATFORM, known.post_id, now, "not returned by app.bsky.feed.getPosts")

    def _login(self) -> str:
        """Create a session with the app password; return the access token (never logged)."""
        url = f"{self._pds}/xrpc/com.atproto.server.createSession"
        response = request(self._ctx.http, "POST", url, json={"identifier": self._handle, "password": self._password},
                           policy=self._ctx.retry, what="Bluesky login")  # retried like every request
        check_status(response, self._said(response))
        try:
            token = orjson.loads(response.content).get("accessJwt")
        except (orjson.JSONDecodeError, AttributeError):
            token = None
        if not isinstance(token, str) or not token:
            raise ParseError(f"com.atproto.server.createSession at {redact_url(url)}: no accessJwt in the answer")
        register(token)  # masked wherever a server may echo it (hotpapers.redact)
        return token

    def _search(self, start: dt.datetime, end: dt.datetime) -> Iterator[Record]:
        client = self._ctx.http
        origin = f"{urlsplit(self._pds).scheme}://{urlsplit(self._pds).netloc}"
        self._token = self._login()
        saved, client.auth = client.auth, _Bearer(origin, self._token)
        try:
            yield from self._search_pages(start, end)
        finally:
            client.auth = saved  # type: ignore[assignment]  # httpx's setter takes None (the getter's default)

    def _search_pages(self, start: dt.datetime, end: dt.datetime) -> Iterator[Record]:
        params: dict[str, str | int] = {
            "q": SEARCH_QUERY, "sort": "latest", "since": _iso(start), "until": _iso(end), "limit": SEARCH_LIMIT,
        }
        for _ in range(SEARCH_MAX_PAGES):
            response = self._get(f"{self._pds}/xrpc/app.bsky.feed.searchPosts", params)
            with naming_request(response):
                page = parse_search_posts(response.content, self._ctx.now())
            for note in page.skipped:
                log.warning("bluesky searchPosts: skipped %s", note)
            yield from page.records
            if page.cursor is None or not page.returned:
                return
            params["cursor"] = page.cursor
        log.warning("bluesky searchPosts: stopped after %d pages; the window may be incomplete", SEARCH_MAX_PAGES)


def _author_did(post_id: str) -> str | None:
    """The DID of a post's author, from its at-uri."""
    parts = split_at_uri(post_id)
    return parts[0] if parts else None


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
