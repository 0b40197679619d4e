"""``hotpapers ingest``: store the papers arXiv announced on listing days."""

from __future__ import annotations

import datetime as dt

import click

from hotpapers.cli import app
from hotpapers.cli.app import Context, cli, pass_ctx
from hotpapers.cli.options import parse_date
from hotpapers.errors import UsageError
from hotpapers.jobs.history import recorded_run
from hotpapers.jobs.ingest import DaySummary, ingest, listing_days

__all__ = ["ingest_command"]


def _ingest_days(day: dt.date | None, start: dt.date | None, end: dt.date | None) -> list[dt.date] | None:
    if day is not None and (start or end):
        raise click.UsageError("give either --date or --from/--to, not both")
    if (start is None) != (end is None):
        raise click.UsageError("--from and --to go together")
    if start is not None and end is not None:
        if end < start:
            raise UsageError(f"--from {start} --to {end}: the range ends before it starts")
        return list(listing_days(start, end))
    return None if day is None else [day]


@cli.command("ingest")
@click.option("--date", "day", metavar="YYYY-MM-DD", callback=parse_date, help="One listing day [default: latest].")
@click.option("--from", "start", metavar="YYYY-MM-DD", callback=parse_date, help="First listing day of a range.")
@click.option("--to", "end", metavar="YYYY-MM-DD", callback=parse_date, help="Last listing day (inclusive).")
@click.option("--replacements", is_flag=True, help="For past days, also harvest replacements via OAI-PMH.")
@pass_ctx
def ingest_command(
    ctx: Context, day: dt.date | None, start: dt.date | None, end: dt.date | None, replacements: bool
) -> None:
    """Store the papers arXiv announced on listing days, and print how many of each announce type.

    The latest listing is read from arXiv's RSS feed; earlier days from the API (and OAI-PMH with
    --replacements). Categories come from the config (default: cs and stat.ML).
    """
    days = _ingest_days(day, start, end)

    def report(summary: DaySummary) -> None:
        counts = ", ".join(f"{kind.value} {n}" for kind, n in summary.counts.items())
        click.echo(f"{summary.day} ({summary.source}): {counts}; skipped {len(summary.skipped)}")
        for note in summary.skipped:
            click.echo(f"  skipped: {note}", err=True)

    with ctx.store("ingest") as store, recorded_run(store, "ingest", app.now_utc()) as summary:
        days_done = ingest(
            store, ctx.settings, days=days, now=app.now_utc(), replacements=replacements, progress=report
        )
        summary["days"] = [str(d.day) for d in days_done]
