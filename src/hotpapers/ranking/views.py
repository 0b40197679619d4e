"""Views: windows other than one listing day, roll-ups over a date range and ``rising`` (growth over the last N
hours).

This module builds their evidence from the store (read through the ``Store`` protocol); the render job
(``hotpapers.jobs.render``) ranks it fresh with any preset and never saves it as a published digest (so a view
never collides with the daily digest of the same date).

* :func:`rollup_evidence` is the union of the days' evidence over every announced day of a range, each paper
  once (at its first announcement), positions renumbered in date-then-position order.
* :func:`rising_evidence` replaces each post's latest snapshot by its *growth* over the last ``hours``: an
  :class:`EngagementSnapshot` of the deltas (clamped at 0), so that a preset ranks growth instead of totals.

Both carry each paper's enrichment (``hotpapers enrich``), as a day's digest does, so ``--has-code`` filters a
view too. Both also show **resurfaced** papers: an older paper (announced before the view's days, or only replaced in
them) that posts created within the view's window link is not part of the window's cohort, and is ranked marked
``resurfaced`` (``PaperEvidence.resurfaced``), with only the posts of the window counting.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from hotpapers.arxiv.calendar import is_listing_day, listing_window
from hotpapers.errors import UsageError
from hotpapers.models import Announcement, AnnounceType, EngagementSnapshot, PaperEvidence, PostEvidence
from hotpapers.store.base import Store

__all__ = [
    "RISING_SCOPE_DAYS",
    "DateRange",
    "date_range",
    "growth",
    "month_range",
    "rising_evidence",
    "rising_title",
    "rollup_evidence",
    "week_range",
]

RISING_SCOPE_DAYS = 7
"""``rising`` without a date or range looks at the papers of the last this many announced days."""


@dataclass(frozen=True, slots=True)
class DateRange:
    """An inclusive range of dates and the title of its roll-up."""

    start: dt.date
    end: dt.date
    title: str

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise UsageError(f"date range {self.start.isoformat()} .. {self.end.isoformat()}: it ends before it starts")

    def window(self) -> tuple[dt.datetime, dt.datetime]:
        """From the window start of the range's first listing day to the window end of its last one.

        Weekends at either edge are skipped; a range with no listing day at all spans its calendar days.
        """
        days = [self.start + dt.timedelta(days=n) for n in range((self.end - self.start).days + 1)]
        listing = [d for d in days if is_listing_day(d)] or days
        return listing_window(listing[0])[0], listing_window(listing[-1])[1]


def date_range(start: dt.date, end: dt.date) -> DateRange:
    """``--from START --to END``: titled ``Hot Papers START \u2013 END`` (an en dash)."""
    return DateRange(start, end, f"Hot Papers {start.isoformat()} \u2013 {end.isoformat()}")


def week_range(day: dt.date) -> DateRange:
    """``--week DAY``: the Monday-Friday listing week containing ``day`` (a weekend day: the week before it)."""
    monday = day - dt.timedelta(days=day.weekday())
    return DateRange(monday, monday + dt.timedelta(days=4), f"Hot Papers week of {monday.isoformat()}")


def month_range(month: str) -> DateRange:
    """``--month YYYY-MM``: the month's first to last weekday (weekends at either end skipped).

    Raises:
        UsageError: ``month`` is not of the form ``YYYY-MM``.
    """
    try:
        year, number = (int(part) for part in month.split("-"))
        last = calendar.monthrange(year, number)[1]
        first_day, last_day = dt.date(year, number, 1), dt.date(year, number, last)
    except ValueError:
        raise UsageError(f"month {month!r}: not a month of the form YYYY-MM", subject="month") from None
    if len(month) != 7:
        raise UsageError(f"month {month!r}: not a month of the form YYYY-MM", subject="month")
    while first_day.weekday() >= 5:
        first_day += dt.timedelta(days=1)
    while last_day.weekday() >= 5:
        last_day -= dt.timedelta(days=1)
    return DateRange(first_day, last_day, f"Hot Papers {month}")


_REPLACED = frozenset({AnnounceType.REPLACE, AnnounceType.REPLACE_CROSS})


def rollup_evidence(
    store: Store, start: dt.date, end: dt.date, *, resurfaced: tuple[dt.datetime, dt.datetime] | None = None
) -> list[PaperEvidence]:
    """The evidence of every announced day in [start, end], each paper once.

    A paper announced on several days keeps its first announcement; positions are renumbered 0..n-1 in
    date-then-position order, so presets that break ties by position keep listing order across days. A paper
    whose first announcement in the range is a replacement is an older paper: it is marked ``resurfaced``. With
    ``resurfaced`` = (window start, end), the older papers that posts created in that window link follow, marked
    ``resurfaced``, with only those posts.
    """
    seen: set[str] = set()
    result: list[PaperEvidence] = []
    for day in store.announced_dates():
        if not start <= day <= end:
            continue
        for item in store.evidence_for_day(day):
            if item.paper.arxiv_id in seen:
                continue
            seen.add(item.paper.arxiv_id)
            _append(result, item, resurfaced=item.announcement.announce_type in _REPLACED)
    if resurfaced is not None:
        for item in store.linked_evidence(*resurfaced, exclude=seen):
            _append(result, item, resurfaced=True)
    return result


def _append(result: list[PaperEvidence], item: PaperEvidence, *, resurfaced: bool) -> None:
    """Add ``item`` at the next position."""
    a = item.announcement
    renumbered = Announcement(a.arxiv_id, a.date, a.announce_type, len(result))
    result.append(PaperEvidence(item.paper, renumbered, item.posts, resurfaced=resurfaced))


def _at_or_before(series: Sequence[EngagementSnapshot], moment: dt.datetime) -> EngagementSnapshot | None:
    """The latest snapshot of ``series`` (in time order) observed at or before ``moment``."""
    found = None
    for snap in series:
        if snap.observed_at > moment:
            break
        found = snap
    return found


def growth(latest: EngagementSnapshot, before: EngagementSnapshot | None) -> EngagementSnapshot:
    """``latest`` minus ``before`` (zero if None), each count clamped at 0; observed at ``latest``'s instant."""

    def delta(name: str) -> int:
        return max(0, int(getattr(latest, name)) - (int(getattr(before, name)) if before else 0))

    earlier = dict(before.extras) if before else {}
    return EngagementSnapshot(
        latest.platform,
        latest.post_id,
        latest.observed_at,
        reposts=delta("reposts"),
        likes=delta("likes"),
        replies=delta("replies"),
        quotes=delta("quotes"),
        extras=tuple((key, max(0, value - earlier.get(key, 0))) for key, value in latest.extras),
    )


