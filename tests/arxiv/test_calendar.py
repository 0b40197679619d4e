"""Tests for hotpapers.arxiv.calendar: arXiv's announcement schedule, named by listing date (day D)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotpapers.arxiv.calendar import (
    DOCUMENTED_HOLIDAYS,
    EASTERN,
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

NY = ZoneInfo("America/New_York")
UTC = dt.UTC


def et(year: int, month: int, day: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=NY)


# 2024-11-25 is a Monday.
@pytest.mark.parametrize(
    ("submitted", "listed"),
    [
        (et(2024, 11, 25, 13, 59), dt.date(2024, 11, 26)),  # Mon before 14:00 -> Mon 20:00 -> Tue listing
        (et(2024, 11, 25, 14, 0), dt.date(2024, 11, 27)),  # Mon 14:00 sharp -> Tue 20:00 -> Wed
        (et(2024, 11, 27, 10, 0), dt.date(2024, 11, 28)),  # Wed morning -> Wed 20:00 -> Thu (the RSS fixture)
        (et(2024, 11, 28, 15, 0), dt.date(2024, 12, 2)),  # Thu after 14:00 -> Sun 20:00 -> Mon
        (et(2024, 11, 29, 13, 59), dt.date(2024, 12, 2)),  # Fri before 14:00 -> Sun 20:00 -> Mon
        (et(2024, 11, 29, 14, 0), dt.date(2024, 12, 3)),  # Fri 14:00 -> Mon 20:00 -> Tue
        (et(2024, 11, 30, 12, 0), dt.date(2024, 12, 3)),  # Saturday -> Mon 20:00 -> Tue
        (et(2024, 12, 1, 21, 0), dt.date(2024, 12, 3)),  # Sunday night -> Mon 20:00 -> Tue
    ],
)
def test_announcement_for_follows_the_published_schedule(submitted: dt.datetime, listed: dt.date) -> None:
    """Each row of arXiv's schedule maps to the expected listing date."""
    assert announcement_for(submitted) == listed


def test_announcement_for_accepts_any_timezone() -> None:
    """The same instant in UTC gives the same listing date."""
    assert announcement_for(et(2024, 11, 25, 13, 59).astimezone(UTC)) == dt.date(2024, 11, 26)


def test_naive_datetime_is_refused() -> None:
    """A naive submission time is a ValueError."""
    with pytest.raises(ValueError, match="naive"):
        announcement_for(dt.datetime(2024, 11, 25, 12, 0))


def test_tuesday_window_spans_the_weekend() -> None:
    """Tuesday's listing (Monday evening) covers Fri 14:00 to Mon 14:00 ET."""
    assert submission_window(dt.date(2024, 11, 26)) == (et(2024, 11, 22, 14), et(2024, 11, 25, 14))


def test_monday_window_is_thursday_to_friday() -> None:
    """Monday's listing (Sunday evening) covers Thu 14:00 to Fri 14:00 ET."""
    assert submission_window(dt.date(2024, 12, 2)) == (et(2024, 11, 28, 14), et(2024, 11, 29, 14))


def test_windows_are_utc() -> None:
    """Window bounds are UTC datetimes."""
    start, end = submission_window(dt.date(2024, 11, 28))
    assert start.tzinfo is UTC and end == dt.datetime(2024, 11, 27, 19, 0, tzinfo=UTC)


@pytest.mark.parametrize("day", [dt.date(2024, 11, 30), dt.date(2024, 12, 1)])
def test_weekend_has_no_listing(day: dt.date) -> None:
    """Saturday and Sunday are not listing days; asking their window is a ValueError."""
    assert not is_listing_day(day)
    with pytest.raises(ValueError, match="has no arXiv listing"):
        submission_window(day)


def test_announcement_time_is_8pm_eastern_the_evening_before() -> None:
    """Thursday's listing was announced Wednesday 20:00 EST = Thursday 01:00 UTC."""
    assert announcement_time(dt.date(2024, 11, 28)) == dt.datetime(2024, 11, 28, 1, 0, tzinfo=UTC)


