"""``hotpapers summarize`` and the summaries in ``render``: the real command line on the bundled sample."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from hotpapers.cli import main
from hotpapers.store import SQLiteStore

from helpers import llmstandin
from helpers.paths import SAMPLE

DAY = "2021-04-19"
NOW = dt.datetime(2021, 4, 21, 12, 0, tzinfo=dt.UTC)
KEY = "sk-keyed-sekr1t-0123456789abcdefXYZ"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A store holding the bundled sample, a frozen clock, and no summary model in the environment."""
    monkeypatch.setattr("hotpapers.cli.app.now_utc", lambda: NOW)
    monkeypatch.delenv("HOTPAPERS_SUMMARY_MODEL", raising=False)
    monkeypatch.delenv("HOTPAPERS_CONFIG", raising=False)
    path = str(tmp_path / "s.db")
    assert main(["--db", path, "import", str(SAMPLE)]) == 0
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the CLI in-process; return (exit code, stdout, stderr)."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _dataset(capsys: pytest.CaptureFixture[str], db: str, out: Path, *extra: str) -> dict[str, object]:
    code, _, err = run(capsys, "--db", db, "render", "--date", DAY, "--format", "json", "--out", str(out), *extra)
    assert code == 0, err
    return dict(json.loads((out / "json" / f"{DAY}.json").read_bytes()))


