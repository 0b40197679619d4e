"""The supported ranges (``hotpapers.bounds``), checked as properties over every input at each boundary.

An instant, a date or a count is accepted where it enters hotpapers exactly when it is within its range; outside,
an import is refused with one line naming the file, line (or record) and field, with the store unchanged, and a
source parser skips the item (the firehose counts the event malformed). Nothing outside the range is stored.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotpapers.bounds import (
    EARLIEST,
    FIRST_DAY,
    LAST_DAY,
    LATEST,
    MAX_COUNT,
    check_instant,
    read_count,
    read_instant,
    supported,
)
from hotpapers.errors import InputError
from hotpapers.jobs import transfer
from hotpapers.models import Post
from hotpapers.native import read_native
from hotpapers.native.serialize import announcement_to_dict, paper_to_dict, post_to_dict, snapshot_to_dict
from hotpapers.sources.bluesky.jetstream import parse_event
from hotpapers.sources.bluesky.source import parse_get_posts
from hotpapers.sources.hackernews.source import parse_search
from hotpapers.sources.huggingface.source import parse_daily_papers
from hotpapers.sources.legacy.parse import parse_legacy
from hotpapers.sources.x.parse import parse_search_page
from hotpapers.store import SQLiteStore

from helpers.factories import announcement, paper, post, snapshot
from helpers.paths import FIXTURES

SOCIAL = FIXTURES / "social"
OBSERVED = dt.datetime(2026, 7, 4, 12, 0, tzinfo=dt.UTC)
PROPERTY = settings(max_examples=150, derandomize=True, database=None, deadline=None)

# Any aware datetime (every zone, years 1 to 9999), with the range's edges and datetime's own limits drawn often.
EDGES = [EARLIEST, LATEST, EARLIEST - dt.timedelta(microseconds=1), LATEST + dt.timedelta(microseconds=1),
         dt.datetime.min.replace(tzinfo=dt.UTC), dt.datetime.max.replace(tzinfo=dt.UTC),
         dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=5))),
         dt.datetime(9999, 12, 31, 23, tzinfo=dt.timezone(-dt.timedelta(hours=5))),
         dt.datetime(999, 6, 1, tzinfo=dt.UTC)]
# Fixed offsets, not zoneinfo zones: a wall time in a DST gap compares unequal to every instant of another zone.
OFFSETS = st.timedeltas(min_value=-dt.timedelta(hours=23, minutes=59), max_value=dt.timedelta(hours=23, minutes=59))
INSTANTS = st.sampled_from(EDGES) | st.datetimes(timezones=OFFSETS.map(dt.timezone))
COUNTS = st.sampled_from([0, MAX_COUNT, MAX_COUNT + 1, 2**64 - 1, 2**64, -1, -(2**63), 10**30]) | st.integers()


def in_range(value: dt.datetime) -> bool:
    """The expected answer, computed by subtraction (which cannot overflow, unlike conversion to UTC)."""
    return value - EARLIEST >= dt.timedelta(0) and LATEST - value >= dt.timedelta(0)


def test_the_documented_range() -> None:
    """Instants from the Unix epoch to the end of 2199, dates likewise, counts up to SQLite's INTEGER."""
    assert (EARLIEST.isoformat(), LATEST.isoformat()) == ("1970-01-01T00:00:00+00:00", "2199-12-31T23:59:59.999999+00:00")
    assert (dt.date(1970, 1, 1), dt.date(2199, 12, 31)) == (FIRST_DAY, LAST_DAY)
    assert MAX_COUNT == 2**63 - 1


@PROPERTY
@given(INSTANTS)
def test_check_instant_accepts_exactly_the_range(value: dt.datetime) -> None:
    """Any aware datetime is returned in UTC when in range, else refused with ValueError naming the field."""
    assert supported(value) == in_range(value)
    if in_range(value):
        assert check_instant(value, "f") == value and check_instant(value, "f").tzinfo is dt.UTC
    else:
        with pytest.raises(ValueError, match=r"^when: .* is outside the supported range"):
            check_instant(value, "when")