def _is_zero(snap: EngagementSnapshot) -> bool:
    return not (snap.reposts or snap.likes or snap.replies or snap.quotes or any(v for _, v in snap.extras))


def _scope_days(store: Store, scope: dt.date | tuple[dt.date, dt.date] | None) -> tuple[dt.date, dt.date] | None:
    if isinstance(scope, dt.date):
        return scope, scope
    if scope is not None:
        return scope
    days = store.announced_dates()[-RISING_SCOPE_DAYS:]
    return (days[0], days[-1]) if days else None


def rising_evidence(
    store: Store, day_or_range: dt.date | tuple[dt.date, dt.date] | None, *, hours: float, now: dt.datetime
) -> list[PaperEvidence]:
    """The papers in scope, each post's engagement replaced by its growth over the ``hours`` before ``now``.

    Scope: one day, an inclusive (start, end) range, or None for the last :data:`RISING_SCOPE_DAYS` announced
    days. A post's growth is its latest snapshot (at or before ``now``) minus its latest snapshot at or before
    ``now - hours`` (zero if it had none then: a post first seen within the window counts from zero), each count
    clamped at 0. Posts that did not grow are left out, unless created within the window (a new post is new
    discussion even before its first count), so presets that give every post base points rank growth only. Older
    papers that posts created within the window link follow, marked ``resurfaced``.
    """
    if hours <= 0:
        raise UsageError(f"hours {hours:g}: must be more than 0", subject="hours")
    scope = _scope_days(store, day_or_range)
    if scope is None:
        return []
    cutoff = now - dt.timedelta(hours=hours)
    evidence = rollup_evidence(store, *scope, resurfaced=(cutoff, now))
    keys = sorted({(e.post.platform, e.post.post_id) for item in evidence for e in item.posts})
    series = store.snapshot_series(keys)
    result: list[PaperEvidence] = []
    for item in evidence:
        posts: list[PostEvidence] = []
        for entry in item.posts:
            history = series.get((entry.post.platform, entry.post.post_id), ())
            latest = _at_or_before(history, now)
            new = entry.post.created_at > cutoff
            if latest is None:
                if new:
                    posts.append(PostEvidence(entry.post, None, entry.account))
                continue
            delta = growth(latest, _at_or_before(history, cutoff))
            if new or not _is_zero(delta):
                posts.append(PostEvidence(entry.post, delta, entry.account))
        result.append(PaperEvidence(item.paper, item.announcement, tuple(posts), item.resurfaced))
    return result


def rising_title(hours: float) -> str:
    """``Hot Papers rising (last N h)``."""
    return f"Hot Papers rising (last {hours:g} h)"
