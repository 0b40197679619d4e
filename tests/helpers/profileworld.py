"""Shared by the profile and delivery tests: the bundled sample in a store, a config with profiles, the library
fixtures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hotpapers.jobs.transfer import import_files
from hotpapers.store import open_store

from helpers import paths

FIXTURES = paths.FIXTURES / "profiles"
DAY = dt.date(2021, 4, 19)  # the sample's newest day: 16 papers, two of them robot learning
NOW = dt.datetime(2021, 4, 22, 12, tzinfo=dt.UTC)
ROBOTS = ("2104.08212", "2104.07749")  # MT-Opt and Actionable Models: what a robot-learning library finds


def load_sample(db: str) -> None:
    """Import the bundled sample into the store at ``db``."""
    with open_store(db) as store:
        import_files(store, [paths.SAMPLE])


def write_config(folder: Path, body: str) -> Path:
    """A config file in ``folder`` (with the library fixtures beside it)."""
    for name in ("library.bib", "library.json", "library.rdf", "library.txt"):
        (folder / name).write_bytes((FIXTURES / name).read_bytes())
    path = folder / "hotpapers.toml"
    path.write_text(body, encoding="utf-8")
    return path
