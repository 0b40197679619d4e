"""Windows beyond one listing day: roll-ups over a range (--from/--to, --week, --month) and ``rising``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import orjson
import pytest

from hotpapers.arxiv.calendar import listing_window
from hotpapers.cli import main
from hotpapers.errors import UsageError
from hotpapers.models import Announcement, AnnounceType, ArxivId, EngagementSnapshot, PaperEvidence, Post
from hotpapers.ranking.views import (
    date_range,
    month_range,
    rising_evidence,
    rollup_evidence,
    week_range,
)
from hotpapers.store import SQLiteStore

from helpers.factories import DAY, T0, announcement, paper, post, snapshot

MONDAY, TUESDAY = DAY, DAY + dt.timedelta(days=1)  # 2021-04-19, 2021-04-20
NOW = dt.datetime(2021, 4, 22, 12, 0, tzinfo=dt.UTC)


def make_store(
    path: Path,
    announcements: Sequence[Announcement],
    posts: Sequence[Post] = (),
    snapshots: Sequence[EngagementSnapshot] = (),
) -> SQLiteStore:
    """A store holding a paper for each announced id, the announcements, posts and snapshots."""
    store = SQLiteStore(path)
    with store.transaction():
        store.upsert_papers(paper(i) for i in sorted({a.arxiv_id for a in announcements}))
        store.add_announcements(announcements)
        store.upsert_posts(posts)
        store.add_snapshots(snapshots)
    return store


def engagement_of(evidence: list[PaperEvidence]) -> dict[str, EngagementSnapshot | None]:
    """Post id -> the engagement the evidence carries."""
    return {e.post.post_id: e.engagement for item in evidence for e in item.posts}


# -- roll-ups ---------------------------------------------------------------------------------


def test_rollup_unions_days_and_dedupes_a_paper_announced_twice(tmp_path: Path) -> None:
    """A paper on two days appears once, at its first announcement; positions run on in date order."""
    store = make_store(tmp_path / "s.db", [
        announcement("2104.00001", 0, MONDAY), announcement("2104.00002", 1, MONDAY),
        announcement("2104.00003", 0, TUESDAY),
        Announcement(ArxivId("2104.00001"), TUESDAY, AnnounceType.REPLACE, 1),
    ])
    evidence = rollup_evidence(store, MONDAY, TUESDAY)
    assert [(e.paper.arxiv_id, e.announcement.date, e.announcement.position) for e in evidence] == [
        ("2104.00001", MONDAY, 0), ("2104.00002", MONDAY, 1), ("2104.00003", TUESDAY, 2),
    ]


def test_rollup_leaves_out_days_outside_the_range(tmp_path: Path) -> None:
    """Only announced days within [start, end] are included."""
    store = make_store(tmp_path / "s.db", [announcement("2104.00001", 0, MONDAY), announcement("2104.00002", 0, TUESDAY)])
    assert [e.paper.arxiv_id for e in rollup_evidence(store, TUESDAY, TUESDAY)] == ["2104.00002"]


EARLIER = dt.date(2021, 3, 1)


def test_rollup_marks_a_replaced_older_paper_resurfaced(tmp_path: Path) -> None:
    """A paper whose only announcement in the range is a replacement is marked resurfaced; a new one is not."""
    store = make_store(tmp_path / "s.db", [
        announcement("2103.00001", 0, EARLIER), Announcement(ArxivId("2103.00001"), MONDAY, AnnounceType.REPLACE, 0),
        announcement("2104.00001", 1, MONDAY),
    ])  # fmt: skip
    assert [(e.paper.arxiv_id, e.resurfaced) for e in rollup_evidence(store, MONDAY, TUESDAY)] == [
        ("2103.00001", True), ("2104.00001", False)]


def test_rollup_adds_older_papers_discussed_in_its_window(tmp_path: Path) -> None:
    """An older paper linked by a post of the window follows the range's papers, resurfaced, with that post only."""
    start, end = date_range(MONDAY, TUESDAY).window()
    old_post = post("old", "2103.00001", text="still the best", created_at=dt.datetime(2021, 3, 2, tzinfo=dt.UTC))
    new_post = post("new", "2103.00001", author_handle="fresh", text="rereading this", created_at=start + dt.timedelta(hours=3))
    store = make_store(tmp_path / "s.db", [announcement("2103.00001", 0, EARLIER), announcement("2104.00001", 0, MONDAY)],
                       [old_post, new_post])  # fmt: skip
    evidence = rollup_evidence(store, MONDAY, TUESDAY, resurfaced=(start, end))
    assert [(e.paper.arxiv_id, e.resurfaced, e.announcement.date) for e in evidence] == [
        ("2104.00001", False, MONDAY), ("2103.00001", True, EARLIER)]
    assert [p.post.post_id for p in evidence[1].posts] == ["new"]


