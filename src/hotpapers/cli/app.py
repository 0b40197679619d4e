"""Commands. Each parses its options, opens the store, calls one pipeline function and reports."""

from __future__ import annotations

import datetime as dt
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, BinaryIO, cast

import click

from hotpapers import __version__, ingest_job, pipeline, windows
from hotpapers.config import Settings, load_settings
from hotpapers.errors import UsageError
from hotpapers.ingest_job import DaySummary, listing_days
from hotpapers.jobs.summarize import stored_summaries
from hotpapers.links import find_arxiv_ids
from hotpapers.preset_options import preset_options
from hotpapers.store import Store, display_url, open_store, same_store
from hotpapers.store.lock import run_lock

__all__ = ["cli"]


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    """Option callback: a calendar date written ``YYYY-MM-DD``."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date of the form YYYY-MM-DD") from None


def _parse_datetime(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.datetime | None:
    """Option callback: an ISO 8601 date-time with a UTC offset."""
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO 8601 date-time") from None
    if parsed.tzinfo is None:
        raise click.BadParameter(f"{value!r} has no UTC offset (add Z or +HH:MM)")
    return parsed.astimezone(dt.UTC)


class Context:
    """What the group options set up for every command."""

    def __init__(self, db: str | None, config: Path | None, verbose: bool) -> None:
        self.db_option = db
        self.config = config
        self.verbose = verbose
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        """Settings are read on first use, so that ``resolve`` works without a config."""
        if self._settings is None:
            self._settings = load_settings(self.config, db=self.db_option)
        return self._settings

    def store(self) -> AbstractContextManager[Store]:
        """Open the configured store (closed when the command ends).

        A writing command first takes the store's run lock (``hotpapers.store.lock``), held until the store is
        closed; the read-only commands (``READ_ONLY``) do not.
        """
        name, path = _command()
        if name in READ_ONLY:
            return open_store(self.settings.db)
        return _locked_store(self.settings.db, path)


READ_ONLY = frozenset({"export", "site", "sources", "resolve", "copy-store"})
"""Top-level commands that only read the store, and so take no run lock."""


def _command() -> tuple[str, str]:
    """(the top-level command being run, its full command path), e.g. ("listen", "hotpapers listen bluesky")."""
    current = click.get_current_context(silent=True)
    names: list[str] = []
    while current is not None:
        names.append(current.info_name or "")
        current = current.parent
    names.reverse()
    return (names[1] if len(names) > 1 else ""), " ".join(["hotpapers", *names[1:]])


@contextmanager
def _locked_store(db: str, command: str) -> Iterator[Store]:
    with run_lock(db, command), open_store(db) as store:
        yield store


pass_ctx: Callable[..., Any] = click.make_pass_decorator(Context)


def now_utc() -> dt.datetime:
    """The current time (a function, so tests can freeze it)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="hotpapers")
@click.option(
    "--db", metavar="PATH|URL",
    help="The store: a SQLite file or a postgresql:// URL. Default: $HOTPAPERS_DB, else ./hotpapers.db.",
)
@click.option(
    "--config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A TOML config file. Default: $HOTPAPERS_CONFIG, else ./hotpapers.toml if present.",
)
@click.option("-v", "--verbose", is_flag=True, help="Say more about what happens.")
@click.pass_context
def cli(ctx: click.Context, db: str | None, config: Path | None, verbose: bool) -> None:
    """hotpapers: which new arXiv papers people are talking about, with the conversation attached."""
    if verbose:
        # Request URLs are logged with credentials redacted (hotpapers.http.redact_url).
        logging.basicConfig(level=logging.INFO, format="hotpapers: %(levelname)s %(name)s: %(message)s")
    ctx.obj = Context(db, config, verbose)


