"""Commands that only read or render the store refuse one that does not exist; the others create it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from hotpapers.cli import main
from hotpapers.errors import StoreError
from hotpapers.store import open_store

from helpers.paths import SAMPLE

READERS = {
    "export": ["export"],
    "export --out": ["export", "--out", "{tmp}/backup.jsonl"],
    "site build": ["site", "build", "--out", "{tmp}/site"],
    "render": ["render", "--date", "2021-04-19", "--out", "{tmp}/out"],
    "render rising": ["render", "--window", "rising", "--out", "{tmp}/out"],
    "publish": ["publish", "--git", "{tmp}", "--date", "2021-04-19"],
    "copy-store": ["copy-store", "{tmp}/copy.db"],
}


@pytest.mark.parametrize("command", sorted(READERS))
def test_reading_commands_refuse_a_missing_store(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                 command: str) -> None:
    """A mistyped --db: one line naming it, exit 5, and no store, lock file or output created."""
    db = tmp_path / "typo.db"
    args = [a.replace("{tmp}", str(tmp_path)) for a in READERS[command]]
    assert main(["--db", str(db), *args]) == 5
    err = capsys.readouterr().err
    assert err == f"hotpapers: error: {db}: no such store (check --db or $HOTPAPERS_DB; import, ingest, run, " \
                  "listen and replay create a store)\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_an_empty_file_is_not_a_store_to_read(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """An existing but empty database (touch) is refused by export, and left as it was."""
    db = tmp_path / "empty.db"
    db.touch()
    assert main(["--db", str(db), "export"]) == 5
    assert "not a hotpapers store" in capsys.readouterr().err and db.stat().st_size == 0


def test_writing_commands_still_create_the_store(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """``import`` into a store that does not exist creates it; export then reads it."""
    db = tmp_path / "new" / "s.db"
    assert main(["--db", str(db), "import", str(SAMPLE)]) == 0
    assert main(["--db", str(db), "export", "--out", str(tmp_path / "b.jsonl")]) == 0
    assert (tmp_path / "b.jsonl").stat().st_size > 0


def test_open_store_without_create_on_postgresql(postgres_url: str) -> None:
    """A PostgreSQL schema without hotpapers' tables is refused for reading, and created for writing."""
    with pytest.raises(StoreError, match="no hotpapers store in schema"):
        open_store(postgres_url, create=False)
    open_store(postgres_url).close()
    open_store(postgres_url, create=False).close()


def test_open_store_without_create_leaves_no_file(tmp_path: Path) -> None:
    """Refusing a missing SQLite store creates neither the file nor its folder."""
    with pytest.raises(StoreError, match="no such store"):
        open_store(str(tmp_path / "a" / "s.db"), create=False)
    assert not (tmp_path / "a").exists()
    with pytest.raises(sqlite3.OperationalError):
        sqlite3.connect(f"file:{tmp_path / 'a' / 's.db'}?mode=ro", uri=True).execute("SELECT 1")
