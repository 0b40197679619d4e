"""Real digests for the writer tests: the bundled sample imported into a temporary SQLite store, ranked with
``classic`` for a day and generated at a fixed time (the morning after, 00:43:48 UTC).

The pipeline dates a day whose window has closed at that close (``jobs.render.digest_time``); the writers' golden
files take the generation time as an input instead, the time the original's seed post was made."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import tempfile
from pathlib import Path

from hotpapers.jobs.render import build_digest
from hotpapers.jobs.transfer import import_files
from hotpapers.models import Digest
from hotpapers.store import open_store

from helpers.paths import SAMPLE

GOLDEN_DAYS = ("2021-01-15", "2021-04-19")
SITE = "https://hotpapers.example.org/"


def generated_at(day: dt.date) -> dt.datetime:
    """The fixed generation time of a sample day's digest."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 43, 48), dt.UTC)


@functools.cache
def sample_digests() -> dict[str, Digest]:
    """Every day of the bundled sample, by ISO date (built once per process)."""
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "sample.db"))
        try:
            import_files(store, [SAMPLE])
            days = store.announced_dates()
            return {
                d.isoformat(): dataclasses.replace(
                    build_digest(store, d, preset="classic", now=generated_at(d)), generated_at=generated_at(d)
                )
                for d in days
            }
        finally:
            store.close()


def sample_digest(day: str) -> Digest:
    """The digest of one sample day (``2020-08-18``, ``2020-11-18``, ``2021-01-15``, ``2021-04-19``)."""
    return sample_digests()[day]


def check_golden(path: Path, data: bytes, update: bool) -> None:
    """Compare ``data`` with the golden file at ``path`` byte for byte (or rewrite it when ``update``)."""
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert path.exists(), f"{path} is missing: run pytest --update-golden"
    assert path.read_bytes() == data, f"{path} differs: run pytest --update-golden and review the diff"