@cli.command()
@click.argument("texts", nargs=-1, required=True)
def resolve(texts: tuple[str, ...]) -> None:
    """Print the canonical arXiv ids found in each TEXT (a URL or free text), one line per TEXT.

    Ids are versionless, in order of appearance, deduplicated; a TEXT with none gives an empty line.
    """
    for text in texts:
        click.echo(" ".join(find_arxiv_ids(text)))


def _ingest_days(day: dt.date | None, start: dt.date | None, end: dt.date | None) -> list[dt.date] | None:
    if day is not None and (start or end):
        raise click.UsageError("give either --date or --from/--to, not both")
    if (start is None) != (end is None):
        raise click.UsageError("--from and --to go together")
    if start is not None and end is not None:
        return list(listing_days(start, end))
    return None if day is None else [day]


@cli.command()
@click.option("--date", "day", metavar="YYYY-MM-DD", callback=_parse_date, help="One listing day [default: latest].")
@click.option("--from", "start", metavar="YYYY-MM-DD", callback=_parse_date, help="First listing day of a range.")
@click.option("--to", "end", metavar="YYYY-MM-DD", callback=_parse_date, help="Last listing day (inclusive).")
@click.option("--replacements", is_flag=True, help="For past days, also harvest replacements via OAI-PMH.")
@pass_ctx
def ingest(
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

    with ctx.store() as store, pipeline.recorded_run(store, "ingest", now_utc()) as summary:
        days_done = ingest_job.ingest(
            store, ctx.settings, days=days, now=now_utc(), replacements=replacements, progress=report
        )
        summary["days"] = [str(d.day) for d in days_done]


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--observed-at",
    metavar="DATETIME", callback=_parse_datetime,
    help="When the counts in a legacy file were observed. Default: the day after the listing, 00:00 UTC.",
)
@pass_ctx
def import_(ctx: Context, files: tuple[Path, ...], observed_at: dt.datetime | None) -> None:
    """Import FILES into the store: the native JSON Lines format or the original tool's JSON.

    Either every file is imported or, on the first bad record, none is.
    """
    with ctx.store() as store, pipeline.recorded_run(store, "import", now_utc()) as summary:
        result = pipeline.import_files(store, list(files), observed_at=observed_at)
        summary.update(result.counts)
    for name, fmt in result.formats.items():
        click.echo(f"{name}: {fmt}")
    click.echo("imported: " + ", ".join(f"{k} {v}" for k, v in sorted(result.counts.items())))


@cli.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
@pass_ctx
def export(ctx: Context, out: Path | None) -> None:
    """Export the whole store in the native JSON Lines format (see docs/native-format.md)."""
    with ctx.store() as store:
        if out is None:
            pipeline.export(store, cast(BinaryIO, sys.stdout.buffer))
            return
        counts = pipeline.export_to_file(store, out)
    click.echo(f"{out}: " + ", ".join(f"{k} {v}" for k, v in counts.items()), err=True)


