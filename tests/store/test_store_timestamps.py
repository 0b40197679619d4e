"""Stored timestamps: every datetime round-trips on both backends, text order is time order, old stores repair."""

from __future__ import annotations

import datetime as dt
import io
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotpapers.jobs import transfer
from hotpapers.models import ArxivId, EngagementSnapshot
from hotpapers.store import Store
from hotpapers.store.rows import from_ts, ts
from hotpapers.store.schema import MIGRATIONS, REPAIR_TIMESTAMPS
from hotpapers.store.sql import SQLStore

from helpers.factories import paper, post, snapshot

ANY_UTC = st.datetimes(timezones=st.just(dt.UTC))  # year 1 to 9999, every microsecond
ANY_AWARE = st.datetimes(timezones=st.timezones())  # any zone; its UTC value may fall outside datetime's range
STORE_SETTINGS = settings(
    max_examples=60, deadline=None, database=None, derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@settings(max_examples=500, derandomize=True, database=None)
@given(ANY_UTC)
def test_every_utc_datetime_round_trips_as_fixed_width_text(value: dt.datetime) -> None:
    """``ts`` writes 27 characters for any year 1-9999 and ``from_ts`` reads the same instant back."""
    text = ts(value)
    assert len(text) == 27 and text.endswith("Z")
    assert from_ts(text) == value


@settings(max_examples=500, derandomize=True, database=None)
@given(ANY_UTC, ANY_UTC)
def test_text_order_is_time_order(a: dt.datetime, b: dt.datetime) -> None:
    """Comparing two stored timestamps as text compares the instants (window queries rely on it)."""
    assert (ts(a) < ts(b)) == (a < b)
    assert (ts(a) == ts(b)) == (a == b)


_ids = itertools.count(1)


@STORE_SETTINGS
@given(ANY_UTC, ANY_UTC, ANY_UTC)
def test_every_stored_datetime_round_trips(store: Store, created: dt.datetime, observed: dt.datetime,
                                           submitted: dt.datetime) -> None:
    """A paper's, a post's and a snapshot's datetimes, anywhere in datetime's range, read back equal."""
    n = next(_ids)
    arxiv_id = f"2104.{n:05d}"
    post_id = str(10**15 + n)
    written_paper = paper(arxiv_id, submitted=submitted, updated=observed)
    written_post = post(post_id, arxiv_id, created_at=created)
    written_snap = snapshot(post_id, at=observed)
    with store.transaction():
        store.upsert_papers([written_paper])
        store.upsert_posts([written_post])
        store.add_snapshots([written_snap])
    assert store.get_paper(ArxivId(arxiv_id)) == written_paper
    assert next(p for p in store.iter_posts() if p.post_id == post_id) == written_post
    assert store.snapshot_series([("x", post_id)])[("x", post_id)] == (written_snap,)


@STORE_SETTINGS
@given(ANY_AWARE)
def test_a_datetime_with_any_offset_is_stored_as_its_utc_instant(store: Store, value: dt.datetime) -> None:
    """A record made with any time zone stores its UTC instant, or cannot be made at all (past year 1 or 9999)."""
    try:
        snap = EngagementSnapshot("x", str(next(_ids)), value)
    except OverflowError:
        return  # the instant is outside datetime's range: no record can hold it
    store.upsert_posts([post(snap.post_id)])
    store.add_snapshots([snap])
    (stored,) = store.snapshot_series([("x", snap.post_id)])[("x", snap.post_id)]
    assert stored.observed_at == value and stored.observed_at.tzinfo is dt.UTC


def _poison(store: SQLStore, text: str) -> None:
    """Write ``text`` as every timestamp of a paper, a post, a snapshot and a run, as hotpapers < 0.x did."""
    store.upsert_papers([paper()])
    store.upsert_posts([post()])
    store.add_snapshots([snapshot()])
    run = store.start_run("import", dt.datetime(2021, 1, 1, tzinfo=dt.UTC))
    with store.transaction():
        store._execute("UPDATE papers SET submitted = ?, updated = ?", (text, text))
        store._execute("UPDATE posts SET created_at = ?", (text,))
        store._execute("UPDATE engagement SET observed_at = ?", (text,))
        store._execute("UPDATE runs SET started_at = ?, finished_at = ? WHERE id = ?", (text, text, run))


@pytest.mark.parametrize(
    ("unpadded", "year"),
    [("999-06-01T12:00:00.000000Z", 999), ("42-12-31T23:59:59.999999Z", 42), ("1-01-01T00:00:00.000000Z", 1)],
)
def test_repair_migration_pads_years_written_unpadded(store: Store, unpadded: str, year: int) -> None:
    """A store poisoned by the old ``strftime`` (``999-06-01T…``) reads and exports again after the repair."""
    assert isinstance(store, SQLStore)
    _poison(store, unpadded)
    with store.transaction():
        for statement in store._migration_statements(MIGRATIONS.index(REPAIR_TIMESTAMPS) + 1):
            store._execute(statement)
    (stored_post,) = store.iter_posts()
    assert stored_post.created_at.year == year
    assert stored_post.created_at == from_ts(unpadded.rjust(27, "0"))
    assert store.iter_snapshots().__next__().observed_at.year == year
    out = io.BytesIO()
    assert transfer.export(store, out)["post"] == 1


def test_repair_migration_leaves_padded_timestamps_alone(store: Store) -> None:
    """The repair changes nothing in a healthy store."""
    assert isinstance(store, SQLStore)
    store.upsert_posts([post()])
    store.add_snapshots([snapshot()])
    before = io.BytesIO()
    transfer.export(store, before)
    with store.transaction():
        for statement in store._migration_statements(MIGRATIONS.index(REPAIR_TIMESTAMPS) + 1):
            store._execute(statement)
    after = io.BytesIO()
    transfer.export(store, after)
    assert after.getvalue() == before.getvalue()


def test_repair_is_one_of_the_migrations() -> None:
    """A store opened by this version has been through the repair (it is in ``MIGRATIONS``)."""
    assert REPAIR_TIMESTAMPS in MIGRATIONS
