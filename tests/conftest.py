"""Shared pytest configuration: ``--update-golden`` (also ``HOTPAPERS_UPDATE_GOLDEN=1``), ``--rerecord`` and the
store backends."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import psycopg
import pytest
from hypothesis import settings

from hotpapers.store import Store, open_store

from helpers import pgcluster, recording
from helpers.profileworld import load_sample

if TYPE_CHECKING:
    from helpers import llmstandin

# CI (``.ci/run`` sets HOTPAPERS_HYPOTHESIS_PROFILE=ci) draws the same examples on every run, so a red build names a
# change, never a lucky draw; a developer's run keeps drawing new examples, and a failure found there is kept as an
# @example of its test.
settings.register_profile("ci", derandomize=True, database=None)
settings.load_profile(os.environ.get("HOTPAPERS_HYPOTHESIS_PROFILE", "default"))


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--update-golden``: rewrite golden files from the current output instead of comparing."""
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/** from the current output (or set HOTPAPERS_UPDATE_GOLDEN=1)",
    )
    parser.addoption(
        "--rerecord",
        action="store_true",
        default=False,
        help="fetch every fixture declared by @pytest.mark.recorded(fixture=..., url=...) again from the live "
        "service and rewrite it before its test runs (needs the network; select them with -m recorded)",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``recorded`` marker (helpers/recording.py)."""
    config.addinivalue_line(
        "markers", f"{recording.MARKER}(fixture, url, status=200): the test reads a verbatim recording of url"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Check every ``recorded`` marker when the tests are collected: a wrong one stops the session, naming it."""
    for item in items:
        for mark in item.iter_markers(recording.MARKER):
            try:
                recording.recording_of(mark)
            except ValueError as e:
                raise pytest.UsageError(f"{item.nodeid}: {e}") from None


@pytest.fixture(autouse=True)
def _rerecord(request: pytest.FixtureRequest) -> None:
    """With ``--rerecord``, the recordings the test declares are fetched again and rewritten before it runs."""
    marks = list(request.node.iter_markers(recording.MARKER))
    if not marks or not request.config.getoption("--rerecord"):
        return
    with httpx.Client(timeout=60, follow_redirects=True) as client:
        for mark in marks:
            recording.rerecord(recording.recording_of(mark), client)


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when golden files should be rewritten rather than compared."""
    return bool(request.config.getoption("--update-golden")) or os.environ.get("HOTPAPERS_UPDATE_GOLDEN") == "1"


# -- the store backends: every store test runs on SQLite and on a real PostgreSQL server ------------------------


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a PostgreSQL server for this session.

    ``HOTPAPERS_TEST_POSTGRES`` names one (``.ci/run`` starts a throwaway cluster and sets it; an unreachable
    server fails the tests). Without it, a throwaway cluster is started here from the server binaries
    (``tests/helpers/pgcluster.py``); when there are none, the PostgreSQL cases are skipped, with the reason, unless
    ``HOTPAPERS_REQUIRE_POSTGRES=1`` makes that a failure.
    """
    given = os.environ.get("HOTPAPERS_TEST_POSTGRES")
    if given:
        try:
            psycopg.connect(given, connect_timeout=10).close()
        except psycopg.Error as e:
            pytest.fail(f"HOTPAPERS_TEST_POSTGRES: cannot connect: {e}")
        yield given
        return
    base = Path(tempfile.mkdtemp(prefix="hp-pg-"))
    try:
        url = pgcluster.start(base)
    except pgcluster.ClusterError as e:
        pgcluster.stop(base)
        if os.environ.get("HOTPAPERS_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required (HOTPAPERS_REQUIRE_POSTGRES=1) but cannot start: {e}")
        pytest.skip(f"no PostgreSQL server for the store tests: {e}; set HOTPAPERS_TEST_POSTGRES")
    try:
        yield url
    finally:
        pgcluster.stop(base)


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A PostgreSQL store URL of its own: a fresh schema in the session's server, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in postgres_server else "?"
    yield f"{postgres_server}{sep}options=-csearch_path%3D{schema}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty store on each backend in turn: a SQLite file, then a PostgreSQL schema."""
    if request.param == "sqlite":
        return str(tmp_path / "t.db")
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """A fresh store, open, on SQLite and then on PostgreSQL (closed after the test)."""
    s = open_store(store_url)
    yield s
    s.close()


@pytest.fixture
def sample_db(tmp_path: Path) -> str:
    """A SQLite store holding the bundled sample (four listing days): the profile and delivery tests' world."""
    db = str(tmp_path / "sample.db")
    load_sample(db)
    return db


@pytest.fixture
def sample_store(sample_db: str) -> Iterator[Store]:
    """The sample store, open."""
    with open_store(sample_db) as store:
        yield store


# -- the summaries: a local stand-in model, registered through llm's plugin hooks -------------------------------------


@pytest.fixture
def standin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[llmstandin.Behaviour]:
    """The stand-in models of ``tests/helpers/llmstandin.py`` registered with llm's plugin manager, with llm's home (keys,
    aliases) a fresh folder. Yields the models' behaviour, to adjust; the plugin is unregistered afterwards.

    ``llm`` is imported here, not at the top: every test process loads this file, and only the summaries' tests
    need the library (and its plugins' entry points, which it scans on import)."""
    import llm  # noqa: PLC0415
    from llm.plugins import pm  # noqa: PLC0415

    from helpers import llmstandin  # noqa: PLC0415

    monkeypatch.setenv("LLM_USER_PATH", str(tmp_path / "llm-home"))
    monkeypatch.delenv("HOTPAPERS_STANDIN_KEY", raising=False)
    monkeypatch.setattr(llmstandin, "BEHAVIOUR", llmstandin.Behaviour())
    llmstandin.PROMPTS.clear()
    plugin = llmstandin.StandinPlugin()
    pm.register(plugin, name="hotpapers-standin")
    assert "standin" in {m.model_id for m in llm.get_models()}
    try:
        yield llmstandin.BEHAVIOUR  # the fresh one set above
    finally:
        pm.unregister(plugin)
