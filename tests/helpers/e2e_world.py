"""Every endpoint a daily run talks to, on one local server, replaying recordings: arXiv (RSS, API, OAI-PMH),
every built-in source (X, Bluesky, Hacker News, Hugging Face, Reddit, Mastodon, alphaXiv, YouTube), with the
requests that refresh posts already in the store, and every enrichment provider (GitHub, Semantic Scholar's batch,
the Hub's paper records, as ``enrich_recordings`` replays them). Used by the end-to-end and fault tests.

What the bodies are: the recordings (or, where no recording links arXiv, the derived copies, or where nothing was
recorded the hand-made documented bodies) of ``tests/fixtures``, each described in its folder's PROVENANCE.md.
Changed in memory as they are served, and only as said here:

* as in ``test_run_e2e``, the arXiv ids of social bodies are pointed at papers of the recorded RSS listing of
  2024-11-28 (``RENAMES``), so that the posts are about that day's papers;
* Reddit's ``created_utc`` values (2015 to 2017 recordings) are moved into the listing's window, keeping their
  newest-first order (23:00 UTC on 2024-11-28, then ten minutes earlier each), and Mastodon's 2026-08-01
  ``created_at`` dates become 2024-11-28 (same time of day), so that the window keeps them;
* a list of statuses is built from recorded statuses where Mastodon answers a list (timelines, lookups); its
  trending statuses are an empty list.

``SEED`` are posts a previous run would have stored about the day's papers that today's searches do not return:
the run refreshes them (X lookup, Bluesky getPosts, Hacker News tag search, Hugging Face by date, Reddit
``/api/info``, Mastodon's batch lookup, YouTube ``videos.list``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import orjson

from hotpapers.models import ArxivId, LinkMethod, PaperLink, Post, PostKind

from helpers.enrich_recordings import REPO, hub_reply, replay_data, s2_batch_reply
from helpers.localserver import Reply, request_body
from helpers.paths import FIXTURES

SOCIAL = FIXTURES / "social"
ARXIV = FIXTURES / "arxiv"
RENAMES = {b"1706.03762": b"2411.17700", b"2104.08223": b"2411.17702", b"2005.14165": b"2411.17703"}
JSON = "application/json; charset=utf-8"
XML = "application/xml; charset=utf-8"
SEEN_AT = dt.datetime(2024, 11, 28, 12, 0, tzinfo=dt.UTC)
EMPTY_LISTING = b'{"kind": "Listing", "data": {"modhash": "", "children": [], "after": null, "before": null}}'
SECRETS = {
    "HOTPAPERS_X_BEARER_TOKEN": "test-token-not-secret",
    "HOTPAPERS_BSKY_HANDLE": "hotpapers-test.bsky.social",
    "HOTPAPERS_BSKY_APP_PASSWORD": "test-app-password-not-secret",
    "HOTPAPERS_REDDIT_CLIENT_ID": "test-reddit-client",
    "HOTPAPERS_REDDIT_CLIENT_SECRET": "test-reddit-secret-not-secret",
    "HOTPAPERS_YOUTUBE_API_KEY": "test-youtube-key-not-secret",
    "HOTPAPERS_MASTODON_TOKEN": "test-mastodon-token-not-secret",
}


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    for old, new in RENAMES.items():
        data = data.replace(old, new)
    return data


def _reddit_times(data: bytes) -> bytes:
    """Every ``"created_utc": N`` moved into the window, newest first, ten minutes apart."""
    start = dt.datetime(2024, 11, 28, 23, 0, tzinfo=dt.UTC).timestamp()
    counter = iter(range(10_000))
    return re.sub(rb'"created_utc": [0-9.]+', lambda _: b'"created_utc": %.1f' % (start - 600 * next(counter)), data)


def _mastodon_day(data: bytes) -> bytes:
    return data.replace(b'"created_at":"2026-08-01T', b'"created_at":"2024-11-28T').replace(
        b'"created_at": "2019-12-08T', b'"created_at": "2024-11-28T')


def _status_list(*names: str) -> bytes:
    statuses: list[object] = []
    for name in names:
        body = orjson.loads(_mastodon_day(_read(SOCIAL / "mastodon" / name)))
        statuses.extend(body if isinstance(body, list) else [body])
    return orjson.dumps(statuses)


def _x_first_line(name: str) -> bytes:
    return _read(SOCIAL / "x" / name).splitlines()[0]


def _bluesky_session() -> bytes:
    """A createSession answer with the lexicon's required fields (none was recorded; as tests/sources/bluesky/test_bluesky.py)."""
    return orjson.dumps({"accessJwt": "test-session-token", "refreshJwt": "test-refresh-token",
                         "handle": SECRETS["HOTPAPERS_BSKY_HANDLE"], "did": "did:plc:ic6zqvuw5ulmfpjiwnhsr2ns"})


