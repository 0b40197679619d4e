"""The commands that move whole stores: ``import``, ``export`` and ``copy-store``."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import BinaryIO, cast

import click

from hotpapers.cli import app
from hotpapers.cli.app import Context, cli, pass_ctx
from hotpapers.cli.options import parse_datetime, parse_size_option
from hotpapers.errors import UsageError
from hotpapers.jobs.access import check_store_url, display_url, open_store_for, same_store
from hotpapers.jobs.history import recorded_run
from hotpapers.jobs.transfer import copy_store, export, export_to_file, import_files

__all__ = ["copy_store_command", "export_command", "import_command"]


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--observed-at",
    metavar="DATETIME", callback=parse_datetime,
    help="When the counts in a legacy file were observed. Default: the day after the listing, 00:00 UTC.",
)
@click.option(
    "--max-record-bytes", "max_record", metavar="SIZE", callback=parse_size_option,
    help="The largest record read: a native line or a whole legacy file, e.g. 64M "
         "[default: $HOTPAPERS_MAX_RECORD_BYTES, config max_record_bytes, else 32M].",
)
@pass_ctx
def import_command(
    ctx: Context, files: tuple[Path, ...], observed_at: dt.datetime | None, max_record: int | None
) -> None:
    """Import FILES into the store: the native JSON Lines format or the original tool's JSON.

    Either every file is imported or, on the first bad record, none is. A FILE of - is standard input (a pipe
    works, and so does /dev/stdin). A record longer than the size cap is refused, so an endless input cannot
    fill the memory. Records with the same key (a paper's id, a post's platform and id, ...) in one import: the
    last one wins wholly (a post's links accumulate); the summary counts them.
    """
    limit = max_record or ctx.settings.max_record_bytes
    with ctx.store("import") as store, recorded_run(store, "import", app.now_utc()) as summary:
        result = import_files(
            store, list(files), observed_at=observed_at, max_record_bytes=limit, stdin=sys.stdin.buffer
        )
        summary.update(result.counts)
        summary["duplicates"] = result.duplicates
    for name, fmt in result.formats.items():
        click.echo(f"{name}: {fmt}")
    click.echo("imported: " + ", ".join(f"{k} {v}" for k, v in sorted(result.counts.items())))
    if result.duplicates:
        repeats = ", ".join(f"{kind} {n}" for kind, n in sorted(result.duplicates.items()))
        click.echo(f"duplicates: {repeats} (records repeating an earlier one of this import; the last one wins wholly)")


@cli.command("export")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
@pass_ctx
def export_command(ctx: Context, out: Path | None) -> None:
    """Export the whole store in the native JSON Lines format (see docs/native-format.md)."""
    with ctx.store("export") as store:
        if out is None:
            export(store, cast(BinaryIO, sys.stdout.buffer))
            return
        counts = export_to_file(store, out)
    click.echo(f"{out}: " + ", ".join(f"{k} {v}" for k, v in counts.items()), err=True)


@cli.command("copy-store")
@click.argument("dest", metavar="URL")
@pass_ctx
def copy_store_command(ctx: Context, dest: str) -> None:
    """Copy the whole store (--db) into the store at URL, e.g. from SQLite to postgresql://host/db.

    Records and source checkpoints (the Jetstream cursor) are copied in one transaction: all or nothing.
    A record already in URL is merged as by `import`, never doubled. See docs/postgresql.md.
    """
    check_store_url(dest, "copy-store URL")
    if same_store(dest, ctx.settings.db):
        raise UsageError(f"copy-store {display_url(dest)}: that is the store being copied (--db)")
    with (
        ctx.store("copy-store") as source,
        open_store_for("import", dest, f"hotpapers copy-store {display_url(dest)}") as target,  # written as by import
    ):
        counts = copy_store(source, target)
    click.echo(f"copied to {display_url(dest)}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
