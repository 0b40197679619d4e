"""The ``ingest`` job: fetch what arXiv announced on listing days and store it, one day per transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx

from hotpapers.arxiv.calendar import is_listing_day, latest_announcement, next_listing_day
from hotpapers.arxiv.categories import CategoryFilter
from hotpapers.arxiv.client import ArxivClient
from hotpapers.arxiv.ingest import IngestResult, ingest_day, ingest_latest
from hotpapers.config import Settings
from hotpapers.errors import UsageError
from hotpapers.http import make_client
from hotpapers.models import AnnounceType
from hotpapers.store.base import Store

__all__ = ["DaySummary", "ingest", "listing_days"]


@dataclass(frozen=True, slots=True)
class DaySummary:
    """What was stored for one listing day."""

    day: dt.date
    source: str
    counts: dict[AnnounceType, int]
    papers_written: int
    skipped: tuple[str, ...]
    requests: int = 0


def listing_days(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    """Every listing day from ``start`` to ``end`` inclusive (weekends skipped).

    Raises:
        UsageError: ``end`` is before ``start``.
    """
    if end < start:
        raise UsageError(f"listing days {start} .. {end}: the range ends before it starts")
    day = start if is_listing_day(start) else next_listing_day(start)
    while day <= end:
        yield day
        day = next_listing_day(day)


def _client(settings: Settings, http: httpx.Client) -> ArxivClient:
    arxiv = settings.arxiv
    return ArxivClient(
        http, api_url=arxiv.api_url, rss_url=arxiv.rss_url, oai_url=arxiv.oai_url, delay_seconds=arxiv.delay_seconds
    )


def _store(store: Store, result: IngestResult, requests: int) -> DaySummary:
    with store.transaction():
        written = store.upsert_papers(result.papers)
        store.add_announcements(result.announcements)
    return DaySummary(result.day, result.source, result.counts, written, tuple(result.skipped), requests)


def ingest(
    store: Store,
    settings: Settings,
    *,
    days: list[dt.date] | None,
    now: dt.datetime,
    replacements: bool = False,
    transport: httpx.BaseTransport | None = None,
    progress: Callable[[DaySummary], None] = lambda _: None,
    timeout: float | None = None,
) -> list[DaySummary]:
    """Ingest the latest listing (``days`` None) or each of ``days``, storing each day as it completes.

    The latest listing comes from arXiv's RSS feed (arXiv's own new/cross/replace classification); earlier days
    are rebuilt from the API (and, with ``replacements``, OAI-PMH): see ``hotpapers.arxiv.ingest``. ``timeout``
    (seconds, ``HOTPAPERS_HTTP_TIMEOUT``; None: ``settings.http_timeout``) bounds every wait of every request.

    Raises:
        UsageError: a day has no listing.
        NetworkError, APIError, ParseError: arXiv failed; days stored before the failure stay stored.
    """
    arxiv = settings.arxiv
    category_filter = CategoryFilter(arxiv.categories, arxiv.exclude, arxiv.primary_only)
    latest = latest_announcement(now)
    summaries = []
    sent = [0]

    def count(_: httpx.Request) -> None:
        sent[0] += 1

    seconds = settings.http_timeout if timeout is None else timeout
    with make_client(mailto=settings.contact or None, transport=transport, timeout=seconds) as http:
        http.event_hooks["request"].append(count)
        client = _client(settings, http)
        wanted: list[dt.date | None] = list(days) if days else [None]
        for day in wanted:
            if day is None or (day == latest and not replacements):
                result = ingest_latest(client, category_filter)
                if day is not None and result.day != day:
                    result = ingest_day(client, day, category_filter)
            else:
                result = ingest_day(client, day, category_filter, include_replacements=replacements)
            summary = _store(store, result, sent[0])
            sent[0] = 0
            progress(summary)
            summaries.append(summary)
    return summaries
