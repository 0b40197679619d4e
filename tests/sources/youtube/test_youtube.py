"""YouTube: search.list and videos.list parsers on hand-made documented bodies (no recording exists), and the
source over HTTP with its quota accounting."""

from __future__ import annotations

import datetime as dt
import logging

import httpx
import orjson
import pytest

from hotpapers.errors import APIError, ParseError
from hotpapers.http import NO_RETRIES
from hotpapers.models import EngagementSnapshot, LinkMethod, Post, PostGone
from hotpapers.plugins import CollectRequest, Source, SourceContext, SourceOutput, SourceUsage
from hotpapers.sources.youtube import YouTubeSource, parse_search, parse_videos

from helpers.localserver import Reply, Served
from helpers.paths import SOCIAL
from helpers.sources import Clock, Route, Switchboard, json_reply, params

FIXTURES = SOCIAL / "youtube"
SEARCH = (FIXTURES / "HANDMADE_search_list_q_arxiv_type_video.json").read_bytes()
VIDEOS = (FIXTURES / "HANDMADE_videos_list_part_snippet_statistics.json").read_bytes()
QUOTA = (FIXTURES / "HANDMADE_error_403_quotaExceeded.json").read_bytes()
OBSERVED = dt.datetime(2024, 11, 29, 1, 40, tzinfo=dt.UTC)
START, END = dt.datetime(2024, 11, 28, 1, tzinfo=dt.UTC), dt.datetime(2024, 11, 29, 1, tzinfo=dt.UTC)
KEY = "AIzaSy-not-a-real-key-0123456789"


def _last_page() -> bytes:
    """The search page without its nextPageToken (edited in memory): the last page."""
    body = orjson.loads(SEARCH)
    del body["nextPageToken"]
    return orjson.dumps(body)


def test_search_gives_video_ids_and_the_next_token() -> None:
    """Video results give their ids in order; a channel result is left out; nextPageToken is read."""
    page = parse_search(SEARCH)
    assert (page.video_ids, page.next_page_token, page.skipped) == (("aB3dE5fG7hI", "Zz9_yX8-wV7"), "CDIQAA", ())


def test_video_linking_arxiv_in_its_description_is_a_post() -> None:
    """A video whose full description links papers is a post of its channel linking them, by text."""
    video = parse_videos(VIDEOS, OBSERVED).videos[0]
    post = video.post
    assert post is not None and post.url == "https://www.youtube.com/watch?v=aB3dE5fG7hI"
    assert (post.author_handle, post.author_name, post.language) == ("UCexampleChannel0000001", "Example Paper Club",
                                                                     "en")
    assert [(link.arxiv_id, link.method) for link in post.links] == [
        ("2104.08223", LinkMethod.TEXT), ("1706.03762", LinkMethod.TEXT)]
    assert post.created_at == dt.datetime(2024, 11, 28, 16, 0, 4, tzinfo=dt.UTC)


def test_views_likes_and_comments_are_the_snapshot() -> None:
    """likes = likeCount, replies = commentCount, views as an extra (the API writes counts as strings)."""
    assert parse_videos(VIDEOS, OBSERVED).videos[0].snapshot == EngagementSnapshot(
        "youtube", "aB3dE5fG7hI", OBSERVED, likes=812, replies=57, extras=(("views", 15230),))


def test_hidden_likes_and_comments_count_zero() -> None:
    """A video whose likes and comments are hidden has 0 of each and its views."""
    snapshot = parse_videos(VIDEOS, OBSERVED).videos[2].snapshot
    assert (snapshot.likes, snapshot.replies, snapshot.extras) == (0, 0, (("views", 388),))


def test_video_that_only_mentions_arxiv_is_not_a_post() -> None:
    """"arxiv submissions numbers" names no paper: a snapshot, no post."""
    assert parse_videos(VIDEOS, OBSERVED).videos[1].post is None


def test_video_with_bad_counts_is_skipped() -> None:
    """A video whose viewCount is not a count (edited in memory) is skipped with a reason."""
    body = orjson.loads(VIDEOS)
    body["items"][0]["statistics"]["viewCount"] = "lots"
    page = parse_videos(orjson.dumps(body), OBSERVED)
    assert page.skipped == ("items[0]: statistics of aB3dE5fG7hI are not counts",) and len(page.videos) == 2


@pytest.mark.parametrize("body", [b"<html>", b"[]", b'{"kind": "youtube#videoListResponse", "items": {}}'])
def test_other_shapes_are_parse_errors(body: bytes) -> None:
    """A body that is not a search.list answer raises one line naming it."""
    with pytest.raises(ParseError, match=r"^YouTube search\.list: "):
        parse_search(body)


def _route(search: bytes | None = None, videos: bytes = VIDEOS) -> Route:
    def route(path: str) -> Reply | None:
        if path.startswith("/youtube/v3/search"):
            return json_reply(search if search is not None else (_last_page() if "pageToken" in path else SEARCH))
        if path.startswith("/youtube/v3/videos"):
            return json_reply(videos)
        return None

    return route


def _collect(board: Switchboard, client: httpx.Client, route: Route, known: tuple[Post, ...] = (),
             **env: str) -> tuple[list[SourceOutput], Served]:
    served = board.answer(route)
    clock = Clock(OBSERVED)
    values = {"HOTPAPERS_YOUTUBE_API_KEY": KEY, "HOTPAPERS_YOUTUBE_API_URL": f"{served.url}/youtube/v3", **env}
    source = YouTubeSource(SourceContext(client, values, clock.now, clock.sleep, NO_RETRIES))
    return list(source.collect(CollectRequest(START.date(), START, END, (), known))), served


