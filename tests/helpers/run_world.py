"""The world ``hotpapers run`` meets end to end: one local server's route replaying recordings of every source and
enrichment provider for the arXiv listing of 2024-11-28 (shared by the run end-to-end tests and the crash tests).

The server answers arXiv (the recorded RSS listing of 2024-11-28), X, Bluesky, Hacker News and Hugging Face with
the recorded (or, where no recording links arXiv, derived / hand-made) fixtures of tests/fixtures, and the
enrichment providers' GitHub, Semantic Scholar and Hugging Face paper records as ``enrich_recordings`` does. So that the
social posts are about papers of that listing, the arXiv ids in the social bodies are pointed at three of its
papers as they are served (1706.03762 -> 2411.17700, 2104.08223 -> 2411.17702, 2005.14165 -> 2411.17703).
"""

from __future__ import annotations

import datetime as dt

from helpers.enrich_recordings import REPO, hub_reply, replay_data, s2_batch_reply
from helpers.localserver import Reply, request_body
from helpers.paths import FIXTURES

__all__ = ["BODIES", "DAY", "FAILING", "NOW", "route"]

NOW = dt.datetime(2024, 11, 29, 1, 40, tzinfo=dt.UTC)  # Thursday 20:40 EST: Thursday's listing has closed
DAY = "2024-11-28"
RENAMES = {b"1706.03762": b"2411.17700", b"2104.08223": b"2411.17702", b"2005.14165": b"2411.17703"}


def _social(path: str) -> bytes:
    data = (FIXTURES / "social" / path).read_bytes()
    for old, new in RENAMES.items():
        data = data.replace(old, new)
    return data


def _first_line(path: str) -> bytes:
    return _social(path).splitlines()[0]


BODIES = {
    "rss": (FIXTURES / "arxiv" / "rss_2024-11-28_multi_archive_excerpt.xml").read_bytes(),
    "x_page": _first_line("x/derived_arxiv_search_recent_page_100_tweets_twarc2.jsonl"),
    "x_last": _first_line("x/search_all_last_page_result_count_1_twarc2.jsonl"),
    "hn": _social("hackernews/algolia_search_DERIVED_two_hits_url_replaced_by_arxiv.json"),
    "hf": _social("huggingface/daily_papers_HANDMADE_date_2025-03-31.json"),
}
FAILING: set[str] = set()


def route(path: str) -> Reply | None:
    """The recorded answer for a request path (503 for a prefix in ``FAILING``), or None for a 404."""
    for prefix in FAILING:
        if path.startswith(prefix):
            return Reply(b'{"error": "down"}', 503, "application/json")
    if path.startswith("/rss/"):
        return Reply(BODIES["rss"])
    if path.startswith("/x/2/tweets/search/recent"):
        return Reply(BODIES["x_last" if "next_token" in path else "x_page"], content_type="application/json")
    if path.startswith("/hn/search_by_date"):
        return Reply(BODIES["hn"], content_type="application/json")
    if path.startswith("/hf/daily_papers"):
        return Reply(BODIES["hf"] if "p=0" in path or "p=" not in path else b"[]", content_type="application/json")
    if path.startswith("/hf/papers/"):
        return hub_reply(path.removeprefix("/hf/papers/"))
    if path.startswith("/gh/repos/"):
        return replay_data(REPO)[0].reply()
    if path.startswith("/s2/paper/batch"):
        return s2_batch_reply(request_body())
    return None
