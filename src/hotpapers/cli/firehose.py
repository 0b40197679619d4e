"""The ``listen`` and ``replay`` command groups: Bluesky's Jetstream firehose, live or from a saved dump
(the jobs, and how they resume: ``hotpapers.jobs.firehose``).

``listen bluesky`` runs until Ctrl-C or SIGTERM, which make it commit the current batch and stop. Registered
through the lazy map of ``hotpapers.cli``.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import click

from hotpapers.cli import app
from hotpapers.cli.app import Context, pass_ctx
from hotpapers.jobs.firehose import (
    DEFAULT_BLOCK_BYTES,
    DEFAULT_JETSTREAM_URL,
    ReplayResult,
    run_listen,
    run_replay,
)
from hotpapers.jobs.history import recorded_run

__all__ = ["listen", "replay"]


listen = click.Group("listen", help="Follow a live firehose and store the posts that link arXiv.")
replay = click.Group("replay", help="Store the posts that link arXiv from a saved firehose dump, as `listen` would.")


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
    stop = threading.Event()
    with (
        ctx.store("listen") as store,
        recorded_run(store, "listen bluesky", app.now_utc()) as summary,
        _stop_on_signals(stop),
    ):
        result = run_listen(store, url=url, cursor=cursor, max_events=max_events, rewind_us=round(rewind * 1e6),
                            stop=stop, max_message_bytes=cap)
        summary.update(events=result.events, kept=result.kept, gone=result.gone, malformed=result.malformed,
                       refused=result.refused, cursor=result.cursor, connections=result.connections)
    click.echo(
        f"listen bluesky: events {result.events}, posts kept {result.kept}, deleted {result.gone}, "
        f"malformed {result.malformed}, cursor {result.cursor if result.cursor is not None else 'none'}"
    )


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
    with ctx.store("replay") as store, recorded_run(store, "replay bluesky", app.now_utc()) as summary:
        result = run_replay(store, file, batch_bytes=batch_bytes, max_lines=max_lines, from_start=from_start,
                            now=app.now_utc(), max_line_bytes=cap)
        summary.update(file=str(file), bytes=result.offset - result.start, decoded=result.decoded, kept=result.kept,
                       gone=result.gone, malformed=result.malformed, too_long=result.too_long, offset=result.offset)
    where = f" (resumed at byte {result.start})" if result.start else ""
    click.echo(
        f"replay bluesky {file.name}: bytes read {result.offset - result.start}, lines decoded {result.decoded}, "
        f"posts kept {result.kept}, deleted {result.gone}, malformed lines skipped {result.malformed}{where}; "
        f"{_replay_state(result)}"
    )