@cli.command("copy-store")
@click.argument("dest", metavar="URL")
@pass_ctx
def copy_store(ctx: Context, dest: str) -> None:
    """Copy the whole store (--db) into the store at URL, e.g. from SQLite to postgresql://host/db.

    Records and source checkpoints (the Jetstream cursor) are copied in one transaction: all or nothing.
    A record already in URL is merged as by `import`, never doubled. See docs/postgresql.md.
    """
    if same_store(dest, ctx.settings.db):
        raise UsageError(f"copy-store {display_url(dest)}: that is the store being copied (--db)")
    with ctx.store() as source, _locked_store(dest, f"hotpapers copy-store {display_url(dest)}") as target:
        counts = pipeline.copy_store(source, target)
    click.echo(f"copied to {display_url(dest)}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


def ranking_flags(command: Callable[..., Any]) -> Callable[..., Any]:
    """The ranking options shared by ``render`` and ``run``: the preset, its thresholds and the filters."""
    flags = [
        click.option("--preset", help="Ranking preset: default or classic [default: config, else default]."),
        click.option("--min-score", type=click.FloatRange(min=0), help="Keep papers scoring at least this."),
        click.option("--max-posts", type=click.IntRange(min=0), help="Show at most this many posts per paper."),
        click.option("--split-credit/--full-credit", default=None,
                     help="A post linking n papers gives each 1/n of its score (default: on; classic: off)."),
        click.option("--min-post-score", type=click.IntRange(min=0), help="classic: embed posts scoring this [25]."),
        click.option("--keep-without-pdf", is_flag=True, help="classic: keep papers that have no PDF link."),
        click.option("--keyword", "keywords", multiple=True, help="default: only papers with this word (repeatable)."),
        click.option("--exclude-keyword", "exclude_keywords", multiple=True, help="default: drop papers with it."),
        click.option("--author", "authors", multiple=True, help="default: only papers by this author (repeatable)."),
        click.option("--category", "categories", multiple=True, help="default: only these archives or categories."),
        click.option("--exclude-category", "exclude_categories", multiple=True, help="default: drop these."),
    ]
    for flag in reversed(flags):
        command = flag(command)
    return command


_CLASSIC_ONLY = {"min_post_score": "--min-post-score", "require_pdf": "--keep-without-pdf"}
_DEFAULT_ONLY = {
    "keywords": "--keyword", "exclude_keywords": "--exclude-keyword", "authors": "--author",
    "include_categories": "--category", "exclude_categories": "--exclude-category",
}


def rank_overrides(preset: str, flags: dict[str, Any]) -> dict[str, Any]:
    """The option values given on the command line for ``preset`` (refusing another preset's flags)."""
    given: dict[str, Any] = {
        "min_score": flags.get("min_score"),
        "max_posts": flags.get("max_posts"),
        "split_credit": flags.get("split_credit"),
        "min_post_score": flags.get("min_post_score"),
        "require_pdf": False if flags.get("keep_without_pdf") else None,
        "keywords": tuple(flags.get("keywords") or ()) or None,
        "exclude_keywords": tuple(flags.get("exclude_keywords") or ()) or None,
        "authors": tuple(flags.get("authors") or ()) or None,
        "include_categories": tuple(flags.get("categories") or ()) or None,
        "exclude_categories": tuple(flags.get("exclude_categories") or ()) or None,
    }
    chosen = {k: v for k, v in given.items() if v is not None}
    if preset == "classic" and "min_score" in chosen:
        chosen["min_score"] = int(chosen["min_score"])
    foreign = _DEFAULT_ONLY if preset == "classic" else _CLASSIC_ONLY
    for key, flag in foreign.items():
        if key in chosen:
            raise click.UsageError(f"{flag} does not apply to the {preset!r} preset")
    return chosen


def rank_options(ctx: Context, preset: str, flags: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """(keyword arguments for the preset, whether flags were given) from the config and the command line."""
    overrides = rank_overrides(preset, flags)
    where = str(ctx.settings.config_path or "config")
    return preset_options(preset, ctx.settings.ranking.get(preset, {}), overrides, where), bool(overrides)


def _render_scope(
    day: dt.date | None, start: dt.date | None, end: dt.date | None, week: dt.date | None, month: str | None
) -> windows.DateRange | None:
    """The range of a roll-up (or of ``rising``) from the render options; None for one --date or no scope."""
    given = [name for name, value in (("--date", day), ("--from/--to", start or end), ("--week", week),
                                      ("--month", month)) if value is not None]
    if len(given) > 1:
        raise UsageError(f"give only one of --date, --from/--to, --week, --month (got {' and '.join(given)})")
    if (start is None) != (end is None):
        raise UsageError("--from and --to go together")
    if start is not None and end is not None:
        return windows.date_range(start, end)
    if week is not None:
        return windows.week_range(week)
    if month is not None:
        return windows.month_range(month)
    return None


@cli.command()
@click.option("--date", "day", metavar="YYYY-MM-DD", callback=_parse_date, help="Listing day (the daily digest).")
@click.option("--from", "start", metavar="YYYY-MM-DD", callback=_parse_date, help="Roll-up: first day of a range.")
@click.option("--to", "end", metavar="YYYY-MM-DD", callback=_parse_date, help="Roll-up: last day (inclusive).")
@click.option("--week", metavar="YYYY-MM-DD", callback=_parse_date, help="Roll-up: the Mon-Fri week of this day.")
@click.option("--month", metavar="YYYY-MM", help="Roll-up: this month's listing days.")
@click.option("--window", type=click.Choice(["rising"]), help="rising: rank engagement growth, not totals.")
@click.option("--hours", type=click.FloatRange(min=0, min_open=True),
              help="rising: growth over the last this many hours [24].")
@click.option(
    "--format", "formats", multiple=True, default=("lumen",), show_default=True, help="Output format (repeatable)."
)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Output folder.")
@click.option("--refresh", is_flag=True, help="Rank again even if a digest of that day was already published.")
@ranking_flags
@pass_ctx
def render(
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
    """
    scope = _render_scope(day, start, end, week, month)
    if hours is not None and window != "rising":
        raise UsageError("--hours applies only to --window rising")
    if window is None and scope is None and day is None:
        raise UsageError("give --date, --from/--to, --week, --month or --window rising")
    if refresh and (window is not None or scope is not None):
        raise UsageError("--refresh applies only to a --date digest (views are always ranked fresh)")
    preset = preset or ctx.settings.preset
    options, flagged = rank_options(ctx, preset, flags)
    now = now_utc()
    with ctx.store() as store, pipeline.recorded_run(store, "render", now) as summary:
        if window is None and scope is None and day is not None:
            result = pipeline.render(
                store, day, formats=formats, out_dir=out, preset=preset, now=now, refresh=refresh or flagged,
                options=options, finish=stored_summaries(store, ctx.settings, now),
            )
            paths = result.paths
        else:
            windows.check_formats(formats)
            if window == "rising":
                rising_scope = windows.date_range(day, day) if day is not None else scope
                digest = windows.build_rising(
                    store, rising_scope, hours=hours or 24.0, preset=preset, now=now, options=options
                )
            elif scope is not None:
                digest = windows.build_rollup(store, scope, preset=preset, now=now, options=options)
            else:  # pragma: no cover - ruled out above
                raise UsageError("give --date, --from/--to, --week, --month or --window rising")
            paths = windows.write_view(digest, formats=formats, out_dir=out)
            summary["view"] = digest.title
        summary["paths"] = [str(p) for p in paths]
    for path in paths:
        click.echo(str(path))


@cli.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Output folder.")
@click.option("--preset", default="classic", show_default=True,
              help="Ranking preset (the sample is the original tool's own data, which classic reproduces).")
@pass_ctx
def demo(ctx: Context, out: Path, preset: str) -> None:
    """Run the whole job offline on the bundled sample: import it, rank each day, write posts, feeds and site.

    Uses --db if given, else OUT/hotpapers-demo.db. Needs no network and no credentials. The sample is four days
    of the original tool's own data, so the demo ranks with classic, which reproduces its posts; try
    --preset default to compare (the sample's synthetic filler account then counts as one aggregator).
    """
    db = ctx.db_option or str(out / "hotpapers-demo.db")
    with run_lock(db, "hotpapers demo"):
        now = now_utc()
        result = pipeline.demo(
            out, db=db, now=now, preset=preset, finish_for=lambda store: stored_summaries(store, ctx.settings, now)
        )
    click.echo(f"store: {display_url(result.db)}")
    click.echo(f"{len(result.paths)} posts written under {out / 'posts'}:")
    for path in result.paths:
        click.echo(f"  {path}")
    click.echo(f"{len(result.feeds)} feeds (Atom, RSS, JSON Feed) written under {out / 'feeds'}")
    click.echo(f"static site ({len(result.site)} files): open {out / 'site' / 'index.html'}")
