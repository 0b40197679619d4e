"""Recorded fixtures: every file under tests/fixtures is read by a test, and ``--rerecord`` rewrites a declared
recording from its service (checked here against a local server: the live services are out of reach offline)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from helpers.fixture_use import unused_fixtures
from helpers.localserver import Reply, serve
from helpers.paths import FIXTURES, TESTS
from helpers.recording import Recording, RerecordError, recording_of, rerecord


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_every_fixture_is_read_by_a_test() -> None:
    """No file under tests/fixtures (PROVENANCE.md aside) is left that no test, helper or conftest names."""
    assert [p.relative_to(FIXTURES).as_posix() for p in unused_fixtures(FIXTURES, TESTS)] == []


def test_a_fixture_no_test_names_is_unused(tmp_path: Path) -> None:
    """A fixture whose name appears in no test's string literal is reported."""
    tests = _tree(tmp_path, {"test_a.py": 'BODY = "fixtures/x/read.json"\n', "fixtures/x/read.json": "{}",
                             "fixtures/x/forgotten.json": "{}"})
    assert unused_fixtures(tests / "fixtures", tests) == [tests / "fixtures" / "x" / "forgotten.json"]


def test_a_name_in_a_docstring_is_not_a_read(tmp_path: Path) -> None:
    """Naming a fixture in a docstring does not count as reading it."""
    tests = _tree(tmp_path, {"test_a.py": '"""Reads forgotten.json."""\n', "fixtures/forgotten.json": "{}"})
    assert unused_fixtures(tests / "fixtures", tests) == [tests / "fixtures" / "forgotten.json"]


def test_a_glob_pattern_reads_what_it_matches(tmp_path: Path) -> None:
    """A glob pattern in a test reads the fixtures it matches (from the right), and only those."""
    tests = _tree(tmp_path, {"test_a.py": 'SEEDS = "x/api_*.xml"\n', "fixtures/x/api_1.xml": "<a/>",
                             "fixtures/x/rss_1.xml": "<a/>", "fixtures/y/api_2.xml": "<a/>"})
    found = unused_fixtures(tests / "fixtures", tests)
    assert found == [tests / "fixtures" / "x" / "rss_1.xml", tests / "fixtures" / "y" / "api_2.xml"]


def test_provenance_files_are_exempt(tmp_path: Path) -> None:
    """PROVENANCE.md needs no reader."""
    tests = _tree(tmp_path, {"test_a.py": "", "fixtures/x/PROVENANCE.md": "# x"})
    assert unused_fixtures(tests / "fixtures", tests) == []


def test_a_recorded_marker_must_name_a_fixture_file() -> None:
    """A ``recorded`` marker naming no fixture file, or a non-HTTP URL, is refused with the reason."""
    with pytest.raises(ValueError, match="not a fixture file"):
        recording_of(pytest.mark.recorded(fixture="arxiv/nothing.xml", url="https://export.arxiv.org/").mark)
    with pytest.raises(ValueError, match="not a fixture file"):
        recording_of(pytest.mark.recorded(fixture="../conftest.py", url="https://export.arxiv.org/").mark)
    with pytest.raises(ValueError, match="not an HTTP"):
        recording_of(pytest.mark.recorded(fixture="arxiv/api_empty_2026_id_list_0000.0000.xml", url="ftp://x").mark)


def test_rerecord_rewrites_the_fixture_with_the_answer(tmp_path: Path) -> None:
    """The fixture's bytes become the service's answer."""
    fixture = tmp_path / "api.xml"
    fixture.write_bytes(b"<old/>")
    with serve(lambda path: Reply(b"<new/>")) as served, httpx.Client() as client:
        rerecord(Recording(fixture, f"{served.url}/api/query?id_list=1"), client)
    assert (fixture.read_bytes(), served.requests) == (b"<new/>", ["/api/query?id_list=1"])


def test_rerecord_keeps_the_fixture_when_the_status_differs(tmp_path: Path) -> None:
    """An answer with another status than the recording's leaves the fixture, and nothing else, behind."""
    fixture = tmp_path / "api.xml"
    fixture.write_bytes(b"<old/>")
    with (
        serve(lambda path: Reply(b"down", 503)) as served,
        httpx.Client() as client,
        pytest.raises(RerecordError, match=r"HTTP 503, recorded with 200; api\.xml left as it was"),
    ):
        rerecord(Recording(fixture, f"{served.url}/api"), client)
    assert [p.name for p in tmp_path.iterdir()] == ["api.xml"] and fixture.read_bytes() == b"<old/>"


def test_a_bare_extension_pattern_reads_nothing(tmp_path: Path) -> None:
    """``"*.json"`` alone does not count: a test that reads a whole folder names the folder in its pattern."""
    tests = _tree(tmp_path, {"test_a.py": 'ALL = "*.json*"\nX = "x/*.json"\n', "fixtures/x/a.json": "{}",
                             "fixtures/y/b.json": "{}"})
    assert unused_fixtures(tests / "fixtures", tests) == [tests / "fixtures" / "y" / "b.json"]
