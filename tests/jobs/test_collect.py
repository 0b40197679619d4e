"""The collect and run jobs: sources are isolated from each other, records are stored, requests counted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from hotpapers.cli import collecting, main
from hotpapers.errors import NetworkError, UsageError
from hotpapers.http import NO_RETRIES
from hotpapers.jobs.collect import collect
from hotpapers.jobs.environment import Environment
from hotpapers.models import AccountProfile, PostGone, Record
from hotpapers.plugins import CollectRequest, Registry, SourceContext, SourceStatus
from hotpapers.store import SQLiteStore

from helpers.factories import DAY, T0, announcement, paper, post, snapshot

SEEN: list[CollectRequest] = []


class Good:
    """A source that finds one post and refreshes the known ones, making one HTTP request."""

    name = "x"

    def __init__(self, context: SourceContext) -> None:
        self.context = context

    def status(self) -> SourceStatus:
        return SourceStatus(True)

    def collect(self, request: CollectRequest) -> Iterator[Record]:
        SEEN.append(request)
        self.context.http.get("http://source.test/search")
        yield post("2", "2104.08223")
        yield snapshot("2", likes=99, at=self.context.now())
        yield AccountProfile("x", "ak92501", self.context.now(), followers=10)
        for known in request.known_posts:
            yield PostGone(known.platform, known.post_id, self.context.now(), "deleted")


class Broken:
    """A source whose platform is down: it yields one post, then fails."""

    name = "bluesky"

    def __init__(self, context: SourceContext) -> None:
        pass

    def status(self) -> SourceStatus:
        return SourceStatus(True)

    def collect(self, request: CollectRequest) -> Iterator[Record]:
        yield post("b1", "2104.08223")
        raise NetworkError("ConnectError for https://bsky.test/")


class Buggy(Broken):
    """A source with a bug."""

    name = "hackernews"

    def collect(self, request: CollectRequest) -> Iterator[Record]:
        raise ZeroDivisionError("oops")
        yield  # pragma: no cover


class Off(Broken):
    """A source without credentials."""

    name = "huggingface"

    def status(self) -> SourceStatus:
        return SourceStatus(False, "set HOTPAPERS_HF_TOKEN")


def _registry() -> Registry:
    registry = Registry()
    for cls in (Good, Broken, Buggy, Off):
        registry.add_source(cls.name, cls)
    return registry


def _environment() -> Environment:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={}))
    return Environment(env={}, now=lambda: T0 + dt.timedelta(days=1), retry=NO_RETRIES, transport=transport)


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    """A store with one announced paper and one known X post."""
    s = SQLiteStore(tmp_path / "s.db")
    s.upsert_papers([paper()])
    s.add_announcements([announcement()])
    s.upsert_posts([post("1")])
    s.add_snapshots([snapshot("1")])
    return s


def test_failing_sources_do_not_stop_the_others(store: SQLiteStore) -> None:
    """A source that fails and one that crashes are reported; the good one still stores its posts."""
    reports = {r.name: r for r in collect(store, _registry(), day=DAY, names=None, environment=_environment())}
    assert reports["x"].error is None and reports["x"].posts == 1
    assert reports["bluesky"].error == "ConnectError for https://bsky.test/"
    assert reports["hackernews"].error == "ZeroDivisionError: oops"


def test_records_before_a_failure_are_kept(store: SQLiteStore) -> None:
    """What a source yielded before it failed is stored."""
    collect(store, _registry(), day=DAY, names=["bluesky"], environment=_environment())
    assert [p.post_id for p in store.iter_posts() if p.platform == "x"] == ["1", "b1"]


def test_disabled_source_is_skipped_not_failed(store: SQLiteStore) -> None:
    """An unnamed disabled source is reported as disabled with its reason, not as a failure."""
    reports = {r.name: r for r in collect(store, _registry(), day=DAY, names=None, environment=_environment())}
    assert not reports["huggingface"].enabled and not reports["huggingface"].failed
    assert reports["huggingface"].reason == "set HOTPAPERS_HF_TOKEN"


def test_named_disabled_source_fails(store: SQLiteStore) -> None:
    """Asking for a disabled source by name is a failure that says how to enable it."""
    (report,) = collect(store, _registry(), day=DAY, names=["huggingface"], environment=_environment())
    assert report.failed and "HOTPAPERS_HF_TOKEN" in (report.error or "")


def test_unknown_source_is_a_usage_error(store: SQLiteStore) -> None:
    """An unknown --source names the known ones."""
    with pytest.raises(UsageError, match="unknown source"):
        collect(store, _registry(), day=DAY, names=["myspace"], environment=_environment())


def test_known_posts_are_passed_for_refresh(store: SQLiteStore) -> None:
    """A source is given the day's papers, its window, and the stored posts of its own platform."""
    SEEN.clear()
    collect(store, _registry(), day=DAY, names=["x"], environment=_environment())
    (request,) = SEEN
    assert request.papers == ("2104.08223",) and [p.post_id for p in request.known_posts] == ["1"]
    assert request.start < request.end