def _bluesky_last_search_page() -> bytes:
    """The derived search body's first three posts without a cursor: the last page (built in memory)."""
    body = orjson.loads(_read(SOCIAL / "bluesky" / "derived" / "searchPosts_with_arxiv_links.body.json"))
    body.pop("cursor")
    body["posts"] = body["posts"][:3]
    return orjson.dumps(body)


def _youtube_last_page() -> bytes:
    body = orjson.loads(_read(SOCIAL / "youtube" / "HANDMADE_search_list_q_arxiv_type_video.json"))
    body.pop("nextPageToken")
    return orjson.dumps(body)


BODIES: dict[str, bytes] = {
    "rss": (ARXIV / "rss_2024-11-28_multi_archive_excerpt.xml").read_bytes(),
    "api_page": (ARXIV / "api_search_multi_2026_all-testing_start0_max100.xml").read_bytes(),
    "api_empty": (ARXIV / "api_empty_2026_id_list_0000.0000.xml").read_bytes(),
    "oai_page": (ARXIV / "oai_listrecords_arxivraw_2015_resumptiontoken.xml").read_bytes(),
    "oai_done": (ARXIV / "oai_error_noRecordsMatch_2015.xml").read_bytes(),
    "x_page": _x_first_line("derived_arxiv_search_recent_page_100_tweets_twarc2.jsonl"),
    "x_last": _x_first_line("search_all_last_page_result_count_1_twarc2.jsonl"),
    "x_lookup": _x_first_line("tweets_lookup_ids_one_tweet_many_fields_twarc2.jsonl"),
    "bsky_posts": _read(SOCIAL / "bluesky" / "derived" / "getPosts_with_arxiv_link.body.json"),
    "bsky_search": _read(SOCIAL / "bluesky" / "derived" / "searchPosts_with_arxiv_links.body.json"),
    "bsky_search_last": _bluesky_last_search_page(),
    "bsky_session": _bluesky_session(),
    "hn": _read(SOCIAL / "hackernews" / "algolia_search_DERIVED_two_hits_url_replaced_by_arxiv.json"),
    "hf": _read(SOCIAL / "huggingface" / "daily_papers_HANDMADE_date_2025-03-31.json"),
    "reddit_token": _read(SOCIAL / "reddit" / "access_token_client_credentials.body.json"),
    "reddit_new": _reddit_times(_read(SOCIAL / "reddit" / "derived_arxiv_api_info_url_youtube_com.body.json")),
    "reddit_comments": _read(SOCIAL / "reddit" / "HANDMADE_r_MachineLearning_comments_documented_t1.json"),
    "reddit_search": _reddit_times(_read(SOCIAL / "reddit" / "derived_arxiv_r_all_search_q_praw_oauth_search.body.json")),
    "mastodon_tag": _status_list("derived_arxiv_statuses_get_with_card.body.json", "timelines_tag_hoot.body.json"),
    "mastodon_links": _read(SOCIAL / "mastodon" / "derived_arxiv_docs_trends_links_example.json"),
    "mastodon_link_timeline": _status_list("derived_arxiv_docs_entity_Status_card_only.json"),
    "mastodon_lookup": _status_list("docs_statuses_get_example.json"),
    "mastodon_search": _read(SOCIAL / "mastodon" / "search_v2_type_statuses_empty.body.json"),
    "alphaxiv": _read(SOCIAL / "alphaxiv" / "HANDMADE_v2_papers_trending-papers_page_num_0.json"),
    "youtube_search": _read(SOCIAL / "youtube" / "HANDMADE_search_list_q_arxiv_type_video.json"),
    "youtube_last": _youtube_last_page(),
    "youtube_videos": _read(SOCIAL / "youtube" / "HANDMADE_videos_list_part_snippet_statistics.json"),
}


