"""The store interface every backend implements (``SQLiteStore``, ``PostgresStore``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any, Protocol, Self

from hotpapers.models import (
    Announcement,
    ArxivId,
    Digest,
    EngagementSnapshot,
    Paper,
    PaperEvidence,
    Post,
    Summary,
)

__all__ = ["Store", "WriteCounts"]


class WriteCounts(dict[str, int]):
    """How many records of each kind a write added or changed, e.g. ``{"papers": 3, "posts": 10}``."""

    def add(self, other: dict[str, int]) -> None:
        """Add ``other``'s counts into this one."""
        for key, value in other.items():
            self[key] = self.get(key, 0) + value


class Store(Protocol):
    """Persistent records. Every write method is idempotent; writes happen inside ``transaction()``.

    Raises:
        StoreError: on any database failure (wrapped from the driver's own exceptions).
    """

    url: str

    def close(self) -> None:
        """Close the connection."""
        ...

    def __enter__(self) -> Self:
        """The store itself; it is closed when the ``with`` block ends."""
        ...

    def __exit__(self, *exc: object) -> None:
        """Close the store."""
        ...

    def transaction(self) -> AbstractContextManager[None]:
        """A context in which all writes commit together or not at all (nested calls join the outer one)."""
        ...

    def snapshot(self) -> AbstractContextManager[None]:
        """A context in which reads see one consistent state of the store (nested calls join the outer one)."""
        ...

    def optimize(self) -> None:
        """Refresh the query planner's statistics after a bulk write (outside any transaction)."""
        ...

    def schema_version(self) -> int:
        """The schema version of the open database."""
        ...

    def upsert_papers(self, papers: Iterable[Paper]) -> int:
        """Insert papers, or update them when the incoming version is not older. Returns rows written."""
        ...

    def add_announcements(self, announcements: Iterable[Announcement]) -> int:
        """Record papers in a day's announcement (the latest record for a (date, id) wins)."""
        ...

    def upsert_posts(self, posts: Iterable[Post]) -> int:
        """Insert posts once per (platform, post_id), merging their paper links. Returns new posts."""
        ...

    def add_snapshots(self, snapshots: Iterable[EngagementSnapshot]) -> int:
        """Append engagement snapshots (a repeat of the same post and instant is ignored). Returns new rows."""
        ...

    def mark_deleted(self, platform: str, post_ids: Iterable[str]) -> int:
        """Mark posts as deleted or unavailable; they keep their snapshots."""
        ...

    def get_state(self, source: str, key: str) -> str | None:
        """A source's checkpoint (e.g. the Jetstream cursor), or None."""
        ...

    def set_state(self, source: str, key: str, value: str) -> None:
        """Save a source's checkpoint (inside the caller's transaction, with the records it covers)."""
        ...

    def announced_dates(self) -> list[dt.date]:
        """Every date with at least one announcement, ascending."""
        ...

    def evidence_for_day(self, day: dt.date) -> list[PaperEvidence]:
        """The papers announced on ``day`` with the posts linking each and their latest snapshots."""
        ...

    def iter_states(self) -> Iterator[tuple[str, str, str]]:
        """Every source checkpoint as (source, key, value), by source then key."""
        ...

    def save_digest(self, digest: Digest) -> None:
        """Store a published digest (replacing one of the same date and preset)."""
        ...

    def snapshot_series(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], tuple[EngagementSnapshot, ...]]:
        """Every snapshot of each (platform, post_id), in time order."""
        ...

    def load_digest(self, day: dt.date, preset: str) -> Digest | None:
        """The digest published for ``day`` with ``preset``, if any."""
        ...

    def start_run(self, command: str, started_at: dt.datetime) -> int:
        """Record the start of a run; returns its id."""
        ...

    def finish_run(self, run_id: int, finished_at: dt.datetime, status: str, summary: dict[str, Any]) -> None:
        """Record how a run ended."""
        ...

    def counts(self) -> dict[str, int]:
        """Row counts of each record table (for summaries and tests)."""
        ...

    def get_paper(self, arxiv_id: ArxivId) -> Paper | None:
        """One paper by canonical id."""
        ...

    def iter_papers(self) -> Iterator[Paper]:
        """All papers, by id."""
        ...

    def iter_announcements(self) -> Iterator[Announcement]:
        """All announcements, by date then position then id."""
        ...

    def iter_posts(self) -> Iterator[Post]:
        """All posts, by platform then post id."""
        ...

    def iter_snapshots(self) -> Iterator[EngagementSnapshot]:
        """All snapshots, by platform, post id, then observation time."""
        ...

    def iter_digests(self) -> Iterator[Digest]:
        """All published digests, by date then preset."""
        ...

    def save_summaries(self, summaries: Iterable[Summary]) -> int:
        """Store summaries, replacing the one of the same paper, kind and generator. Returns rows written."""
        ...

    def summaries_for(self, arxiv_ids: Iterable[ArxivId]) -> list[Summary]:
        """The stored summaries of ``arxiv_ids`` (every kind and generator), by paper, kind and generator."""
        ...

    def iter_summaries(self) -> Iterator[Summary]:
        """All stored summaries, by paper, kind and generator."""
        ...

    def latest_published_day(self, preset: str) -> dt.date | None:
        """The newest day with a published digest of ``preset``, if any."""
        ...