@PROPERTY
@given(st.text() | st.from_regex(r"[0-9]{1,40}", fullmatch=True) | st.just("9" * 5000))
def test_read_count_reads_only_short_ascii_digit_strings(text: str) -> None:
    """A count in text is 1 to 18 ASCII digits; anything else (longer, signed, other scripts) is None."""
    expected = int(text) if text.isascii() and text.isdigit() and 0 < len(text) <= 18 else None
    assert read_count(text) == expected


@PROPERTY
@given(INSTANTS)
def test_read_instant_reads_any_written_instant_or_says_none(value: dt.datetime) -> None:
    """Any aware datetime written in ISO 8601 reads back as the same instant in UTC, or None when UTC cannot show it
    (year 1 ahead of UTC, year 9999 behind it); it never raises."""
    try:
        expected: dt.datetime | None = value.astimezone(dt.UTC)
    except OverflowError:
        expected = None
    read = read_instant(value.isoformat())
    assert read == expected and (read is None or read.tzinfo is dt.UTC)
    assert read_instant(value.replace(tzinfo=None).isoformat(), naive=None) is None


@PROPERTY
@given(st.text() | st.integers() | st.none())
def test_read_instant_never_raises(value: object) -> None:
    """Any text or non-text: a UTC datetime or None, never an exception."""
    read = read_instant(value)
    assert read is None or read.tzinfo is dt.UTC


# -- native import --------------------------------------------------------------------------------------------


def _native(*records: dict[str, Any]) -> bytes:
    lines = [{"type": "header", "format": "hotpapers-native", "version": 1}, *records]
    return b"".join(json.dumps(r).encode() + b"\n" for r in lines)  # stdlib: integers of any size


def _import(tmp_path: Path, data: bytes) -> tuple[SQLiteStore, InputError | None]:
    """Import ``data`` into a fresh in-memory store: (the store, the error or None)."""
    path = tmp_path / "x.jsonl"
    path.write_bytes(data)
    store = SQLiteStore(":memory:")
    try:
        transfer.import_files(store, [path])
    except InputError as e:
        return store, e
    return store, None


def _refused_in_one_line(store: SQLiteStore, error: InputError | None, field: str) -> None:
    assert error is not None
    message = str(error)
    assert "\n" not in message and len(message) < 400 and "x.jsonl:" in message and field.rstrip("s") in message, message
    assert all(n == 0 for n in store.counts().values())


@PROPERTY
@given(INSTANTS)
def test_native_post_time_is_imported_exactly_when_in_range(tmp_path_factory: pytest.TempPathFactory,
                                                            value: dt.datetime) -> None:
    """A post's ``created_at`` anywhere in datetime's range: stored as that instant, or refused naming it."""
    record = {"type": "post", **post_to_dict(post()), "created_at": value.isoformat()}
    store, error = _import(tmp_path_factory.mktemp("n"), _native(record))
    if in_range(value):
        assert error is None
        (stored,) = store.iter_posts()
        assert stored.created_at == value
    else:
        _refused_in_one_line(store, error, "created_at")


@PROPERTY
@given(st.sampled_from(["reposts", "likes", "replies", "quotes", "extras"]), COUNTS)
def test_native_counts_are_imported_exactly_when_they_fit(tmp_path_factory: pytest.TempPathFactory, field: str,
                                                          value: int) -> None:
    """An engagement count of any size is stored when 0..2**63-1, else refused naming the count."""
    snap = snapshot_to_dict(snapshot())
    snap[field] = {"views": value} if field == "extras" else value
    data = _native({"type": "post", **post_to_dict(post())}, {"type": "engagement", **snap})
    store, error = _import(tmp_path_factory.mktemp("n"), data)
    if 0 <= value <= MAX_COUNT:
        assert error is None
        (stored,) = store.iter_snapshots()
        assert (dict(stored.extras)["views"] if field == "extras" else getattr(stored, field)) == value
    else:
        _refused_in_one_line(store, error, field)


