"""The ``listen`` and ``replay`` command groups: Bluesky's Jetstream firehose, live or from a saved dump.

Both keep the posts that link arXiv (``hotpapers.sources.bluesky.jetstream.parse_event``) and commit each batch in one
store transaction together with its checkpoint, so that a restart resumes with no gap, and the events seen
again are stored once (posts are keyed by at-uri):

* ``listen bluesky``: the checkpoint is ``bluesky/jetstream_cursor``, the highest ``time_us`` committed. A run
  resumes there minus ``--rewind`` seconds (``time_us`` is not monotonic in arrival order).
* ``replay bluesky FILE``: the checkpoint is ``bluesky/replay:<file name>``, the byte offset after the last
  committed line, so that a replay that was killed goes on where it stopped, and a finished one reads nothing.

Register them with ``cli.add_command(listen)`` and ``cli.add_command(replay)``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import signal
import stat
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import click

from hotpapers import pipeline
from hotpapers.cli.app import Context, now_utc, pass_ctx
from hotpapers.models import Record
from hotpapers.sources.bluesky.events import DEFAULT_JETSTREAM_URL, DEFAULT_MAX_LINE_BYTES, KnownPosts
from hotpapers.sources.bluesky.records import PLATFORM
from hotpapers.sources.bluesky.scan import DEFAULT_BLOCK_BYTES, scan_dump
from hotpapers.store import Store
from hotpapers.store.records import store_records

if TYPE_CHECKING:  # only annotations: replay starts without the websocket and HTTP stacks (see run_listen)
    from hotpapers.sources.bluesky.jetstream import ConsumeResult

__all__ = ["CURSOR_KEY", "ReplayResult", "known_posts", "listen", "replay", "run_listen", "run_replay"]

log = logging.getLogger(__name__)

CURSOR_KEY = "jetstream_cursor"

listen = click.Group("listen", help="Follow a live firehose and store the posts that link arXiv.")
replay = click.Group("replay", help="Store the posts that link arXiv from a saved firehose dump, as `listen` would.")


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


@contextlib.contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGINT and SIGTERM set ``stop`` (the consumer commits and returns); a second SIGINT interrupts."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        click.echo("hotpapers: stopping after committing the current batch", err=True)
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


max_line_bytes_option = click.option(
    "--max-line-bytes", type=click.IntRange(min=1), metavar="N",
    help="The longest message (listen) or line (replay) accepted, in bytes: a longer one is skipped with a "
    "warning and counted as malformed. Default: firehose_max_line_bytes of the config, else 16 MiB.",
)


def run_listen(
    store: Store, *, url: str, cursor: int | None, max_events: int | None, rewind_us: int,
    stop: threading.Event | None = None, max_message_bytes: int = DEFAULT_MAX_LINE_BYTES,
) -> ConsumeResult:
    """Follow Jetstream at ``url`` from ``cursor`` (else the stored cursor minus ``rewind_us``, else live).

    When resuming from the stored cursor, the cursor written never goes below it (the first batches replay
    the rewound seconds). A message longer than ``max_message_bytes`` is refused, counted as malformed, and
    skipped (see ``hotpapers.sources.bluesky.jetstream``).
    """
    from hotpapers.sources.bluesky.jetstream import consume  # noqa: PLC0415  (websockets: only listen needs it)

    stored = store.get_state(PLATFORM, CURSOR_KEY)
    floor = int(stored) if cursor is None and stored and stored.isdigit() else 0
    if cursor is None and floor:
        cursor = max(0, floor - rewind_us)
    stop = stop or threading.Event()
    with _stop_on_signals(stop):
        return consume(
            url, cursor=cursor, max_events=max_events, rewind_us=rewind_us, stop=stop, known=known_posts(store),
            on_batch=lambda records, time_us: _commit(store, records, CURSOR_KEY, str(max(floor, time_us))),
            max_message_bytes=max_message_bytes,
        )


@listen.command("bluesky")
@click.option(
    "--url", envvar="HOTPAPERS_JETSTREAM_URL", default=DEFAULT_JETSTREAM_URL, show_default=True,
    help="Jetstream endpoint: …/subscribe, or …/xrpc/network.bsky.jetstream.subscribeEvents. "
    "Default: $HOTPAPERS_JETSTREAM_URL, else the one shown.",
)
@click.option("--cursor", type=click.IntRange(min=0), help="Start at this time_us (unix µs), not at the stored cursor.")
@click.option("--max-events", type=click.IntRange(min=1), help="Stop after this many events (smoke runs, tests).")
@click.option(
    "--rewind", type=click.FloatRange(min=0), default=5.0, show_default=True,
    help="Seconds to go back from the stored cursor when resuming; events seen twice are stored once.",
)
@max_line_bytes_option
@pass_ctx
def listen_bluesky(
    ctx: Context, url: str, cursor: int | None, max_events: int | None, rewind: float, max_line_bytes: int | None
) -> None:
    """Store Bluesky posts that link arXiv, live from Jetstream, and the cursor with them.

    Runs until Ctrl-C (or SIGTERM), which stops it after committing. The next run resumes at the stored
    cursor. Engagement is not read here: `hotpapers` refreshes it with app.bsky.feed.getPosts. A message
    longer than --max-line-bytes is skipped with a warning and counted as malformed.
    """
    cap = max_line_bytes or ctx.settings.firehose_max_line_bytes
    with ctx.store() as store, pipeline.recorded_run(store, "listen bluesky", now_utc()) as summary:
        result = run_listen(store, url=url, cursor=cursor, max_events=max_events, rewind_us=round(rewind * 1e6),
                            max_message_bytes=cap)
        summary.update(events=result.events, kept=result.kept, gone=result.gone, malformed=result.malformed,
                       refused=result.refused, cursor=result.cursor, connections=result.connections)
    click.echo(
        f"listen bluesky: events {result.events}, posts kept {result.kept}, deleted {result.gone}, "
        f"malformed {result.malformed}, cursor {result.cursor if result.cursor is not None else 'none'}"
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


def _replay_state(result: ReplayResult) -> str:
    """How the replay ended, for its summary line."""
    if result.tail:
        return (f"done; the last line ({result.tail} bytes from byte {result.offset}) has no newline yet: "
                "read again by the next run")
    return f"stopped at byte {result.offset} of {result.size}" if result.offset < result.size else "done"


@replay.command("bluesky")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--batch-bytes", type=click.IntRange(min=1, max=1 << 30), default=DEFAULT_BLOCK_BYTES, show_default=True,
              help="Bytes of FILE read per commit (whole lines).")
@click.option("--max-lines", type=click.IntRange(min=1), help="Stop after this many lines (a later run goes on).")
@click.option("--from-start", is_flag=True, help="Ignore the checkpoint and read FILE from its first line.")
@max_line_bytes_option
@pass_ctx
def replay_bluesky(
    ctx: Context, file: Path, batch_bytes: int, max_lines: int | None, from_start: bool, max_line_bytes: int | None
) -> None:
    """Store the posts that link arXiv from FILE, a Jetstream dump (one JSON event per line).

    The file is read in batches, each committed with a checkpoint at a line end, so a replay that is stopped
    goes on where it stopped when run again, and replaying a finished file adds nothing (use --from-start to
    read it again). A line longer than --max-line-bytes is skipped with a warning and counted as malformed.
    """
    cap = max_line_bytes or ctx.settings.firehose_max_line_bytes
    with ctx.store() as store, pipeline.recorded_run(store, "replay bluesky", now_utc()) as summary:
        result = run_replay(store, file, batch_bytes=batch_bytes, max_lines=max_lines, from_start=from_start,
                            now=now_utc(), max_line_bytes=cap)
        summary.update(file=str(file), bytes=result.offset - result.start, decoded=result.decoded, kept=result.kept,
                       gone=result.gone, malformed=result.malformed, too_long=result.too_long, offset=result.offset)
    where = f" (resumed at byte {result.start})" if result.start else ""
    click.echo(
        f"replay bluesky {file.name}: bytes read {result.offset - result.start}, lines decoded {result.decoded}, "
        f"posts kept {result.kept}, deleted {result.gone}, malformed lines skipped {result.malformed}{where}; "
        f"{_replay_state(result)}"
    )
