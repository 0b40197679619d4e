"""Writing records of any kind into a store, and reading every record back out (export, copy).

``store_records`` takes any mix of records (``hotpapers.models.Record``: what sources, providers and imports yield)
and writes them in batches through the ``Store`` protocol, referenced records first, in one transaction. Within an
import, a record repeating the key of one written earlier replaces it wholly (the last one wins).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable
from typing import Any, TypeVar

from hotpapers.models import (
    AccountProfile,
    Announcement,
    ArtifactSnapshot,
    CitationSnapshot,
    CodeLink,
    Digest,
    EngagementSnapshot,
    Paper,
    Post,
    PostGone,
    Record,
    RepoSnapshot,
    Summary,
)
from hotpapers.store.base import Store, WriteCounts
from hotpapers.store.sql_imports import import_key

__all__ = ["every_record", "store_records"]

_BATCH = 500
T = TypeVar("T")

_IMPORT_KEYS: dict[str, Callable[[Any], int]] = {
    # What makes two records of an import the same record (the store's primary key), hashed.
    "paper": lambda r: import_key("paper", r.arxiv_id),
    "announcement": lambda r: import_key("announcement", r.date, r.arxiv_id),
    "post": lambda r: import_key("post", r.platform, r.post_id),
    "engagement": lambda r: import_key("engagement", r.platform, r.post_id, r.observed_at),  # UTC: equal instants
    "digest": lambda r: import_key("digest", r.date, r.preset),
    "profile": lambda r: import_key("profile", r.platform, r.handle, r.observed_at),
    "code_link": lambda r: import_key("code_link", r.arxiv_id, r.found_in.value, r.url),
    "repo_snapshot": lambda r: import_key("repo_snapshot", r.url, r.observed_at),  # url: repo_key'd already
    "artifact_snapshot": lambda r: import_key("artifact_snapshot", r.arxiv_id, r.observed_at),
    "citation_snapshot": lambda r: import_key("citation_snapshot", r.arxiv_id, r.observed_at),
    "summary": lambda r: import_key("summary", r.arxiv_id, r.kind.value, r.generator),
}

_ENRICHMENT = (CodeLink, RepoSnapshot, ArtifactSnapshot, CitationSnapshot)
_ENRICHMENT_KINDS = ((CodeLink, "code_link"), (RepoSnapshot, "repo_snapshot"),
                     (ArtifactSnapshot, "artifact_snapshot"), (CitationSnapshot, "citation_snapshot"))  # fmt: skip


def _repeats(
    store: Store, records: list[T], kind: str, duplicates: dict[str, int] | None
) -> tuple[list[T], list[T]]:
    """(records whose key is new to this import, records repeating a key it wrote: they replace it wholly).

    Without ``duplicates`` (not an import) every record is new. The repeats keep their order, so the last wins.
    """
    if duplicates is None or not records:
        return records, []
    key = _IMPORT_KEYS[kind]
    seen = store.seen_in_import([key(r) for r in records])
    if not any(seen):
        return records, []
    again = [r for r, repeat in zip(records, seen, strict=True) if repeat]
    if again:
        duplicates[kind] = duplicates.get(kind, 0) + len(again)
    return [r for r, repeat in zip(records, seen, strict=True) if not repeat], again


def _flush(
    store: Store, batch: dict[type, list[Record]], counts: WriteCounts,
    duplicates: dict[str, int] | None,
) -> None:
    papers, again_papers = _repeats(store, [r for r in batch.get(Paper, []) if isinstance(r, Paper)], "paper",
                                    duplicates)
    counts.add({"papers": store.upsert_papers(papers)})
    if again_papers:
        store.replace_papers(again_papers)
    announcements, again_announcements = _repeats(
        store, [r for r in batch.get(Announcement, []) if isinstance(r, Announcement)], "announcement", duplicates
    )
    counts.add({"announcements": store.add_announcements(announcements + again_announcements)})  # last wins
    posts, again_posts = _repeats(store, [r for r in batch.get(Post, []) if isinstance(r, Post)], "post", duplicates)
    counts.add({"posts": store.upsert_posts(posts)})
    if again_posts:
        store.replace_posts(again_posts)
    snaps, again_snaps = _repeats(
        store, [r for r in batch.get(EngagementSnapshot, []) if isinstance(r, EngagementSnapshot)], "engagement",
        duplicates,
    )
    counts.add({"snapshots": store.add_snapshots(snaps)})
    if again_snaps:
        store.replace_snapshots(again_snaps)
    gone = [r for r in batch.get(PostGone, []) if isinstance(r, PostGone)]
    for platform in sorted({g.platform for g in gone}):
        counts.add({"gone": store.mark_deleted(platform, [g.post_id for g in gone if g.platform == platform])})
    digests, again_digests = _repeats(store, [r for r in batch.get(Digest, []) if isinstance(r, Digest)], "digest",
                                      duplicates)
    for digest in digests + again_digests:  # save_digest replaces wholly: the last wins
        store.save_digest(digest)
    counts.add({"digests": len(digests)})
    profiles, again_profiles = _repeats(
        store, [r for r in batch.get(AccountProfile, []) if isinstance(r, AccountProfile)], "profile", duplicates
    )
    if profiles:
        counts.add({"profiles": store.add_profiles(profiles)})
    if again_profiles:
        store.replace_profiles(again_profiles)
    for cls, kind in _ENRICHMENT_KINDS:
        fresh, again = _repeats(
            store, [r for r in batch.get(cls, []) if isinstance(r, _ENRICHMENT)], kind, duplicates
        )
        if fresh:
            counts.add(store.add_enrichment(fresh))
        if again:
            store.replace_enrichment(again)
    summaries, again_summaries = _repeats(
        store, [r for r in batch.get(Summary, []) if isinstance(r, Summary)], "summary", duplicates
    )
    if summaries or again_summaries:  # save_summaries replaces wholly: the last wins
        store.save_summaries(summaries + again_summaries)
        counts.add({"summaries": len(summaries)})
    batch.clear()


def store_records(
    store: Store, records: Iterable[Record], *, duplicates: dict[str, int] | None = None
) -> WriteCounts:
    """Write records of any type in batches (papers before posts before snapshots), in one transaction.

    With ``duplicates`` (an import), a record repeating the key of one written earlier in the same import replaces
    it wholly, and is counted there by kind.
    """
    counts = WriteCounts()
    batch: dict[type, list[Record]] = {}
    size = 0
    with store.transaction():
        for record in records:
            batch.setdefault(type(record), []).append(record)
            size += 1
            if size >= _BATCH:
                _flush(store, batch, counts, duplicates)
                size = 0
        _flush(store, batch, counts, duplicates)
    return counts


def every_record(store: Store) -> Generator[Record, None, None]:
    """Every record of ``store``, streamed in the order an export writes them: papers, announcements, posts,
    snapshots, code links, enrichment snapshots, digests, profiles, summaries (referenced records first)."""
    yield from store.iter_papers()
    yield from store.iter_announcements()
    yield from store.iter_posts()
    yield from store.iter_snapshots()
    yield from store.iter_code_links()
    yield from store.iter_repo_snapshots()
    yield from store.iter_artifact_snapshots()
    yield from store.iter_citation_snapshots()
    yield from store.iter_digests()
    yield from store.iter_profiles()
    yield from store.iter_summaries()
