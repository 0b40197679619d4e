"""arXiv's announcement calendar.

arXiv announces at 20:00 America/New_York, Sunday to Thursday (arxiv-docs ``help/availability.md``).
A weekday (Mon-Fri) 14:00 ET deadline closes each batch:

=================================  =====================
submitted (ET)                     announced (ET)
=================================  =====================
Mon 14:00 - Tue 14:00              Tue 20:00
Tue 14:00 - Wed 14:00              Wed 20:00
Wed 14:00 - Thu 14:00              Thu 20:00
Thu 14:00 - Fri 14:00              Sun 20:00
Fri 14:00 - Mon 14:00              Mon 20:00
=================================  =====================

**Convention: an announcement is named by its listing date, "day D".** The listing pages
(``Showing new listings for Thursday, 28 November 2024``), the RSS channel ``pubDate``
(``Thu, 28 Nov 2024 00:00:00 -0500``) and the original tool's posts all name the day *after* the
20:00 ET announcement. So the announcement made on Wednesday evening is day D = Thursday, and every
``date`` this module takes or returns is such a listing date — except ``listing_date`` and
``evening_of``, which convert between a listing date and the ET date of its announcement evening.
Listing days are therefore Monday to Friday.

Windows are half-open in time: a submission made at exactly 14:00:00 ET belongs to the next batch.

**Holidays.** arXiv skips some announcements (Thanksgiving, Christmas, …) and publishes them as the
date of the skipped *evening* (e.g. ``Thu 23 November 2023``). Every function takes ``holidays``, a
collection of such evening dates (ET); the deadline of a skipped evening disappears and its batch
merges into the next announcement. ``DOCUMENTED_HOLIDAYS`` holds the list arXiv published for 2023;
nothing is skipped unless passed in. Ad-hoc deadline moves around holidays are not modelled.

Only the schedule is modelled: papers held in moderation are announced later than their window says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from zoneinfo import ZoneInfo

from hotpapers.models import ensure_utc

__all__ = [
    "ANNOUNCE_TIME",
    "DEADLINE",
    "DOCUMENTED_HOLIDAYS",
    "EASTERN",
    "announcement_for",
    "announcement_time",
    "evening_of",
    "is_listing_day",
    "latest_announcement",
    "listing_date",
    "listing_window",
    "next_listing_day",
    "previous_listing_day",
    "submission_window",
]

EASTERN = ZoneInfo("America/New_York")
DEADLINE = dt.time(14, 0)
ANNOUNCE_TIME = dt.time(20, 0)
_SUNDAY = 6
_ANNOUNCING_WEEKDAYS = frozenset({6, 0, 1, 2, 3})  # Sunday..Thursday evenings
_SEARCH_DAYS = 366  # how far to look for an announcement before declaring the holidays absurd

DOCUMENTED_HOLIDAYS: frozenset[dt.date] = frozenset(
    dt.date(2023, month, day)
    for month, day in ((1, 16), (6, 14), (6, 19), (7, 4), (9, 4), (11, 23), (12, 25), (12, 27))
)
"""The skipped announcement evenings arXiv listed for 2023 (arxiv-docs ``help/availability.md``)."""


def _announces(evening: dt.date, holidays: Collection[dt.date]) -> bool:
    return evening.weekday() in _ANNOUNCING_WEEKDAYS and evening not in holidays


def _deadline(evening: dt.date) -> dt.datetime:
    """The 14:00 ET deadline of the announcement made on ``evening`` (Friday's for a Sunday), in UTC."""
    day = evening - dt.timedelta(days=2) if evening.weekday() == _SUNDAY else evening
    return dt.datetime.combine(day, DEADLINE, tzinfo=EASTERN).astimezone(dt.UTC)


def _step_evening(evening: dt.date, step: int, holidays: Collection[dt.date]) -> dt.date:
    """The nearest announcing evening strictly after (step=1) or before (step=-1) ``evening``."""
    for offset in range(1, _SEARCH_DAYS + 1):
        candidate = evening + dt.timedelta(days=step * offset)
        if _announces(candidate, holidays):
            return candidate
    raise ValueError(f"no arXiv announcement within {_SEARCH_DAYS} days of {evening}: check the holidays")


def listing_date(evening: dt.date) -> dt.date:
    """Return the listing date (day D) of the announcement made at 20:00 ET on ``evening``.

    Args:
        evening: the ET calendar date of an announcement evening.

    Returns:
        The next calendar day, which listing pages and RSS ``pubDate`` name.
    """
    return evening + dt.timedelta(days=1)


def evening_of(day: dt.date) -> dt.date:
    """Return the ET date of the 20:00 announcement that listing date ``day`` shows (the day before).

    Args:
        day: a listing date.

    Returns:
        ``day`` minus one day.
    """
    return day - dt.timedelta(days=1)


def is_listing_day(day: dt.date, holidays: Collection[dt.date] = ()) -> bool:
    """Tell whether ``day`` has a listing (Mon-Fri, the evening before not a holiday).

    Args:
        day: a calendar date.
        holidays: skipped announcement evenings (ET dates).

    Returns:
        True if an announcement is listed under ``day``.
    """
    return _announces(evening_of(day), holidays)


def announcement_time(day: dt.date, holidays: Collection[dt.date] = ()) -> dt.datetime:
    """Return the instant (UTC) of the announcement listed under ``day``: 20:00 ET the evening before.

    Args:
        day: a listing date.
        holidays: skipped announcement evenings (ET dates).

    Returns:
        A timezone-aware UTC datetime.

    Raises:
        ValueError: ``day`` is not a listing day.
    """
    _require_listing_day(day, holidays)
    return dt.datetime.combine(evening_of(day), ANNOUNCE_TIME, tzinfo=EASTERN).astimezone(dt.UTC)


def announcement_for(submitted: dt.datetime, holidays: Collection[dt.date] = ()) -> dt.date:
    """Return the listing date (day D) of the announcement that includes a submission.

    Args:
        submitted: when the submission was made (timezone-aware).
        holidays: skipped announcement evenings (ET dates).

    Returns:
        The listing date; its announcement is always after ``submitted``.

    Raises:
        ValueError: ``submitted`` is naive.
    """
    when = ensure_utc(submitted, "submitted")
    evening = when.astimezone(EASTERN).date()
    if not (_announces(evening, holidays) and _deadline(evening) > when):
        evening = _step_evening(evening, 1, holidays)
        while _deadline(evening) <= when:  # a Sunday's deadline is the Friday before
            evening = _step_evening(evening, 1, holidays)
    return listing_date(evening)


def latest_announcement(now: dt.datetime, holidays: Collection[dt.date] = ()) -> dt.date:
    """Return the listing date of the most recent announcement made at or before ``now``.

    Between 20:00 ET and midnight ET this is already tomorrow's date, although the RSS feed
    switches to it only at midnight.

    Args:
        now: the current time (timezone-aware).
        holidays: skipped announcement evenings (ET dates).

    Returns:
        A listing date.

    Raises:
        ValueError: ``now`` is naive.
    """
    when = ensure_utc(now, "now")
    evening = when.astimezone(EASTERN).date()
    today = dt.datetime.combine(evening, ANNOUNCE_TIME, tzinfo=EASTERN)
    if not (_announces(evening, holidays) and today <= when):
        evening = _step_evening(evening, -1, holidays)
    return listing_date(evening)


def submission_window(day: dt.date, holidays: Collection[dt.date] = ()) -> tuple[dt.datetime, dt.datetime]:
    """Return the half-open span ``[start, end)`` (UTC) of submissions announced under listing date ``day``.

    Args:
        day: a listing date.
        holidays: skipped announcement evenings (ET dates).

    Returns:
        ``(start, end)``: the previous announcement's deadline and this one's.

    Raises:
        ValueError: ``day`` is not a listing day (a weekend, or after a skipped evening).
    """
    _require_listing_day(day, holidays)
    evening = evening_of(day)
    return _deadline(_step_evening(evening, -1, holidays)), _deadline(evening)


def previous_listing_day(day: dt.date, holidays: Collection[dt.date] = ()) -> dt.date:
    """Return the listing day strictly before ``day``.

    Args:
        day: any calendar date.
        holidays: skipped announcement evenings (ET dates).

    Returns:
        A listing date.
    """
    return listing_date(_step_evening(evening_of(day), -1, holidays))


def next_listing_day(day: dt.date, holidays: Collection[dt.date] = ()) -> dt.date:
    """Return the listing day strictly after ``day``.

    Args:
        day: any calendar date.
        holidays: skipped announcement evenings (ET dates).

    Returns:
        A listing date.
    """
    return listing_date(_step_evening(evening_of(day), 1, holidays))


def listing_window(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Return the window of posts about listing day ``day`` (UTC): from its announcement to the next one.

    Args:
        day: a date; one that is not a listing day (a weekend) gets its own calendar day in US Eastern time.

    Returns:
        ``(start, end)``, timezone-aware UTC datetimes.
    """
    if is_listing_day(day):
        return announcement_time(day), announcement_time(next_listing_day(day))
    start = dt.datetime.combine(day, dt.time(), tzinfo=EASTERN)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=EASTERN)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def _require_listing_day(day: dt.date, holidays: Collection[dt.date]) -> None:
    if not is_listing_day(day, holidays):
        raise ValueError(f"{day.isoformat()} ({day:%A}) has no arXiv listing")
