"""The SQLite store: one file, WAL journal, every write in a ``BEGIN IMMEDIATE`` transaction."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from hotpapers.errors import StoreError
from hotpapers.store.sql import SQLStore

__all__ = ["SQLiteStore"]

_BUSY_TIMEOUT_MS = 30_000
_STREAM_BATCH = 1_000


class SQLiteStore(SQLStore):
    """A ``Store`` on a SQLite file (``:memory:`` works too, for tests)."""

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        """Open the store at ``path``, creating it unless ``create`` is False (then it must hold a hotpapers store)."""
        self.url = str(path)
        self._depth = 0
        try:
            if str(path) != ":memory:" and create:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
            self._db.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
            self._db.execute("PRAGMA foreign_keys = ON")
            if not create and self.schema_version() == 0:  # before WAL: nothing is written to the file
                self._db.close()
                raise StoreError(f"{path}: not a hotpapers store (an empty database); import, ingest, run, listen "
                                 "and replay create one")
            self._use_wal()
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{path}: cannot open the database: {e}") from e
        except OSError as e:
            raise StoreError(f"{path}: cannot open the database: {e.strerror or e}") from e

    def _use_wal(self) -> None:
        """Switch a new database to WAL (persistent, so done once per file).

        The switch needs the database to itself, and SQLite does not wait for that (no busy handler), so
        processes opening a new store at the same moment retry here for up to the busy timeout.
        """
        if self._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
            return
        deadline = time.monotonic() + _BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                self._db.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def optimize(self) -> None:
        """Nothing: without statistics SQLite plans the store's queries on its indexes alone (measured at archive
        scale, docs/benchmarks.md), and a store never ANALYZEd keeps doing so."""

    def _begin_write(self) -> None:
        try:
            # IMMEDIATE takes the write lock now (waiting up to the busy timeout for another writer), so a
            # read-then-write inside the transaction cannot race another process.
            self._db.execute("BEGIN IMMEDIATE")
            # References are checked at commit, so a batch may hold a snapshot before its post.
            self._db.execute("PRAGMA defer_foreign_keys = ON")
        except sqlite3.OperationalError as e:
            raise StoreError(f"{self.url}: cannot start a transaction: {e}") from e

    def _begin_read(self) -> None:
        # A deferred transaction reads one snapshot of a WAL database and takes no write lock.
        self._execute("BEGIN")

    def _end(self, *, commit: bool) -> None:
        if not commit:
            self._db.execute("ROLLBACK")
            return
        try:
            self._db.execute("COMMIT")
        except sqlite3.Error as e:
            self._db.execute("ROLLBACK")
            raise StoreError(f"{self.url}: commit failed: {e}") from e

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        try:
            return self._db.execute(sql, tuple(params))
        except sqlite3.Error as e:
            raise StoreError(f"{self.url}: {e}") from e

    def _executemany(self, sql: str, params: Iterable[Sequence[Any]]) -> int:
        try:
            return self._db.executemany(sql, params).rowcount
        except sqlite3.Error as e:
            raise StoreError(f"{self.url}: {e}") from e

    def _stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Sequence[Any]]:
        cursor = self._execute(sql, params)
        cursor.arraysize = _STREAM_BATCH
        try:
            while batch := cursor.fetchmany():
                yield from batch
        except sqlite3.Error as e:
            raise StoreError(f"{self.url}: {e}") from e
        finally:
            cursor.close()

    def _table_names(self) -> set[str]:
        found = self._execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        return {str(name) for (name,) in found}

    def change_token(self) -> str:
        """SQLite's ``data_version``: it changes whenever another connection commits to the file (this
        connection's own commits leave it as it is, so only a reader that never writes may rely on it)."""
        return str(self._execute("PRAGMA data_version").fetchone()[0])
