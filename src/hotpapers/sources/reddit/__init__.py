"""Reddit as a source: submissions and comments linking arXiv, over Reddit's OAuth API (docs/sources/reddit.md)."""

from __future__ import annotations

from hotpapers.sources.reddit.parse import PLATFORM, RedditPage, Thing, parse_listing, parse_token
from hotpapers.sources.reddit.source import API_URL, DEFAULT_SUBREDDITS, INFO_BATCH, TOKEN_URL, RedditSource

__all__ = [
    "API_URL",
    "DEFAULT_SUBREDDITS",
    "INFO_BATCH",
    "PLATFORM",
    "TOKEN_URL",
    "RedditPage",
    "RedditSource",
    "Thing",
    "parse_listing",
    "parse_token",
]