def test_listing_date_and_evening_are_inverse() -> None:
    """listing_date and evening_of convert between a listing day and its evening."""
    assert (listing_date(dt.date(2024, 11, 27)), evening_of(dt.date(2024, 11, 28))) == (
        dt.date(2024, 11, 28),
        dt.date(2024, 11, 27),
    )


@pytest.mark.parametrize(
    ("now", "latest"),
    [
        (et(2024, 11, 27, 19, 59), dt.date(2024, 11, 27)),  # Wed before 20:00: Tuesday evening's listing
        (et(2024, 11, 27, 20, 0), dt.date(2024, 11, 28)),  # Wed 20:00: Thursday's listing is out
        (et(2024, 11, 30, 12, 0), dt.date(2024, 11, 29)),  # Saturday: Friday's listing
        (et(2024, 12, 1, 20, 30), dt.date(2024, 12, 2)),  # Sunday 20:30: Monday's listing
    ],
)
def test_latest_announcement(now: dt.datetime, latest: dt.date) -> None:
    """The latest announcement at a moment is the last 20:00 ET evening passed."""
    assert latest_announcement(now) == latest


def test_thanksgiving_evening_merges_into_sunday() -> None:
    """With Thu 23 Nov 2023 skipped, Thursday-morning submissions go to Monday's listing."""
    assert announcement_for(et(2023, 11, 23, 10), DOCUMENTED_HOLIDAYS) == dt.date(2023, 11, 27)


def test_thanksgiving_merged_window() -> None:
    """Monday 27 Nov 2023's window then runs from Wed 14:00 to Fri 14:00."""
    assert submission_window(dt.date(2023, 11, 27), DOCUMENTED_HOLIDAYS) == (
        et(2023, 11, 22, 14),
        et(2023, 11, 24, 14),
    )


def test_day_after_skipped_evening_is_not_a_listing_day() -> None:
    """Friday 24 Nov 2023 has no listing when Thursday evening is skipped."""
    assert not is_listing_day(dt.date(2023, 11, 24), DOCUMENTED_HOLIDAYS)


def test_holidays_are_opt_in() -> None:
    """Without holidays, Friday 24 Nov 2023 is a listing day."""
    assert is_listing_day(dt.date(2023, 11, 24))


def test_latest_announcement_skips_holiday_evening() -> None:
    """On Fri 24 Nov 2023 the latest listing is Thursday's when Thursday evening was skipped."""
    assert latest_announcement(et(2023, 11, 24, 12), DOCUMENTED_HOLIDAYS) == dt.date(2023, 11, 23)


def test_window_across_spring_dst_change() -> None:
    """Tue 12 Mar 2024's window starts at 14:00 EST and ends at 14:00 EDT (19:00 vs 18:00 UTC)."""
    start, end = submission_window(dt.date(2024, 3, 12))
    assert (start.hour, end.hour) == (19, 18)
    assert end - start == dt.timedelta(days=3, hours=-1)


def test_previous_and_next_listing_days() -> None:
    """The listing days around a weekend are Friday and Monday."""
    assert (previous_listing_day(dt.date(2024, 12, 2)), next_listing_day(dt.date(2024, 11, 29))) == (
        dt.date(2024, 11, 29),
        dt.date(2024, 12, 2),
    )


def test_absurd_holidays_are_reported() -> None:
    """A holiday set that leaves no announcement for a year raises ValueError instead of looping."""
    every_day = {dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(800)}
    with pytest.raises(ValueError, match="check the holidays"):
        announcement_for(et(2024, 6, 1, 12), every_day)


instants = st.datetimes(
    min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2035, 12, 31), timezones=st.just(UTC)
)
days = st.dates(min_value=dt.date(2000, 1, 10), max_value=dt.date(2035, 12, 20))


def near(anchor: st.SearchStrategy[dt.date]) -> st.SearchStrategy[frozenset[dt.date]]:
    """Holiday sets clustered within two weeks of a drawn anchor date, so they actually matter."""
    offsets = st.frozensets(st.integers(-14, 14), max_size=8)
    return st.builds(lambda a, o: frozenset(a + dt.timedelta(days=i) for i in o), anchor, offsets)


