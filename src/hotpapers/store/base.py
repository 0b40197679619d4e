"""The store interface every backend implements (``SQLiteStore``, ``PostgresStore``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol, Self

from hotpapers.models import (
    AccountProfile,
    Announcement,
    ArtifactSnapshot,
    ArxivId,
    CitationSnapshot,
    CodeLink,
    Delivery,
    Digest,
    EngagementSnapshot,
    EnrichmentRecord,
    NotInterested,
    Paper,
    PaperEvidence,
    Post,
    PostEvidence,
    RepoSnapshot,
    Summary,
)

__all__ = ["NO_STORE_HINT", "Store", "WriteCounts"]

NO_STORE_HINT = "a store is made when one is opened to be written (create=True)"
"""How to get a store where there is none, said when one that must exist does not (the command line says it in its
own words)."""


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

    # -- imports (hotpapers.store.sql_imports): the last record of a key in one import wins wholly ---------------

    def begin_import(self) -> None:
        """Start tracking the keys an import writes (inside its transaction)."""
        ...

    def seen_in_import(self, keys: Sequence[int]) -> list[bool]:
        """Mark record keys as written by this import; for each, whether an earlier record of it already was."""
        ...

    def replace_papers(self, papers: Sequence[Paper]) -> int:
        """Write papers wholly over the stored ones, whatever their version."""
        ...

    def replace_posts(self, posts: Sequence[Post]) -> int:
        """Write posts' fields wholly over the stored ones (their links are added to the stored links)."""
        ...

    def replace_snapshots(self, snapshots: Sequence[EngagementSnapshot]) -> int:
        """Write snapshots' counts wholly over the stored ones of the same post and instant."""
        ...

    def digest_index(self) -> list[tuple[dt.date, str, str]]:
        """Every published digest as (day, preset, fingerprint of its content), by day then preset."""
        ...

    def paper_post_fingerprints(self, arxiv_ids: Collection[ArxivId]) -> dict[ArxivId, str]:
        """For each paper some post links, a fingerprint that changes whenever its posts or snapshots change."""
        ...

    def paper_posts(self, arxiv_ids: Collection[ArxivId]) -> dict[ArxivId, tuple[PostEvidence, ...]]:
        """Every post linking each paper (reposts left out), with its latest snapshot."""
        ...

    def paper_snapshot_series(
        self, arxiv_ids: Collection[ArxivId]
    ) -> dict[tuple[str, str], tuple[EngagementSnapshot, ...]]:
        """Every snapshot of every post linking any of the papers, by (platform, post_id), oldest first."""
        ...

    def add_profiles(self, profiles: Iterable[AccountProfile]) -> int:
        """Append account profile observations (a repeat of the same account and instant is ignored). Returns new
        rows."""
        ...

    def replace_profiles(self, profiles: Sequence[AccountProfile]) -> int:
        """Write profile observations wholly over the stored ones of the same account and instant."""
        ...

    def iter_profiles(self) -> Iterator[AccountProfile]:
        """All profile observations, by platform, handle, then observation time."""
        ...

    def profiled_since(self, since: dt.datetime) -> set[tuple[str, str]]:
        """The accounts, as (platform, handle), with a profile observed at or after ``since``."""
        ...

    def linked_evidence(self, start: dt.datetime, end: dt.datetime, exclude: Collection[str]) -> list[PaperEvidence]:
        """The stored papers other than ``exclude`` that posts created in [start, end) link, each with its first
        announcement and only those posts, marked ``resurfaced`` (what a view shows as older papers discussed
        again)."""
        ...

    # -- enrichment (hotpapers enrich; store/sql_enrich.py) ----------------------------------

    def add_enrichment(self, records: Iterable[EnrichmentRecord]) -> WriteCounts:
        """Store code links and enrichment snapshots (a repeat of a key is ignored). Returns rows added per table."""
        ...

    def code_links_of(self, arxiv_ids: Iterable[ArxivId]) -> dict[ArxivId, list[CodeLink]]:
        """The code links of each paper that has some."""
        ...

    def repo_series(self, urls: Iterable[str], since: dt.datetime | dt.timedelta) -> dict[str, list[RepoSnapshot]]:
        """Each repository's snapshots since ``since`` (an instant, or a span before each one's latest snapshot)
        and the latest before it, by ``repo_key``, in time order."""
        ...

    def latest_artifacts(self, arxiv_ids: Iterable[ArxivId]) -> dict[ArxivId, ArtifactSnapshot]:
        """The latest artifact snapshot of each paper that has one."""
        ...

    def latest_citations(self, arxiv_ids: Iterable[ArxivId]) -> dict[ArxivId, CitationSnapshot]:
        """The latest citation snapshot of each paper that has one."""
        ...

    def iter_code_links(self) -> Iterator[CodeLink]:
        """Every code link, by paper, place, position and URL."""
        ...

    def iter_repo_snapshots(self) -> Iterator[RepoSnapshot]:
        """Every repository snapshot, by URL then time."""
        ...

    def iter_artifact_snapshots(self) -> Iterator[ArtifactSnapshot]:
        """Every artifact snapshot, by paper then time."""
        ...

    def iter_citation_snapshots(self) -> Iterator[CitationSnapshot]:
        """Every citation snapshot, by paper then time."""
        ...

    def replace_enrichment(self, records: Sequence[EnrichmentRecord]) -> int:
        """Write code links and enrichment snapshots wholly over the stored ones of the same key (an import's last
        record of a key wins)."""
        ...

    def paper_enrichment_fingerprints(self, arxiv_ids: Collection[ArxivId]) -> dict[ArxivId, str]:
        """For each paper with some enrichment, a fingerprint that changes whenever what its page shows of it may."""
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

    def change_token(self) -> str:
        """A token that differs whenever another connection committed a change since it was last read (and may
        differ without one): a reader that never writes caches what it read until the token changes (``hotpapers
        serve``). Read outside any transaction."""
        ...

    # hot for me (store/sql_profiles.py)

    def save_profile_digest(self, profile: str, inputs: str, digest: Digest) -> None:
        """Publish ``profile``'s digest of its day, ranked with ``inputs`` (a hash), replacing an earlier one."""
        ...

    def load_profile_digest(self, profile: str, day: dt.date) -> tuple[str, Digest] | None:
        """(the inputs hash, the digest) ``profile`` published for ``day``, or None."""
        ...

    def profile_digest_days(self, profile: str) -> list[dt.date]:
        """The days ``profile`` has a published digest of, newest first."""
        ...

    def add_not_interested(self, items: Iterable[NotInterested]) -> int:
        """Add to profiles' not-interested lists (an item already there is kept). Returns rows added."""
        ...

    def remove_not_interested(self, profile: str, kind: str, values: Iterable[str]) -> int:
        """Take values off ``profile``'s not-interested list. Returns rows removed."""
        ...

    def not_interested(self, profile: str) -> list[NotInterested]:
        """``profile``'s not-interested list, by kind then value."""
        ...

    def claim_delivery(self, profile: str, channel: str, period: str, at: dt.datetime) -> Delivery | None:
        """Record ``sending`` before a message leaves, atomically; if a (not ``failed``) row exists, return it and
        record nothing."""
        ...

    def record_delivery(
        self, profile: str, channel: str, period: str, status: str, at: dt.datetime | None, detail: str
    ) -> None:
        """Update a claimed delivery's status and detail."""
        ...

    def deliveries(self, profile: str | None = None) -> list[Delivery]:
        """The recorded deliveries (of ``profile``, or all), newest period first."""
        ...
