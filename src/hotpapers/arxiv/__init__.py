"""arXiv ingestion: identifiers, the announcement calendar, category filters, parsers and a polite client.

Parsers are pure functions of response bytes (``parse_rss``, ``parse_api``, ``parse_oai``);
``ArxivClient`` fetches; ``ingest_latest`` / ``ingest_day`` turn a day's announcement into records.

The names below are imported lazily (PEP 562), so ``import hotpapers.arxiv.ids`` stays cheap and does not
pull in httpx, lxml or stamina.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hotpapers.arxiv.api import ApiFeed, parse_api
    from hotpapers.arxiv.calendar import (
        announcement_for,
        announcement_time,
        evening_of,
        is_listing_day,
        latest_announcement,
        listing_date,
        next_listing_day,
        previous_listing_day,
        submission_window,
    )
    from hotpapers.arxiv.categories import CategoryFilter
    from hotpapers.arxiv.client import API_URL, OAI_URL, RSS_URL, ArxivClient
    from hotpapers.arxiv.ids import canonical_id, parse_id
    from hotpapers.arxiv.ingest import IngestResult, ingest_day, ingest_latest
    from hotpapers.arxiv.oai import OaiPage, OaiRecord, parse_oai
    from hotpapers.arxiv.rss import RssFeed, parse_rss

__all__ = [
    "API_URL",
    "OAI_URL",
    "RSS_URL",
    "ApiFeed",
    "ArxivClient",
    "CategoryFilter",
    "IngestResult",
    "OaiPage",
    "OaiRecord",
    "RssFeed",
    "announcement_for",
    "announcement_time",
    "canonical_id",
    "evening_of",
    "ingest_day",
    "ingest_latest",
    "is_listing_day",
    "latest_announcement",
    "listing_date",
    "next_listing_day",
    "parse_api",
    "parse_id",
    "parse_oai",
    "parse_rss",
    "previous_listing_day",
    "submission_window",
]

_MODULES = {
    "api": ("ApiFeed", "parse_api"),
    "calendar": (
        "announcement_for",
        "announcement_time",
        "evening_of",
        "is_listing_day",
        "latest_announcement",
        "listing_date",
        "next_listing_day",
        "previous_listing_day",
        "submission_window",
    ),
    "categories": ("CategoryFilter",),
    "client": ("API_URL", "OAI_URL", "RSS_URL", "ArxivClient"),
    "ids": ("canonical_id", "parse_id"),
    "ingest": ("IngestResult", "ingest_day", "ingest_latest"),
    "oai": ("OaiPage", "OaiRecord", "parse_oai"),
    "rss": ("RssFeed", "parse_rss"),
}
_HOME = {name: module for module, names in _MODULES.items() for name in names}


def __getattr__(name: str) -> object:
    """Import an exported name from its submodule on first use."""
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
