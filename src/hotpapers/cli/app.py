"""Commands. Each parses its options, opens the store, calls one pipeline function and reports."""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, cast

import click

from hotpapers import pipeline
from hotpapers.bounds import DATE_RANGE, EARLIEST, FIRST_DAY, INSTANT_RANGE, LAST_DAY, MAX_COUNT, supported
from hotpapers.cli.lazy import LazyGroup
from hotpapers.cli.logs import configure_logging
from hotpapers.config import Settings, load_settings, parse_size
from hotpapers.errors import UsageError
from hotpapers.links import find_arxiv_ids
from hotpapers.preset_options import option_flags, preset_options
from hotpapers.store import Store, check_store_url, display_url, open_store, require_store, same_store
from hotpapers.store.lock import run_lock

if TYPE_CHECKING:
    from hotpapers import windows
    from hotpapers.ingest_job import DaySummary

__all__ = ["cli"]


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    """Option callback: a calendar date written ``YYYY-MM-DD``, within the supported dates (``hotpapers.bounds``).

    Only that form: ``date.fromisoformat`` also reads ``20210219`` and ``2021-W07-5``, which the help does not promise.
    """
    if value is None:
        return None
    try:
        if not _DATE.fullmatch(value):
            raise ValueError
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value[:40]!r} is not a date of the form YYYY-MM-DD") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise click.BadParameter(f"{value} is outside the supported range ({DATE_RANGE})")
    return day


