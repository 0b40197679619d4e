"""Several processes writing one store at once (SQLite file or PostgreSQL): nothing lost, nothing doubled."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hotpapers.store import open_store
from hotpapers.store.schema import SCHEMA_VERSION

from helpers import store_writer
from helpers.paths import TESTS

WRITERS = 4
WRITER = TESTS / "helpers" / "store_writer.py"


def _run_writers(url: str, tmp_path: Path, count: int = WRITERS) -> list[tuple[int, int]]:
    """Start ``count`` writer processes together; return each one's (new posts, new snapshots)."""
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, str(WRITER), url, str(w), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(TESTS)},  # the writer imports helpers.factories
        )
        for w in range(count)
    ]
    go.touch()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        posts, snaps = out.split()
        results.append((int(posts), int(snaps)))
    return results


@pytest.fixture
def written(store_url: str, tmp_path: Path) -> tuple[str, list[tuple[int, int]]]:
    """A store that four writer processes filled concurrently, and what each reported."""
    return store_url, _run_writers(store_url, tmp_path)


def test_no_post_is_lost_or_doubled(written: tuple[str, list[tuple[int, int]]]) -> None:
    """Every shared and every own post is stored exactly once."""
    url, _ = written
    with open_store(url) as store:
        posts = [p.post_id for p in store.iter_posts()]
    assert len(posts) == len(set(posts)) == store_writer.SHARED_POSTS + WRITERS * store_writer.OWN_POSTS


def test_no_snapshot_is_lost_or_doubled(written: tuple[str, list[tuple[int, int]]]) -> None:
    """Each post has one snapshot at the shared instant and one per writer that wrote it at its own."""
    url, _ = written
    with open_store(url) as store:
        keys = [(s.post_id, s.observed_at) for s in store.iter_snapshots()]
    shared = store_writer.SHARED_POSTS * (1 + WRITERS)
    own = WRITERS * store_writer.OWN_POSTS * 2
    assert len(keys) == len(set(keys)) == shared + own


def test_writers_agree_on_what_was_new(written: tuple[str, list[tuple[int, int]]]) -> None:
    """The "new" counts the writers report add up to the rows stored: no post counted new twice."""
    url, results = written
    with open_store(url) as store:
        counts = store.counts()
    assert sum(p for p, _ in results) == counts["posts"]
    assert sum(s for _, s in results) == counts["engagement"]


def test_links_from_every_writer_are_kept(written: tuple[str, list[tuple[int, int]]]) -> None:
    """A shared post keeps the paper links every writer found for it, each once."""
    url, _ = written
    with open_store(url) as store:
        shared = next(p for p in store.iter_posts() if p.post_id == "shared-0")
    linked = [link.arxiv_id for link in shared.links]
    assert len(linked) == len(set(linked)) == WRITERS  # papers 0 + w for w = 0..3 (paper 0 by every writer)


def test_every_checkpoint_is_saved(written: tuple[str, list[tuple[int, int]]]) -> None:
    """Each writer's last checkpoint is there."""
    url, _ = written
    with open_store(url) as store:
        states = {key: value for source, key, value in store.iter_states() if source == "test"}
    assert sorted(states) == [f"worker-{w}" for w in range(WRITERS)]


def test_concurrent_first_opens_migrate_once(store_url: str, tmp_path: Path) -> None:
    """Processes opening a new, empty store at the same moment migrate it once, and all of them work."""
    _run_writers(store_url, tmp_path, count=3)
    with open_store(store_url) as store:
        assert store.schema_version() == SCHEMA_VERSION