def test_without_a_key_the_source_says_how_to_enable_it(client: httpx.Client) -> None:
    """No HOTPAPERS_YOUTUBE_API_KEY: disabled, naming the variable and the docs."""
    source = YouTubeSource(SourceContext(client, {}, lambda: OBSERVED, lambda s: None, NO_RETRIES))
    assert isinstance(source, Source) and not source.status().enabled
    assert source.status().reason == "set HOTPAPERS_YOUTUBE_API_KEY to a YouTube Data API v3 key " \
                                     "(see docs/sources/youtube.md)"


def test_status_states_the_quota_a_run_costs(client: httpx.Client) -> None:
    """Enabled, the status says the query and the most quota the searches cost."""
    source = YouTubeSource(SourceContext(client, {"HOTPAPERS_YOUTUBE_API_KEY": KEY}, lambda: OBSERVED,
                                         lambda s: None, NO_RETRIES))
    assert "at most 5 pages of 50 (500 of the default 10,000 quota units a day)" in source.status().reason


def test_searches_the_window_then_reads_the_videos(switchboard: Switchboard, client: httpx.Client) -> None:
    """search.list over the window, newest first, 50 a page, with the key; then videos.list of the ids found."""
    records, served = _collect(switchboard, client, _route())
    first = params(served.requests[0])
    assert (first["q"], first["type"], first["order"], first["maxResults"], first["key"]) == (
        "arxiv", "video", "date", "50", KEY)
    assert (first["publishedAfter"], first["publishedBefore"]) == ("2024-11-28T01:00:00Z", "2024-11-29T01:00:00Z")
    assert params(served.requests[1])["pageToken"] == "CDIQAA"
    videos = params(served.requests[2])
    assert (videos["part"], videos["id"]) == ("snippet,statistics", "aB3dE5fG7hI,Zz9_yX8-wV7")
    assert [r.post_id for r in records if isinstance(r, Post)] == ["aB3dE5fG7hI"]


def test_quota_units_are_counted_in_the_usage(switchboard: Switchboard, client: httpx.Client) -> None:
    """Two searches (100 units each) and one videos.list (1 unit): 201 quota units."""
    records, _ = _collect(switchboard, client, _route())
    usage = [r for r in records if isinstance(r, SourceUsage)][-1]
    assert (usage.quantity, usage.unit, usage.cost) == (201, "quota units", None)


def test_search_page_limit(switchboard: Switchboard, client: httpx.Client, caplog: pytest.LogCaptureFixture) -> None:
    """HOTPAPERS_YOUTUBE_MAX_SEARCH_PAGES=1 stops after one search page, with a warning."""
    with caplog.at_level(logging.WARNING):
        _, served = _collect(switchboard, client, _route(search=SEARCH), HOTPAPERS_YOUTUBE_MAX_SEARCH_PAGES="1")
    assert sum(p.startswith("/youtube/v3/search") for p in served.requests) == 1
    assert "youtube: stopped after 1 search pages" in caplog.text


def test_known_videos_are_refreshed_50_at_a_time(switchboard: Switchboard, client: httpx.Client) -> None:
    """Known videos not found by the search get snapshots; one videos.list no longer returns is gone."""
    known = tuple(Post("youtube", v, f"https://www.youtube.com/watch?v={v}", "c", "c", "t", START)
                  for v in ("Qq1-rR2_sS3", "gone0000000"))
    records, served = _collect(switchboard, client, _route(search=_last_page()), known=known)
    assert params(served.requests[-1])["id"] == "Qq1-rR2_sS3,gone0000000"
    refreshed = [(type(r).__name__, r.post_id) for r in records if isinstance(r, PostGone)
                 or (isinstance(r, EngagementSnapshot) and r.post_id in ("Qq1-rR2_sS3", "gone0000000"))]
    assert refreshed == [("EngagementSnapshot", "Qq1-rR2_sS3"), ("PostGone", "gone0000000")]


def test_quota_exceeded_is_an_api_error_saying_so(switchboard: Switchboard, client: httpx.Client) -> None:
    """A 403 quotaExceeded stops the source with a line saying the quota is spent and when it resets."""
    route: Route = lambda path: json_reply(QUOTA, 403)  # noqa: E731
    with pytest.raises(APIError, match=r"YouTube quota exceeded .quotaExceeded: The request cannot be completed "
                                       r"because you have exceeded your quota..; it resets at midnight Pacific"):
        _collect(switchboard, client, route)


def test_the_key_never_shows(switchboard: Switchboard, client: httpx.Client,
                             caplog: pytest.LogCaptureFixture) -> None:
    """An error for a bad key names the variable; neither the error nor the log holds the key."""
    body = orjson.dumps({"error": {"code": 400, "message": f"API key not valid: {KEY}",
                                   "errors": [{"reason": "keyInvalid", "domain": "usageLimits"}]}})
    with caplog.at_level(logging.DEBUG), pytest.raises(APIError, match="check HOTPAPERS_YOUTUBE_API_KEY") as info:
        _collect(switchboard, client, lambda path: json_reply(body, 400))
    assert KEY not in str(info.value) and KEY not in caplog.text and "key=***" in str(info.value.url)
