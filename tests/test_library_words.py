"""The library speaks its own words: an error names the value at fault as the Python API does, and the command
line names its own option instead (``hotpapers.cli.words``)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from hotpapers.cli import main
from hotpapers.cli.words import FLAGS, in_cli_words, said
from hotpapers.errors import InputError, StoreError, UsageError
from hotpapers.jobs.collect import collect
from hotpapers.jobs.environment import Environment
from hotpapers.jobs.registry import load_registry
from hotpapers.jobs.render import build_digest, check_formats
from hotpapers.jobs.transfer import import_files
from hotpapers.ranking.views import month_range
from hotpapers.store import SQLiteStore, open_store

DAY = dt.date(2021, 4, 19)
NOW = dt.datetime(2021, 4, 21, tzinfo=dt.UTC)


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    """An empty store."""
    return SQLiteStore(tmp_path / "s.db")


def test_a_day_without_papers_is_named_as_a_listing_day(store: SQLiteStore) -> None:
    """``build_digest`` of a day the store lacks names the listing day, not ``--date``."""
    with pytest.raises(UsageError) as raised:
        build_digest(store, DAY, preset="default", now=NOW)
    assert str(raised.value) == "listing day 2021-04-19: no papers announced on that day are in the store"
    assert raised.value.subject == "listing day"


def test_an_unknown_format_is_named_as_a_format() -> None:
    """``check_formats`` names the format it does not know, not ``--format``."""
    with pytest.raises(UsageError, match=r"^format docx: unknown format \(known: ") as raised:
        check_formats(["lumen", "docx"])
    assert raised.value.subject == "format"


def test_an_unknown_source_is_named_as_a_source(store: SQLiteStore) -> None:
    """``collect`` names the source it does not know, not ``--source``."""
    with pytest.raises(UsageError, match=r"^source nope: unknown source \(known: ") as raised:
        collect(store, load_registry(), day=DAY, names=["nope"], environment=Environment(env={}))
    assert raised.value.subject == "source"


def test_a_record_over_the_cap_names_the_parameter(store: SQLiteStore) -> None:
    """An import's record over the size cap says to raise ``max_record_bytes``, the parameter the caller has."""
    with pytest.raises(InputError) as raised:
        import_files(store, [Path("-")], max_record_bytes=10, stdin=io.BytesIO(b'{"type": "header"}' + b" " * 20))
    assert "raise max_record_bytes" in str(raised.value) and "--" not in str(raised.value)


def test_a_missing_store_says_how_to_make_one(tmp_path: Path) -> None:
    """``open_store(..., create=False)`` of nothing says that opening it to write makes one (no ``--db``)."""
    with pytest.raises(StoreError, match=r"no such store \(a store is made when one is opened to be written"):
        open_store(str(tmp_path / "none.db"), create=False)


def test_the_command_line_puts_its_option_first() -> None:
    """The subject at the head of a message becomes the option; a message that does not begin with it is kept."""
    assert in_cli_words(UsageError("month '2021-13': bad", subject="month")) == "--month '2021-13': bad"
    assert in_cli_words(UsageError("a month: bad", subject="month")) == "a month: bad"
    assert in_cli_words(UsageError("format x: unknown")) == "format x: unknown"  # no subject: no option


def test_every_subject_of_the_views_has_an_option() -> None:
    """A view's error subject is one the command line has an option for."""
    with pytest.raises(UsageError) as raised:
        month_range("2021-1")
    assert raised.value.subject in FLAGS


def test_hints_are_said_in_the_command_lines_words() -> None:
    """A library hint naming a parameter becomes the command line's way to set it."""
    assert said("x (the record size cap: raise max_record_bytes)") == (
        "x (the record size cap: raise it with --max-record-bytes, HOTPAPERS_MAX_RECORD_BYTES or max_record_bytes "
        "in the config)"
    )


def test_the_command_line_names_its_flags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The same errors through the command line name --date and --format."""
    db = str(tmp_path / "s.db")
    SQLiteStore(db).close()
    assert main(["--db", db, "render", "--date", "2021-04-19", "--out", str(tmp_path / "o")]) == 2
    assert capsys.readouterr().err == (
        "hotpapers: error: --date 2021-04-19: no papers announced on that day are in the store\n"
    )
    assert main(["--db", db, "render", "--date", "2021-04-19", "--format", "docx", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("hotpapers: error: --format docx: unknown format (known: ")
