"""``hotpapers enrich`` and ``hotpapers providers`` end to end: the real command line against the local services."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from hotpapers.cli import app, main
from hotpapers.cli import enrich as enrich_cli
from hotpapers.http import NO_RETRIES
from hotpapers.jobs.environment import Environment
from hotpapers.models import ArxivId
from hotpapers.store import SQLiteStore

from helpers.enrichworld import DAY, GOODVIEWS, NOW, World
from helpers.localserver import Reply

GH_TOKEN = "ghp_" + "TESTTOKENnotarealsecret0123456789"  # GitHub-shaped, split so no scanner takes it for a real one
S2_KEY = "s2-TESTKEY-not-a-real-secret-42"


@pytest.fixture
def cli_env(world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    """The command line's environment pointed at the local services, with a frozen clock and no waiting."""
    for key, value in world.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("HOTPAPERS_GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("HOTPAPERS_S2_API_KEY", raising=False)
    monkeypatch.setattr(app, "now_utc", lambda: NOW)
    monkeypatch.setattr(enrich_cli, "_environment",
                        lambda ctx: Environment(env=os.environ, now=lambda: NOW, sleep=lambda s: None, retry=NO_RETRIES))
    return world


def _rows(out: str) -> dict[str, list[str]]:
    return {line.split("\t")[0]: line.split("\t") for line in out.splitlines() if "\t" in line}


def test_enrich_prints_a_row_per_provider_and_stores(
    store: SQLiteStore, cli_env: World, capsys: pytest.CaptureFixture[str]
) -> None:
    """``hotpapers enrich`` (latest day): each provider ok, with its counts and requests; the store has them."""
    assert main(["--db", store.url, "enrich"]) == 0
    rows = _rows(capsys.readouterr().out)
    assert rows["provider"][:4] == ["provider", "status", "links", "stars"]
    assert rows["code"][1] == "ok" and rows["code"][3] == "2" and rows["code"][6] == "2"
    assert rows["scholarly"][1] == "ok" and rows["scholarly"][6] == "1"
    assert rows["artifacts"][1] == "ok" and rows["artifacts"][4] == "3"
    assert store.latest_citations([ArxivId(GOODVIEWS)])


def test_enrich_with_one_provider_asks_only_it(store: SQLiteStore, cli_env: World,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """``--provider scholarly --date D``: one row, one request, to Semantic Scholar."""
    assert main(["--db", store.url, "enrich", "--provider", "scholarly", "--date", DAY.isoformat()]) == 0
    assert list(_rows(capsys.readouterr().out)) == ["provider", "scholarly"]
    assert cli_env.served.requests == [cli_env.asked("/s2/")[0]]


def test_a_failing_provider_exits_8_and_the_others_finish(
    store: SQLiteStore, cli_env: World, capsys: pytest.CaptureFixture[str]
) -> None:
    """GitHub's rate limit reached: exit 8, the code row says why; artifacts and citations are stored."""
    cli_env.override("/gh/", Reply(b'{"message":"API rate limit exceeded"}', 403, "application/json",
                                   {"x-ratelimit-remaining": "0", "x-ratelimit-limit": "60"}))
    assert main(["--db", store.url, "enrich"]) == 8
    rows = _rows(capsys.readouterr().out)
    assert rows["code"][1].startswith("FAILED: GitHub's rate limit of 60 requests an hour is used up")
    assert rows["artifacts"][1] == "ok" and store.latest_artifacts([ArxivId(GOODVIEWS)])


def test_rerun_within_the_interval_sends_nothing(store: SQLiteStore, cli_env: World,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A second ``enrich`` at the same time sends no request at all."""
    main(["--db", store.url, "enrich"])
    asked = len(cli_env.served.requests)
    assert main(["--db", store.url, "enrich"]) == 0
    assert len(cli_env.served.requests) == asked


def test_unknown_day_and_provider_are_usage_errors(store: SQLiteStore, cli_env: World,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """A day without papers and an unknown provider: exit 2 with one line each."""
    assert main(["--db", store.url, "enrich", "--date", "2020-01-01"]) == 2
    assert main(["--db", store.url, "enrich", "--provider", "nope"]) == 2
    err = capsys.readouterr().err
    assert "--date 2020-01-01: no papers announced" in err and "--provider nope: unknown enrichment provider" in err


def test_providers_and_sources_list_how_to_enable_each(cli_env: World, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """``providers`` lists the three; ``sources`` lists them after the sources."""
    assert main(["--db", str(tmp_path / "s.db"), "providers"]) == 0
    listed = capsys.readouterr().out
    assert "code (enrichment): enabled: GitHub without a token: 60 requests an hour" in listed
    assert main(["--db", str(tmp_path / "s.db"), "sources"]) == 0
    out = capsys.readouterr().out
    assert "scholarly (enrichment): enabled" in out and "artifacts (enrichment): enabled" in out


def test_no_token_or_key_reaches_output_logs_store_or_export(
    store: SQLiteStore, cli_env: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture,
) -> None:
    """With a GitHub token and an S2 key set, ``-v enrich`` (also failing) and ``export`` never show either."""
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("HOTPAPERS_GITHUB_TOKEN", GH_TOKEN)
    monkeypatch.setenv("HOTPAPERS_S2_API_KEY", S2_KEY)
    main(["-v", "--db", store.url, "enrich"])
    cli_env.override("/gh/", Reply(b'{"message":"Bad credentials"}', 401, "application/json"))
    cli_env.override("/s2/", Reply(b'{"message":"Forbidden"}', 403, "application/json"))
    assert main(["-v", "--db", store.url, "enrich", "--provider", "code", "--provider", "scholarly"]) in (0, 8)
    main(["--db", store.url, "export", "--out", str(tmp_path / "dump.jsonl")])
    assert cli_env.served.headers[0].get("x-api-key") == S2_KEY  # it was sent, to the service only
    captured = capsys.readouterr()
    texts = [captured.out, captured.err, *(r.getMessage() for r in caplog.records)]
    texts += [p.read_bytes().decode("utf-8", "replace") for p in tmp_path.iterdir() if p.is_file()]
    for text in texts:
        assert GH_TOKEN not in text and S2_KEY not in text


def test_a_providers_warnings_are_listed_once_under_the_table(
    store: SQLiteStore, cli_env: World, capsys: pytest.CaptureFixture[str]
) -> None:
    """What a provider warns about while it runs is listed under the table, not also interleaved in the log."""
    cli_env.override("/gh/", Reply(b'{"message":"Bad request"}', 400, "application/json"))
    main(["--db", store.url, "enrich", "--provider", "code"])
    captured = capsys.readouterr()
    listed = [line for line in captured.out.splitlines() if line.startswith("warning: code: ")]
    assert listed and all(line.removeprefix("warning: code: ") not in captured.err for line in listed)
    assert all(not line.startswith("warning: code: code: ") for line in listed)  # the name is said once