def _query(path: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(path).query).items()}


def _json(name: str) -> Reply:
    return Reply(BODIES[name], content_type=JSON)


def _arxiv(path: str) -> Reply | None:
    query = _query(path)
    if path.startswith("/rss/"):
        return Reply(BODIES["rss"])
    if path.startswith("/api/query"):
        return Reply(BODIES["api_page" if query.get("start", "0") == "0" else "api_empty"])
    if path.startswith("/oai"):
        return Reply(BODIES["oai_done" if "resumptionToken" in query else "oai_page"])
    return None


_PREFIXES: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("/x/2/tweets/search/recent", lambda p: "x_last" if "next_token" in p else "x_page"),
    ("/x/2/tweets?", lambda p: "x_lookup"),
    ("/bsky/xrpc/app.bsky.feed.getPosts", lambda p: "bsky_posts"),
    ("/bsky/xrpc/com.atproto.server.createSession", lambda p: "bsky_session"),
    ("/bsky/xrpc/app.bsky.feed.searchPosts", lambda p: "bsky_search_last" if "cursor=" in p else "bsky_search"),
    ("/hn/search_by_date", lambda p: "hn"),
    ("/hn/search?", lambda p: "hn"),
    ("/hf/daily_papers", lambda p: "hf" if "p=0" in p else "empty_list"),
    ("/reddit/api/v1/access_token", lambda p: "reddit_token"),
    ("/reddit/r/MachineLearning/new", lambda p: "empty_listing" if "after=" in p else "reddit_new"),
    ("/reddit/r/MachineLearning/comments", lambda p: "empty_listing" if "after=" in p else "reddit_comments"),
    ("/reddit/search", lambda p: "empty_listing" if "after=" in p else "reddit_search"),
    ("/reddit/api/info", lambda p: "reddit_comments"),
    ("/api/v1/timelines/tag/arxiv", lambda p: "mastodon_tag"),
    ("/api/v1/trends/statuses", lambda p: "empty_list"),
    ("/api/v1/trends/links", lambda p: "mastodon_links"),
    ("/api/v1/timelines/link", lambda p: "mastodon_link_timeline"),
    ("/api/v1/statuses?", lambda p: "mastodon_lookup"),
    ("/api/v2/search", lambda p: "mastodon_search"),
    ("/alphaxiv/v2/papers/trending-papers", lambda p: "alphaxiv"),
    ("/youtube/v3/search", lambda p: "youtube_last" if "pageToken" in p else "youtube_search"),
    ("/youtube/v3/videos", lambda p: "youtube_videos"),
)
BODIES["empty_list"] = b"[]"
BODIES["empty_listing"] = EMPTY_LISTING


def _enrichment(path: str) -> Reply | None:
    if path.startswith("/hf/papers/"):
        return hub_reply(path.removeprefix("/hf/papers/").split("?", 1)[0])
    if path.startswith("/gh/repos/"):
        return replay_data(REPO)[0].reply()
    if path.startswith("/s2/paper/batch"):
        return s2_batch_reply(request_body())
    return None


def route(path: str) -> Reply | None:
    """The world's answer to a request path (None: 404)."""
    found = _arxiv(path) or _enrichment(path)
    if found is not None:
        return found
    for prefix, name in _PREFIXES:
        if path.startswith(prefix):
            return _json(name(path))
    return None


