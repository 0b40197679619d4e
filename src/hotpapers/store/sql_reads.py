"""The store's reads, shared by both backends: a day's evidence, single records, and whole-store streams.

``SQLStore`` (``sql.py``) adds the writes and the transactions; a backend supplies ``_execute`` and ``_stream``.
"""

from __future__ import annotations

import datetime as dt
from abc import abstractmethod
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import groupby
from typing import Any

import orjson

from hotpapers.models import (
    AccountEvidence,
    Announcement,
    ArxivId,
    Digest,
    EngagementSnapshot,
    Paper,
    PaperEvidence,
    Post,
    PostEvidence,
)
from hotpapers.native.serialize import digest_from_dict
from hotpapers.store import rows
from hotpapers.store._primitives import SQLPrimitives

__all__ = ["RECORD_TABLES", "SQLReads"]

RECORD_TABLES = (
    "papers", "announcements", "posts", "post_papers", "engagement", "digests", "runs", "account_profiles",
    "code_links", "repo_snapshots", "artifact_snapshots", "citation_snapshots", "summaries",
)  # fmt: skip
"""The tables ``counts()`` reports."""


class SQLReads(SQLPrimitives):
    """The read queries of the store (every multi-query read inside one ``snapshot()``)."""

    @abstractmethod
    def _accounts_for_day(self, day: dt.date) -> dict[tuple[str, str], AccountEvidence]:
        """What the store knows of each author of the day's posts (``AccountSQL``)."""

    # -- reads ------------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        """Row counts of each record table."""
        with self.snapshot():
            return {t: int(self._execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in RECORD_TABLES}

    def get_paper(self, arxiv_id: ArxivId) -> Paper | None:
        """One paper by canonical id."""
        with self.snapshot():
            row = self._execute(f"SELECT {rows.PAPER_COLUMNS} FROM papers WHERE arxiv_id = ?", (arxiv_id,)).fetchone()
            if row is None:
                return None
            cats = [
                c
                for (c,) in self._execute(
                    "SELECT category FROM paper_categories WHERE arxiv_id = ? ORDER BY position", (arxiv_id,)
                )
            ]
        return rows.paper_from_row(row, cats)

    def announced_dates(self) -> list[dt.date]:
        """Every date with an announcement."""
        return [
            dt.date.fromisoformat(r[0]) for r in self._execute("SELECT DISTINCT day FROM announcements ORDER BY day")
        ]

    def evidence_for_day(self, day: dt.date) -> list[PaperEvidence]:
        """The day's papers in announcement order, each with its linking posts (by platform, then post id) and
        their latest snapshots: four set-based queries in one read snapshot, whatever the size of the day."""
        key = day.isoformat()
        with self.snapshot():
            cats: dict[str, list[str]] = defaultdict(list)
            for arxiv_id, category in self._execute(
                "SELECT pc.arxiv_id, pc.category FROM paper_categories pc "
                "JOIN announcements a ON a.arxiv_id = pc.arxiv_id WHERE a.day = ? ORDER BY pc.arxiv_id, pc.position",
                (key,),
            ):
                cats[arxiv_id].append(category)
            papers = self._execute(
                f"SELECT a.day, a.arxiv_id, a.announce_type, a.position, {_prefixed('p', rows.PAPER_COLUMNS)} "
                "FROM announcements a JOIN papers p ON p.arxiv_id = a.arxiv_id WHERE a.day = ? "
                "ORDER BY a.position, a.arxiv_id",
                (key,),
            ).fetchall()
            by_paper = self._posts_for_day(key, {row[1] for row in papers})
        return [
            PaperEvidence(
                rows.paper_from_row(row[4:], cats[row[1]]),
                rows.announcement_from_row(row[:4]),
                tuple(by_paper[row[1]]),
            )
            for row in papers
        ]

    # The posts linking a day's papers, as a CTE: each query below is one set-based read (no query per post).
    _DAY_POSTS = (
        "WITH day_posts AS (SELECT DISTINCT pp.platform, pp.post_id FROM post_papers pp "
        "JOIN announcements a ON a.arxiv_id = pp.arxiv_id WHERE a.day = ?) "
    )

    def _posts_for_day(self, key: str, day_papers: set[str]) -> dict[str, list[PostEvidence]]:
        """The evidence of each of ``day_papers``: the posts linking it, each with its latest snapshot."""
        accounts = self._accounts_for_day(dt.date.fromisoformat(key))
        return self._posts_for(self._DAY_POSTS, (key,), day_papers, accounts)

    def _posts_for(
        self, cte: str, params: tuple[Any, ...], papers: set[str], accounts: dict[tuple[str, str], AccountEvidence]
    ) -> dict[str, list[PostEvidence]]:
        """The posts of ``cte`` (a ``WITH day_posts AS (...)`` naming (platform, post_id) pairs, its ``?``
        bound to ``params``) that link one of ``papers``, by paper, each with its latest snapshot and its author's
        evidence from ``accounts``."""
        links: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for platform, post_id, arxiv_id, method in self._execute(
            cte + "SELECT l.platform, l.post_id, l.arxiv_id, l.method FROM post_papers l "
            "JOIN day_posts d ON d.platform = l.platform AND d.post_id = l.post_id "
            "ORDER BY l.platform, l.post_id, l.position",
            params,
        ):
            links[platform, post_id].append((arxiv_id, method))
        # Each post with its latest snapshot. The latest instant is looked up per post, a correlated max() that
        # both backends answer from the end of the engagement primary-key index (a GROUP BY over the day's
        # posts instead made SQLite scan all 10 M snapshots of a year's store: 5-8 s a day).
        found = self._execute(
            cte + f"SELECT {_prefixed('p', rows.POST_COLUMNS)}, {_prefixed('e', rows.SNAPSHOT_COLUMNS)} "
            "FROM posts p JOIN day_posts d ON d.platform = p.platform AND d.post_id = p.post_id "
            "LEFT JOIN engagement e ON e.platform = p.platform AND e.post_id = p.post_id "
            "AND e.observed_at = (SELECT max(e2.observed_at) FROM engagement e2 "
            "WHERE e2.platform = p.platform AND e2.post_id = p.post_id) "
            "ORDER BY p.platform, p.post_id",
            params,
        ).fetchall()
        width = len(rows.POST_COLUMNS.split(","))
        by_paper: dict[str, list[PostEvidence]] = defaultdict(list)
        for row in found:
            post_links = links[row[0], row[1]]
            snap = None if row[width] is None else rows.snapshot_from_row(row[width:])
            post = rows.post_from_row(row[:width], post_links)
            evidence = PostEvidence(post, snap, accounts.get((post.platform, post.author_handle)))
            for arxiv_id, _method in post_links:
                if arxiv_id in papers:
                    by_paper[arxiv_id].append(evidence)
        return by_paper

    def snapshot_series(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], tuple[EngagementSnapshot, ...]]:
        """Every snapshot of each (platform, post_id), in time order."""
        series: dict[tuple[str, str], tuple[EngagementSnapshot, ...]] = {}
        with self.snapshot():
            for platform, post_id in keys:
                found = self._execute(
                    f"SELECT {rows.SNAPSHOT_COLUMNS} FROM engagement WHERE platform = ? AND post_id = ? "
                    "ORDER BY observed_at",
                    (platform, post_id),
                ).fetchall()
                series[platform, post_id] = tuple(rows.snapshot_from_row(r) for r in found)
        return series

    def load_digest(self, day: dt.date, preset: str) -> Digest | None:
        """The digest published for ``day`` with ``preset``."""
        row = self._execute(
            "SELECT content FROM digests WHERE day = ? AND preset = ?", (day.isoformat(), preset)
        ).fetchone()
        return None if row is None else digest_from_dict(orjson.loads(row[0]))

    # -- whole-store reads (streamed: memory does not grow with the store) --------------------

    def iter_papers(self) -> Iterator[Paper]:
        """All papers by id."""
        found = self._stream(
            f"SELECT {_prefixed('p', rows.PAPER_COLUMNS)}, c.category, c.position FROM papers p "
            "LEFT JOIN paper_categories c ON c.arxiv_id = p.arxiv_id ORDER BY p.arxiv_id"
        )
        width = len(rows.PAPER_COLUMNS.split(","))
        for _, group in groupby(found, key=lambda r: r[0]):
            members = list(group)
            cats = [r[width] for r in sorted(members, key=lambda r: r[width + 1]) if r[width] is not None]
            yield rows.paper_from_row(members[0][:width], cats)

    def iter_announcements(self) -> Iterator[Announcement]:
        """All announcements by date, position, id."""
        for row in self._stream(
            "SELECT day, arxiv_id, announce_type, position FROM announcements ORDER BY day, position, arxiv_id"
        ):
            yield rows.announcement_from_row(row)

    def iter_posts(self) -> Iterator[Post]:
        """All posts by platform and post id."""
        found = self._stream(
            f"SELECT {_prefixed('p', rows.POST_COLUMNS)}, l.arxiv_id, l.method, l.position FROM posts p "
            "LEFT JOIN post_papers l ON l.platform = p.platform AND l.post_id = p.post_id "
            "ORDER BY p.platform, p.post_id"
        )
        width = len(rows.POST_COLUMNS.split(","))
        for _, group in groupby(found, key=lambda r: (r[0], r[1])):
            members = sorted(group, key=lambda r: (r[width + 2] is None, r[width + 2]))
            links = [(r[width], r[width + 1]) for r in members if r[width] is not None]
            yield rows.post_from_row(members[0][:width], links)

    def iter_snapshots(self) -> Iterator[EngagementSnapshot]:
        """All snapshots by platform, post id, observation time."""
        for row in self._stream(
            f"SELECT {rows.SNAPSHOT_COLUMNS} FROM engagement ORDER BY platform, post_id, observed_at"
        ):
            yield rows.snapshot_from_row(row)

    def iter_digests(self) -> Iterator[Digest]:
        """All published digests by date and preset."""
        for (content,) in self._stream("SELECT content FROM digests ORDER BY day, preset"):
            yield digest_from_dict(orjson.loads(content))


def _prefixed(alias: str, columns: str) -> str:
    return ", ".join(f"{alias}.{c.strip()}" for c in columns.split(","))
