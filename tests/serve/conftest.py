"""The serve tests' data: the bundled sample in a store, every day published with both presets and written by
``hotpapers render --format json`` (with and without ``--has-code``), one paper given a code repository."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the serve extra is not installed (pip install 'hotpapers[serve]')")

from starlette.testclient import TestClient

from hotpapers.cli import main
from hotpapers.config import Settings
from hotpapers.models import ArxivId, CodeHost, CodeLink, FoundIn
from hotpapers.serve.app import create_app
from hotpapers.store import open_store

PRESETS = ("classic", "default")
DAYS = ("2020-08-18", "2020-11-18", "2021-01-15", "2021-04-19")  # the sample's listing days
WITH_CODE = "2104.08223"  # given a code repository below (the sample has no enrichment)


@dataclass(frozen=True)
class Published:
    """A store with every sample day published with both presets, and the files ``render`` wrote."""

    db: str
    out: Path  # OUT/<preset>/json/<day>.json and OUT/<preset>-code/json/<day>.json

    def dataset(self, preset: str, day: str, *, has_code: bool = False) -> bytes:
        """The bytes ``render --date DAY --preset PRESET --format json`` wrote."""
        return (self.out / (preset + ("-code" if has_code else "")) / "json" / f"{day}.json").read_bytes()


def run(*argv: str) -> None:
    """Run ``hotpapers ARGV`` in-process; fail on a non-zero exit."""
    assert main(list(argv)) == 0, argv


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> Published:
    """Import the sample, add a code link to one paper, and render every day with each preset (plain and
    ``--has-code``)."""
    folder = tmp_path_factory.mktemp("published")
    db = str(folder / "sample.db")
    with resources.as_file(resources.files("hotpapers") / "data" / "sample.jsonl") as sample:
        run("--db", db, "import", str(sample))
    with open_store(db) as store:
        store.add_enrichment([CodeLink(ArxivId(WITH_CODE), "https://github.com/facebookresearch/meshtalk",
                                       CodeHost.GITHUB, FoundIn.ABSTRACT, dt.datetime(2021, 4, 20, tzinfo=dt.UTC))])
    for preset in PRESETS:
        for day in DAYS:
            common = ("--db", db, "render", "--date", day, "--preset", preset, "--format", "json")
            run(*common, "--out", str(folder / preset))
            run(*common, "--has-code", "--out", str(folder / f"{preset}-code"))
    return Published(db, folder)


@pytest.fixture
def client(published: Published) -> Iterator[TestClient]:
    """The application over the published store, in-process (the store checked for changes on every request)."""
    app = create_app(published.db, settings=Settings(preset="classic"), check_interval=0)
    with TestClient(app) as test_client:
        yield test_client
