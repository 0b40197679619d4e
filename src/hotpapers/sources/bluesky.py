"""Bluesky: post records and AppView views to ``Post`` records, and the AppView source (engagement, search).

New posts come from the Jetstream firehose (``hotpapers.sources.jetstream``, ``hotpapers listen bluesky``);
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
does not return is ``PostGone``. With ``HOTPAPERS_BSKY_HANDLE`` and ``HOTPAPERS_BSKY_APP_PASSWORD`` set, the
window is also backfilled with ``app.bsky.feed.searchPosts`` through the PDS (``HOTPAPERS_BSKY_PDS_URL``,
default ``https://bsky.social``): the public AppView refuses unauthenticated search. Neither the password
nor the session token is ever logged or put in an error message.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
import orjson

from hotpapers.errors import NetworkError, ParseError
from hotpapers.http import check_status, redact_url, request
from hotpapers.links import find_arxiv_ids, ids_from_urls
from hotpapers.models import ArxivId, EngagementSnapshot, LinkMethod, PaperLink, Post, PostGone, PostKind
from hotpapers.plugins import CollectRequest, Record, SourceContext, SourceStatus

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

PLATFORM = "bluesky"
POST_COLLECTION = "app.bsky.feed.post"
DEFAULT_APPVIEW_URL = "https://public.api.bsky.app"
DEFAULT_PDS_URL = "https://bsky.social"
GET_POSTS_MAX = 25  # the lexicon's maxLength of getPosts ``uris``
SEARCH_QUERY = "arxiv.org"
SEARCH_LIMIT = 100  # the lexicon's maximum page size
SEARCH_MAX_PAGES = 50  # a window of more than 5,000 results is cut short (and logged)
_LINK = "app.bsky.richtext.facet#link"
_EXTERNAL = "app.bsky.embed.external"
_QUOTE = "app.bsky.embed.record"
_QUOTE_WITH_MEDIA = "app.bsky.embed.recordWithMedia"
_COUNTS = ("repostCount", "likeCount", "replyCount", "quoteCount")  # in EngagementSnapshot's order


class ItemError(ValueError):
    """One post of an otherwise good body is unusable (recorded in ``skipped``, not raised)."""


# -- records ------------------------------------------------------------------------------------------------


def at_uri(did: str, rkey: str) -> str:
    """The at-uri of the post ``rkey`` of ``did``."""
    return f"at://{did}/{POST_COLLECTION}/{rkey}"


def split_at_uri(uri: str) -> tuple[str, str] | None:
    """``(did, rkey)`` of a post's at-uri, or None if ``uri`` is not one."""
    parts = uri.removeprefix("at://").split("/") if uri.startswith("at://") else []
    if len(parts) != 3 or parts[1] != POST_COLLECTION or not parts[0].startswith("did:") or not parts[2]:
        return None
    return parts[0], parts[2]


def _str(obj: Mapping[str, Any], key: str) -> str | None:
    value = obj.get(key)
    return value if isinstance(value, str) else None


def _dict(obj: Any, key: str) -> Mapping[str, Any]:
    value = obj.get(key) if isinstance(obj, dict) else None
    return value if isinstance(value, dict) else {}


def _facet_uris(record: Mapping[str, Any], into: list[str]) -> None:
    facets = record.get("facets")
    for facet in facets if isinstance(facets, list) else ():
        features = facet.get("features") if isinstance(facet, dict) else None
        for feature in features if isinstance(features, list) else ():
            if isinstance(feature, dict) and feature.get("$type") == _LINK and isinstance(feature.get("uri"), str):
                into.append(feature["uri"])


def _embed_uri(embed: object, into: list[str]) -> None:
    """The external link of a record's embed (also as the media of a quote with media)."""
    if not isinstance(embed, dict):
        return
    media = embed.get("media") if embed.get("$type") == _QUOTE_WITH_MEDIA else embed
    if isinstance(media, dict) and media.get("$type") == _EXTERNAL:
        uri = _str(_dict(media, "external"), "uri")
        if uri is not None:
            into.append(uri)


def link_uris(record: Mapping[str, Any]) -> list[str]:
    """The URLs a post record links: its link facets' ``uri``, then its external embed's ``uri``."""
    uris: list[str] = []
    _facet_uris(record, uris)
    _embed_uri(record.get("embed"), uris)
    return uris


def quoted_uri(record: Mapping[str, Any]) -> str | None:
    """The at-uri a record quotes (``app.bsky.embed.record`` or ``recordWithMedia``), or None."""
    embed = _dict(record, "embed")
    if embed.get("$type") == _QUOTE:
        return _str(_dict(embed, "record"), "uri")
    if embed.get("$type") == _QUOTE_WITH_MEDIA:
        return _str(_dict(_dict(embed, "record"), "record"), "uri")
    return None


def record_links(record: Mapping[str, Any], quoted: Iterable[ArxivId] = ()) -> tuple[PaperLink, ...]:
    """The arXiv ids a post record links: facets and embed (URL), the quoted post's ``quoted``, then the text."""
    text = _str(record, "text") or ""
    uris = link_uris(record)
    quoted = tuple(quoted)
    if not quoted and not find_arxiv_ids("\n".join([*uris, text]) if uris else text):
        return ()  # the common case, with one resolver call: nothing links arXiv
    found: dict[ArxivId, LinkMethod] = dict.fromkeys([*ids_from_urls(uris), *quoted], LinkMethod.URL)
    for arxiv_id in find_arxiv_ids(text):
        found.setdefault(arxiv_id, LinkMethod.TEXT)
    return tuple(PaperLink(arxiv_id, method) for arxiv_id, method in found.items())


