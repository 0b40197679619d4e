"""The command line: output shapes, exit codes and one-line errors."""

from __future__ import annotations

import io
from pathlib import Path

import orjson
import pytest

from hotpapers.cli import main
from hotpapers.store import SQLiteStore

from helpers.paths import SAMPLE


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the CLI in-process; return (exit code, stdout, stderr)."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_resolve_prints_one_line_per_argument(capsys: pytest.CaptureFixture[str]) -> None:
    """Each argument gives one line of space-separated canonical ids; none gives an empty line."""
    code, out, _ = run(
        capsys, "resolve", "https://arxiv.org/abs/2104.08223v2 and arXiv:hep-th/9901001", "no ids here",
        "https://arxiv.org/pdf/1501.00001.pdf",
    )
    assert code == 0
    assert out == "2104.08223 hep-th/9901001\n\n1501.00001\n"


def test_resolve_deduplicates_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    """Repeated ids are printed once, at their first appearance."""
    _, out, _ = run(capsys, "resolve", "arXiv:2104.08223 https://arxiv.org/abs/2006.15055 arxiv.org/pdf/2104.08223v1")
    assert out == "2104.08223 2006.15055\n"


def test_version_option(capsys: pytest.CaptureFixture[str]) -> None:
    """--version prints the version and exits 0."""
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("hotpapers, version ")


def test_unknown_command_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown command is a usage error (exit 2) with one error line."""
    code, _, err = run(capsys, "frobnicate")
    assert code == 2 and "No such command 'frobnicate'" in err


def test_bad_date_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """An invalid --date is refused with exit 2, naming the value."""
    code, _, err = run(capsys, "--db", str(tmp_path / "s.db"), "render", "--date", "2021-02-30", "--out", str(tmp_path))
    assert code == 2 and "'2021-02-30' is not a date" in err


def test_render_day_without_papers_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Rendering a day the store knows nothing of says so, with exit 2."""
    SQLiteStore(tmp_path / "s.db").close()
    code, _, err = run(capsys, "--db", str(tmp_path / "s.db"), "render", "--date", "2021-04-19", "--out", str(tmp_path))
    assert code == 2 and err.strip() == "hotpapers: error: --date 2021-04-19: no papers announced on that day are in the store"


def test_unknown_format_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """An unknown --format is refused before anything is written."""
    SQLiteStore(tmp_path / "s.db").close()
    code, _, err = run(
        capsys, "--db", str(tmp_path / "s.db"), "render", "--date", "2021-04-19", "--format", "pdf", "--out", str(tmp_path / "o")
    )
    assert code == 2 and "--format pdf: unknown format" in err
    assert not (tmp_path / "o").exists()


def test_import_bad_file_exits_4_with_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A malformed import file gives exit 4 and a single error line naming the file."""
    bad = tmp_path / "bad.json"
    bad.write_text("{oops")
    code, _, err = run(capsys, "--db", str(tmp_path / "s.db"), "import", str(bad))
    assert code == 4
    assert err.count("\n") == 1 and str(bad) in err


def test_corrupt_database_exits_5(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A store file that is not a database gives exit 5 and names the file."""
    db = tmp_path / "s.db"
    db.write_bytes(b"garbage" * 1000)
    code, _, err = run(capsys, "--db", str(db), "export")
    assert code == 5 and str(db) in err


