"""How each job uses the store: the run-lock policy, and which jobs refuse a store that does not exist.

A job that writes takes the store's run lock (``hotpapers.store.lock``) for as long as the store is open, so that
two writers never interleave; one that only reads takes none. A job that only reads or renders what the store
holds refuses a store that does not exist (exit 5) instead of creating an empty one: a mistyped ``--db`` must give
an error, not an empty backup or site. The jobs are named as the commands that run them (``ACCESS``); every job
not named there writes, and creates the store when it does not exist yet.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from hotpapers.store import (
    Store,
    check_store_url,
    display_url,
    open_store,
    require_store,
    same_store,
)
from hotpapers.store.lock import run_lock

__all__ = [
    "ACCESS",
    "Store",
    "StoreAccess",
    "access",
    "check_store_url",
    "display_url",
    "open_store_for",
    "same_store",
]


@dataclass(frozen=True, slots=True)
class StoreAccess:
    """How one job uses the store."""

    writes: bool = True
    """It writes, so it holds the run lock while the store is open."""
    must_exist: bool = False
    """It only reads or renders what is there: a store that does not exist is an error, never created."""


_WRITES = StoreAccess()
_READS = StoreAccess(writes=False, must_exist=True)
_RENDERS = StoreAccess(must_exist=True)

ACCESS: Mapping[str, StoreAccess] = {
    "export": _READS,
    "site": _READS,
    "copy-store": _READS,  # the store copied; the one it is copied into is written
    "sources": StoreAccess(writes=False),
    "providers": StoreAccess(writes=False),
    "resolve": StoreAccess(writes=False),
    "render": _RENDERS,  # publishes the digest it ranks
    "publish": _RENDERS,
    "deliver": _RENDERS,  # publishes the profiles' digests it sends, and records each delivery
}
"""The jobs that do not simply write; ``import``, ``ingest``, ``run``, ``collect``, ``listen``, ``replay``,
``enrich``, ``summarize``, ``profiles``, ``not-interested`` and ``demo`` write, and create the store."""


def access(job: str) -> StoreAccess:
    """How ``job`` (a command's name) uses the store."""
    return ACCESS.get(job, _WRITES)


@contextmanager
def open_store_for(job: str, db: str, command: str) -> Iterator[Store]:
    """Open the store ``db`` as ``job`` uses it, closed (and its run lock released) when the block ends.

    ``command`` (e.g. ``hotpapers listen bluesky``) is recorded with the lock, so that another writer is told who
    holds it.

    Raises:
        LockedError: another job holds the run lock.
        StoreError: the store cannot be opened, or does not exist and ``job`` only reads or renders it.
    """
    how = access(job)
    if how.must_exist:
        require_store(db)  # before the lock, which would leave a <db>.lock behind
    if not how.writes:
        with open_store(db, create=not how.must_exist) as store:
            yield store
        return
    with run_lock(db, command), open_store(db, create=not how.must_exist) as store:
        yield store
