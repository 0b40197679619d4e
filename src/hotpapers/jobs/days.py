"""Which listing day a job works on when it is not told: the rules, in one place.

* ``collect``, ``publish`` and ``enrich`` take the newest day the store has announcements for (``latest_day``);
* ``run`` digests the newest listing day whose window has closed (``closed_day``), or, told not to ingest, the
  newest stored day;
* ``summarize`` takes the newest day with a published digest of its preset, else the newest stored day
  (``latest_digest_day``);
* ``render`` and the views always name their day or range.

A store with no announced day has no default: ``NoDayError``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from hotpapers.arxiv.calendar import latest_announcement, previous_listing_day
from hotpapers.errors import UsageError
from hotpapers.store.base import Store

__all__ = [
    "NoDayError",
    "closed_day",
    "day_or_latest",
    "latest_day",
    "latest_digest_day",
    "no_papers",
    "recent_days",
    "stored_days",
]


class NoDayError(UsageError):
    """The store has no announced day, and the job was not told which day to work on."""

    def __init__(self) -> None:
        super().__init__("the store has no announced day yet: ingest a listing first, or name a day")


def no_papers(day: str) -> UsageError:
    """The error for a listing day (or days, ``day`` as shown) the store has no announcements of."""
    return UsageError(f"listing day {day}: no papers announced on that day are in the store", subject="listing day")


def latest_day(store: Store) -> dt.date:
    """The newest listing day the store has announcements for.

    Raises:
        NoDayError: it has none.
    """
    day = max(store.announced_dates(), default=None)
    if day is None:
        raise NoDayError
    return day


def day_or_latest(store: Store, day: dt.date | None) -> dt.date:
    """``day`` if given, else the store's newest listing day (``latest_day``)."""
    return day if day is not None else latest_day(store)


def closed_day(now: dt.datetime) -> dt.date:
    """The most recent listing day whose window has closed: the day ``run`` digests by default.

    Run just after an announcement (20:00 ET), this is the listing announced the evening before, whose posts
    have had a full day to gather.
    """
    return previous_listing_day(latest_announcement(now))


def latest_digest_day(store: Store, preset: str) -> dt.date:
    """The newest day with a published digest of ``preset``, else the newest listing day (``latest_day``)."""
    return store.latest_published_day(preset) or latest_day(store)


def recent_days(announced: Sequence[dt.date], end: dt.date, count: int) -> list[dt.date]:
    """The announced days among the ``count`` listing days that end at ``end`` (a store with a gap gives fewer)."""
    start = end
    for _ in range(count - 1):
        start = previous_listing_day(start)
    return [d for d in announced if start <= d <= end]


def stored_days(store: Store, day: dt.date | None, count: int) -> list[dt.date]:
    """The stored days among the ``count`` listing days ending at ``day`` (default: the newest stored day).

    Raises:
        NoDayError: no ``day``, and the store has no announced day.
        UsageError: the store has no announcement of ``day``.
    """
    announced = store.announced_dates()
    end = day_or_latest(store, day)
    if day is not None and day not in announced:
        raise no_papers(day.isoformat())
    return recent_days(announced, end, count)