def test_bad_config_exits_3(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """An invalid config file gives exit 3."""
    cfg = tmp_path / "c.toml"
    cfg.write_text("nonsense = 1\n")
    code, _, err = run(capsys, "--config", str(cfg), "--db", str(tmp_path / "s.db"), "export")
    assert code == 3 and "unknown setting 'nonsense'" in err


def test_db_env_variable_is_honoured(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HOTPAPERS_DB names the store when --db is absent."""
    monkeypatch.setenv("HOTPAPERS_DB", str(tmp_path / "env.db"))
    assert run(capsys, "import", str(SAMPLE))[0] == 0
    code, _, _ = run(capsys, "export", "--out", str(tmp_path / "dump.jsonl"))
    assert code == 0 and (tmp_path / "env.db").exists()


def test_export_to_stdout_is_native(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``export`` without --out writes JSON Lines to standard output."""
    buffer = io.BytesIO()
    monkeypatch.setattr("sys.stdout", io.TextIOWrapper(buffer))
    SQLiteStore(tmp_path / "s.db").close()
    assert main(["--db", str(tmp_path / "s.db"), "export"]) == 0
    assert orjson.loads(buffer.getvalue().splitlines()[0])["type"] == "header"


def test_import_then_export_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A native dump imported into a new store exports to the same bytes."""
    sample = SAMPLE
    db = str(tmp_path / "s.db")
    assert run(capsys, "--db", db, "import", str(sample))[0] == 0
    assert run(capsys, "--db", db, "export", "--out", str(tmp_path / "out.jsonl"))[0] == 0
    assert (tmp_path / "out.jsonl").read_bytes() == sample.read_bytes()


def test_demo_writes_posts_offline(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """``demo --out DIR`` writes one Lumen post per bundled day under DIR/posts and says where."""
    code, out, _ = run(capsys, "demo", "--out", str(tmp_path / "demo"))
    posts = sorted((tmp_path / "demo" / "posts").glob("*---Hot-Papers.md"))
    assert code == 0 and len(posts) >= 3
    assert str(tmp_path / "demo" / "posts") in out


def test_demo_twice_gives_identical_posts(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Running the demo again over its store leaves every post byte-identical."""
    run(capsys, "demo", "--out", str(tmp_path / "demo"))
    first = {p.name: p.read_bytes() for p in (tmp_path / "demo" / "posts").iterdir()}
    run(capsys, "demo", "--out", str(tmp_path / "demo"))
    assert {p.name: p.read_bytes() for p in (tmp_path / "demo" / "posts").iterdir()} == first


def test_render_again_gives_same_post(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A rendered date is stored as published: rendering it again gives the same bytes."""
    sample = SAMPLE
    db = str(tmp_path / "s.db")
    run(capsys, "--db", db, "import", str(sample))
    day = str(SQLiteStore(tmp_path / "s.db").announced_dates()[0])
    run(capsys, "--db", db, "render", "--date", day, "--out", str(tmp_path / "a"))
    run(capsys, "--db", db, "render", "--date", day, "--out", str(tmp_path / "b"))
    name = f"{day}---Hot-Papers.md"
    assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()




def _sample_store(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> str:
    db = str(tmp_path / "s.db")
    run(capsys, "--db", db, "import", str(SAMPLE))
    return db


def test_min_score_option_changes_the_ranking(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """--min-score raises the bar: fewer papers are listed than with the default 50."""
    db = _sample_store(capsys, tmp_path)
    run(capsys, "--db", db, "render", "--date", "2021-04-19", "--preset", "classic", "--out", str(tmp_path / "a"))
    run(capsys, "--db", db, "render", "--date", "2021-04-19", "--preset", "classic", "--out", str(tmp_path / "b"),
        "--min-score", "200")
    name = "2021-04-19---Hot-Papers.md"
    count = [(tmp_path / d / name).read_text().count("\n# ") for d in ("a", "b")]
    assert count[0] == 16 and 0 < count[1] < count[0]


def test_negative_threshold_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A negative threshold is a usage error (exit 2)."""
    code, _, err = run(capsys, "render", "--date", "2021-04-19", "--out", str(tmp_path), "--max-posts", "-1")
    assert code == 2 and "--max-posts" in err


def test_unknown_preset_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """An unknown --preset is a usage error naming it."""
    db = _sample_store(capsys, tmp_path)
    code, _, err = run(capsys, "--db", db, "render", "--date", "2021-04-19", "--out", str(tmp_path), "--preset", "hype")
    assert code == 2 and "'hype'" in err


def test_commands_are_recorded_as_runs(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Import and render each leave a finished run in the store."""
    db = _sample_store(capsys, tmp_path)
    run(capsys, "--db", db, "render", "--date", "2021-04-19", "--out", str(tmp_path / "a"))
    rows = SQLiteStore(db)._db.execute("SELECT command, status FROM runs ORDER BY id").fetchall()
    assert rows == [("import", "ok"), ("render", "ok")]


def test_failed_command_is_recorded_as_failed_run(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A render that fails leaves a run marked failed with the error."""
    db = str(tmp_path / "s.db")
    SQLiteStore(db).close()
    run(capsys, "--db", db, "render", "--date", "2021-04-19", "--out", str(tmp_path / "a"))
    rows = SQLiteStore(db)._db.execute("SELECT command, status, summary FROM runs").fetchall()
    assert rows[0][:2] == ("render", "failed") and "no papers announced" in rows[0][2]


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    """Every command answers --help with its description and exit 0."""
    for command in ("resolve", "ingest", "import", "export", "render", "demo"):
        code, out, _ = run(capsys, command, "--help")
        assert code == 0 and f"Usage: hotpapers {command}" in out


def test_demo_also_builds_site_and_feeds(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """``demo`` writes DIR/site/index.html and DIR/feeds/atom.xml too, and says where."""
    code, out, _ = run(capsys, "demo", "--out", str(tmp_path / "demo"))
    assert code == 0
    assert (tmp_path / "demo" / "site" / "index.html").exists()
    assert (tmp_path / "demo" / "feeds" / "atom.xml").exists()
    assert "static site" in out


def test_written_files_are_world_readable(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Outputs get the usual 0644 (umask 022), so a web server can read them."""
    import os  # noqa: PLC0415

    old = os.umask(0o022)
    try:
        run(capsys, "demo", "--out", str(tmp_path / "demo"))
    finally:
        os.umask(old)
    post = next((tmp_path / "demo" / "posts").iterdir())
    assert post.stat().st_mode & 0o777 == 0o644


def test_refresh_without_new_data_keeps_the_published_bytes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ranking a day again later with no new data rewrites the same bytes (the generation time is kept)."""
    import datetime as dt  # noqa: PLC0415

    from hotpapers.cli import app  # noqa: PLC0415

    db = _sample_store(capsys, tmp_path)
    name = "2021-04-19---Hot-Papers.md"
    monkeypatch.setattr(app, "now_utc", lambda: dt.datetime(2021, 4, 20, tzinfo=dt.UTC))
    run(capsys, "--db", db, "render", "--date", "2021-04-19", "--out", str(tmp_path / "a"))
    monkeypatch.setattr(app, "now_utc", lambda: dt.datetime(2021, 4, 22, tzinfo=dt.UTC))
    run(capsys, "--db", db, "render", "--date", "2021-04-19", "--refresh", "--out", str(tmp_path / "b"))
    assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
