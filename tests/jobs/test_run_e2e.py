"""``hotpapers run`` end to end: the real command, every built-in source and enrichment provider, one local server
replaying recordings.

The server answers arXiv (the recorded RSS listing of 2024-11-28), X, Bluesky, Hacker News and Hugging Face with
the recorded (or, where no recording links arXiv, derived / hand-made) fixtures of tests/fixtures, and the
enrichment providers' GitHub, Semantic Scholar and Hugging Face paper records as ``enrich_recordings`` does. So that the
social posts are about papers of that listing, the arXiv ids in the social bodies are pointed at three of its
papers as they are served (1706.03762 -> 2411.17700, 2104.08223 -> 2411.17702, 2005.14165 -> 2411.17703).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import orjson
import pytest

from hotpapers.cli import app, main
from hotpapers.store import SQLiteStore, open_store

from helpers.localserver import Served, serve
from helpers.run_world import DAY, FAILING, NOW, route

if TYPE_CHECKING:
    from helpers import llmstandin

@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    """Every endpoint pointed at one local server, a frozen clock and a fresh store."""
    FAILING.clear()
    with serve(route) as served:
        cfg = tmp_path / "hotpapers.toml"
        cfg.write_text(f'db = "{tmp_path / "s.db"}"\nout_dir = "{tmp_path / "out"}"\n[arxiv]\ndelay_seconds = 0\n')
        env = {
            "HOTPAPERS_CONFIG": str(cfg),
            "HOTPAPERS_ARXIV_RSS_URL": f"{served.url}/rss",
            "HOTPAPERS_ARXIV_API_URL": f"{served.url}/api/query",
            "HOTPAPERS_X_API_URL": f"{served.url}/x",
            "HOTPAPERS_X_BEARER_TOKEN": "test-token-not-secret",
            "HOTPAPERS_BSKY_APPVIEW_URL": f"{served.url}/bsky",
            "HOTPAPERS_HN_API_URL": f"{served.url}/hn",
            "HOTPAPERS_HN_USER_API_URL": f"{served.url}/hn-users",
            "HOTPAPERS_HF_API_URL": f"{served.url}/hf",
            "HOTPAPERS_GITHUB_API_URL": f"{served.url}/gh",
            "HOTPAPERS_S2_API_URL": f"{served.url}/s2",
        }
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        monkeypatch.delenv("HOTPAPERS_LEGACY_DIR", raising=False)
        monkeypatch.delenv("HOTPAPERS_GITHUB_TOKEN", raising=False)
        monkeypatch.delenv("HOTPAPERS_S2_API_KEY", raising=False)
        monkeypatch.setattr(app, "now_utc", lambda: NOW)
        monkeypatch.setattr("time.sleep", lambda seconds: None)
        yield served


def _store(tmp_path: Path) -> SQLiteStore:
    return SQLiteStore(tmp_path / "s.db")


def test_run_ingests_collects_ranks_and_renders(server: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One run stores the listing and posts from X, Hacker News and Hugging Face, and writes the digest."""
    assert main(["run"]) == 0
    out = capsys.readouterr().out
    platforms = {p.platform for p in _store(tmp_path).iter_posts()}
    assert {"x", "hackernews", "huggingface"} <= platforms
    assert f"Listing day {DAY}" in out
    assert (tmp_path / "out" / f"{DAY}---Hot-Papers.md").exists()


