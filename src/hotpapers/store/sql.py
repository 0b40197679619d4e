"""The SQL both backends share: every query of the store, written once in the dialect SQLite and PostgreSQL agree on.

A backend (``SQLiteStore``, ``PostgresStore``) supplies the connection: how to run a statement, how to begin
a write transaction (taking the store's write lock) and a read snapshot, which tables exist, and how its
driver's errors look. Queries use ``?`` placeholders; the PostgreSQL backend translates them.

Writes are serialised per store on both backends (SQLite's ``BEGIN IMMEDIATE``; a transaction-level advisory
lock on PostgreSQL), so a read-then-write inside one transaction (e.g. "is this post new?") cannot race a
writer on another process or host, and concurrent writers cannot deadlock.
"""

from __future__ import annotations

import datetime as dt
from abc import abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from itertools import islice
from typing import Any, TypeVar

import orjson

from hotpapers.errors import SchemaVersionError, StoreError
from hotpapers.models import (
    Announcement,
    Digest,
    EngagementSnapshot,
    Paper,
    Post,
)
from hotpapers.native.serialize import digest_to_dict
from hotpapers.redact import redact
from hotpapers.store import rows
from hotpapers.store.schema import MIGRATIONS, SCHEMA_VERSION
from hotpapers.store.site_reads import SiteReads
from hotpapers.store.sql_accounts import AccountSQL
from hotpapers.store.sql_enrich import SQLEnrichment
from hotpapers.store.sql_imports import SQLImports
from hotpapers.store.sql_profiles import ProfileQueries
from hotpapers.store.sql_reads import RECORD_TABLES, SQLReads
from hotpapers.store.sql_summaries import SummaryQueries
from hotpapers.store.sql_views import ViewReads

__all__ = ["RECORD_TABLES", "SQLStore"]

T = TypeVar("T")

_WRITE_BATCH = 500
"""Records per batch of statements (well under SQLite's and PostgreSQL's limits on bound parameters)."""