@PROPERTY
@given(st.sampled_from(["version", "position", "author_followers"]), COUNTS)
def test_native_versions_positions_and_followers_are_bounded(tmp_path_factory: pytest.TempPathFactory, field: str,
                                                             value: int) -> None:
    """A paper's version (from 1), an announcement's position and a post's followers (from 0) up to 2**63-1."""
    records: list[dict[str, Any]] = [{"type": "paper", **paper_to_dict(paper())},
                                     {"type": "announcement", **announcement_to_dict(announcement())},
                                     {"type": "post", **post_to_dict(post())}]
    target = {"version": 0, "position": 1, "author_followers": 2}[field]
    records[target][field] = value
    store, error = _import(tmp_path_factory.mktemp("n"), _native(*records))
    if (1 if field == "version" else 0) <= value <= MAX_COUNT:
        assert error is None, error
    else:
        _refused_in_one_line(store, error, field)


@PROPERTY
@given(st.dates() | st.sampled_from([FIRST_DAY, LAST_DAY, dt.date.min, dt.date.max]))
def test_native_announcement_dates_are_imported_exactly_when_in_range(tmp_path_factory: pytest.TempPathFactory,
                                                                      day: dt.date) -> None:
    """An announcement dated any day 0001-01-01..9999-12-31 is stored when in range, else refused."""
    data = _native({"type": "paper", **paper_to_dict(paper())},
                   {"type": "announcement", **announcement_to_dict(announcement(day=day))})
    store, error = _import(tmp_path_factory.mktemp("n"), data)
    if FIRST_DAY <= day <= LAST_DAY:
        assert error is None and store.announced_dates() == [day]
    else:
        _refused_in_one_line(store, error, "date")


@pytest.mark.parametrize("text", ["20210219", "2021-2-19", "2021-02-19T00:00", "+2021-02-19", "2021-02-19 "])
def test_native_dates_are_written_yyyy_mm_dd_only(text: str) -> None:
    """``date.fromisoformat`` also takes ``20210219``; the native format does not."""
    record = {"type": "announcement", **announcement_to_dict(announcement()), "date": text}
    with pytest.raises(InputError, match="date: not a date YYYY-MM-DD"):
        list(read_native(Path("x.jsonl"), io.BytesIO(_native(record))))


# -- legacy import --------------------------------------------------------------------------------------------


def _legacy_with_status(created_at: str) -> bytes:
    status = {"id_str": "1295794106657058817", "full_text": "see https://arxiv.org/abs/2008.06959",
              "created_at": created_at, "user": {"screen_name": "ak92501", "name": "AK"},
              "retweet_count": 1, "favorite_count": 2}
    paper_obj = {"id": "2008.06959", "title": "T", "authors": ["A"], "subjects": ["cs.CV (cs.CV)"],
                 "links": {"Abstract": "https://arxiv.org/abs/2008.06959"}, "tweets": [status]}
    return orjson.dumps({"meta": {"since": "2020/08/18", "until": "2020/08/19"}, "papers": [paper_obj]})


@PROPERTY
@given(INSTANTS)
def test_legacy_tweet_times_are_read_exactly_when_in_range(value: dt.datetime) -> None:
    """A v1.1 status's ``created_at`` anywhere in datetime's range: read, or refused naming the tweet."""
    try:
        batch = parse_legacy(_legacy_with_status(value.isoformat()), "day.json")
    except InputError as e:
        assert not in_range(value)
        assert str(e).startswith("day.json: papers[0].tweets[0].created_at: ") and "\n" not in str(e)
        return
    assert in_range(value) and batch.posts[0].created_at == value


# -- sources ----------------------------------------------------------------------------------------------------


JETSTREAM_POST = (SOCIAL / "bluesky" / "derived" / "jetstream_capture_with_arxiv_links.jsonl").read_bytes().splitlines()[1]


@PROPERTY
@given(INSTANTS)
def test_firehose_posts_outside_the_range_are_malformed(value: dt.datetime) -> None:
    """A Jetstream post whose ``createdAt`` is out of range is counted malformed (None), never a Post."""
    event = orjson.loads(JETSTREAM_POST)
    event["commit"]["record"]["createdAt"] = value.isoformat()
    parsed = parse_event(orjson.dumps(event), OBSERVED)
    if in_range(value):
        assert parsed is not None and isinstance(parsed.record, Post) and parsed.record.created_at == value
    else:
        assert parsed is None