def parse_datetime(value: object) -> dt.datetime | None:
    """An atproto datetime (``2026-07-04T14:38:06.240Z``, ``...+00:00``) in UTC; naive means UTC; None if invalid."""
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
        return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        return None


def _kind(record: Mapping[str, Any]) -> tuple[PostKind, str | None]:
    quoted = quoted_uri(record)
    if quoted is not None:
        return PostKind.QUOTE, quoted
    reply = _dict(record, "reply")
    if reply:
        return PostKind.REPLY, _str(_dict(reply, "parent"), "uri")
    return PostKind.ORIGINAL, None


def post_from_record(
    did: str,
    rkey: str,
    record: Mapping[str, Any],
    *,
    fallback_time: dt.datetime,
    handle: str | None = None,
    name: str = "",
    quoted: Iterable[ArxivId] = (),
    links: tuple[PaperLink, ...] | None = None,
) -> Post:
    """The ``Post`` of an ``app.bsky.feed.post`` record of ``did`` with key ``rkey``.

    Args:
        did: the author's DID (also the handle when ``handle`` is not known, as on Jetstream).
        rkey: the record key.
        record: the record (``text``, ``createdAt``, ``langs``, ``facets``, ``embed``, ``reply``).
        fallback_time: ``created_at`` when ``createdAt`` is missing or invalid.
        handle: the author's handle, if known (the AppView gives it).
        name: the author's display name, if known.
        quoted: the arXiv ids of the quoted post, if the caller knows them.
        links: the record's links, if the caller already has them from ``record_links``.

    Returns:
        The post, with whatever links it has (possibly none: the caller decides whether to keep it).

    Raises:
        ItemError: the record's ``text`` is not a string.
    """
    text = record.get("text", "")
    if not isinstance(text, str):
        raise ItemError(f"text is {type(text).__name__}, not a string")
    langs = record.get("langs")
    language = langs[0] if isinstance(langs, list) and langs and isinstance(langs[0], str) else None
    kind, references = _kind(record)
    return Post(
        platform=PLATFORM,
        post_id=at_uri(did, rkey),
        url=f"https://bsky.app/profile/{did}/post/{rkey}",
        author_handle=handle or did,
        author_name=name,
        text=text,
        created_at=parse_datetime(record.get("createdAt")) or fallback_time,
        links=record_links(record, quoted) if links is None else links,
        kind=kind,
        language=language,
        references=references,
    )


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
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ItemError(f"{key} is {value!r}")
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
        for start in range(0, len(known), GET_POSTS_MAX):
            yield from self._refresh(known[start : start + GET_POSTS_MAX])
        if self._handle and self._password:
            yield from self._search(request.start, request.end)

    def _get(self, url: str, params: Mapping[str, str | int] | None = None) -> bytes:
        response = request(self._ctx.http, "GET", url, params=params, policy=self._ctx.retry)
        check_status(response, xrpc_message(response))
        return response.content

    def _refresh(self, batch: Sequence[Post]) -> Iterator[Record]:
        query = urlencode([("uris", post.post_id) for post in batch])
        now = self._ctx.now()
        page = parse_get_posts(self._get(f"{self._appview}/xrpc/app.bsky.feed.getPosts?{query}"), now)
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
        try:
            response = self._ctx.http.post(url, json={"identifier": self._handle, "password": self._password})
        except httpx.HTTPError as e:
            raise NetworkError(f"{type(e).__name__} for {redact_url(url)}") from None
        check_status(response, xrpc_message(response))
        try:
            token = orjson.loads(response.content).get("accessJwt")
        except (orjson.JSONDecodeError, AttributeError):
            token = None
        if not isinstance(token, str) or not token:
            raise ParseError(f"com.atproto.server.createSession at {redact_url(url)}: no accessJwt in the answer")
        return token

    def _search(self, start: dt.datetime, end: dt.datetime) -> Iterator[Record]:
        client = self._ctx.http
        origin = f"{urlsplit(self._pds).scheme}://{urlsplit(self._pds).netloc}"
        saved, client.auth = client.auth, _Bearer(origin, self._login())
        try:
            yield from self._search_pages(start, end)
        finally:
            client.auth = saved  # type: ignore[assignment]  # httpx's setter takes None (the getter's default)

    def _search_pages(self, start: dt.datetime, end: dt.datetime) -> Iterator[Record]:
        params: dict[str, str | int] = {
            "q": SEARCH_QUERY, "sort": "latest", "since": _iso(start), "until": _iso(end), "limit": SEARCH_LIMIT,
        }
        for _ in range(SEARCH_MAX_PAGES):
            page = parse_search_posts(self._get(f"{self._pds}/xrpc/app.bsky.feed.searchPosts", params),
                                      self._ctx.now())
            for note in page.skipped:
                log.warning("bluesky searchPosts: skipped %s", note)
            yield from page.records
            if page.cursor is None or not page.returned:
                return
            params["cursor"] = page.cursor
        log.warning("bluesky searchPosts: stopped after %d pages; the window may be incomplete", SEARCH_MAX_PAGES)


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