class SQLStore(AccountSQL, SQLReads, SQLImports, SiteReads, ViewReads, SQLEnrichment, SummaryQueries, ProfileQueries):
    """The store's queries on a DB-API connection; subclasses provide the connection and dialect hooks."""

    url: str
    """Where the store is, for messages: a path or a URL without its password."""

    _depth: int = 0  # > 0 inside a transaction or read snapshot (nested calls join the outer one)

    # -- what a backend provides ------------------------------------------------------------

    @abstractmethod
    def close(self) -> None:
        """Close the connection."""

    @abstractmethod
    def _executemany(self, sql: str, params: Iterable[Sequence[Any]]) -> int:
        """Run one statement per parameter row; returns the total rows changed."""

    def _select_each(self, sql: str, params: Iterable[Sequence[Any]]) -> list[Sequence[Any]]:
        """The rows of one query per parameter row, all together (a key lookup per row).

        Equality on the whole key always uses the primary-key index, whatever the table statistics say (an
        ``IN (…)`` list does not: PostgreSQL, planning with the statistics of a table still empty when a bulk
        import began, filters every row of a platform instead, which made an import quadratic).
        """
        found: list[Sequence[Any]] = []
        for row_params in params:
            found.extend(self._execute(sql, row_params).fetchall())
        return found

    @abstractmethod
    def _begin_write(self) -> None:
        """Begin a transaction holding the store's write lock."""

    @abstractmethod
    def _begin_read(self) -> None:
        """Begin a read-only transaction that sees one consistent state of the store."""

    @abstractmethod
    def _end(self, *, commit: bool) -> None:
        """Commit (or roll back) the open transaction."""

    @abstractmethod
    def _table_names(self) -> set[str]:
        """The names of the tables in the store's database (or schema)."""

    def _migration_statements(self, version: int) -> list[str]:
        """The statements of migration ``version`` in this backend's dialect."""
        return [s for s in MIGRATIONS[version - 1].split(";") if s.strip()]

    # -- transactions and schema --------------------------------------------------------------

    def __enter__(self) -> SQLStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def transaction(self) -> AbstractContextManager[None]:
        """All writes inside commit together, or roll back on any exception."""
        return self._scope(self._begin_write)

    def snapshot(self) -> AbstractContextManager[None]:
        """Reads inside see one consistent state of the store, whatever other writers commit meanwhile."""
        return self._scope(self._begin_read)

    @contextmanager
    def _scope(self, begin: Callable[[], None]) -> Iterator[None]:
        """Begin a transaction with ``begin`` and end it with the block, or join the one already open."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        begin()
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            self._end(commit=False)
            raise
        self._depth = 0
        self._end(commit=True)

    @abstractmethod
    def optimize(self) -> None:
        """Refresh the query planner's statistics after a bulk write (outside any transaction)."""

    def schema_version(self) -> int:
        """The schema version recorded in the database (0 for an empty one)."""
        tables = self._table_names()
        if "hotpapers_meta" not in tables:
            if tables:
                raise StoreError(f"{self.url}: not a hotpapers database (it has other tables)")
            return 0
        row = self._execute("SELECT value FROM hotpapers_meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    def _migrate(self) -> None:
        """Bring the schema to ``SCHEMA_VERSION``; each migration commits with its version number.

        The version is read again under the write lock, so two processes opening a new store at once
        migrate it once.
        """
        if self.schema_version() == SCHEMA_VERSION:
            return
        with self.transaction():
            current = self.schema_version()
            if current > SCHEMA_VERSION:
                raise SchemaVersionError(
                    f"{self.url}: database schema version {current} is newer than this hotpapers "
                    f"understands ({SCHEMA_VERSION}); upgrade hotpapers"
                )
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in self._migration_statements(version):
                    self._execute(statement)
                self._execute(
                    "INSERT INTO hotpapers_meta(key, value) VALUES ('schema_version', ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (str(version),),
                )

    # -- writes -----------------------------------------------------------------------------

    def upsert_papers(self, papers: Iterable[Paper]) -> int:
        """Insert papers, or update them when the incoming version is not older (a batch of statements per
        500 papers, not one per paper)."""
        written = 0
        with self.transaction():
            for batch in _chunks(papers, _WRITE_BATCH):
                versions = self._known_versions([p.arxiv_id for p in batch])
                changed: list[Paper] = []
                for paper in batch:
                    if paper.version >= versions.get(paper.arxiv_id, paper.version):
                        changed.append(paper)
                        versions[paper.arxiv_id] = paper.version
                self._executemany(self._UPSERT_PAPER, (rows.paper_row(p) for p in changed))
                self._executemany("DELETE FROM paper_categories WHERE arxiv_id = ?", ((p.arxiv_id,) for p in changed))
                self._executemany(
                    "INSERT INTO paper_categories(arxiv_id, category, position) VALUES (?, ?, ?) "
                    "ON CONFLICT DO NOTHING",
                    ((p.arxiv_id, c, i) for p in changed for i, c in enumerate(p.categories)),
                )
                written += len(changed)
        return written

    _UPSERT_PAPER = (
        f"INSERT INTO papers ({rows.PAPER_COLUMNS}) VALUES ({', '.join('?' * 14)}) "
        "ON CONFLICT(arxiv_id) DO UPDATE SET version = excluded.version, "
        "title = excluded.title, authors = excluded.authors, abstract = excluded.abstract, "
        "primary_category = excluded.primary_category, "
        "submitted = coalesce(excluded.submitted, papers.submitted), "
        "updated = coalesce(excluded.updated, papers.updated), "
        "comment = coalesce(excluded.comment, papers.comment), "
        "journal_ref = coalesce(excluded.journal_ref, papers.journal_ref), "
        "doi = coalesce(excluded.doi, papers.doi), "
        "abs_url = coalesce(excluded.abs_url, papers.abs_url), "
        "pdf_url = coalesce(excluded.pdf_url, papers.pdf_url), "
        "html_url = coalesce(excluded.html_url, papers.html_url) "
        "WHERE excluded.version >= papers.version"
    )

    def _known_versions(self, ids: list[str]) -> dict[str, int]:
        """The stored version of each of ``ids`` that is stored."""
        found = self._select_each("SELECT arxiv_id, version FROM papers WHERE arxiv_id = ?", [(i,) for i in set(ids)])
        return {str(i): int(v) for i, v in found}

    def add_announcements(self, announcements: Iterable[Announcement]) -> int:
        """Record announcements; a repeat of (date, id) updates type and position."""
        with self.transaction():
            return self._executemany(
                "INSERT INTO announcements(day, arxiv_id, announce_type, position) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(day, arxiv_id) DO UPDATE SET announce_type = excluded.announce_type, "
                "position = excluded.position "
                "WHERE announcements.announce_type <> excluded.announce_type "
                "OR announcements.position <> excluded.position",
                ((a.date.isoformat(), a.arxiv_id, a.announce_type.value, a.position) for a in announcements),
            )

    def upsert_posts(self, posts: Iterable[Post]) -> int:
        """Insert each post once per (platform, post_id); later sightings refresh author data and add links.

        Works a batch of 500 posts at a time: one query for which posts and links are known, then one
        statement per table for the batch (``executemany``: a C loop on SQLite, pipelined on PostgreSQL).
        """
        added = 0
        with self.transaction():
            for batch in _chunks(posts, _WRITE_BATCH):
                added += self._upsert_post_batch(batch)
        return added

    def _upsert_post_batch(self, batch: list[Post]) -> int:
        keys = sorted({(p.platform, p.post_id) for p in batch})
        known, links = self._known_posts(keys)
        added = 0
        link_rows: list[tuple[str, str, str, str, int]] = []
        for post in batch:
            key = (post.platform, post.post_id)
            if key not in known:
                known.add(key)
                added += 1
            have = links.setdefault(key, [])
            for link in post.links:
                if link.arxiv_id not in have:
                    link_rows.append((post.platform, post.post_id, link.arxiv_id, link.method.value, len(have)))
                    have.append(link.arxiv_id)
        self._executemany(self._UPSERT_POST, (rows.post_row(p) for p in batch))
        self._executemany(
            "INSERT INTO post_papers(platform, post_id, arxiv_id, method, position) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            link_rows,
        )
        return added

    _UPSERT_POST = (
        f"INSERT INTO posts ({rows.POST_COLUMNS}) VALUES ({', '.join('?' * 12)}) "
        "ON CONFLICT(platform, post_id) DO UPDATE SET "
        "author_followers = coalesce(excluded.author_followers, posts.author_followers), "
        # A later sighting may know the author better (Jetstream gives a DID, the AppView a handle and
        # name); an empty name or a bare DID never overwrites what is known.
        "author_name = coalesce(nullif(excluded.author_name, ''), posts.author_name), "
        "author_handle = CASE WHEN excluded.author_handle LIKE 'did:%' "
        "THEN posts.author_handle ELSE excluded.author_handle END, "
        "language = coalesce(excluded.language, posts.language), "
        "deleted = CASE WHEN excluded.deleted > posts.deleted THEN excluded.deleted ELSE posts.deleted END"
    )

    def _known_posts(
        self, keys: list[tuple[str, str]]
    ) -> tuple[set[tuple[str, str]], dict[tuple[str, str], list[str]]]:
        """Which of ``keys`` are stored, and the arXiv ids each already links, in link order."""
        known = {
            (str(platform), str(post_id))
            for platform, post_id in self._select_each(
                "SELECT platform, post_id FROM posts WHERE platform = ? AND post_id = ?", keys
            )
        }
        links: dict[tuple[str, str], list[str]] = {}
        for platform, post_id, arxiv_id in self._select_each(
            "SELECT platform, post_id, arxiv_id FROM post_papers WHERE platform = ? AND post_id = ? ORDER BY position",
            sorted(known),
        ):
            links.setdefault((platform, post_id), []).append(arxiv_id)
        return known, links

    def add_snapshots(self, snapshots: Iterable[EngagementSnapshot]) -> int:
        """Append snapshots; the same (platform, post, instant) twice is stored once."""
        with self.transaction():
            return self._executemany(
                f"INSERT INTO engagement ({rows.SNAPSHOT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (rows.snapshot_row(s) for s in snapshots),
            )

    def mark_deleted(self, platform: str, post_ids: Iterable[str]) -> int:
        """Mark posts as deleted; their snapshots stay."""
        with self.transaction():
            return self._executemany(
                "UPDATE posts SET deleted = 1 WHERE platform = ? AND post_id = ? AND deleted = 0",
                ((platform, pid) for pid in post_ids),
            )

    def get_state(self, source: str, key: str) -> str | None:
        """A source's checkpoint, or None."""
        row = self._execute("SELECT value FROM source_state WHERE source = ? AND key = ?", (source, key)).fetchone()
        return None if row is None else str(row[0])

    def set_state(self, source: str, key: str, value: str) -> None:
        """Save a source's checkpoint."""
        with self.transaction():
            self._execute(
                "INSERT INTO source_state(source, key, value) VALUES (?, ?, ?) "
                "ON CONFLICT(source, key) DO UPDATE SET value = excluded.value",
                (source, key, value),
            )

    def iter_states(self) -> Iterator[tuple[str, str, str]]:
        """Every source checkpoint as (source, key, value), by source then key."""
        for source, key, value in self._stream("SELECT source, key, value FROM source_state ORDER BY source, key"):
            yield str(source), str(key), str(value)

    def save_digest(self, digest: Digest) -> None:
        """Store a published digest as its native JSON."""
        content = orjson.dumps(digest_to_dict(digest)).decode()
        with self.transaction():
            self._execute(
                "INSERT INTO digests(day, preset, generated_at, content) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(day, preset) DO UPDATE SET generated_at = excluded.generated_at, "
                "content = excluded.content",
                (digest.date.isoformat(), digest.preset, rows.ts(digest.generated_at), content),
            )

    def start_run(self, command: str, started_at: dt.datetime) -> int:
        """Record the start of a run."""
        with self.transaction():
            row = self._execute(
                "INSERT INTO runs(command, started_at) VALUES (?, ?) RETURNING id",
                (redact(command), rows.ts(started_at)),
            ).fetchone()
        return int(row[0])

    def finish_run(self, run_id: int, finished_at: dt.datetime, status: str, summary: dict[str, Any]) -> None:
        """Record how a run ended."""
        with self.transaction():
            self._execute(
                "UPDATE runs SET finished_at = ?, status = ?, summary = ? WHERE id = ?",
                (rows.ts(finished_at), status, redact(orjson.dumps(summary).decode()), run_id),
            )


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last may be shorter)."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