@PROPERTY
@given(COUNTS)
def test_firehose_time_us_of_any_size_never_raises(value: int) -> None:
    """A Jetstream ``time_us`` of any size gives an event (0..2**63-1) or None; a post only with a valid time."""
    event = orjson.loads(JETSTREAM_POST)
    event["time_us"] = value
    del event["commit"]["record"]["createdAt"]  # the post's time falls back to time_us
    try:
        line = orjson.dumps(event)
    except orjson.JSONEncodeError:  # beyond 64 bits: as a server would send it, digits in the text
        line = orjson.dumps({**event, "time_us": 0}).replace(b'"time_us":0', f'"time_us":{value}'.encode())
    parsed = parse_event(line, OBSERVED)
    if parsed is not None and isinstance(parsed.record, Post):
        assert supported(parsed.record.created_at)


def _x_page(created_at: str) -> bytes:
    lines = (SOCIAL / "x" / "derived_arxiv_search_recent_page_100_tweets_twarc2.jsonl").read_bytes().splitlines()
    page = orjson.loads(lines[0])
    for tweet in page["data"]:
        tweet["created_at"] = created_at
    return orjson.dumps(page)


@PROPERTY
@given(INSTANTS)
def test_x_posts_outside_the_range_are_skipped(value: dt.datetime) -> None:
    """Every tweet of a search page dated out of range is skipped with a reason; in range, it is kept."""
    page = parse_search_page(_x_page(value.isoformat()), OBSERVED)
    if in_range(value):
        assert page.posts and all(p.created_at == value for p in page.posts)
    else:
        assert not page.posts and any("outside the supported range" in s for s in page.skipped)


@PROPERTY
@given(COUNTS)
def test_hacker_news_times_and_points_of_any_size(value: int) -> None:
    """A story's ``created_at_i`` and ``points`` of any size: kept when valid, else skipped, never raised."""
    body = orjson.loads((SOCIAL / "hackernews" / "algolia_search_DERIVED_two_hits_url_replaced_by_arxiv.json")
                        .read_bytes())
    body["hits"][0]["created_at_i"] = value
    body["hits"][1]["points"] = value
    try:
        data = orjson.dumps(body)
    except orjson.JSONEncodeError:
        return  # beyond 64 bits; covered by the fuzz corpus's huge numbers
    page = parse_search(data, OBSERVED)
    assert all(supported(p.created_at) for p in page.posts)
    assert all(0 <= s.likes <= MAX_COUNT for s in page.snapshots)


@PROPERTY
@given(INSTANTS)
def test_hugging_face_papers_outside_the_range_are_skipped(value: dt.datetime) -> None:
    """A daily paper published out of range is skipped with a reason."""
    entries = orjson.loads((SOCIAL / "huggingface" / "daily_papers_HANDMADE_date_2025-03-31.json").read_bytes())
    for entry in entries:
        entry["publishedAt"] = value.isoformat()
    page = parse_daily_papers(orjson.dumps(entries), OBSERVED)
    if in_range(value):
        assert all(p.created_at == value for p in page.posts)
    else:
        assert not page.posts


BSKY_VIEWS = (SOCIAL / "bluesky" / "derived" / "getPosts_with_arxiv_link.body.json").read_bytes()


@PROPERTY
@given(INSTANTS, COUNTS)
def test_bluesky_appview_times_and_counts_of_any_size(value: dt.datetime, count: int) -> None:
    """A getPosts view's ``createdAt`` and ``likeCount`` of any size: the post kept when both are valid, else skipped
    with a reason, never raised."""
    body = orjson.loads(BSKY_VIEWS)
    body["posts"][0]["record"]["createdAt"] = value.isoformat()
    body["posts"][0]["likeCount"] = count
    try:
        data = orjson.dumps(body)
    except orjson.JSONEncodeError:  # beyond 64 bits: written as a server would, digits in the text
        data = orjson.dumps({**body, "posts": [{**body["posts"][0], "likeCount": 0}]}).replace(
            b'"likeCount":0', f'"likeCount":{count}'.encode())
    page = parse_get_posts(data, OBSERVED)
    kept = [p for p in page.posts if p.post_id == body["posts"][0]["uri"]]
    if in_range(value) and 0 <= count <= MAX_COUNT:
        assert kept and kept[0].created_at == value
    else:
        assert not kept and page.skipped
