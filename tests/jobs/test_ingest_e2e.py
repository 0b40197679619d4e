"""``hotpapers ingest`` end to end: the real command against a local server replaying arXiv recordings."""

from __future__ import annotations

from pathlib import Path

import pytest

from hotpapers.cli import main
from hotpapers.store import SQLiteStore

from helpers import paths
from helpers.localserver import Reply, serve

FIXTURES = paths.FIXTURES / "arxiv"
RSS = (FIXTURES / "rss_2024-11-28_multi_archive_excerpt.xml").read_bytes()
EMPTY_API = (FIXTURES / "api_empty_2026_id_list_0000.0000.xml").read_bytes()


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config with no politeness delay (tests only) and a fresh store."""
    cfg = tmp_path / "hotpapers.toml"
    cfg.write_text(f'db = "{tmp_path / "s.db"}"\n[arxiv]\ndelay_seconds = 0\n')
    monkeypatch.setenv("HOTPAPERS_CONFIG", str(cfg))
    return tmp_path / "s.db"


def _route(path: str) -> Reply | None:
    if path.startswith("/rss/"):
        return Reply(RSS)
    if path.startswith("/api/query"):
        return Reply(EMPTY_API, content_type="application/atom+xml")
    return None


def test_ingest_latest_stores_rss_listing(config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Ingesting the latest day stores the cs/stat.ML papers of the recorded RSS listing, by announce type."""
    with serve(_route) as server:
        monkeypatch.setenv("HOTPAPERS_ARXIV_RSS_URL", f"{server.url}/rss")
        assert main(["ingest"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2024-11-28 (rss): new ")
    assert server.requests == ["/rss/cs+stat.ML"]
    store = SQLiteStore(config)
    assert store.announced_dates()[0].isoformat() == "2024-11-28"
    assert store.counts()["papers"] == store.counts()["announcements"] > 0


def test_ingest_identifies_itself(config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Requests carry a descriptive hotpapers User-Agent."""
    with serve(_route) as server:
        monkeypatch.setenv("HOTPAPERS_ARXIV_RSS_URL", f"{server.url}/rss")
        main(["ingest"])
    assert server.user_agents[0].startswith("hotpapers/")


def test_ingest_twice_is_idempotent(config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Ingesting the same listing twice leaves the same store."""
    with serve(_route) as server:
        monkeypatch.setenv("HOTPAPERS_ARXIV_RSS_URL", f"{server.url}/rss")
        main(["ingest"])
        before = SQLiteStore(config).counts()
        main(["ingest"])
    after = SQLiteStore(config).counts()
    assert after.pop("runs") == before.pop("runs") + 1
    assert after == before


def test_ingest_past_day_uses_the_api(config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A past --date is rebuilt from the API with a submittedDate window query."""
    with serve(_route) as server:
        monkeypatch.setenv("HOTPAPERS_ARXIV_API_URL", f"{server.url}/api/query")
        assert main(["ingest", "--date", "2021-04-19"]) == 0
    assert "submittedDate" in server.requests[0]
    assert capsys.readouterr().out.startswith("2021-04-19 (api): new 0, cross 0")


def test_ingest_weekend_day_is_refused(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A --date without a listing (a Saturday) is a usage error with exit 2."""
    assert main(["ingest", "--date", "2021-04-17"]) == 2
    assert "2021-04-17" in capsys.readouterr().err


def test_ingest_range_visits_each_listing_day(config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """--from/--to ingests every listing day in the range, skipping the weekend."""
    with serve(_route) as server:
        monkeypatch.setenv("HOTPAPERS_ARXIV_API_URL", f"{server.url}/api/query")
        assert main(["ingest", "--from", "2021-04-16", "--to", "2021-04-19"]) == 0
    days = [line.split(" ")[0] for line in capsys.readouterr().out.splitlines()]
    assert days == ["2021-04-16", "2021-04-19"]


def test_ingest_server_error_exits_6(config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """An arXiv that keeps failing gives exit 6 and one line naming the endpoint."""
    with serve(lambda path: Reply(b"down", 404, "text/plain")) as server:
        monkeypatch.setenv("HOTPAPERS_ARXIV_RSS_URL", f"{server.url}/rss")
        code = main(["ingest"])
    err = capsys.readouterr().err
    assert code == 6 and "127.0.0.1" in err and err.count("\n") == 1


def test_date_and_range_together_is_refused(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--date with --from is a usage error."""
    assert main(["ingest", "--date", "2021-04-19", "--from", "2021-04-16", "--to", "2021-04-19"]) == 2


def test_verbose_logs_requests(config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """-v logs each request with its URL and status on standard error."""
    import logging  # noqa: PLC0415

    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    with serve(_route) as server:
        monkeypatch.setenv("HOTPAPERS_ARXIV_RSS_URL", f"{server.url}/rss")
        main(["-v", "ingest"])
    assert f"GET {server.url}/rss/cs+stat.ML -> 200" in capsys.readouterr().err
