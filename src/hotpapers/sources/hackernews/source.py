"""Hacker News through the Algolia HN Search API: stories whose url is on arxiv.org, with points and comments.

Endpoints, under ``$HOTPAPERS_HN_API_URL`` (default ``https://hn.algolia.com/api/v1``; documented at
https://hn.algolia.com/api, whose source is algolia/hn-search ``app/views/pages/api.html.haml``):

* ``GET /search_by_date?query=arxiv.org&restrictSearchableAttributes=url&tags=story``
  ``&numericFilters=created_at_i>=START,created_at_i<END&hitsPerPage=1000&page=N`` lists the window's stories
  whose url mentions arxiv.org, paging through ``nbPages``. 1000 hits a page is the API's maximum, and Algolia
  serves only the first 1000 hits of a query (``paginationLimitedTo``), so a window with more hits is split
  in halves until each half fits.
* ``GET /search?tags=story,(story_A,story_B,...)&hitsPerPage=K`` refreshes up to ``REFRESH_BATCH`` known
  stories per request: every story carries the tag ``story_<id>`` and tags in parentheses are ORed.
* ``GET /items/{id}`` checks a known story the refresh did not find: HTTP 404 or ``deleted``/``dead`` make a
  ``PostGone``; a story that is still there gets a snapshot whose replies count its comment tree.

No credentials. The documented limit is 10,000 requests an hour per IP, so requests (retries included) are
spaced ``MIN_INTERVAL`` seconds apart with ``SourceContext.sleep``.

Then each author of the day's stories gets a profile (karma, account creation) from the official HN API's user
items, under ``$HOTPAPERS_HN_USER_API_URL`` (``users.py``).

A story hit whose ``url`` resolves to an arXiv paper (``hotpapers.links.resolve_url``) is a ``Post``
(platform ``hackernews``, id ``objectID``, text = the title, author = ``author``, created at ``created_at_i``)
with an ``EngagementSnapshot`` (likes = ``points``, replies = ``num_comments``). Hits that link no paper are
not posts; a hit that cannot be read is skipped with a reason, and a body that is not a search response
raises ``ParseError``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import math
import re
from collections.abc import Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass

from hotpapers.bounds import INSTANT_RANGE, is_count, supported
from hotpapers.errors import APIError, ParseError
from hotpapers.http import check_status, error_message, naming_request
from hotpapers.links import resolve_url
from hotpapers.models import ArxivId, EngagementSnapshot, LinkMethod, PaperLink, Post, PostGone, Record
from hotpapers.plugins import CollectRequest, SourceContext
from hotpapers.sources._base import PublicJsonSource, SkipError, load_json, show
from hotpapers.sources.hackernews.users import USER_API_URL, fetch_users

__all__ = [
    "API_URL",
    "HITS_PER_PAGE",
    "MIN_INTERVAL",
    "REFRESH_BATCH",
    "HackerNewsSource",
    "SearchPage",
    "parse_item",
    "parse_search",
]

log = logging.getLogger(__name__)

API_URL = "https://hn.algolia.com/api/v1"
ENV_API_URL = "HOTPAPERS_HN_API_URL"
ENV_USER_API_URL = "HOTPAPERS_HN_USER_API_URL"
PLATFORM = "hackernews"
HITS_PER_PAGE = 1000  # the API's maximum (Algolia in algolia/hn-search#125)
PAGINATION_LIMIT = 1000  # Algolia answers only the first 1000 hits of a query
REFRESH_BATCH = 100  # story_<id> tags per refresh request (keeps the URL under about 2 KB)
MIN_INTERVAL = 0.4  # seconds between requests: 10,000 an hour is one every 0.36 s
_ID_RE = re.compile(r"[0-9]{1,20}")
_PAGE_FIELDS = ("page", "nbPages", "nbHits")

_Refresh = Generator[Record, None, set[str]]


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of an Algolia search: posts for the stories linking arXiv, a snapshot for every story read."""

    posts: tuple[Post, ...]
    snapshots: tuple[EngagementSnapshot, ...]
    skipped: tuple[str, ...]
    page: int
    nb_pages: int
    nb_hits: int

    @property
    def records(self) -> tuple[Post | EngagementSnapshot, ...]:
        """Each post followed by its snapshot (stories that link no paper are left out)."""
        by_id = {snapshot.post_id: snapshot for snapshot in self.snapshots}
        return tuple(record for post in self.posts for record in (post, by_id[post.post_id]))


def _count(value: object) -> int | None:
    """A JSON count (an integer from 0 to ``MAX_COUNT``, not a bool), or None."""
    return value if isinstance(value, int) and is_count(value) else None


def _snapshot(post_id: str, points: object, comments: object, observed_at: dt.datetime) -> EngagementSnapshot:
    likes, replies = _count(points), _count(comments)
    if likes is None or replies is None:
        raise SkipError(f"points {show(points)} / num_comments {show(comments)} are not counts")
    extras = (("points", likes), ("comments", replies))
    return EngagementSnapshot(PLATFORM, post_id, observed_at, likes=likes, replies=replies, extras=extras)