instant_and_holidays = instants.flatmap(lambda s: st.tuples(st.just(s), near(st.just(s.date()))))
day_and_holidays = days.flatmap(lambda d: st.tuples(st.just(d), near(st.just(d))))


@settings(max_examples=150, deadline=None)
@given(case=instant_and_holidays)
def test_every_submission_is_announced_after_it_is_made(case: tuple[dt.datetime, frozenset[dt.date]]) -> None:
    """The announcement of a submission happens after the submission."""
    submitted, holidays = case
    assert announcement_time(announcement_for(submitted, holidays), holidays) > submitted


@settings(max_examples=150, deadline=None)
@given(case=instant_and_holidays)
def test_every_submission_lies_in_its_days_window(case: tuple[dt.datetime, frozenset[dt.date]]) -> None:
    """announcement_for and submission_window agree: s is in the window of its own day."""
    submitted, holidays = case
    start, end = submission_window(announcement_for(submitted, holidays), holidays)
    assert start <= submitted < end


@settings(max_examples=150, deadline=None)
@given(case=day_and_holidays)
def test_consecutive_windows_tile_time(case: tuple[dt.date, frozenset[dt.date]]) -> None:
    """Each listing's window starts exactly where the previous listing's ends (no gap, no overlap)."""
    day, holidays = case
    first = next_listing_day(day, holidays)
    second = next_listing_day(first, holidays)
    assert submission_window(first, holidays)[1] == submission_window(second, holidays)[0]


@settings(max_examples=150, deadline=None)
@given(case=day_and_holidays)
def test_window_ends_before_its_announcement(case: tuple[dt.date, frozenset[dt.date]]) -> None:
    """A window closes (14:00 ET) before its announcement (20:00 ET), at 14:00 local time."""
    day, holidays = case
    listing = next_listing_day(day, holidays)
    start, end = submission_window(listing, holidays)
    assert start < end < announcement_time(listing, holidays)
    assert {start.astimezone(EASTERN).time(), end.astimezone(EASTERN).time()} == {dt.time(14, 0)}


@settings(max_examples=150, deadline=None)
@given(case=instant_and_holidays)
def test_latest_announcement_is_the_last_one_passed(case: tuple[dt.datetime, frozenset[dt.date]]) -> None:
    """The latest announcement is at or before now, and the next one is after now."""
    now, holidays = case
    latest = latest_announcement(now, holidays)
    assert (
        announcement_time(latest, holidays)
        <= now
        < announcement_time(next_listing_day(latest, holidays), holidays)
    )


@settings(max_examples=100, deadline=None)
@given(day=days)
def test_listing_days_are_weekdays(day: dt.date) -> None:
    """Without holidays exactly Monday to Friday are listing days."""
    assert is_listing_day(day) == (day.weekday() < 5)


@settings(max_examples=100, deadline=None)
@given(case=day_and_holidays)
def test_holidays_remove_exactly_the_following_listing(case: tuple[dt.date, frozenset[dt.date]]) -> None:
    """A day is a listing day iff it is Mon-Fri and the evening before is not a holiday."""
    day, holidays = case
    assert is_listing_day(day, holidays) == (day.weekday() < 5 and evening_of(day) not in holidays)


@settings(max_examples=100, deadline=None)
@given(
    submitted=st.datetimes(min_value=dt.datetime(2020, 3, 6), max_value=dt.datetime(2020, 3, 10))
    | st.datetimes(min_value=dt.datetime(2020, 10, 30), max_value=dt.datetime(2020, 11, 3))
)
def test_dst_weekends_keep_the_schedule(submitted: dt.datetime) -> None:
    """Around DST changes, wall-clock ET submissions still map by the 14:00 ET rule."""
    local = submitted.replace(tzinfo=NY)
    start, end = submission_window(announcement_for(local))
    assert start <= local < end
