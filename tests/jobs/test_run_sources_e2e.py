"""``hotpapers run`` and ``collect`` end to end with every built-in source on: one local server, the whole world of
``tests/helpers/e2e_world.py`` (Reddit, Mastodon, alphaXiv and YouTube next to arXiv, X, Bluesky, Hacker News and
Hugging Face), posts of an earlier run in the store to refresh, a frozen clock."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from hotpapers.cli import app, main
from hotpapers.store import SQLiteStore
from hotpapers.store.records import store_records

from helpers import e2e_world
from helpers.localserver import Served, serve

NOW = dt.datetime(2024, 11, 29, 1, 40, tzinfo=dt.UTC)  # Thursday 20:40 EST: Thursday's listing has closed
DAY = "2024-11-28"
NEW_SOURCES = ("alphaxiv", "mastodon", "reddit", "youtube")


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    """The world's server, every endpoint and credential pointed at it, a frozen clock, a seeded store."""
    with serve(e2e_world.route) as served:
        cfg = tmp_path / "hotpapers.toml"
        cfg.write_text(f'db = "{tmp_path / "s.db"}"\nout_dir = "{tmp_path / "out"}"\nformats = ["lumen", "json"]\n'
                       "[arxiv]\ndelay_seconds = 0\n")
        monkeypatch.setenv("HOTPAPERS_CONFIG", str(cfg))
        for key, value in e2e_world.environment(served.url).items():
            monkeypatch.setenv(key, value)
        monkeypatch.delenv("HOTPAPERS_LEGACY_DIR", raising=False)
        monkeypatch.setattr(app, "now_utc", lambda: NOW)
        monkeypatch.setattr("time.sleep", lambda seconds: None)
        store_records(SQLiteStore(tmp_path / "s.db"), list(e2e_world.seed(served.url)))
        yield served


def _rows(out: str) -> dict[str, list[str]]:
    return {line.split("\t")[0]: line.split("\t") for line in out.splitlines() if "\t" in line}


def _store(tmp_path: Path) -> SQLiteStore:
    return SQLiteStore(tmp_path / "s.db")


def test_every_source_runs_and_the_summary_counts_it(world: Served, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """All eight sources are ok, each with its posts, snapshots and requests in the summary."""
    assert main(["run"]) == 0
    rows = _rows(capsys.readouterr().out)
    assert {name: rows[name][1] for name in e2e_world.SOURCES} == dict.fromkeys(e2e_world.SOURCES, "ok")
    for name in NEW_SOURCES:
        assert int(rows[name][2]) > 0 and int(rows[name][3]) > 0 and int(rows[name][5]) > 0, rows[name]


def test_new_sources_posts_are_about_the_days_papers(world: Served, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """Reddit, Mastodon, alphaXiv and YouTube posts are linked to the listing's papers as ranking evidence."""
    main(["run"])
    evidence = {e.paper.arxiv_id: e for e in _store(tmp_path).evidence_for_day(dt.date(2024, 11, 28))}
    linked = {p.post.platform for e in evidence.values() for p in e.posts}
    assert set(NEW_SOURCES) <= linked


def test_known_posts_of_every_platform_are_refreshed(world: Served, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """Each seeded post gets a snapshot (or is marked gone) through its platform's refresh request."""
    main(["run"])
    store = _store(tmp_path)
    observed = {(s.platform, s.post_id) for s in store.iter_snapshots()}
    gone = {(p.platform, p.post_id) for p in store.iter_posts() if p.deleted}
    seeded = {(p.platform, p.post_id) for p in e2e_world.seed(world.url)}
    assert seeded - observed == {("reddit", "t1_kx1a2b6")} and gone == {("reddit", "t1_kx1a2b6")}
    refreshes = ("/x/2/tweets?", "/bsky/xrpc/app.bsky.feed.getPosts", "/hn/search?", "/reddit/api/info",
                 "/api/v1/statuses?", "/youtube/v3/videos")
    assert all(any(r.startswith(prefix) for r in world.requests) for prefix in refreshes)


@pytest.mark.parametrize("source", NEW_SOURCES)
def test_collect_one_new_source(world: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                source: str) -> None:
    """``collect --source NAME`` asks that source alone."""
    assert main(["ingest"]) == 0
    capsys.readouterr()
    assert main(["collect", "--source", source, "--date", DAY]) == 0
    rows = _rows(capsys.readouterr().out)
    assert set(rows) == {"source", source} and rows[source][1] == "ok"
    seeded = {(p.platform, p.post_id) for p in e2e_world.seed(world.url)}
    collected = {p.platform for p in _store(tmp_path).iter_posts() if (p.platform, p.post_id) not in seeded}
    assert collected == {source}


def test_alphaxiv_is_a_platform_of_its_own_in_the_breakdown(world: Served, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """The JSON digest's breakdown credits alphaXiv votes under alphaXiv's own name."""
    main(["run"])
    digest = json.loads((tmp_path / "out" / "json" / f"{DAY}.json").read_text())
    labels = [item["label"] for paper in digest["papers"] for item in paper["breakdown"]]
    assert any(label.startswith("alphaXiv") for label in labels), labels


def test_summary_shows_reads_cost_and_quota(world: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """X's row ends with its posts read and their estimated cost; YouTube's with its quota units."""
    main(["run"])
    rows = _rows(capsys.readouterr().out)
    assert rows["x"][-1].startswith("102 posts read, est. $0.51 (at $0.005 per read; UTC 2024-11-29: 102 of the day")
    assert rows["youtube"][-1] == "202 quota units (of the default 10,000 a day)"


def test_x_daily_budget_holds_across_runs(world: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """With 100 reads a day, the first run reads one page and says what it cut; the second reads nothing."""
    monkeypatch.setenv("HOTPAPERS_X_MAX_READS_PER_DAY", "100")
    assert main(["run"]) == 0
    first = capsys.readouterr().out
    assert "warning: x: search stopped after 1 pages (100 posts read): the daily budget of 100" in first
    assert main(["run"]) == 0
    second = capsys.readouterr().out
    assert "warning: x: the search was not run: the daily budget of 100 posts read" in second
    assert re.search(r"warning: x: (\d+) of \1 known posts not refreshed \(the least important ones\)", second)
    assert _rows(second)["x"][-1].startswith("0 posts read, est. $0.00")
    assert _store(tmp_path).get_state("x", "budget:2024-11-29") == '{"reads":100}'
