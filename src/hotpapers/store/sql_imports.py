"""What an import needs beyond the ordinary writes: knowing which keys it already wrote, and replacing a record wholly.

The rule (``hotpapers.jobs.transfer.import_files``, docs/native-format.md): within one import, a record whose key an
earlier record of the same import wrote replaces that record wholly. The keys an import has written live in a
temporary table of the import's connection, one 64-bit hash per key (Python's ``hash`` of the key's tuple,
stable within the importing process), so memory does not grow with the import; the table is emptied when the
next import on the connection begins, and vanishes with the connection.

A hash collision (about 1 in 200,000 for an import of 13 million records) makes one new record look like a
repeat: it is then written wholly instead of merged, which for a key new to the store is the same; only a
record already in the store before the import would be replaced instead of merged, and counted as a duplicate.
"""

from __future__ import annotations

from collections.abc import Sequence

from hotpapers.models import EngagementSnapshot, Paper, Post
from hotpapers.store import rows
from hotpapers.store._primitives import SQLPrimitives

__all__ = ["SQLImports", "import_key"]

_KEYS_PER_QUERY = 500  # bound parameters per look-up, well under SQLite's limit


def import_key(*parts: object) -> int:
    """The key of a record (its kind and primary key), as a signed 64-bit integer."""
    return hash(parts)


class SQLImports(SQLPrimitives):
    """Key tracking and whole-record replacement for imports, on a DB-API connection."""

    _IMPORT_KEYS = "hotpapers_import_keys"
    _IMPORT_KEYS_DDL = (
        f"CREATE TEMP TABLE IF NOT EXISTS {_IMPORT_KEYS} (k INTEGER PRIMARY KEY, batch INTEGER NOT NULL DEFAULT 0)"
    )
    _import_batch = 0

    def begin_import(self) -> None:
        """Start tracking the keys an import writes (inside its transaction)."""
        self._execute(self._IMPORT_KEYS_DDL)
        self._execute(f"DELETE FROM {self._IMPORT_KEYS}")

    def seen_in_import(self, keys: Sequence[int]) -> list[bool]:
        """Mark ``keys`` (``import_key``) as written by this import; for each, whether it already was (by an earlier
        record, or earlier in ``keys``).

        One statement for the whole batch in the common case: the keys are inserted tagged with the batch, and only
        when fewer rows went in than keys were given are the ones of earlier batches looked up.
        """
        self._import_batch += 1
        unique = list(dict.fromkeys(keys))
        added = self._executemany(
            f"INSERT INTO {self._IMPORT_KEYS}(k, batch) VALUES (?, ?) ON CONFLICT DO NOTHING",
            ((k, self._import_batch) for k in unique),
        )
        before: set[int] = set()
        for start in range(0, len(unique) if added < len(unique) else 0, _KEYS_PER_QUERY):
            chunk = unique[start : start + _KEYS_PER_QUERY]
            found = self._execute(
                f"SELECT k FROM {self._IMPORT_KEYS} WHERE batch < ? AND k IN ({', '.join('?' * len(chunk))})",
                (self._import_batch, *chunk),
            ).fetchall()
            before.update(int(k) for (k,) in found)
        seen: list[bool] = []
        for key in keys:  # a key twice in ``keys`` is new the first time only
            seen.append(key in before)
            before.add(key)
        return seen

    def replace_papers(self, papers: Sequence[Paper]) -> int:
        """Write each paper wholly over the stored one (whatever its version), categories included."""
        papers = list({p.arxiv_id: p for p in papers}.values())  # of a paper given twice, the last is the one
        with self.transaction():
            self._executemany(self._REPLACE_PAPER, (rows.paper_row(p) for p in papers))
            self._executemany("DELETE FROM paper_categories WHERE arxiv_id = ?", ((p.arxiv_id,) for p in papers))
            self._executemany(
                "INSERT INTO paper_categories(arxiv_id, category, position) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                ((p.arxiv_id, c, i) for p in papers for i, c in enumerate(p.categories)),
            )
        return len(papers)

    _REPLACE_PAPER = (
        f"INSERT INTO papers ({rows.PAPER_COLUMNS}) VALUES ({', '.join('?' * 14)}) "
        "ON CONFLICT(arxiv_id) DO UPDATE SET "
        + ", ".join(f"{c.strip()} = excluded.{c.strip()}" for c in rows.PAPER_COLUMNS.split(",")[1:])
    )

    def replace_posts(self, posts: Sequence[Post]) -> int:
        """Write each post's fields wholly over the stored ones; its links are added to the stored links."""
        with self.transaction():
            self._executemany(self._REPLACE_POST, (rows.post_row(p) for p in posts))
            for post in posts:
                have = [
                    str(r[0]) for r in self._execute(
                        "SELECT arxiv_id FROM post_papers WHERE platform = ? AND post_id = ? ORDER BY position",
                        (post.platform, post.post_id),
                    ).fetchall()
                ]
                new = [link for link in post.links if link.arxiv_id not in have]
                self._executemany(
                    "INSERT INTO post_papers(platform, post_id, arxiv_id, method, position) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT DO NOTHING",
                    ((post.platform, post.post_id, link.arxiv_id, link.method.value, len(have) + i)
                     for i, link in enumerate(new)),
                )
        return len(posts)

    _REPLACE_POST = (
        f"INSERT INTO posts ({rows.POST_COLUMNS}) VALUES ({', '.join('?' * 12)}) "
        "ON CONFLICT(platform, post_id) DO UPDATE SET "
        + ", ".join(f"{c.strip()} = excluded.{c.strip()}" for c in rows.POST_COLUMNS.split(",")[2:])
    )

    def replace_snapshots(self, snapshots: Sequence[EngagementSnapshot]) -> int:
        """Write each snapshot's counts wholly over the stored ones of the same post and instant."""
        with self.transaction():
            return self._executemany(
                f"INSERT INTO engagement ({rows.SNAPSHOT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(platform, post_id, observed_at) DO UPDATE SET reposts = excluded.reposts, "
                "likes = excluded.likes, replies = excluded.replies, quotes = excluded.quotes, "
                "extras = excluded.extras",
                (rows.snapshot_row(s) for s in snapshots),
            )