def test_summarize_writes_extractive_summaries_without_a_model(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No model configured: every listed paper gets an extractive TL;DR; the report says what was made."""
    code, out, _ = run(capsys, "--db", db, "summarize", "--date", DAY)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith(f"Listing day {DAY} (default): ") and lines[0].endswith(" papers listed")
    assert lines[1].startswith("summaries of ") and "tldr extractive" in lines[1] and "unchanged none" in lines[1]
    papers = _dataset(capsys, db, tmp_path / "out")["papers"]
    assert isinstance(papers, list) and papers
    for item in papers:
        assert item["tldr"]["generator"] == "extractive" and item["tldr"]["model"] == "hotpapers-extractive"
        assert item["tldr"]["created_at"] == "2021-04-21T12:00:00Z"
        assert item["tldr"]["sources"] == [f"{item['paper']['arxiv_id']}v{item['paper']['version']}"]


def test_summarize_again_makes_nothing_new(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A second summarize finds every summary current: nothing new is made."""
    run(capsys, "--db", db, "summarize", "--date", DAY)
    code, out, _ = run(capsys, "--db", db, "summarize", "--date", DAY)
    assert code == 0 and ": new none; unchanged " in out.splitlines()[1]


def test_the_discussion_cites_posts_with_their_urls(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """In the dataset a discussion's claims cite post ids that its source_posts name, with their URLs."""
    run(capsys, "--db", db, "summarize", "--date", DAY, "--preset", "classic")
    papers = _dataset(capsys, db, tmp_path / "out", "--preset", "classic")["papers"]
    assert isinstance(papers, list)
    top = papers[0]
    assert top["paper"]["arxiv_id"] == "2104.08223"
    discussion = top["discussion"]
    assert discussion["sources"] == [p["post_id"] for p in discussion["source_posts"]]
    assert {i for c in discussion["claims"] for i in c["sources"]} == set(discussion["sources"])
    assert discussion["source_posts"][0]["url"] == "https://twitter.com/AlexRichardCS/status/1384158612654723079"


def test_rendering_again_gives_the_same_bytes(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """After summarize, render and render --refresh write the same dataset, byte for byte."""
    run(capsys, "--db", db, "summarize", "--date", DAY)
    _dataset(capsys, db, tmp_path / "a")
    _dataset(capsys, db, tmp_path / "b", "--refresh")
    assert (tmp_path / "a" / "json" / f"{DAY}.json").read_bytes() == (tmp_path / "b" / "json" / f"{DAY}.json").read_bytes()


def test_render_alone_adds_extractive_summaries(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A day rendered without summarize still shows extractive summaries (made once and stored)."""
    papers = _dataset(capsys, db, tmp_path / "out")["papers"]
    assert isinstance(papers, list) and all(p["tldr"] for p in papers)
    assert SQLiteStore(db).counts()["summaries"] > 0


def test_summarize_with_a_model(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], standin: llmstandin.Behaviour
) -> None:
    """--model NAME has the model write the summaries; the report gives its calls, papers and tokens."""
    code, out, _ = run(capsys, "--db", db, "summarize", "--date", DAY, "--model", "standin")
    assert code == 0
    assert any(line.startswith("model standin: ") and " calls about " in line and " tokens (limit 60,000)" in line
               for line in out.splitlines())
    papers = _dataset(capsys, db, tmp_path / "out")["papers"]
    assert isinstance(papers, list)
    assert {p["tldr"]["generator"] for p in papers} == {"llm"}
    assert {p["tldr"]["model"] for p in papers} == {"standin"}


def test_the_config_line_names_the_model(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], standin: llmstandin.Behaviour,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """[summaries] model = "…" in the config is used by summarize, with its budget (max_papers)."""
    config = tmp_path / "hotpapers.toml"
    config.write_text('[summaries]\nmodel = "standin"\nmax_papers = 1\nlanguage = "Spanish"\n')
    code, out, _ = run(capsys, "--db", db, "--config", str(config), "summarize", "--date", DAY)
    assert code == 0 and "about 1 papers (limit 1)" in out
    assert "papers got extractive summaries instead" in out
    assert "in Spanish" in llmstandin.PROMPTS[0]


def test_model_extractive_overrides_the_config(
    db: str, capsys: pytest.CaptureFixture[str], standin: llmstandin.Behaviour, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--model extractive makes extractive summaries even when HOTPAPERS_SUMMARY_MODEL names a model."""
    monkeypatch.setenv("HOTPAPERS_SUMMARY_MODEL", "standin")
    code, out, _ = run(capsys, "--db", db, "summarize", "--date", DAY, "--model", "extractive")
    assert code == 0 and standin.calls == 0 and "model " not in out


def test_an_unknown_model_option_exits_2(db: str, capsys: pytest.CaptureFixture[str], standin: llmstandin.Behaviour) -> None:
    """--model with a name llm does not know is a usage error: one line naming the option, exit 2."""
    code, _, err = run(capsys, "--db", db, "summarize", "--date", DAY, "--model", "nope")
    assert code == 2
    assert err.splitlines() == [
        "hotpapers: error: --model nope: llm knows no such model (`llm models` lists them; plugins such as "
        "llm-ollama or llm-anthropic add more)"
    ]


def test_an_unknown_configured_model_exits_3(
    db: str, capsys: pytest.CaptureFixture[str], standin: llmstandin.Behaviour, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A configured model that cannot be used is a configuration error for summarize (exit 3)."""
    monkeypatch.setenv("HOTPAPERS_SUMMARY_MODEL", "nope")
    code, _, err = run(capsys, "--db", db, "summarize", "--date", DAY)
    assert code == 3 and err.startswith("hotpapers: error: model 'nope': llm knows no such model")


def test_a_bad_summaries_setting_exits_3(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A wrong type or an unknown key in [summaries] is named, with exit 3."""
    config = tmp_path / "hotpapers.toml"
    config.write_text("[summaries]\nmax_tokens = -5\n")
    code, _, err = run(capsys, "--db", db, "--config", str(config), "summarize")
    assert code == 3 and "summaries.max_tokens must be a non-negative integer" in err
    config.write_text('[summaries]\ntldr_prompt = "Summarise $paper"\n')
    code, _, err = run(capsys, "--db", db, "--config", str(config), "summarize")
    assert code == 3 and "summaries.tldr_prompt: unknown field $paper (known: $abstract, $language, $title)" in err


def test_failed_model_calls_exit_8_and_keep_extractive_summaries(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], standin: llmstandin.Behaviour
) -> None:
    """A model that answers 503 fails its calls: they are listed, the papers keep extractive summaries, exit 8."""
    standin.fail = 503
    code, out, _ = run(capsys, "--db", db, "summarize", "--date", DAY, "--model", "standin")
    assert code == 8 and "model FAILED: " in out
    papers = _dataset(capsys, db, tmp_path / "out")["papers"]
    assert isinstance(papers, list) and {p["tldr"]["generator"] for p in papers} == {"extractive"}


def test_a_key_never_reaches_output_store_or_export(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], standin: llmstandin.Behaviour,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A provider error quoting the key: not in stdout, stderr, the store's tables, the export or the outputs."""
    monkeypatch.setenv("HOTPAPERS_STANDIN_KEY", KEY)
    standin.fail = 401
    code, out, err = run(capsys, "--db", db, "-v", "summarize", "--date", DAY, "--model", "standin-keyed")
    assert code == 8 and "401" in out and KEY not in out + err
    code, exported, err = run(capsys, "--db", db, "export")
    _dataset(capsys, db, tmp_path / "out")
    with sqlite3.connect(db) as raw:
        tables = [t for (t,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        stored = "".join(str(row) for t in tables for row in raw.execute(f"SELECT * FROM {t}"))
    written = "".join(p.read_text() for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert standin.keys_seen == [KEY]  # the key did reach the provider
    assert KEY not in exported + err + stored + written


def test_summarize_with_no_announced_day_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An empty store has nothing to summarise: one line, exit 2."""
    code, _, err = run(capsys, "--db", str(tmp_path / "empty.db"), "summarize")
    assert code == 2 and "the store has no announced day yet" in err


def test_summaries_survive_export_and_import(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The native export carries the summaries table and the digests' summaries: export, import, export is equal."""
    run(capsys, "--db", db, "summarize", "--date", DAY)
    assert run(capsys, "--db", db, "export", "--out", str(tmp_path / "a.jsonl"))[0] == 0
    assert run(capsys, "--db", str(tmp_path / "copy.db"), "import", str(tmp_path / "a.jsonl"))[0] == 0
    assert run(capsys, "--db", str(tmp_path / "copy.db"), "export", "--out", str(tmp_path / "b.jsonl"))[0] == 0
    first = (tmp_path / "a.jsonl").read_bytes()
    assert first == (tmp_path / "b.jsonl").read_bytes()
    assert b'"type":"summary"' in first and b'"tldr":{' in first
    assert SQLiteStore(str(tmp_path / "copy.db")).counts()["summaries"] == SQLiteStore(db).counts()["summaries"]


def test_summarize_takes_the_newest_published_day(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without --date: the newest day with a published digest of the preset (not the newest announced day)."""
    run(capsys, "--db", db, "render", "--date", "2021-01-15", "--preset", "classic", "--out", str(tmp_path / "o"))
    code, out, _ = run(capsys, "--db", db, "summarize", "--preset", "classic")
    assert code == 0 and out.startswith("Listing day 2021-01-15 (classic): ")
