"""The store's reads for the static site: what changed since the last build, and one paper's posts at a time.

An incremental site build (``hotpapers.jobs.site``) asks the store for *fingerprints* — short hashes that change
whenever the data behind a page changes — and reads in full only what it must render again:

* ``digest_index``: every published digest as (day, preset, fingerprint of its stored content);
* ``paper_post_fingerprints``: for each paper, a fingerprint of the posts that link it and of their snapshots;
* ``paper_posts``: the posts of some papers, each with its latest snapshot, for the pages being rendered.

Exactness of ``paper_post_fingerprints`` rests on the store's write rules (``sql.py``): a post's ``url``,
``kind``, ``text``, ``created_at`` and ``reference_id`` are written once, at its first sighting; later sightings
may change only its author fields, language and ``deleted`` flag, which the fingerprint reads (all but
``author_followers``, which no page shows); links and snapshots are only ever added (one snapshot per post and
instant, written with ``ON CONFLICT DO NOTHING``, so a snapshot's values never change). So the set of linking
posts, their mutable fields, and the count and newest instant of their snapshots identify the data exactly.
The database aggregates them (one text per paper), so that the cost is a scan in the database, not a row per
post in Python. A new write rule that changes another column, or a page that shows another one, must add it
here (``tests/site/test_site_job.py`` checks each kind of change).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from typing import Any

from hotpapers.models import ArxivId, EngagementSnapshot, PostEvidence, PostKind
from hotpapers.store import rows
from hotpapers.store._primitives import SQLPrimitives

__all__ = ["SiteReads", "fingerprint"]

_BATCH = 500  # ids per query: well under both backends' limits on bound parameters


def fingerprint(data: bytes) -> str:
    """A short content hash (blake2b, 128 bits, hex): equal data, equal fingerprint."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _chunks(ids: Collection[str]) -> Iterator[list[str]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), _BATCH):
        yield ordered[start : start + _BATCH]


def _marks(batch: Sequence[str]) -> str:
    return ", ".join("?" * len(batch))


