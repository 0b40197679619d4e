"""Persistent storage behind one interface (``Store``); SQLite is the default backend."""

from __future__ import annotations

from hotpapers.errors import UsageError
from hotpapers.store.base import Store, WriteCounts
from hotpapers.store.sqlite import SQLiteStore

__all__ = ["SQLiteStore", "Store", "WriteCounts", "open_store"]


def open_store(url: str) -> Store:
    """Open (creating and migrating if needed) the store named by ``url``: a file path or ``sqlite:///path``.

    Raises:
        UsageError: the URL names a backend this version does not have.
        StoreError: the database cannot be opened, is not a hotpapers database, or is newer.
    """
    if url.startswith(("postgresql://", "postgres://")):
        raise UsageError(f"--db {url.rsplit('@', maxsplit=1)[-1]}: the PostgreSQL backend is not available yet")
    if url.startswith("sqlite:///"):
        url = url.removeprefix("sqlite:///")
    return SQLiteStore(url)
