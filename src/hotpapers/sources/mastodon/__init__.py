"""Mastodon as a source: statuses linking arXiv on a list of instances (docs/sources/mastodon.md)."""

from __future__ import annotations

from hotpapers.sources.mastodon.parse import (
    PLATFORM,
    MastodonStatus,
    StatusPage,
    parse_search,
    parse_status,
    parse_statuses,
    parse_trending_links,
    status_location,
)
from hotpapers.sources.mastodon.source import LOOKUP_BATCH, PAGE_SIZE, MastodonSource

__all__ = [
    "LOOKUP_BATCH",
    "PAGE_SIZE",
    "PLATFORM",
    "MastodonSource",
    "MastodonStatus",
    "StatusPage",
    "parse_search",
    "parse_status",
    "parse_statuses",
    "parse_trending_links",
    "status_location",
]