def _created(value: object) -> dt.datetime:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SkipError(f"created_at_i {show(value)} is not a timestamp")
    try:
        created = dt.datetime.fromtimestamp(value, dt.UTC)
    except (OverflowError, OSError, ValueError) as e:
        raise SkipError(f"created_at_i {show(value)} is out of range") from e
    if not supported(created):
        raise SkipError(f"created_at_i {show(value)} is outside the supported range ({INSTANT_RANGE})")
    return created


def _post(post_id: str, hit: Mapping[str, object], arxiv_id: ArxivId) -> Post:
    author, title = hit.get("author"), hit.get("title")
    if not isinstance(author, str) or not author or not isinstance(title, str):
        raise SkipError(f"author {show(author)} / title {show(title)} missing")
    return Post(
        platform=PLATFORM,
        post_id=post_id,
        url=f"https://news.ycombinator.com/item?id={post_id}",
        author_handle=author,
        author_name=author,
        text=title,
        created_at=_created(hit.get("created_at_i")),
        links=(PaperLink(arxiv_id, LinkMethod.URL),),
    )


def _story(hit: object, observed_at: dt.datetime) -> tuple[Post | None, EngagementSnapshot]:
    """The post (None if the url names no arXiv paper) and snapshot of one story hit."""
    if not isinstance(hit, dict):
        raise SkipError("not an object")
    post_id = hit.get("objectID")
    if not isinstance(post_id, str) or not _ID_RE.fullmatch(post_id):
        raise SkipError(f"objectID {show(post_id)} is not a story id")
    snapshot = _snapshot(post_id, hit.get("points"), hit.get("num_comments"), observed_at)
    url = hit.get("url")
    arxiv_id = resolve_url(url) if isinstance(url, str) else None
    return (None if arxiv_id is None else _post(post_id, hit, arxiv_id)), snapshot


def _page_field(body: Mapping[str, object], key: str) -> int:
    value = _count(body.get(key))
    if value is None:
        raise ParseError(f"Algolia search response: {key!r} is {show(body.get(key))}, not a count")
    return value


def parse_search(data: bytes, observed_at: dt.datetime) -> SearchPage:
    """Parse one Algolia ``search``/``search_by_date`` response.

    Args:
        data: the response body.
        observed_at: when the counts were read (timezone-aware).

    Returns:
        A ``SearchPage``; ``skipped`` says, one line each, which hits could not be read and why.

    Raises:
        ParseError: the body is not JSON or lacks ``hits``, ``page``, ``nbPages`` or ``nbHits``.
    """
    body = load_json(data, "Algolia search response")
    if not isinstance(body, dict) or not isinstance(body.get("hits"), list):
        raise ParseError("Algolia search response: expected an object with a 'hits' list")
    page, nb_pages, nb_hits = (_page_field(body, key) for key in _PAGE_FIELDS)
    posts: list[Post] = []
    snapshots: list[EngagementSnapshot] = []
    skipped: list[str] = []
    for index, hit in enumerate(body["hits"]):
        try:
            post, snapshot = _story(hit, observed_at)
        except SkipError as e:
            skipped.append(f"hits[{index}]: {e}")
            continue
        posts.extend([post] if post is not None else [])
        snapshots.append(snapshot)
    return SearchPage(tuple(posts), tuple(snapshots), tuple(skipped), page, nb_pages, nb_hits)


def _live_comments(children: object) -> int:
    """Count the comments of an item tree that still have an author (deleted ones have none)."""
    count, stack = 0, [children]
    while stack:
        nodes = stack.pop()
        for node in nodes if isinstance(nodes, list) else ():
            if isinstance(node, dict):
                alive = isinstance(node.get("author"), str) and not node.get("deleted") and not node.get("dead")
                count += alive
                stack.append(node.get("children"))
    return count


def parse_item(data: bytes, observed_at: dt.datetime) -> EngagementSnapshot | PostGone:
    """Parse an Algolia ``items/{id}`` story into a snapshot, or ``PostGone`` if it is deleted or dead.

    The item has no comment count, so replies count the comments of its tree that still have an author
    (the recorded story 8828543 has 104 such nodes where its search hit says ``num_comments`` 103).

    Raises:
        ParseError: the body is not JSON, or not a story with an id and points.
    """
    body = load_json(data, "Algolia item")
    item_id = body.get("id") if isinstance(body, dict) else None
    post_id = str(item_id) if _count(item_id) is not None else item_id
    if not isinstance(body, dict) or not isinstance(post_id, str) or not _ID_RE.fullmatch(post_id):
        raise ParseError(f"Algolia item: expected an object with a numeric 'id', got id {show(item_id)}")
    for flag in ("deleted", "dead"):
        if body.get(flag) is True:
            return PostGone(PLATFORM, post_id, observed_at, reason=f"{flag} on Hacker News")
    points = _count(body.get("points"))
    if body.get("type") != "story" or points is None:
        raise ParseError(f"Algolia item {post_id}: not a story with points (type {show(body.get('type'))})")
    replies = _live_comments(body.get("children"))
    extras = (("points", points), ("comments", replies))
    return EngagementSnapshot(PLATFORM, post_id, observed_at, likes=points, replies=replies, extras=extras)