class SiteReads(SQLPrimitives):
    """The site's read queries, shared by both backends (mixed into ``SQLStore``)."""

    _CONTENT_BYTES = "CAST(content AS BLOB)"
    """A digest's content as bytes (its UTF-8), so that hashing it needs no decoding and encoding again."""

    _TEXT_AGG = "group_concat({value}, '|')"
    """The dialect's aggregate that joins text. SQLite joins in the order it reads the rows, here the order of the
    index ``post_papers_by_paper_post`` (paper, platform, post); PostgreSQL's orders explicitly. An order that
    changed would only make a page render again, never keep one stale."""

    def digest_index(self) -> list[tuple[dt.date, str, str]]:
        """Every published digest as (day, preset, fingerprint of its stored content), by day then preset."""
        found = []
        for day, preset, content in self._stream(
            f"SELECT day, preset, {self._CONTENT_BYTES} FROM digests ORDER BY day, preset"
        ):
            data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
            found.append((dt.date.fromisoformat(str(day)), str(preset), fingerprint(data)))
        return found

    def paper_post_fingerprints(self, arxiv_ids: Collection[ArxivId]) -> dict[ArxivId, str]:
        """For each of ``arxiv_ids`` that some post links, a fingerprint of those posts and their snapshots.

        Two set-based queries per 500 ids; a paper no post links is absent from the result.
        """
        parts: dict[str, list[str]] = defaultdict(list)
        post = (
            "p.platform || ':' || p.post_id || ':' || p.kind || ':' || length(p.author_handle) || ':' || "
            "p.author_handle || length(p.author_name) || ':' || p.author_name || ':' || "
            "coalesce(p.language, '-') || ':' || p.deleted"
        )
        with self.snapshot():
            for batch in _chunks(arxiv_ids):
                for arxiv_id, count, posts in self._execute(
                    f"SELECT pp.arxiv_id, count(*), {self._TEXT_AGG.format(value=post, order='p.platform, p.post_id')} "
                    "FROM post_papers pp JOIN posts p ON p.platform = pp.platform AND p.post_id = pp.post_id "
                    f"WHERE pp.arxiv_id IN ({_marks(batch)}) GROUP BY pp.arxiv_id",
                    batch,
                ):
                    parts[arxiv_id].append(f"{count}|{posts}")
                for row in self._execute(  # from the engagement key's index alone
                    "SELECT pp.arxiv_id, count(*), max(e.observed_at) FROM post_papers pp "
                    "JOIN engagement e ON e.platform = pp.platform AND e.post_id = pp.post_id "
                    f"WHERE pp.arxiv_id IN ({_marks(batch)}) GROUP BY pp.arxiv_id",
                    batch,
                ):
                    parts[row[0]].append("snapshots" + repr(tuple(str(v) for v in row[1:])))
        return {ArxivId(key): fingerprint("\n".join(value).encode("utf-8")) for key, value in parts.items()}

    def paper_posts(self, arxiv_ids: Collection[ArxivId]) -> dict[ArxivId, tuple[PostEvidence, ...]]:
        """Every post that links each of ``arxiv_ids`` (reposts left out), with its latest snapshot, by platform
        then post id. A paper no post links is absent from the result."""
        found: dict[ArxivId, tuple[PostEvidence, ...]] = {}
        width = len(rows.POST_COLUMNS.split(","))
        with self.snapshot():
            for batch in _chunks(arxiv_ids):
                links: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
                for platform, post_id, arxiv_id, method in self._execute(
                    "SELECT l.platform, l.post_id, l.arxiv_id, l.method FROM post_papers l "
                    "JOIN post_papers pp ON pp.platform = l.platform AND pp.post_id = l.post_id "
                    f"WHERE pp.arxiv_id IN ({_marks(batch)}) ORDER BY l.platform, l.post_id, l.position",
                    batch,
                ):
                    if (arxiv_id, method) not in links[platform, post_id]:
                        links[platform, post_id].append((arxiv_id, method))
                by_paper: dict[str, list[PostEvidence]] = defaultdict(list)
                for row in self._execute(
                    f"SELECT pp.arxiv_id, {_prefixed('p', rows.POST_COLUMNS)}, {_prefixed('e', rows.SNAPSHOT_COLUMNS)} "
                    "FROM post_papers pp JOIN posts p ON p.platform = pp.platform AND p.post_id = pp.post_id "
                    "LEFT JOIN engagement e ON e.platform = p.platform AND e.post_id = p.post_id "
                    "AND e.observed_at = (SELECT max(e2.observed_at) FROM engagement e2 "
                    "WHERE e2.platform = p.platform AND e2.post_id = p.post_id) "
                    f"WHERE pp.arxiv_id IN ({_marks(batch)}) ORDER BY pp.arxiv_id, p.platform, p.post_id",
                    batch,
                ):
                    post = rows.post_from_row(row[1 : width + 1], links[row[1], row[2]])
                    if post.kind is PostKind.REPOST:
                        continue
                    snap = None if row[width + 1] is None else rows.snapshot_from_row(row[width + 1 :])
                    by_paper[row[0]].append(PostEvidence(post, snap))
                found.update((ArxivId(key), tuple(value)) for key, value in by_paper.items())
        return found

    def paper_snapshot_series(
        self, arxiv_ids: Collection[ArxivId]
    ) -> dict[tuple[str, str], tuple[EngagementSnapshot, ...]]:
        """Every snapshot of every post linking any of ``arxiv_ids``, by (platform, post_id), oldest first: the
        same as ``snapshot_series`` of those posts, in one query per 500 papers instead of one per post."""
        found: dict[tuple[str, str], tuple[EngagementSnapshot, ...]] = {}
        with self.snapshot():
            for batch in _chunks(arxiv_ids):
                found.update(
                    _series_rows(
                        self._execute(
                            f"SELECT DISTINCT {_prefixed('e', rows.SNAPSHOT_COLUMNS)} FROM post_papers pp "
                            "JOIN engagement e ON e.platform = pp.platform AND e.post_id = pp.post_id "
                            f"WHERE pp.arxiv_id IN ({_marks(batch)}) "
                            "ORDER BY e.platform, e.post_id, e.observed_at",
                            batch,
                        )
                    )
                )
        return found


def _series_rows(rows_found: Iterator[Sequence[Any]]) -> dict[tuple[str, str], tuple[EngagementSnapshot, ...]]:
    series: dict[tuple[str, str], list[EngagementSnapshot]] = defaultdict(list)
    for row in rows_found:
        series[row[0], row[1]].append(rows.snapshot_from_row(row))
    return {key: tuple(value) for key, value in series.items()}


def _prefixed(alias: str, columns: str) -> str:
    return ", ".join(f"{alias}.{c.strip()}" for c in columns.split(","))