def environment(url: str) -> dict[str, str]:
    """Every endpoint pointed at the server at ``url``, and every source's credentials (test values)."""
    return {
        **SECRETS,
        "HOTPAPERS_ARXIV_RSS_URL": f"{url}/rss",
        "HOTPAPERS_ARXIV_API_URL": f"{url}/api/query",
        "HOTPAPERS_OAI_URL": f"{url}/oai",
        "HOTPAPERS_X_API_URL": f"{url}/x",
        "HOTPAPERS_BSKY_APPVIEW_URL": f"{url}/bsky",
        "HOTPAPERS_BSKY_PDS_URL": f"{url}/bsky",
        "HOTPAPERS_HN_API_URL": f"{url}/hn",
        "HOTPAPERS_HN_USER_API_URL": f"{url}/hn-users",
        "HOTPAPERS_HF_API_URL": f"{url}/hf",
        "HOTPAPERS_REDDIT_API_URL": f"{url}/reddit",
        "HOTPAPERS_REDDIT_TOKEN_URL": f"{url}/reddit/api/v1/access_token",
        "HOTPAPERS_REDDIT_SUBREDDITS": "MachineLearning",
        "HOTPAPERS_MASTODON_INSTANCES": url,
        "HOTPAPERS_ALPHAXIV_API_URL": f"{url}/alphaxiv",
        "HOTPAPERS_YOUTUBE_API_URL": f"{url}/youtube/v3",
        "HOTPAPERS_GITHUB_API_URL": f"{url}/gh",
        "HOTPAPERS_S2_API_URL": f"{url}/s2",
    }


SOURCES = ("alphaxiv", "bluesky", "hackernews", "huggingface", "mastodon", "reddit", "x", "youtube")
"""The built-in sources the world serves (``legacy`` reads files and is left off)."""

PREFIXES = {
    "alphaxiv": "/alphaxiv/", "bluesky": "/bsky/", "hackernews": "/hn/", "huggingface": "/hf/daily_papers",
    "mastodon": "/api/v", "reddit": "/reddit/", "x": "/x/", "youtube": "/youtube/",
}
"""Each source's request paths on the world's server (for faults aimed at one source)."""

PROVIDERS = ("artifacts", "code", "scholarly")
"""The built-in enrichment providers the world serves."""

PROVIDER_PREFIXES = {"artifacts": "/hf/papers/", "code": "/gh/", "scholarly": "/s2/"}
"""Each provider's request paths on the world's server (for faults aimed at one provider)."""


def seed(url: str) -> Iterator[Post]:
    """Posts a previous run stored about the day's papers, which today's searches do not return."""
    paper = (PaperLink(ArxivId("2411.17700"), LinkMethod.URL),)

    def known(platform: str, post_id: str, post_url: str, kind: PostKind = PostKind.ORIGINAL) -> Post:
        return Post(platform, post_id, post_url, "someone", "Someone", "an earlier post", SEEN_AT, paper, kind)

    yield known("x", "1610692575752601600", "https://x.com/i/web/status/1610692575752601600")
    yield known("bluesky", "at://did:plc:ic6zqvuw5ulmfpjiwnhsr2ns/app.bsky.feed.post/3k7qmjev5lr2s",
                "https://bsky.app/profile/did:plc:ic6zqvuw5ulmfpjiwnhsr2ns/post/3k7qmjev5lr2s")
    yield known("hackernews", "13566801", "https://news.ycombinator.com/item?id=13566801")
    yield known("reddit", "t1_kx1a2b5", "https://www.reddit.com/comments/1abcdf/_/kx1a2b5/", PostKind.REPLY)
    yield known("reddit", "t1_kx1a2b6", "https://www.reddit.com/comments/1abcdf/_/kx1a2b6/", PostKind.REPLY)
    yield known("mastodon", "https://mastodon.social/users/Gargron/statuses/1", f"{url}/@Gargron/1")
    yield known("youtube", "Qq1-rR2_sS3", "https://www.youtube.com/watch?v=Qq1-rR2_sS3")
