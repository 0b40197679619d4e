"""The ``youtube`` source: videos whose description links an arXiv paper, with views, likes and comments.

Configuration (see docs/sources/youtube.md, which also does the quota arithmetic):

* ``HOTPAPERS_YOUTUBE_API_KEY``: a YouTube Data API v3 key; without it the source is disabled. It is sent as
  the ``key`` query parameter, as the API requires, and masked (``key=***``) wherever a URL is shown.
* ``HOTPAPERS_YOUTUBE_API_URL``: the API root (default ``https://www.googleapis.com/youtube/v3``).
* ``HOTPAPERS_YOUTUBE_QUERY``: what is searched (default ``arxiv``).
* ``HOTPAPERS_YOUTUBE_MAX_SEARCH_PAGES``: search pages of 50 per run (default 5: 500 quota units).

``collect`` runs ``search.list`` (``type=video``, ``order=date``, ``publishedAfter``/``publishedBefore`` = the
window, 50 a page, ``nextPageToken``) for the ids of the window's videos, then ``videos.list``
(``part=snippet,statistics``, 50 ids a request) for their full descriptions and counts: each video whose title or
description links a paper is a post with its snapshot. Then the request's known videos not seen are looked up the
same way, 50 a request; one that ``videos.list`` no longer returns (deleted, made private) is ``PostGone``.

Quota: ``search.list`` costs 100 units, ``videos.list`` 1 unit (Google's published costs), against a project's
default 10,000 units a day; the run summary shows the units spent (``SourceUsage``). A ``quotaExceeded`` answer
stops the source with an ``APIError`` that says so (the quota resets at midnight Pacific time).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Mapping, Sequence

import httpx

from hotpapers.errors import APIError
from hotpapers.http import check_status, naming_request, redact_url, request
from hotpapers.models import PostGone
from hotpapers.plugins import CollectRequest, SourceContext, SourceOutput, SourceStatus, SourceUsage
from hotpapers.sources._base import env_count, env_url
from hotpapers.sources.youtube.parse import PLATFORM, api_error, parse_search, parse_videos

__all__ = ["API_URL", "DAILY_QUOTA", "SEARCH_COST", "VIDEOS_BATCH", "VIDEOS_COST", "YouTubeSource"]

log = logging.getLogger(__name__)

API_URL = "https://www.googleapis.com/youtube/v3"
SEARCH_COST = 100  # quota units of one search.list request
VIDEOS_COST = 1  # quota units of one videos.list request
DAILY_QUOTA = 10_000  # a project's default daily quota
VIDEOS_BATCH = 50  # ids per videos.list request (the API's maximum)
SEARCH_PAGE = 50  # results per search.list page (the API's maximum)
DEFAULT_QUERY = "arxiv"
DEFAULT_MAX_SEARCH_PAGES = 5
_DOCS = "see docs/sources/youtube.md"


def _rfc3339(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class YouTubeSource:
    """YouTube videos linking arXiv papers (``HOTPAPERS_YOUTUBE_API_KEY``)."""

    name = PLATFORM

    def __init__(self, context: SourceContext) -> None:
        env = context.env
        self._context = context
        self._key = env.get("HOTPAPERS_YOUTUBE_API_KEY", "").strip()
        self._root, url_problem = env_url(env, "HOTPAPERS_YOUTUBE_API_URL", API_URL)
        self._pages, pages_problem = env_count(env, "HOTPAPERS_YOUTUBE_MAX_SEARCH_PAGES", DEFAULT_MAX_SEARCH_PAGES)
        self._query = env.get("HOTPAPERS_YOUTUBE_QUERY", "").strip() or DEFAULT_QUERY
        self._problem = url_problem or pages_problem
        self._units = 0
        context.http.event_hooks["request"].append(self._count)

    def _count(self, sent: httpx.Request) -> None:
        """Every attempt costs quota, retries included (Google charges failed requests too)."""
        if sent.url.path.endswith("/search"):
            self._units += SEARCH_COST
        elif sent.url.path.endswith("/videos"):
            self._units += VIDEOS_COST

    def status(self) -> SourceStatus:
        """Enabled with an API key; says what a run costs of the daily quota at most."""
        if not self._key:
            return SourceStatus(False, f"set HOTPAPERS_YOUTUBE_API_KEY to a YouTube Data API v3 key ({_DOCS})")
        if self._problem:
            return SourceStatus(False, self._problem)
        return SourceStatus(True, f"search {self._query!r}, at most {self._pages} pages of {SEARCH_PAGE} "
                                  f"({self._pages * SEARCH_COST} of the default {DAILY_QUOTA:,} quota units a day), "
                                  "plus 1 unit per 50 videos")

    def collect(self, request: CollectRequest) -> Iterator[SourceOutput]:
        """Yield the window's videos linking arXiv with snapshots, then refresh the known videos not seen.

        Raises:
            APIError: YouTube refused the key or the request, or the daily quota is spent.
            NetworkError: YouTube could not be reached after retries.
            ParseError: YouTube answered with an undocumented shape.
        """
        if not self.status().enabled:
            return
        found = self._search(request.start, request.end)
        seen = set(found)
        for start in range(0, len(found), VIDEOS_BATCH):
            yield from self._videos(found[start : start + VIDEOS_BATCH], refresh=False)
            yield self._usage()
        known = [p.post_id for p in request.known_posts if p.platform == PLATFORM and p.post_id not in seen]
        for start in range(0, len(known), VIDEOS_BATCH):
            yield from self._videos(known[start : start + VIDEOS_BATCH], refresh=True)
        yield self._usage()

    def _usage(self) -> SourceUsage:
        return SourceUsage(self._units, "quota units", None, f"of the default {DAILY_QUOTA:,} a day")

    def _search(self, start: dt.datetime, end: dt.datetime) -> list[str]:
        """The ids of the window's videos matching the query, newest first, page by page."""
        params: dict[str, str | int] = {
            "part": "snippet", "q": self._query, "type": "video", "order": "date", "maxResults": SEARCH_PAGE,
            "publishedAfter": _rfc3339(start), "publishedBefore": _rfc3339(end),
        }
        ids: dict[str, None] = {}
        for _ in range(self._pages):
            response = self._get("search", params)
            with naming_request(response):
                page = parse_search(response.content)
            for reason in page.skipped:
                log.warning("youtube: skipped search result %s", reason)
            ids.update(dict.fromkeys(page.video_ids))
            if page.next_page_token is None:
                return list(ids)
            params["pageToken"] = page.next_page_token
        log.warning("youtube: stopped after %d search pages (HOTPAPERS_YOUTUBE_MAX_SEARCH_PAGES); older videos of "
                    "the window were not searched", self._pages)
        return list(ids)

    def _videos(self, ids: Sequence[str], *, refresh: bool) -> Iterator[SourceOutput]:
        """``videos.list`` of up to 50 ids: posts and snapshots (found), or snapshots and ``PostGone`` (refresh)."""
        params: dict[str, str | int] = {"part": "snippet,statistics", "id": ",".join(ids), "maxResults": VIDEOS_BATCH}
        response = self._get("videos", params)
        now = self._context.now()
        with naming_request(response):
            page = parse_videos(response.content, now)
        for reason in page.skipped:
            log.warning("youtube: skipped video %s", reason)
        returned = {video.video_id: video for video in page.videos}
        for video_id in ids:
            video = returned.get(video_id)
            if video is None:
                if refresh:
                    yield PostGone(PLATFORM, video_id, now, "not returned by videos.list (deleted or private)")
            elif refresh:
                yield video.snapshot
            elif video.post is not None:
                yield video.post
                yield video.snapshot

    def _get(self, endpoint: str, params: Mapping[str, str | int]) -> httpx.Response:
        response = request(self._context.http, "GET", f"{self._root}/{endpoint}", params={**params, "key": self._key},
                           policy=self._context.retry, what=f"YouTube {endpoint}.list")
        if response.status_code < 400:
            return response
        reason, message = api_error(response.content)
        message = message.replace(self._key, "***") if self._key else message
        shown = redact_url(response.request.url)
        if reason in ("quotaExceeded", "dailyLimitExceeded", "rateLimitExceeded"):
            raise APIError(f"YouTube quota exceeded ({reason}: {message}); it resets at midnight Pacific time "
                           f"({_DOCS})", status=response.status_code, url=shown)
        if reason in ("keyInvalid", "keyExpired", "accessNotConfigured", "forbidden") or response.status_code == 401:
            raise APIError(f"YouTube refused the API key ({reason or response.status_code}: {message}); check "
                           f"HOTPAPERS_YOUTUBE_API_KEY and that the YouTube Data API v3 is enabled for it ({_DOCS})",
                           status=response.status_code, url=shown)
        check_status(response, f"{reason}: {message}" if reason else message or None)
        return response  # pragma: no cover - check_status raised
