"""``hotpapers render`` (a listing day's digest, or a view: a roll-up or rising) and ``hotpapers demo``."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import click

from hotpapers.bounds import DATE_RANGE, EARLIEST, FIRST_DAY, LAST_DAY
from hotpapers.cli import app
from hotpapers.cli.app import Context, cli, pass_ctx
from hotpapers.cli.options import check_month, parse_date, rank_options, rank_overrides, ranking_flags
from hotpapers.errors import UsageError
from hotpapers.jobs import render as render_job
from hotpapers.jobs.access import display_url
from hotpapers.jobs.demo import demo
from hotpapers.jobs.history import recorded_run
from hotpapers.jobs.render import DateRange, render, render_view
from hotpapers.jobs.summarize import stored_summaries

__all__ = ["demo_command", "render_command"]


def _render_scope(
    day: dt.date | None, start: dt.date | None, end: dt.date | None, week: dt.date | None, month: str | None
) -> DateRange | None:
    """The range of a roll-up (or of ``rising``) from the render options; None for one --date or no scope."""
    given = [name for name, value in (("--date", day), ("--from/--to", start or end), ("--week", week),
                                      ("--month", month)) if value is not None]
    if len(given) > 1:
        raise UsageError(f"give only one of --date, --from/--to, --week, --month (got {' and '.join(given)})")
    if (start is None) != (end is None):
        raise UsageError("--from and --to go together")
    if start is not None and end is not None:
        if end < start:
            raise UsageError(f"--to {end.isoformat()} is before --from {start.isoformat()}")
        return _supported(render_job.date_range(start, end), "--from/--to")
    if week is not None:
        return _supported(render_job.week_range(week), "--week")
    if month is not None:
        return _supported(render_job.month_range(month), "--month")
    return None


def _supported(span: DateRange, option: str) -> DateRange:
    """``span`` if it lies within the supported dates (a week or month at the edge may reach past them)."""
    if span.start < FIRST_DAY or span.end > LAST_DAY:
        raise UsageError(
            f"{option}: {span.start.isoformat()} .. {span.end.isoformat()} reaches outside the supported range "
            f"({DATE_RANGE})"
        )
    return span


def _check_hours(hours: float, now: dt.datetime) -> None:
    """``--hours`` must be a finite span that does not reach before the earliest supported instant."""
    if not math.isfinite(hours) or hours * 3600 > (now - EARLIEST).total_seconds():
        raise UsageError(f"--hours {hours:g}: must be a number of hours back to {EARLIEST:%Y-%m-%d} at most")


@cli.command("render")
@click.option("--date", "day", metavar="YYYY-MM-DD", callback=parse_date, help="Listing day (the daily digest).")
@click.option("--from", "start", metavar="YYYY-MM-DD", callback=parse_date, help="Roll-up: first day of a range.")
@click.option("--to", "end", metavar="YYYY-MM-DD", callback=parse_date, help="Roll-up: last day (inclusive).")
@click.option("--week", metavar="YYYY-MM-DD", callback=parse_date, help="Roll-up: the Mon-Fri week of this day.")
@click.option("--month", metavar="YYYY-MM", callback=check_month, help="Roll-up: this month's listing days.")
@click.option("--window", type=click.Choice(["rising"]), help="rising: rank engagement growth, not totals.")
@click.option("--hours", type=click.FloatRange(min=0, min_open=True),
              help="rising: growth over the last this many hours [24].")
@click.option(
    "--format", "formats", multiple=True, default=("lumen",), show_default=True, help="Output format (repeatable)."
)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Output folder.")
@click.option("--refresh", is_flag=True, help="Rank again even if a digest of that day was already published.")
@click.option("--has-code", is_flag=True, help="Write only the papers with a known code repository (hotpapers enrich).")
@click.option("--profile", metavar="NAME", help="Write this profile's digest: hot for me (docs/profiles.md).")
@ranking_flags
@pass_ctx
def render_command(
    ctx: Context,
    day: dt.date | None,
    start: dt.date | None,
    end: dt.date | None,
    week: dt.date | None,
    month: str | None,
    window: str | None,
    hours: float | None,
    formats: tuple[str, ...],
    out: Path,
    refresh: bool,
    has_code: bool,
    profile: str | None,
    preset: str | None,
    **flags: Any,
) -> None:
    """Rank the papers of one listing day (--date) and write the digest, or write a view.

    A digest, once rendered, is stored: rendering the same date again gives the same post unless --refresh
    (or a ranking option) is given. Options can also be set per preset in the config ([ranking.default]).

    Views are ranked fresh every time and never stored: a roll-up of a range (--from D1 --to D2, --week D,
    --month YYYY-MM), or --window rising [--hours N] (growth over the last N hours of the papers of --date, a
    range, or by default the last 7 announced days). Writers name files by date, and a view is dated its last
    day: write views to their own --out folder, not the daily one, or a view overwrites that day's post.

    --has-code writes only the papers with a known code repository, ranked 1..n in the same order (the stored
    digest keeps them all): run `hotpapers enrich` first (`hotpapers run` does).

    --profile NAME writes that profile's digest of --date: the default score combined with relevance to the
    profile's library (its ranking options come from the config's [ranking.default] table).
    """
    if profile is not None:
        _render_profile(ctx, profile, day, (start, end, week, month, window, hours), flags, preset,
                        formats=formats, out=out, refresh=refresh, has_code=has_code)  # fmt: skip
        return
    scope = _render_scope(day, start, end, week, month)
    if hours is not None and window != "rising":
        raise UsageError("--hours applies only to --window rising")
    if hours is not None:
        _check_hours(hours, app.now_utc())
    if window is None and scope is None and day is None:
        raise UsageError("give --date, --from/--to, --week, --month or --window rising")
    if refresh and (window is not None or scope is not None):
        raise UsageError("--refresh applies only to a --date digest (views are always ranked fresh)")
    preset = preset or ctx.settings.preset
    options, flagged = rank_options(ctx, preset, flags)
    now = app.now_utc()
    with ctx.store("render") as store, recorded_run(store, "render", now) as summary:
        if window is None and scope is None and day is not None:
            result = render(
                store, day, formats=formats, out_dir=out, preset=preset, now=now, refresh=refresh or flagged,
                options=options, has_code=has_code, finish=stored_summaries(store, ctx.settings, now),
            )
        else:
            result = render_view(
                store, render_job.date_range(day, day) if day is not None else scope,
                rising_hours=(hours or 24.0) if window == "rising" else None, formats=formats, out_dir=out,
                preset=preset, now=now, options=options, has_code=has_code,
            )
            summary["view"] = result.digest.title
        paths = result.paths
        summary["paths"] = [str(p) for p in paths]
    for path in paths:
        click.echo(str(path))


def _render_profile(
    ctx: Context, name: str, day: dt.date | None, views: tuple[object, ...], flags: dict[str, Any], preset: str | None,
    *, formats: tuple[str, ...], out: Path, refresh: bool, has_code: bool,
) -> None:
    """``render --profile``: one listing day, no view, no ranking flag (``hotpapers.jobs.profiles``)."""
    from hotpapers.jobs.profiles import find_profile, render_profile  # noqa: PLC0415  (the profiles stack: on use)

    if day is None or any(v is not None for v in views):
        raise UsageError("--profile renders one listing day: give --date (and no view option)")
    if preset is not None or rank_overrides("default", flags):
        raise UsageError("--profile ranks with the config's [ranking.default] options: give no --preset or "
                         "ranking flag")
    chosen = find_profile(ctx.settings, name)
    now = app.now_utc()
    with ctx.store("render") as store, recorded_run(store, f"render --profile {name}", now) as summary:
        result = render_profile(store, ctx.settings, chosen, day, formats=formats, out_dir=out, now=now,
                                refresh=refresh, has_code=has_code, finish=stored_summaries(store, ctx.settings, now))
        summary.update({"profile": name, "papers": len(result.digest.papers), "paths": [str(p) for p in result.paths]})
    for path in result.paths:
        click.echo(str(path))


@cli.command("demo")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Output folder.")
@click.option("--preset", default="classic", show_default=True,
              help="Ranking preset (the sample is the original tool's own data, which classic reproduces).")
@pass_ctx
def demo_command(ctx: Context, out: Path, preset: str) -> None:
    """Run the whole job offline on the bundled sample: import it, rank each day, write posts, feeds and site.

    Uses --db if given, else OUT/hotpapers-demo.db. Needs no network and no credentials. The sample is four days
    of the original tool's own data, so the demo ranks with classic, which reproduces its posts; try
    --preset default to compare (the sample's synthetic filler account then counts as one aggregator).
    """
    result = demo(out, db=ctx.db_option, now=app.now_utc(), preset=preset, settings=ctx.settings)
    click.echo(f"store: {display_url(result.db)}")
    click.echo(f"{len(result.paths)} posts written under {out / 'posts'}:")
    for path in result.paths:
        click.echo(f"  {path}")
    click.echo(f"{len(result.feeds)} feeds (Atom, RSS, JSON Feed) written under {out / 'feeds'}")
    click.echo(f"static site ({len(result.site)} files): open {out / 'site' / 'index.html'}")
