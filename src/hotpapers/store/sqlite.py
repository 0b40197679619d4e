"""The SQLite store: one file, WAL journal, every write in a transaction, idempotent upserts."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from hotpapers.errors import SchemaVersionError, StoreError
from hotpapers.models import (
    Announcement,
    ArxivId,
    Digest,
    EngagementSnapshot,
    Paper,
    PaperEvidence,
    Post,
    PostEvidence,
)
from hotpapers.serialize import digest_from_dict, digest_to_dict
from hotpapers.store import rows
from hotpapers.store.schema import MIGRATIONS, SCHEMA_VERSION

__all__ = ["SQLiteStore"]

_BUSY_TIMEOUT_MS = 30_000


class SQLiteStore:
    """A ``Store`` on a SQLite file (``:memory:`` works too, for tests)."""

    def __init__(self, path: str | Path) -> None:
        self.url = str(path)
        self._depth = 0
        try:
            if str(path) != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
            self._db.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{path}: cannot open the database: {e}") from e
        except OSError as e:
            raise StoreError(f"{path}: cannot open the database: {e.strerror or e}") from e

    # -- connection and schema -------------------------------------------------------------

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside commit together, or roll back on any exception."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
            # References are checked at commit, so a batch may hold a snapshot before its post.
            self._db.execute("PRAGMA defer_foreign_keys = ON")
        except sqlite3.OperationalError as e:
            raise StoreError(f"{self.url}: cannot start a transaction: {e}") from e
        self._depth = 1
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        else:
            try:
                self._db.execute("COMMIT")
            except sqlite3.Error as e:
                self._db.execute("ROLLBACK")
                raise StoreError(f"{self.url}: commit failed: {e}") from e
        finally:
            self._depth = 0

    def _execute(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Cursor:
        try:
            return self._db.execute(sql, tuple(params))
        except sqlite3.Error as e:
            raise StoreError(f"{self.url}: {e}") from e

    def _executemany(self, sql: str, params: Iterable[tuple[Any, ...]]) -> int:
        try:
            return self._db.executemany(sql, params).rowcount
        except sqlite3.Error as e:
            raise StoreError(f"{self.url}: {e}") from e

    def schema_version(self) -> int:
        """The schema version recorded in the database (0 for an empty file)."""
        has_meta = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'hotpapers_meta'"
        ).fetchone()
        if not has_meta:
            tables = self._db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
            if tables[0]:
                raise StoreError(f"{self.url}: not a hotpapers database (it has other tables)")
            return 0
        row = self._db.execute("SELECT value FROM hotpapers_meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    def _migrate(self) -> None:
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise SchemaVersionError(
                f"{self.url}: database schema version {current} is newer than this hotpapers "
                f"understands ({SCHEMA_VERSION}); upgrade hotpapers"
            )
        for version in range(current + 1, SCHEMA_VERSION + 1):
            with self.transaction():
                for statement in MIGRATIONS[version - 1].split(";"):
                    if statement.strip():
                        self._execute(statement)
                self._execute(
                    "INSERT INTO hotpapers_meta(key, value) VALUES ('schema_version', ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (str(version),),
                )

    # -- writes -----------------------------------------------------------------------------

    def upsert_papers(self, papers: Iterable[Paper]) -> int:
        """Insert papers, or update them when the incoming version is not older."""
        written = 0
        with self.transaction():
            for paper in papers:
                cur = self._execute(
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
                    "WHERE excluded.version >= papers.version",
                    rows.paper_row(paper),
                )
                if cur.rowcount:
                    written += 1
                    self._execute("DELETE FROM paper_categories WHERE arxiv_id = ?", (paper.arxiv_id,))
                    self._executemany(
                        "INSERT INTO paper_categories(arxiv_id, category, position) VALUES (?, ?, ?) "
                        "ON CONFLICT DO NOTHING",
                        ((paper.arxiv_id, c, i) for i, c in enumerate(paper.categories)),
                    )
        return written

    def add_announcements(self, announcements: Iterable[Announcement]) -> int:
        """Record announcements; a repeat of (date, id) updates type and position."""
        with self.transaction():
            return self._executemany(
                "INSERT INTO announcements(day, arxiv_id, announce_type, position) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(day, arxiv_id) DO UPDATE SET announce_type = excluded.announce_type, "
                "position = excluded.position "
                "WHERE announce_type IS NOT excluded.announce_type OR position IS NOT excluded.position",
                ((a.date.isoformat(), a.arxiv_id, a.announce_type.value, a.position) for a in announcements),
            )

    def upsert_posts(self, posts: Iterable[Post]) -> int:
        """Insert each post once per (platform, post_id); later sightings refresh author data and links."""
        added = 0
        with self.transaction():
            for post in posts:
                exists = self._execute(
                    "SELECT 1 FROM posts WHERE platform = ? AND post_id = ?", (post.platform, post.post_id)
                ).fetchone()
                self._execute(
                    f"INSERT INTO posts ({rows.POST_COLUMNS}) VALUES ({', '.join('?' * 12)}) "
                    "ON CONFLICT(platform, post_id) DO UPDATE SET "
                    "author_followers = coalesce(excluded.author_followers, posts.author_followers), "
                    # A later sighting may know the author better (Jetstream gives a DID, the AppView a handle and
                    # name); an empty name or a bare DID never overwrites what is known.
                    "author_name = coalesce(nullif(excluded.author_name, ''), posts.author_name), "
                    "author_handle = CASE WHEN excluded.author_handle LIKE 'did:%' "
                    "THEN posts.author_handle ELSE excluded.author_handle END, "
                    "language = coalesce(excluded.language, posts.language), "
                    "deleted = max(posts.deleted, excluded.deleted)",
                    rows.post_row(post),
                )
                added += 0 if exists else 1
                self._add_links(post)
        return added

    def _add_links(self, post: Post) -> None:
        start = self._execute(
            "SELECT count(*) FROM post_papers WHERE platform = ? AND post_id = ?", (post.platform, post.post_id)
        ).fetchone()[0]
        for offset, link in enumerate(post.links):
            self._execute(
                "INSERT INTO post_papers(platform, post_id, arxiv_id, method, position) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (post.platform, post.post_id, link.arxiv_id, link.method.value, start + offset),
            )

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
            cur = self._execute(
                "INSERT INTO runs(command, started_at) VALUES (?, ?)", (command, rows.ts(started_at))
            )
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, finished_at: dt.datetime, status: str, summary: dict[str, Any]) -> None:
        """Record how a run ended."""
        with self.transaction():
            self._execute(
                "UPDATE runs SET finished_at = ?, status = ?, summary = ? WHERE id = ?",
                (rows.ts(finished_at), status, orjson.dumps(summary).decode(), run_id),
            )

    # -- reads ------------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        """Row counts of each record table."""
        tables = ("papers", "announcements", "posts", "post_papers", "engagement", "digests", "runs")
        return {t: self._execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}

    def _categories(self, where: str = "", params: Iterable[Any] = ()) -> dict[str, list[str]]:
        cats: dict[str, list[str]] = defaultdict(list)
        for arxiv_id, category in self._execute(
            f"SELECT pc.arxiv_id, pc.category FROM paper_categories pc {where} "
            "ORDER BY pc.arxiv_id, pc.position",
            params,
        ):
            cats[arxiv_id].append(category)
        return cats

    def get_paper(self, arxiv_id: ArxivId) -> Paper | None:
        """One paper by canonical id."""
        row = self._execute(f"SELECT {rows.PAPER_COLUMNS} FROM papers WHERE arxiv_id = ?", (arxiv_id,)).fetchone()
        if row is None:
            return None
        cats = self._categories("WHERE pc.arxiv_id = ?", (arxiv_id,))
        return rows.paper_from_row(row, cats[arxiv_id])

    def announced_dates(self) -> list[dt.date]:
        """Every date with an announcement."""
        return [
            dt.date.fromisoformat(r[0]) for r in self._execute("SELECT DISTINCT day FROM announcements ORDER BY day")
        ]

    def evidence_for_day(self, day: dt.date) -> list[PaperEvidence]:
        """The day's papers in announcement order, each with its linking posts and their latest snapshots."""
        key = day.isoformat()
        cats = self._categories("JOIN announcements a ON a.arxiv_id = pc.arxiv_id WHERE a.day = ?", (key,))
        posts = self._posts_for_day(key)
        by_paper: dict[str, list[PostEvidence]] = defaultdict(list)
        for (paper_id, _platform, _post_id), evidence in posts.items():
            by_paper[paper_id].append(evidence)
        result = []
        for row in self._execute(
            f"SELECT a.day, a.arxiv_id, a.announce_type, a.position, {_prefixed('p', rows.PAPER_COLUMNS)} "
            "FROM announcements a JOIN papers p ON p.arxiv_id = a.arxiv_id WHERE a.day = ? "
            "ORDER BY a.position, a.arxiv_id",
            (key,),
        ):
            paper = rows.paper_from_row(row[4:], cats[row[1]])
            result.append(PaperEvidence(paper, rows.announcement_from_row(row[:4]), tuple(by_paper[row[1]])))
        return result

    # The posts linking a day's papers, as a CTE: each query below is one set-based read (no query per post).
    _DAY_POSTS = (
        "WITH day_posts AS (SELECT DISTINCT pp.platform, pp.post_id FROM post_papers pp "
        "JOIN announcements a ON a.arxiv_id = pp.arxiv_id WHERE a.day = ?) "
    )

    def _posts_for_day(self, key: str) -> dict[tuple[str, str, str], PostEvidence]:
        pairs = self._execute(
            "SELECT pp.arxiv_id, pp.platform, pp.post_id FROM post_papers pp "
            "JOIN announcements a ON a.arxiv_id = pp.arxiv_id WHERE a.day = ? "
            "ORDER BY pp.arxiv_id, pp.platform, pp.post_id",
            (key,),
        ).fetchall()
        posts = self._day_posts(key)
        latest = self._day_latest_snapshots(key)
        return {
            (arxiv_id, platform, post_id): PostEvidence(posts[platform, post_id], latest.get((platform, post_id)))
            for arxiv_id, platform, post_id in pairs
        }

    def _day_posts(self, key: str) -> dict[tuple[str, str], Post]:
        links: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for platform, post_id, arxiv_id, method in self._execute(
            self._DAY_POSTS + "SELECT l.platform, l.post_id, l.arxiv_id, l.method FROM post_papers l "
            "JOIN day_posts d ON d.platform = l.platform AND d.post_id = l.post_id "
            "ORDER BY l.platform, l.post_id, l.position",
            (key,),
        ):
            links[platform, post_id].append((arxiv_id, method))
        found = self._execute(
            self._DAY_POSTS + f"SELECT {_prefixed('p', rows.POST_COLUMNS)} FROM posts p "
            "JOIN day_posts d ON d.platform = p.platform AND d.post_id = p.post_id",
            (key,),
        ).fetchall()
        return {(row[0], row[1]): rows.post_from_row(row, links[row[0], row[1]]) for row in found}

    def _day_latest_snapshots(self, key: str) -> dict[tuple[str, str], EngagementSnapshot]:
        found = self._execute(
            self._DAY_POSTS + f"SELECT {_prefixed('e', rows.SNAPSHOT_COLUMNS)} FROM engagement e "
            "JOIN day_posts d ON d.platform = e.platform AND d.post_id = e.post_id "
            "WHERE e.observed_at = (SELECT max(e2.observed_at) FROM engagement e2 "
            "WHERE e2.platform = e.platform AND e2.post_id = e.post_id)",
            (key,),
        ).fetchall()
        return {(row[0], row[1]): rows.snapshot_from_row(row) for row in found}

    def snapshot_series(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], tuple[EngagementSnapshot, ...]]:
        """Every snapshot of each (platform, post_id), in time order."""
        series: dict[tuple[str, str], tuple[EngagementSnapshot, ...]] = {}
        for platform, post_id in keys:
            rows_ = self._execute(
                f"SELECT {rows.SNAPSHOT_COLUMNS} FROM engagement WHERE platform = ? AND post_id = ? "
                "ORDER BY observed_at",
                (platform, post_id),
            ).fetchall()
            series[platform, post_id] = tuple(rows.snapshot_from_row(r) for r in rows_)
        return series

    def load_digest(self, day: dt.date, preset: str) -> Digest | None:
        """The digest published for ``day`` with ``preset``."""
        row = self._execute(
            "SELECT content FROM digests WHERE day = ? AND preset = ?", (day.isoformat(), preset)
        ).fetchone()
        return None if row is None else digest_from_dict(orjson.loads(row[0]))

    def iter_papers(self) -> Iterator[Paper]:
        """All papers by id."""
        cats = self._categories()
        for row in self._execute(f"SELECT {rows.PAPER_COLUMNS} FROM papers ORDER BY arxiv_id").fetchall():
            yield rows.paper_from_row(row, cats[row[0]])

    def iter_announcements(self) -> Iterator[Announcement]:
        """All announcements by date, position, id."""
        for row in self._execute(
            "SELECT day, arxiv_id, announce_type, position FROM announcements ORDER BY day, position, arxiv_id"
        ).fetchall():
            yield rows.announcement_from_row(row)

    def iter_posts(self) -> Iterator[Post]:
        """All posts by platform and post id."""
        links: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for platform, post_id, arxiv_id, method in self._execute(
            "SELECT platform, post_id, arxiv_id, method FROM post_papers ORDER BY platform, post_id, position"
        ):
            links[platform, post_id].append((arxiv_id, method))
        for row in self._execute(f"SELECT {rows.POST_COLUMNS} FROM posts ORDER BY platform, post_id").fetchall():
            yield rows.post_from_row(row, links[row[0], row[1]])

    def iter_snapshots(self) -> Iterator[EngagementSnapshot]:
        """All snapshots by platform, post id, observation time."""
        for row in self._execute(
            f"SELECT {rows.SNAPSHOT_COLUMNS} FROM engagement ORDER BY platform, post_id, observed_at"
        ).fetchall():
            yield rows.snapshot_from_row(row)

    def iter_digests(self) -> Iterator[Digest]:
        """All published digests by date and preset."""
        for (content,) in self._execute("SELECT content FROM digests ORDER BY day, preset").fetchall():
            yield digest_from_dict(orjson.loads(content))


def _prefixed(alias: str, columns: str) -> str:
    return ", ".join(f"{alias}.{c.strip()}" for c in columns.split(","))
