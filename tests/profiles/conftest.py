"""Fixtures of the profile tests: the bundled sample in a store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hotpapers.store import open_store
from hotpapers.store.base import Store

from helpers.profileworld import load_sample


@pytest.fixture
def sample_db(tmp_path: Path) -> str:
    """A SQLite store holding the bundled sample (four listing days)."""
    db = str(tmp_path / "sample.db")
    load_sample(db)
    return db


@pytest.fixture
def sample_store(sample_db: str) -> Iterator[Store]:
    """The sample store, open."""
    with open_store(sample_db) as store:
        yield store