def test_recently_profiled_accounts_are_passed_and_profiles_stored(store: SQLiteStore) -> None:
    """The request names the platform's accounts profiled in the last 7 days; yielded profiles are stored."""
    now = T0 + dt.timedelta(days=1)
    store.add_profiles([AccountProfile("x", "fresh", now - dt.timedelta(days=2)),
                        AccountProfile("x", "stale", now - dt.timedelta(days=8)),
                        AccountProfile("bluesky", "other.bsky.social", now)])  # fmt: skip
    SEEN.clear()
    (report,) = collect(store, _registry(), day=DAY, names=["x"], environment=_environment())
    assert SEEN[0].profiled == frozenset({("x", "fresh")})
    assert report.counted == {"profiles": 1} and ("x", "ak92501") in store.profiled_since(now)


def test_gone_posts_are_marked_deleted(store: SQLiteStore) -> None:
    """A PostGone record marks the stored post deleted and keeps its snapshots."""
    collect(store, _registry(), day=DAY, names=["x"], environment=_environment())
    gone = [p for p in store.iter_posts() if p.post_id == "1"]
    assert gone[0].deleted and store.counts()["engagement"] == 2


def test_requests_are_counted_per_source(store: SQLiteStore) -> None:
    """Each source's report counts the HTTP requests it made."""
    reports = {r.name: r for r in collect(store, _registry(), day=DAY, names=None, environment=_environment())}
    assert reports["x"].requests == 1 and reports["bluesky"].requests == 0


def test_collect_command_exits_8_when_a_source_failed(
    store: SQLiteStore, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``hotpapers collect`` prints a table and exits 8 when a source failed."""
    monkeypatch.setattr(collecting, "load_registry", _registry)
    monkeypatch.setattr(collecting, "_environment", lambda ctx: _environment())
    code = main(["--db", store.url, "collect", "--date", DAY.isoformat()])
    out = capsys.readouterr().out
    assert code == 8 and "FAILED: ConnectError" in out and "disabled: set HOTPAPERS_HF_TOKEN" in out


def test_sources_command_lists_status(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """``hotpapers sources`` lists each source with enabled/disabled and the reason."""
    monkeypatch.setattr(collecting, "load_registry", _registry)
    assert main(["sources"]) == 0
    assert "huggingface: disabled: set HOTPAPERS_HF_TOKEN" in capsys.readouterr().out


def test_run_without_ingest_ranks_and_renders(
    store: SQLiteStore, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``run --no-ingest`` collects, ranks and writes the post, and exits 8 because a source failed."""
    monkeypatch.setattr(collecting, "load_registry", _registry)
    monkeypatch.setattr(collecting, "_environment", lambda ctx: _environment())
    store.add_snapshots([snapshot("1", likes=60, at=T0 + dt.timedelta(hours=1))])
    code = main(["--db", store.url, "run", "--no-ingest", "--date", DAY.isoformat(), "--out", str(tmp_path / "o")])
    captured = capsys.readouterr()
    assert code == 8
    assert (tmp_path / "o" / f"{DAY}---Hot-Papers.md").exists()
    assert "Listing day 2021-04-19" in captured.out and "collecting posts" in captured.err


def test_closed_day_is_the_listing_announced_the_evening_before() -> None:
    """Run after Thursday's 20:00 ET announcement, the digest is Thursday's listing (announced Wednesday)."""
    from hotpapers.jobs.days import closed_day  # noqa: PLC0415

    thursday_evening = dt.datetime(2024, 11, 29, 1, 30, tzinfo=dt.UTC)  # 20:30 EST on Thursday 28
    assert closed_day(thursday_evening) == dt.date(2024, 11, 28)


def test_closed_day_on_sunday_evening_is_friday() -> None:
    """Run on Sunday evening, the digest is Friday's listing, whose window closes at Sunday's announcement."""
    from hotpapers.jobs.days import closed_day  # noqa: PLC0415

    sunday_evening = dt.datetime(2024, 12, 2, 1, 30, tzinfo=dt.UTC)  # 20:30 EST on Sunday 1 December
    assert closed_day(sunday_evening) == dt.date(2024, 11, 29)


class Warns(Good):
    """A source that logs a warning (as X does when it stops at its page cap)."""

    name = "x"

    def collect(self, request: CollectRequest) -> Iterator[Record]:
        import logging  # noqa: PLC0415

        logging.getLogger("hotpapers.sources.x.source").warning("stopped after 20 search pages")
        yield from ()


def test_source_warnings_reach_the_summary(store: SQLiteStore, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A warning a source logs is shown under the summary table, not only in the log."""
    registry = Registry()
    registry.add_source("x", Warns)
    monkeypatch.setattr(collecting, "load_registry", lambda: registry)
    monkeypatch.setattr(collecting, "_environment", lambda ctx: _environment())
    assert main(["--db", store.url, "collect", "--date", DAY.isoformat()]) == 0
    assert "warning: x: stopped after 20 search pages" in capsys.readouterr().out
