"""Fixtures of the enrichment tests: the local providers (``world``) and a store of the recorded listing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hotpapers.store import SQLiteStore

from helpers.enrichworld import DISCUSSED, World, listing_store
from helpers.localserver import serve


@pytest.fixture
def world() -> Iterator[World]:
    """The local GitHub, Semantic Scholar and Hugging Face."""
    made = World()
    with serve(made.route) as served:
        made.served = served
        yield made


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    """The recorded listing of 2024-11-28, with one post about each of three papers (so those are discussed)."""
    opened = listing_store(str(tmp_path / "s.db"), DISCUSSED)
    assert isinstance(opened, SQLiteStore)
    try:
        yield opened
    finally:
        opened.close()