def test_run_summary_counts_requests_per_source(server: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The summary has a row per source with its request count; X paginated once past the first page."""
    main(["run"])
    rows = {line.split("\t")[0]: line.split("\t") for line in capsys.readouterr().out.splitlines() if "\t" in line}
    assert rows["x"][1] == "ok" and rows["x"][5] == "2"
    assert rows["hackernews"][1] == "ok" and rows["legacy"][1].startswith("disabled")
    assert sum(1 for r in server.requests if r.startswith("/x/2/tweets/search/recent")) == 2


def test_social_posts_reach_the_ranking(server: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Posts about the listing's papers are linked to them in the store, as ranking evidence."""
    main(["run"])
    evidence = {e.paper.arxiv_id: e for e in _store(tmp_path).evidence_for_day(dt.date(2024, 11, 28))}
    linked = {p.post.platform for p in evidence["2411.17700"].posts}
    assert {"x", "hackernews", "huggingface"} <= linked


def test_failing_source_does_not_abort_the_run(server: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With Hacker News down, the run still writes the digest, reports the failure and exits 8."""
    FAILING.add("/hn/")
    assert main(["run"]) == 8
    out = capsys.readouterr().out
    assert "hackernews\tFAILED" in out and "x\tok" in out
    assert (tmp_path / "out" / f"{DAY}---Hot-Papers.md").exists()


def test_second_run_refreshes_instead_of_duplicating(server: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Running again keeps one post per id and appends engagement snapshots only when the time differs."""
    main(["run"])
    first = _store(tmp_path).counts()
    main(["run"])
    second = _store(tmp_path).counts()
    assert second["posts"] == first["posts"] and second["engagement"] == first["engagement"]


def test_run_on_postgres_matches_sqlite(
    server: Served, tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole daily run on a PostgreSQL store writes the same digest as on SQLite, and a re-run adds no post."""
    assert main(["run"]) == 0
    on_sqlite = (tmp_path / "out" / f"{DAY}---Hot-Papers.md").read_text()
    monkeypatch.setenv("HOTPAPERS_DB", postgres_url)
    (tmp_path / "out" / f"{DAY}---Hot-Papers.md").unlink()
    assert main(["run"]) == 0
    assert (tmp_path / "out" / f"{DAY}---Hot-Papers.md").read_text() == on_sqlite
    with open_store(postgres_url) as store:
        posts = store.counts()["posts"]
    assert main(["run"]) == 0
    with open_store(postgres_url) as store:
        assert store.counts()["posts"] == posts > 0


def test_run_enriches_before_ranking_and_counts_it(
    server: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The run's summary has a row per provider; the JSON dataset of the day shows the code link and its stars."""
    assert main(["run", "--format", "json"]) == 0
    rows = {line.split("\t")[0]: line.split("\t") for line in capsys.readouterr().out.splitlines() if "\t" in line}
    assert rows["code"][1] == "ok" and rows["scholarly"][1] == "ok" and rows["artifacts"][1] == "ok"
    data = json.loads((tmp_path / "out" / "json" / f"{DAY}.json").read_bytes())
    by_id = {p["paper"]["arxiv_id"]: p for p in data["papers"]}
    code = by_id["2411.17702"]["code"]
    assert code["url"] == "https://github.com/mandiehyewon/goodviews_ecg" and code["stars"] == 7122
    assert by_id["2411.17702"]["artifacts"] == {"models": 2, "datasets": 1, "spaces": 1,
                                                "observed_at": by_id["2411.17702"]["artifacts"]["observed_at"]}


def test_run_no_enrich_asks_no_provider(server: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``run --no-enrich`` sends nothing to GitHub, Semantic Scholar or the Hub's paper records."""
    assert main(["run", "--no-enrich"]) == 0
    assert not [p for p in server.requests if p.startswith(("/gh/", "/s2/", "/hf/papers/"))]


def test_run_summarises_the_listed_papers_before_rendering(
    server: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With no model: the published digest's papers carry extractive TL;DRs, and a second run rewrites the same
    dataset byte for byte (summaries are cached, not made again)."""
    assert main(["run", "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert "summaries of " in out and "tldr extractive" in out
    dataset = tmp_path / "out" / "json" / f"{DAY}.json"
    first = dataset.read_bytes()
    papers = orjson.loads(first)["papers"]
    assert papers and all(p["tldr"]["generator"] == "extractive" for p in papers if p["paper"]["abstract"])
    published = _store(tmp_path).load_digest(dt.date(2024, 11, 28), "default")
    assert published is not None and all(p.tldr for p in published.papers if p.paper.abstract)
    assert main(["run", "--format", "json"]) == 0
    assert "new none" in capsys.readouterr().out
    assert dataset.read_bytes() == first


def test_run_reports_what_the_model_spent(
    server: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str], standin: llmstandin.Behaviour,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A configured model writes the summaries; the run summary gives its calls, papers and tokens."""
    monkeypatch.setenv("HOTPAPERS_SUMMARY_MODEL", "standin")
    assert main(["run"]) == 0
    assert "model standin: " in capsys.readouterr().out and standin.calls > 0


def test_run_without_a_usable_model_still_publishes(
    server: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str], standin: llmstandin.Behaviour,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A configured model that cannot be used is reported (exit 8); the digest is written with extractive summaries."""
    monkeypatch.setenv("HOTPAPERS_SUMMARY_MODEL", "standin-keyed")  # no key set
    assert main(["run"]) == 8
    out = capsys.readouterr().out
    assert "summary model FAILED (extractive summaries instead): model 'standin-keyed': No key found" in out
    assert (tmp_path / "out" / f"{DAY}---Hot-Papers.md").exists()
