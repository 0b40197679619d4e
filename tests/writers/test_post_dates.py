"""Post dates come from the data (the close of the digest's window), never from the clock that renders them."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotpapers.arxiv.calendar import is_listing_day, listing_window
from hotpapers.jobs.demo import demo
from hotpapers.jobs.render import build_digest, build_rollup, digest_time, render
from hotpapers.jobs.transfer import import_files
from hotpapers.ranking.views import date_range
from hotpapers.store import SQLiteStore

from helpers.factories import DAY, announcement, paper, post, snapshot
from helpers.paths import SAMPLE

FORMATS = ["lumen", "hugo", "jekyll", "atom", "rss", "jsonfeed", "json"]
LISTING_DAYS = st.dates(dt.date(1992, 1, 1), dt.date(2099, 12, 31)).filter(is_listing_day)
AFTER = st.timedeltas(dt.timedelta(0), dt.timedelta(days=3650))


def _sample_store(path: Path) -> SQLiteStore:
    store = SQLiteStore(path)
    import_files(store, [SAMPLE])
    return store


@settings(max_examples=200, deadline=None)
@given(day=LISTING_DAYS, after=AFTER)
def test_closed_day_is_dated_at_its_window_close(day: dt.date, after: dt.timedelta) -> None:
    """Whenever a listing day is ranked after its window closed, it is dated at that close."""
    close = listing_window(day)[1]
    assert digest_time(close, close + after) == close


@settings(max_examples=200, deadline=None)
@given(first=LISTING_DAYS, gap=st.integers(1, 400), after=AFTER)
def test_later_listing_day_is_dated_later(first: dt.date, gap: int, after: dt.timedelta) -> None:
    """Of two listing days ranked at any time after both closed, the later one has the later date."""
    second = first + dt.timedelta(days=gap)
    if not is_listing_day(second):
        second = next(d for d in (second + dt.timedelta(days=n) for n in range(1, 4)) if is_listing_day(d))
    now = listing_window(second)[1] + after
    assert digest_time(listing_window(first)[1], now) < digest_time(listing_window(second)[1], now)


@given(day=LISTING_DAYS, early=st.timedeltas(dt.timedelta(seconds=1), dt.timedelta(days=3)))
def test_open_day_is_dated_now_never_in_the_future(day: dt.date, early: dt.timedelta) -> None:
    """A day ranked before its window closed is dated when it is ranked, not at a future close."""
    now = listing_window(day)[1] - early
    assert digest_time(listing_window(day)[1], now) == now


def test_same_store_renders_the_same_bytes_at_any_time(tmp_path: Path) -> None:
    """Every format of a backfilled day is byte-identical whether rendered a day or ten years later."""
    outputs = []
    for n, now in enumerate((dt.datetime(2021, 4, 21, tzinfo=dt.UTC), dt.datetime(2031, 4, 21, tzinfo=dt.UTC))):
        with _sample_store(tmp_path / f"s{n}.db") as store:
            result = render(store, DAY, formats=FORMATS, out_dir=tmp_path / f"out{n}", preset="default", now=now)
        outputs.append({p.relative_to(tmp_path / f"out{n}"): p.read_bytes() for p in result.paths})
    assert outputs[0] == outputs[1] and len(outputs[0]) > len(FORMATS)


def test_refresh_later_keeps_the_date_of_the_data(tmp_path: Path) -> None:
    """Ranking a day again (--refresh) years later, after new counts came in, still dates it at its close."""
    with _sample_store(tmp_path / "s.db") as store:
        close = listing_window(DAY)[1]
        with store.transaction():
            store.add_snapshots([snapshot("1383990658680037381", 5000, 9000, close + dt.timedelta(days=30))])
        digest = build_digest(store, DAY, preset="classic", now=close + dt.timedelta(days=3000), refresh=True)
    assert digest.generated_at == close


def test_demo_posts_are_dated_in_listing_order(tmp_path: Path) -> None:
    """The demo's posts are dated at their windows' close: listing order, whatever the demo's clock."""
    now = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    result = demo(tmp_path / "out", db=None, now=now, preset="classic")
    dated = {}
    for path in result.paths:
        day = dt.date.fromisoformat(path.name[:10])
        match = re.search(r'^date: "([^"]+)"$', path.read_text(encoding="utf-8"), re.MULTILINE)
        assert match is not None
        dated[day] = dt.datetime.fromisoformat(match[1])
        assert dated[day] == listing_window(day)[1]
    assert len(dated) >= 4 and sorted(dated, key=dated.__getitem__) == sorted(dated)


def test_rollup_is_dated_at_the_close_of_its_range(tmp_path: Path) -> None:
    """A roll-up (a view, never stored) is dated at the close of its last day's window, not the clock."""
    tuesday = DAY + dt.timedelta(days=1)
    store = SQLiteStore(tmp_path / "s.db")
    with store.transaction():
        store.upsert_papers([paper("2104.00001"), paper("2104.00002")])
        store.add_announcements([announcement("2104.00001", 0, DAY), announcement("2104.00002", 0, tuesday)])
        store.upsert_posts([post("1", "2104.00001")])
        store.add_snapshots([snapshot("1")])
    with store:
        digest = build_rollup(store, date_range(DAY, tuesday), preset="classic", now=dt.datetime(2040, 1, 1, tzinfo=dt.UTC))
    assert digest.generated_at == listing_window(tuesday)[1]


@pytest.mark.parametrize("hours_early", [1, 30])
def test_render_before_the_close_is_dated_at_render_time(tmp_path: Path, hours_early: int) -> None:
    """A day rendered while its window is still open (a preview) is dated at the render, never ahead."""
    now = listing_window(DAY)[1] - dt.timedelta(hours=hours_early)
    with _sample_store(tmp_path / "s.db") as store:
        assert build_digest(store, DAY, preset="classic", now=now).generated_at == now