class HackerNewsSource(PublicJsonSource):
    """Hacker News stories linking arXiv papers, from the Algolia HN Search API (no credentials needed)."""

    name = PLATFORM
    API_URL = API_URL
    ENV_API_URL = ENV_API_URL
    MIN_INTERVAL = MIN_INTERVAL
    ERROR_KEYS = ("message", "error")

    def __init__(self, context: SourceContext) -> None:
        super().__init__(context)
        self._users = context.env.get(ENV_USER_API_URL, "").strip().rstrip("/") or USER_API_URL

    def collect(self, request: CollectRequest) -> Iterator[Record]:
        """Yield the window's arXiv-linking stories with snapshots, refresh ``request.known_posts``, then yield
        the profiles of every author of those stories."""
        seen: set[str] = set()
        start, end = math.floor(request.start.timestamp()), math.ceil(request.end.timestamp())
        authors = [p.author_handle for p in request.known_posts if p.platform == PLATFORM]
        for record in itertools.chain(self._window(start, end, seen), self._refresh(request.known_posts, seen)):
            if isinstance(record, Post):
                authors.append(record.author_handle)
            yield record
        unseen = [name for name in authors if (PLATFORM, name) not in request.profiled]
        yield from fetch_users(self._get, self._users, unseen, self._context.now)

    def _search(self, path: str, params: Mapping[str, str | int]) -> SearchPage:
        page = self._read(f"{self._base}/{path}", params, parse_search)
        for reason in page.skipped:
            log.warning("hackernews: skipped %s of %s", reason, path)
        return page

    def _window_page(self, start: int, end: int, page: int) -> SearchPage:
        return self._search(
            "search_by_date",
            {
                "query": "arxiv.org",
                "restrictSearchableAttributes": "url",
                "tags": "story",
                "numericFilters": f"created_at_i>={start},created_at_i<{end}",
                "hitsPerPage": HITS_PER_PAGE,
                "page": page,
            },
        )

    def _window(self, start: int, end: int, seen: set[str]) -> Iterator[Record]:
        """Every page of the window's search; a window over the pagination limit is searched in halves."""
        page = self._window_page(start, end, 0)
        if page.nb_hits > PAGINATION_LIMIT and end - start > 1:
            middle = (start + end) // 2
            yield from self._window(start, middle, seen)
            yield from self._window(middle, end, seen)
            return
        if page.nb_hits > PAGINATION_LIMIT:
            log.warning(
                "hackernews: %d stories in second %d; only the first %d are served",
                page.nb_hits,
                start,
                PAGINATION_LIMIT,
            )
        number = 0
        while True:
            yield from _unseen(page, seen)
            number += 1
            if number >= min(page.nb_pages, PAGINATION_LIMIT) or not (page.snapshots or page.skipped):
                return
            page = self._window_page(start, end, number)

    def _refresh(self, known: Sequence[Post], seen: set[str]) -> Iterator[Record]:
        """New snapshots (or ``PostGone``) for the known stories the window search did not return."""
        ids = [p.post_id for p in known if p.platform == PLATFORM and _ID_RE.fullmatch(p.post_id)]
        todo = [post_id for post_id in dict.fromkeys(ids) if post_id not in seen]
        for offset in range(0, len(todo), REFRESH_BATCH):
            batch = todo[offset : offset + REFRESH_BATCH]
            found = yield from self._refresh_batch(batch)
            checked = (self._check_item(post_id) for post_id in batch if post_id not in found)
            yield from (record for record in checked if record is not None)

    def _refresh_batch(self, batch: Sequence[str]) -> _Refresh:
        tags = "story,(" + ",".join(f"story_{post_id}" for post_id in batch) + ")"
        page = self._search("search", {"tags": tags, "hitsPerPage": len(batch)})
        wanted = set(batch)
        found = {snapshot.post_id: snapshot for snapshot in page.snapshots if snapshot.post_id in wanted}
        yield from found.values()
        return set(found)

    def _check_item(self, post_id: str) -> Record | None:
        """The item of a known story the refresh search missed; a failure skips this story only."""
        try:
            response = self._get(f"{self._base}/items/{post_id}", {})
            if response.status_code == 404:
                return PostGone(PLATFORM, post_id, self._context.now(), reason="not found (HTTP 404)")
            check_status(response, error_message(response, self.ERROR_KEYS))
            with naming_request(response):
                return parse_item(response.content, self._context.now())
        except (APIError, ParseError) as e:
            log.warning("hackernews: could not refresh story %s: %s", post_id, e)
            return None


def _unseen(page: SearchPage, seen: set[str]) -> Iterator[Post | EngagementSnapshot]:
    """The page's posts, each followed by its snapshot, leaving out stories already yielded in this run."""
    by_id = {snapshot.post_id: snapshot for snapshot in page.snapshots}
    for post in page.posts:
        if post.post_id not in seen:
            seen.add(post.post_id)
            yield post
            yield by_id[post.post_id]
