"""JSON Feed 1.1 documents of one feed (pure: no I/O, no clock).

Each item carries the paper's rank, score, counts and arXiv id in the custom object ``_hotpapers`` (JSON
Feed's extension mechanism: readers that do not know it ignore it).
"""

from __future__ import annotations

from typing import Any

import orjson

from hotpapers.models import Digest, RankedPaper
from hotpapers.writers._markup import http_url
from hotpapers.writers._text import one_line, rfc3339, scrub
from hotpapers.writers.feeds_common import (
    Feed,
    FeedSettings,
    abs_url,
    entry_categories,
    entry_html,
    entry_id,
    entry_title,
    feed_description,
)

__all__ = ["JSON_FEED_VERSION", "render_json_feed"]

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


def render_json_feed(digest: Digest, feed: Feed, settings: FeedSettings) -> bytes:
    """The JSON Feed 1.1 document of ``feed``, indented, keys in a fixed order, ending with a newline."""
    document: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": settings.site_url,
        "feed_url": settings.site_url + feed.path("feed.json"),
        "description": feed_description(digest, feed),
        "authors": [{"name": settings.title, "url": settings.site_url}],
        "items": [_item(digest, item, settings) for item in feed.papers],
    }
    return orjson.dumps(_scrubbed(document), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def _item(digest: Digest, item: RankedPaper, settings: FeedSettings) -> dict[str, Any]:
    paper = item.paper
    value: dict[str, Any] = {
        "id": entry_id(digest, item, settings),
        "url": abs_url(item),
        "title": entry_title(item),
        "content_html": entry_html(item, digest.generated_at),
        "summary": one_line(paper.abstract),
        "date_published": rfc3339(digest.generated_at),
        "date_modified": rfc3339(digest.generated_at),
        "authors": [{"name": one_line(a)} for a in paper.authors],
        "tags": entry_categories(item),
    }
    pdf = http_url(paper.pdf_url)
    if pdf:
        value["attachments"] = [{"url": pdf, "mime_type": "application/pdf", "title": "PDF"}]
    value["_hotpapers"] = {
        "arxiv_id": paper.arxiv_id,
        "rank": item.rank,
        "score": item.score,
        "reposts": item.reposts,
        "likes": item.likes,
        "posts": len(item.posts),
    }
    return value


def _scrubbed(value: Any) -> Any:
    """``value`` with every string made encodable (orjson refuses lone surrogates)."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {k: _scrubbed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrubbed(v) for v in value]
    return value
