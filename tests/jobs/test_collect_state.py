"""The collect job's source checkpoints, usage reports and the order of the posts to refresh."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from hotpapers.cli import collecting, main
from hotpapers.errors import NetworkError
from hotpapers.http import NO_RETRIES
from hotpapers.jobs.collect import collect, known_posts
from hotpapers.jobs.environment import Environment
from hotpapers.models import PaperEvidence, PostEvidence
from hotpapers.plugins import (
    Checkpoint,
    CollectRequest,
    Registry,
    SourceContext,
    SourceOutput,
    SourceStatus,
    SourceUsage,
)
from hotpapers.store import SQLiteStore

from helpers.factories import DAY, T0, announcement, paper, post, snapshot

READ: list[str | None] = []


class Counting:
    """A source that reads its checkpoint, then saves it incremented, reports what it spent, then may fail."""

    name = "x"
    fail = False

    def __init__(self, context: SourceContext) -> None:
        self.context = context

    def status(self) -> SourceStatus:
        return SourceStatus(True)

    def collect(self, request: CollectRequest) -> Iterator[SourceOutput]:
        before = self.context.state("spent:2021-04-20")
        READ.append(before)
        yield post("9", "2104.08223")
        yield Checkpoint("spent:2021-04-20", str(int(before or 0) + 7))
        yield SourceUsage(7, "posts read", cost=0.035, note="93 of today's 100 left")
        if self.fail:
            raise NetworkError("ConnectError for https://x.test/")


class CountingThenFailing(Counting):
    """The same source, failing after its checkpoint."""

    fail = True


def _environment() -> Environment:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={}))
    return Environment(env={}, now=lambda: T0 + dt.timedelta(days=1), retry=NO_RETRIES, transport=transport)


def _registry(cls: type[Counting]) -> Registry:
    registry = Registry()
    registry.add_source(cls.name, cls)
    return registry


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    """A store with one announced paper."""
    s = SQLiteStore(tmp_path / "s.db")
    s.upsert_papers([paper()])
    s.add_announcements([announcement()])
    return s


def test_checkpoint_is_stored_and_read_back_next_run(store: SQLiteStore) -> None:
    """A Checkpoint a source yields is its state in the store, and the next run reads it through context.state."""
    READ.clear()
    collect(store, _registry(Counting), day=DAY, names=["x"], environment=_environment())
    collect(store, _registry(Counting), day=DAY, names=["x"], environment=_environment())
    assert READ == [None, "7"]
    assert store.get_state("x", "spent:2021-04-20") == "14"


def test_checkpoint_survives_a_failure_after_it(store: SQLiteStore) -> None:
    """A source that fails after a checkpoint keeps it, with the records yielded before it."""
    (report,) = collect(store, _registry(CountingThenFailing), day=DAY, names=["x"], environment=_environment())
    assert report.failed and store.get_state("x", "spent:2021-04-20") == "7"
    assert [p.post_id for p in store.iter_posts()] == ["9"]


def test_usage_reaches_the_report_not_the_store(store: SQLiteStore) -> None:
    """SourceUsage is the report's usage; nothing of it is stored as a record."""
    (report,) = collect(store, _registry(Counting), day=DAY, names=["x"], environment=_environment())
    assert report.usage == SourceUsage(7, "posts read", 0.035, "93 of today's 100 left")
    assert store.counts()["posts"] == 1


def test_usage_is_a_column_of_the_summary(store: SQLiteStore, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The collect table's last column says what each source spent, with the estimated cost."""
    monkeypatch.setattr(collecting, "load_registry", lambda: _registry(Counting))
    monkeypatch.setattr(collecting, "_environment", lambda ctx: _environment())
    assert main(["--db", store.url, "collect", "--date", DAY.isoformat()]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines() if "\t" in line]
    assert rows[0][-1] == "usage"
    assert rows[1][-1] == "7 posts read, est. $0.04 (93 of today's 100 left)"


def test_known_posts_come_most_important_first() -> None:
    """Posts of the most engaged paper come first, then by their own engagement, then by id."""
    quiet, hot = paper("2104.00001"), paper("2104.08223")

    def evidence(item: object, *posts: tuple[str, int]) -> PaperEvidence:
        return PaperEvidence(item, announcement(item.arxiv_id),  # type: ignore[attr-defined, arg-type]
                             tuple(PostEvidence(post(i, item.arxiv_id), snapshot(i, 0, likes))  # type: ignore[attr-defined]
                                   for i, likes in posts))

    items = [evidence(quiet, ("a", 5), ("b", 1)), evidence(hot, ("c", 1), ("d", 90), ("e", 90))]
    assert [p.post_id for p in known_posts(items, "x")] == ["d", "e", "c", "a", "b"]


def test_known_posts_skip_other_platforms_and_deleted() -> None:
    """Only live posts of the asked platform are refreshed."""
    gone = post("g", deleted=True)
    item = PaperEvidence(paper(), announcement(), (PostEvidence(gone, None), PostEvidence(post("h"), None)))
    assert [p.post_id for p in known_posts([item], "x")] == ["h"]
    assert known_posts([item], "bluesky") == ()


class Noisy(Counting):
    """A source that skips 25 items, warning about each."""

    def collect(self, request: CollectRequest) -> Iterator[SourceOutput]:
        import logging  # noqa: PLC0415

        for index in range(25):
            logging.getLogger("hotpapers.sources.x.source").warning("x: skipped item %d", index)
        yield from ()


def test_warnings_past_twenty_are_counted(store: SQLiteStore, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The summary lists a source's first 20 warnings and says how many more -v would show."""
    monkeypatch.setattr(collecting, "load_registry", lambda: _registry(Noisy))
    monkeypatch.setattr(collecting, "_environment", lambda ctx: _environment())
    assert main(["--db", store.url, "collect", "--date", DAY.isoformat()]) == 0
    out = capsys.readouterr().out
    assert out.count("warning: x: skipped item") == 20
    assert "warning: x: 5 more warnings (-v shows them all)" in out
