"""The firehose jobs: follow Bluesky's Jetstream live (``listen``), or replay a saved dump of it (``replay``).

Both keep the posts that link arXiv (``hotpapers.sources.bluesky.events.parse_event``) and commit each batch in one
store transaction together with its checkpoint, so that a restart resumes with no gap, and the events seen again
are stored once (posts are keyed by at-uri):

* ``run_listen``: the checkpoint is ``bluesky/jetstream_cursor``, the highest ``time_us`` committed. A run resumes
  there minus ``rewind_us`` (``time_us`` is not monotonic in arrival order).
* ``run_replay``: the checkpoint is ``bluesky/replay:<file name>``, the byte offset after the last committed line,
  so that a replay that was killed goes on where it stopped, and a finished one reads nothing.

The replay imports neither the websocket nor the HTTP stack: only ``listen`` loads them, when it runs.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import stat
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hotpapers.models import Record
from hotpapers.sources.bluesky.events import DEFAULT_JETSTREAM_URL, DEFAULT_MAX_LINE_BYTES, KnownPosts
from hotpapers.sources.bluesky.records import PLATFORM
from hotpapers.sources.bluesky.scan import DEFAULT_BLOCK_BYTES, scan_dump
from hotpapers.store.base import Store
from hotpapers.store.records import store_records

if TYPE_CHECKING:  # an annotation only: the websocket stack loads when listen runs (see run_listen)
    from hotpapers.sources.bluesky.jetstream import ConsumeResult

__all__ = [
    "CURSOR_KEY",
    "DEFAULT_BLOCK_BYTES",
    "DEFAULT_JETSTREAM_URL",
    "DEFAULT_MAX_LINE_BYTES",
    "ReplayResult",
    "known_posts",
    "run_listen",
    "run_replay",
]

log = logging.getLogger(__name__)

CURSOR_KEY = "jetstream_cursor"


def known_posts(store: Store) -> KnownPosts:
    """The Bluesky posts already in the store (so that quotes and deletions of them are recognised)."""
    known = KnownPosts()
    for post in store.iter_posts():
        if post.platform == PLATFORM and not post.deleted:
            known.add(post)
    return known


def _commit(store: Store, records: Sequence[Record], key: str, value: str) -> None:
    """Store a batch and its checkpoint in one transaction."""
    with store.transaction():
        counts = store_records(store, records)
        store.set_state(PLATFORM, key, value)
    log.info("bluesky: committed %s; %s = %s", dict(counts), key, value)


def run_listen(
    store: Store, *, url: str, cursor: int | None, max_events: int | None, rewind_us: int,
    stop: threading.Event | None = None, max_message_bytes: int = DEFAULT_MAX_LINE_BYTES,
) -> ConsumeResult:
    """Follow Jetstream at ``url`` from ``cursor`` (else the stored cursor minus ``rewind_us``, else live).

    When resuming from the stored cursor, the cursor written never goes below it (the first batches replay
    the rewound seconds). A message longer than ``max_message_bytes`` is refused, counted as malformed, and
    skipped (see ``hotpapers.sources.bluesky.jetstream``). Setting ``stop`` (a signal handler may) makes it commit
    and return.
    """
    from hotpapers.sources.bluesky.jetstream import consume  # noqa: PLC0415  (websockets: only listen needs it)

    stored = store.get_state(PLATFORM, CURSOR_KEY)
    floor = int(stored) if cursor is None and stored and stored.isdigit() else 0
    if cursor is None and floor:
        cursor = max(0, floor - rewind_us)
    return consume(
        url, cursor=cursor, max_events=max_events, rewind_us=rewind_us, stop=stop or threading.Event(),
        known=known_posts(store), max_message_bytes=max_message_bytes,
        on_batch=lambda records, time_us: _commit(store, records, CURSOR_KEY, str(max(floor, time_us))),
    )


@dataclass
class ReplayResult:
    """What ``run_replay`` read: counts, and the byte offsets it started and stopped at."""

    decoded: int = 0  # lines decoded (the pre-filter's candidates, see hotpapers.sources.bluesky.scan)
    kept: int = 0
    gone: int = 0
    malformed: int = 0  # lines refused for their length included
    start: int = 0
    offset: int = 0  # the line start committed: the next run starts here
    size: int = 0
    tail: int = 0  # bytes of an unterminated last line after ``offset``, read again by the next run
    too_long: int = 0


def _replay_start(store: Store, path: Path, key: str, from_start: bool, size: int) -> int:
    stored = None if from_start else store.get_state(PLATFORM, key)
    offset = int(stored) if stored and stored.isdigit() else 0
    if offset > size:
        log.warning("%s is shorter than its checkpoint (byte %d): replaying it from the start", path, offset)
        return 0
    return offset


def run_replay(
    store: Store, path: Path, *, batch_bytes: int, max_lines: int | None, from_start: bool, now: dt.datetime,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
) -> ReplayResult:
    """Replay the Jetstream JSON-lines dump at ``path`` from its checkpoint, one transaction per batch.

    The checkpoint is always a line start: an unterminated last line (a dump still being written) is read,
    and what it gives stored, but the checkpoint stays before it, so the next run reads it again, complete.
    A line longer than ``max_line_bytes`` is refused (a warning with its offset), counted as malformed and
    skipped. ``path`` may be any readable file, also a pipe or a device (read from the start; not seekable).
    """
    key = f"replay:{path.name}"
    with path.open("rb") as handle:
        regular = stat.S_ISREG(os.fstat(handle.fileno()).st_mode)
        size = os.fstat(handle.fileno()).st_size if regular else 0
        start = _replay_start(store, path, key, from_start, size) if regular else 0
        scanned = scan_dump(
            handle, known=known_posts(store), now=now, start=start, block_bytes=batch_bytes, max_lines=max_lines,
            max_line_bytes=max_line_bytes, label=str(path),
            on_batch=lambda records, offset: _commit(store, records, key, str(offset)),
        )
    return ReplayResult(scanned.decoded, scanned.kept, scanned.gone, scanned.malformed, start, scanned.offset,
                        max(size, scanned.offset + scanned.tail), scanned.tail, scanned.too_long)