def test_render_range_labels_a_resurfaced_paper(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """The roll-up's JSON shows the resurfaced paper with its 'resurfaced' breakdown item; the daily digest of
    its replacement day does not rank it."""
    db = tmp_path / "s.db"
    start, _ = date_range(MONDAY, TUESDAY).window()
    make_store(db, [announcement("2103.00001", 0, EARLIER), Announcement(ArxivId("2103.00001"), MONDAY,
                                                                        AnnounceType.REPLACE, 0)],
               [post(f"p{n}", "2103.00001", author_handle=f"fan{n}", text=f"{TEXT} {'q' * n}",
                     created_at=start + dt.timedelta(hours=n)) for n in range(3)],
               [snapshot(f"p{n}", 40, 100) for n in range(3)]).close()  # fmt: skip
    code, _, err = run(capsys, "--db", str(db), "render", "--from", "2021-04-19", "--to", "2021-04-20",
                       "--format", "json", "--out", str(tmp_path / "v"))  # fmt: skip
    assert code == 0, err
    (paper_json,) = orjson.loads((tmp_path / "v" / "json" / "2021-04-20.json").read_bytes())["papers"]
    assert [b["kind"] for b in paper_json["breakdown"]].count("resurfaced") == 1
    code, _, _ = run(capsys, "--db", str(db), "render", "--date", "2021-04-19", "--format", "json",
                     "--out", str(tmp_path / "d"))  # fmt: skip
    assert orjson.loads((tmp_path / "d" / "json" / "2021-04-19.json").read_bytes())["papers"] == []


def test_rising_keeps_what_is_known_of_the_authors(tmp_path: Path) -> None:
    """Growth replaces a post's snapshot but keeps its author's account evidence."""
    store = make_store(tmp_path / "s.db", [announcement("2104.00001", 0, MONDAY)], [post("p", "2104.00001")],
                       [snapshot("p", 0, 10, NOW - dt.timedelta(hours=30)), snapshot("p", 0, 12, NOW)])  # fmt: skip
    (item,) = rising_evidence(store, MONDAY, hours=24, now=NOW)
    assert item.posts[0].account is not None


def test_week_is_monday_to_friday_of_the_day() -> None:
    """--week of a Wednesday, or of the Saturday after, is that Monday..Friday."""
    for day in (dt.date(2021, 4, 21), dt.date(2021, 4, 24)):
        span = week_range(day)
        assert (span.start, span.end, span.title) == (MONDAY, dt.date(2021, 4, 23), "Hot Papers week of 2021-04-19")


def test_month_skips_weekends_at_either_end() -> None:
    """--month runs from the month's first weekday to its last (May 2021 starts on a Saturday)."""
    assert (month_range("2021-05").start, month_range("2021-05").end) == (dt.date(2021, 5, 3), dt.date(2021, 5, 31))
    assert (month_range("2021-07").start, month_range("2021-07").end) == (dt.date(2021, 7, 1), dt.date(2021, 7, 30))
    assert month_range("2021-05").title == "Hot Papers 2021-05"


def test_bad_month_is_a_usage_error() -> None:
    """--month that is not YYYY-MM is refused, naming the value."""
    with pytest.raises(UsageError, match="'2021-13'"):
        month_range("2021-13")


def test_range_window_spans_first_to_last_listing_day() -> None:
    """A range from a Saturday to a Sunday spans the windows of the weekdays inside it."""
    span = date_range(dt.date(2021, 4, 17), dt.date(2021, 4, 25))
    assert span.window() == (listing_window(MONDAY)[0], listing_window(dt.date(2021, 4, 23))[1])
    assert span.title == "Hot Papers 2021-04-17 \u2013 2021-04-25"


def test_to_before_from_is_a_usage_error() -> None:
    """A range that ends before it starts is refused."""
    with pytest.raises(UsageError, match=r"^date range 2021-04-20 \.\. 2021-04-19: it ends before it starts$"):
        date_range(TUESDAY, MONDAY)


# -- rising -----------------------------------------------------------------------------------


def rising_store(path: Path, snapshots: Sequence[EngagementSnapshot], created: dt.datetime = T0) -> SQLiteStore:
    """One paper on MONDAY with one post ("p") created at ``created``, and the given snapshots of it."""
    return make_store(path, [announcement("2104.08223", 0, MONDAY)], [post("p", created_at=created)], snapshots)


def test_rising_is_growth_between_two_snapshots(tmp_path: Path) -> None:
    """The delta is the latest snapshot minus the latest one at or before now - hours."""
    store = rising_store(tmp_path / "s.db", [
        snapshot("p", 5, 10, NOW - dt.timedelta(hours=40)),
        snapshot("p", 10, 20, NOW - dt.timedelta(hours=30)),
        snapshot("p", 15, 50, NOW - dt.timedelta(hours=1)),
    ])
    grown = engagement_of(rising_evidence(store, MONDAY, hours=24, now=NOW))["p"]
    assert grown is not None and (grown.reposts, grown.likes, grown.observed_at) == (5, 30, NOW - dt.timedelta(hours=1))


def test_rising_clamps_a_drop_at_zero(tmp_path: Path) -> None:
    """A count that fell (unlikes) gives 0, never a negative delta."""
    store = rising_store(tmp_path / "s.db", [
        snapshot("p", 10, 20, NOW - dt.timedelta(hours=30)), snapshot("p", 4, 25, NOW - dt.timedelta(hours=1)),
    ])
    grown = engagement_of(rising_evidence(store, MONDAY, hours=24, now=NOW))["p"]
    assert grown is not None and (grown.reposts, grown.likes) == (0, 5)


def test_rising_counts_a_new_post_from_zero(tmp_path: Path) -> None:
    """A post with no snapshot before the window counts its whole latest engagement."""
    store = rising_store(tmp_path / "s.db", [snapshot("p", 7, 9, NOW - dt.timedelta(hours=2))],
                         created=NOW - dt.timedelta(hours=3))
    grown = engagement_of(rising_evidence(store, MONDAY, hours=24, now=NOW))["p"]
    assert grown is not None and (grown.reposts, grown.likes) == (7, 9)


def test_rising_leaves_out_an_old_post_that_did_not_grow(tmp_path: Path) -> None:
    """An old post with the same counts before and within the window contributes nothing, so it is left out."""
    store = rising_store(tmp_path / "s.db", [
        snapshot("p", 100, 900, NOW - dt.timedelta(hours=30)), snapshot("p", 100, 900, NOW - dt.timedelta(hours=1)),
    ])
    assert engagement_of(rising_evidence(store, MONDAY, hours=24, now=NOW)) == {}


def test_rising_ignores_snapshots_after_now(tmp_path: Path) -> None:
    """Snapshots observed after ``now`` do not count, so a past moment can be replayed."""
    store = rising_store(tmp_path / "s.db", [
        snapshot("p", 0, 10, NOW - dt.timedelta(hours=30)), snapshot("p", 0, 12, NOW - dt.timedelta(hours=1)),
        snapshot("p", 0, 99, NOW + dt.timedelta(hours=1)),
    ])
    grown = engagement_of(rising_evidence(store, MONDAY, hours=24, now=NOW))["p"]
    assert grown is not None and grown.likes == 2


# -- the command line -------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the CLI in-process; return (exit code, stdout, stderr)."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


TEXT = "Sparse attention finally beats dense baselines"  # says something (a text that only says "A paper" counts half)


def two_day_store(path: Path) -> None:
    """Two papers on two days, each with a post of 100 likes (enough for either preset)."""
    make_store(
        path,
        [announcement("2104.00001", 0, MONDAY), announcement("2104.00002", 0, TUESDAY)],
        [post("a", "2104.00001", text=TEXT), post("b", "2104.00002", author_handle="someone", text=TEXT)],
        [snapshot("a", 40, 100), snapshot("b", 40, 100)],
    ).close()


def test_render_range_writes_a_view_and_publishes_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """render --from/--to writes a post dated the last day, titled with the range, and stores no digest."""
    db = tmp_path / "s.db"
    two_day_store(db)
    code, _, err = run(capsys, "--db", str(db), "render", "--from", "2021-04-19", "--to", "2021-04-20",
                         "--out", str(tmp_path / "views"))
    assert code == 0, err
    text = (tmp_path / "views" / "2021-04-20---Hot-Papers.md").read_text()
    assert "Hot Papers 2021-04-19 \u2013 2021-04-20" in text
    assert "2104.00001" in text and "2104.00002" in text
    with SQLiteStore(db) as store:
        assert store.counts()["digests"] == 0


def test_render_week_titles_the_week(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """render --week D writes the roll-up titled with that week's Monday."""
    db = tmp_path / "s.db"
    two_day_store(db)
    code, _, err = run(capsys, "--db", str(db), "render", "--week", "2021-04-21", "--out", str(tmp_path / "v"))
    assert code == 0, err
    assert "Hot Papers week of 2021-04-19" in (tmp_path / "v" / "2021-04-23---Hot-Papers.md").read_text()


def test_render_rising_ranks_growth_over_totals(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--window rising puts a small paper that is growing fast above a big one whose counts stand still."""
    monkeypatch.setattr("hotpapers.cli.app.now_utc", lambda: NOW)
    db = tmp_path / "s.db"
    before, after = NOW - dt.timedelta(hours=30), NOW - dt.timedelta(hours=1)
    big = [post(f"big{n}", "2104.00001", author_handle=f"fan{n}", text=f"{TEXT} {'xyz' * n}") for n in range(3)]
    make_store(
        db,
        [announcement("2104.00001", 0, MONDAY), announcement("2104.00002", 1, MONDAY)],
        [*big, post("small", "2104.00002", author_handle="newcomer", text=TEXT)],
        [s for p in big for s in (snapshot(p.post_id, 500, 2000, before), snapshot(p.post_id, 500, 2000, after))]
        + [snapshot("small", 1, 2, before), snapshot("small", 60, 150, after)],
    ).close()
    code, _, err = run(capsys, "--db", str(db), "render", "--window", "rising", "--hours", "24", "--date", "2021-04-19",
                       "--out", str(tmp_path / "v"))
    assert code == 0, err
    text = (tmp_path / "v" / "2021-04-19---Hot-Papers.md").read_text()
    assert "Hot Papers rising (last 24 h)" in text
    assert "# 1. Paper 2104.00002" in text
    assert "# 1. Paper 2104.00001" not in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--week", "2021-04-19", "--from", "2021-04-19", "--to", "2021-04-20"), "give only one of"),
        (("--date", "2021-04-19", "--hours", "6"), "--hours applies only to --window rising"),
        (("--from", "2021-04-20", "--to", "2021-04-19"), "--to 2021-04-19 is before --from 2021-04-20"),
    ],
    ids=["week-with-from", "hours-without-rising", "to-before-from"],
)
def test_bad_combinations_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    """Conflicting window options are refused with exit 2 and a single error line."""
    code, _, err = run(capsys, "--db", str(tmp_path / "s.db"), "render", *args, "--out", str(tmp_path / "v"))
    assert code == 2 and err.count("\n") == 1 and message in err
    assert not (tmp_path / "v").exists()