def _parse_size(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    """Option callback: a size in bytes such as ``33554432``, ``512k``, ``64M`` or ``1G``."""
    if value is None:
        return None
    try:
        return parse_size(value, f"--{(param.name or '').replace('_', '-')}")
    except ValueError as e:
        raise click.BadParameter(str(e).partition(": ")[2]) from None


def _finite(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """Option callback: a number that is neither NaN nor infinite (click's FloatRange lets both through)."""
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a finite number")
    return value


def _check_month(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Option callback: a month written ``YYYY-MM`` (its days are checked against the supported range later)."""
    if value is not None and not (_MONTH.fullmatch(value) and 1 <= int(value[5:]) <= 12):
        raise click.BadParameter(f"{value[:40]!r} is not a month of the form YYYY-MM")
    return value


_MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")


def _parse_datetime(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.datetime | None:
    """Option callback: an ISO 8601 date-time with a UTC offset, within the supported range."""
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value[:40]!r} is not an ISO 8601 date-time") from None
    if parsed.tzinfo is None:
        raise click.BadParameter(f"{value!r} has no UTC offset (add Z or +HH:MM)")
    if not supported(parsed):
        raise click.BadParameter(f"{value} is outside the supported range ({INSTANT_RANGE})")
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
            check_store_url(self._settings.db, "--db" if self.db_option else "the store ($HOTPAPERS_DB or db)")
        return self._settings

    def store(self) -> AbstractContextManager[Store]:
        """Open the configured store (closed when the command ends).

        A writing command first takes the store's run lock (``hotpapers.store.lock``), held until the store is
        closed; the read-only commands (``READ_ONLY``) do not.
        """
        name, path = _command()
        if name in MUST_EXIST:
            require_store(self.settings.db)  # before the lock, which would leave a <db>.lock behind
        if name in READ_ONLY:
            return open_store(self.settings.db, create=name not in MUST_EXIST)
        return _locked_store(self.settings.db, path, create=name not in MUST_EXIST)


READ_ONLY = frozenset({"export", "site", "sources", "providers", "resolve", "copy-store"})
"""Top-level commands that only read the store, and so take no run lock."""

MUST_EXIST = frozenset({"export", "site", "copy-store", "render", "publish", "deliver"})
"""Commands that only read or render the store: they refuse one that does not exist (exit 5) instead of creating
an empty one, so that a mistyped ``--db`` gives an error, not an empty backup or site. ``import``, ``ingest``,
``run``, ``collect``, ``listen``, ``replay`` and ``demo`` create the store."""


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
def _locked_store(db: str, command: str, *, create: bool = True) -> Iterator[Store]:
    with run_lock(db, command), open_store(db, create=create) as store:
        yield store


pass_ctx: Callable[..., Any] = click.make_pass_decorator(Context)


def now_utc() -> dt.datetime:
    """The current time (a function, so tests can freeze it)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="hotpapers", prog_name="hotpapers")  # read on use, not at start-up
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
    configure_logging(verbose)  # with -v, request URLs are logged with credentials redacted (redact_url)
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
    from hotpapers.ingest_job import listing_days  # noqa: PLC0415  (commands import their jobs on use)

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
    from hotpapers import ingest_job  # noqa: PLC0415  (commands import their jobs on use: a light start-up)

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
@click.option(
    "--max-record-bytes", "max_record", metavar="SIZE", callback=_parse_size,
    help="The largest record read: a native line or a whole legacy file, e.g. 64M "
         "[default: $HOTPAPERS_MAX_RECORD_BYTES, config max_record_bytes, else 32M].",
)
@pass_ctx
def import_(ctx: Context, files: tuple[Path, ...], observed_at: dt.datetime | None, max_record: int | None) -> None:
    """Import FILES into the store: the native JSON Lines format or the original tool's JSON.

    Either every file is imported or, on the first bad record, none is. A FILE of - is standard input (a pipe
    works, and so does /dev/stdin). A record longer than the size cap is refused, so an endless input cannot
    fill the memory. Records with the same key (a paper's id, a post's platform and id, ...) in one import: the
    last one wins wholly (a post's links accumulate); the summary counts them.
    """
    limit = max_record or ctx.settings.max_record_bytes
    with ctx.store() as store, pipeline.recorded_run(store, "import", now_utc()) as summary:
        result = pipeline.import_files(
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
    check_store_url(dest, "copy-store URL")
    if same_store(dest, ctx.settings.db):
        raise UsageError(f"copy-store {display_url(dest)}: that is the store being copied (--db)")
    with ctx.store() as source, _locked_store(dest, f"hotpapers copy-store {display_url(dest)}") as target:
        counts = pipeline.copy_store(source, target)
    click.echo(f"copied to {display_url(dest)}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


def ranking_flags(command: Callable[..., Any]) -> Callable[..., Any]:
    """The ranking options shared by ``render`` and ``run``: the preset, its thresholds and the filters."""
    flags = [
        click.option("--preset", help="Ranking preset: default or classic [default: config, else default]."),
        click.option("--min-score", type=click.FloatRange(min=0), callback=_finite,
                     help="Keep papers scoring at least this."),
        click.option("--max-posts", type=click.IntRange(min=0, max=MAX_COUNT),
                     help="Show at most this many posts per paper."),
        click.option("--split-credit/--full-credit", default=None,
                     help="A post linking n papers gives each 1/n of its score (default: on; classic: off)."),
        click.option("--min-post-score", type=click.IntRange(min=0, max=MAX_COUNT),
                     help="classic: embed posts scoring this [25]."),
        click.option("--keep-without-pdf", is_flag=True, help="classic: keep papers that have no PDF link."),
        click.option("--keyword", "keywords", multiple=True, help="default: only papers with this word (repeatable)."),
        click.option("--exclude-keyword", "exclude_keywords", multiple=True, help="default: drop papers with it."),
        click.option("--author", "authors", multiple=True, help="default: only papers by this author (repeatable)."),
        click.option("--category", "categories", multiple=True, help="default: only these archives or categories."),
        click.option("--exclude-category", "exclude_categories", multiple=True, help="default: drop these."),
        click.option("--option", "options", multiple=True, metavar="NAME=VALUE",
                     help="Any option of the preset (docs/ranking.md), e.g. low_credibility_cap=8 (repeatable)."),
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
    return {**option_flags(preset, flags.get("options") or ()), **chosen}


def rank_options(ctx: Context, preset: str, flags: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """(keyword arguments for the preset, whether flags were given) from the config and the command line."""
    overrides = rank_overrides(preset, flags)
    where = str(ctx.settings.config_path or "config")
    return preset_options(preset, ctx.settings.ranking.get(preset, {}), overrides, where), bool(overrides)


def _render_scope(
    day: dt.date | None, start: dt.date | None, end: dt.date | None, week: dt.date | None, month: str | None
) -> windows.DateRange | None:
    """The range of a roll-up (or of ``rising``) from the render options; None for one --date or no scope."""
    from hotpapers import windows  # noqa: PLC0415  (commands import their jobs on use)

    given = [name for name, value in (("--date", day), ("--from/--to", start or end), ("--week", week),
                                      ("--month", month)) if value is not None]
    if len(given) > 1:
        raise UsageError(f"give only one of --date, --from/--to, --week, --month (got {' and '.join(given)})")
    if (start is None) != (end is None):
        raise UsageError("--from and --to go together")
    if start is not None and end is not None:
        return _supported(windows.date_range(start, end), "--from/--to")
    if week is not None:
        return _supported(windows.week_range(week), "--week")
    if month is not None:
        return _supported(windows.month_range(month), "--month")
    return None


def _supported(span: windows.DateRange, option: str) -> windows.DateRange:
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


@cli.command()
@click.option("--date", "day", metavar="YYYY-MM-DD", callback=_parse_date, help="Listing day (the daily digest).")
@click.option("--from", "start", metavar="YYYY-MM-DD", callback=_parse_date, help="Roll-up: first day of a range.")
@click.option("--to", "end", metavar="YYYY-MM-DD", callback=_parse_date, help="Roll-up: last day (inclusive).")
@click.option("--week", metavar="YYYY-MM-DD", callback=_parse_date, help="Roll-up: the Mon-Fri week of this day.")
@click.option("--month", metavar="YYYY-MM", callback=_check_month, help="Roll-up: this month's listing days.")
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
    from hotpapers import windows  # noqa: PLC0415  (commands import their jobs on use)
    from hotpapers.enrich.view import only_with_code  # noqa: PLC0415
    from hotpapers.jobs.summarize import stored_summaries  # noqa: PLC0415  (the summaries stack: on use only)

    scope = _render_scope(day, start, end, week, month)
    if hours is not None and window != "rising":
        raise UsageError("--hours applies only to --window rising")
    if hours is not None:
        _check_hours(hours, now_utc())
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
                options=options, has_code=has_code, finish=stored_summaries(store, ctx.settings, now),
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
            paths = windows.write_view(only_with_code(digest) if has_code else digest, formats=formats, out_dir=out)
            summary["view"] = digest.title
        summary["paths"] = [str(p) for p in paths]
    for path in paths:
        click.echo(str(path))


def _render_profile(
    ctx: Context, name: str, day: dt.date | None, views: tuple[object, ...], flags: dict[str, Any], preset: str | None,
    *, formats: tuple[str, ...], out: Path, refresh: bool, has_code: bool,
) -> None:
    """``render --profile``: one listing day, no view, no ranking flag (``hotpapers.jobs.profiles``)."""
    from hotpapers.jobs.profiles import configured_profiles, render_profile  # noqa: PLC0415
    from hotpapers.jobs.summarize import stored_summaries  # noqa: PLC0415
    from hotpapers.profiles.config import profile_named  # noqa: PLC0415

    if day is None or any(v is not None for v in views):
        raise UsageError("--profile renders one listing day: give --date (and no view option)")
    if preset is not None or rank_overrides("default", flags):
        raise UsageError("--profile ranks with the config's [ranking.default] options: give no --preset or "
                         "ranking flag")
    profile = profile_named(configured_profiles(ctx.settings), name)
    now = now_utc()
    with ctx.store() as store, pipeline.recorded_run(store, f"render --profile {name}", now) as summary:
        result = render_profile(store, ctx.settings, profile, day, formats=formats, out_dir=out, now=now,
                                refresh=refresh, has_code=has_code, finish=stored_summaries(store, ctx.settings, now))
        summary.update({"profile": name, "papers": len(result.digest.papers), "paths": [str(p) for p in result.paths]})
    for path in result.paths:
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
    from hotpapers.jobs.summarize import stored_summaries  # noqa: PLC0415  (the summaries stack: on use only)

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
