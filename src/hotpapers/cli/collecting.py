"""Commands that talk to social platforms: ``sources``, ``collect`` and the main job ``run``."""

from __future__ import annotations

import datetime as dt
import os
from collections import ChainMap
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table

from hotpapers.cli import app
from hotpapers.cli.app import Context, cli, pass_ctx
from hotpapers.cli.enrich import print_providers, provider_lines
from hotpapers.cli.logs import summarised
from hotpapers.cli.options import parse_date, rank_options, ranking_flags
from hotpapers.cli.summarize import report_lines, report_record
from hotpapers.cli.words import in_cli_words
from hotpapers.errors import EXIT_PARTIAL, UsageError
from hotpapers.jobs.collect import SourceReport, collect, source_statuses
from hotpapers.jobs.days import NoDayError, day_or_latest
from hotpapers.jobs.enrich import provider_statuses
from hotpapers.jobs.environment import Environment
from hotpapers.jobs.history import recorded_run
from hotpapers.jobs.registry import load_registry
from hotpapers.jobs.run import RunOptions, RunSummary, run

__all__ = ["collect_command", "run_command", "sources_command"]


def _environment(ctx: Context) -> Environment:
    """Sources read ``HOTPAPERS_*`` from the environment, which wins over the config file's source tables."""
    settings = ctx.settings
    return Environment(env=ChainMap(os.environ, settings.source_env), now=app.now_utc, contact=settings.contact or None,
                       timeout=settings.http_timeout)


class _Reporter:
    """Progress for long steps: a rich progress bar on a terminal, plain log lines otherwise."""

    def __init__(self, total: int) -> None:
        self._console = Console(stderr=True)
        self._progress: Progress | None = None
        self._total = total

    def __enter__(self) -> _Reporter:
        if self._console.is_terminal:
            self._progress = Progress(
                SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                console=self._console, transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task("starting", total=self._total)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def step(self, message: str, advance: int = 1) -> None:
        """Show ``message`` and move the bar by ``advance`` steps."""
        if self._progress is not None:
            self._progress.update(self._task, description=message, advance=advance)
        else:
            click.echo(f"hotpapers: {message}", err=True)


def _status(report: SourceReport) -> str:
    if report.failed:
        return f"FAILED: {report.error}"
    return "ok" if report.enabled else f"disabled: {report.reason}"


_COLUMNS = ("source", "status", "posts", "snapshots", "gone", "requests", "seconds", "usage")


def _usage(report: SourceReport) -> str:
    """What the source spent: "1,200 posts read, est. $6.00 (3,800 of today's 5,000 left)"; "" if it does not say."""
    usage = report.usage
    if usage is None:
        return ""
    text = f"{usage.quantity:,} {usage.unit}"
    if usage.cost is not None:
        text += f", est. ${usage.cost:,.2f}"
    return f"{text} ({usage.note})" if usage.note else text


def _print_sources(console: Console, reports: list[SourceReport], title: str) -> None:
    """A table on a terminal; plain tab-separated lines (easy to grep in logs) otherwise."""
    rows = [
        (r.name, _status(r), str(r.posts), str(r.snapshots), str(r.gone), str(r.requests), f"{r.seconds:.1f}",
         _usage(r))
        for r in reports
    ]
    if not console.is_terminal:
        click.echo(title)
        for row in [_COLUMNS, *rows]:
            click.echo("\t".join(row))
        _print_warnings(reports)
        return
    table = Table(title=title)
    for column in _COLUMNS:
        table.add_column(column, justify="left" if column in ("source", "status") else "right")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    _print_warnings(reports)


def _print_warnings(reports: list[SourceReport]) -> None:
    """What each source warned about (a window cut short, a page cap reached, items skipped)."""
    for report in reports:
        for message in report.warnings:
            click.echo(f"warning: {report.name}: {message.removeprefix(f'{report.name}: ')}")
        if report.warnings_left_out:
            click.echo(f"warning: {report.name}: {report.warnings_left_out} more warnings (-v shows them all)")


@cli.command("sources")
@pass_ctx
def sources_command(ctx: Context) -> None:
    """List every registered source, whether it is enabled (and how it is set up), and if not, how to enable it;
    then the enrichment providers (also ``hotpapers providers``)."""
    registry = load_registry()
    for report in source_statuses(registry, _environment(ctx)):
        if report.enabled:
            state = f"enabled ({report.reason})" if report.reason else "enabled"
        else:
            state = f"disabled: {report.reason}"
        click.echo(f"{report.name}: {state}")
    for line in provider_lines(provider_statuses(registry, _environment(ctx))):
        click.echo(line)


@cli.command("collect")
@click.option("--source", "names", multiple=True, help="A source to ask (repeatable; default: every enabled one).")
@click.option("--date", "day", metavar="YYYY-MM-DD", callback=parse_date, help="Listing day [default: latest stored].")
@pass_ctx
def collect_command(ctx: Context, names: tuple[str, ...], day: dt.date | None) -> int:
    """Collect the posts about a listing day's papers from the social sources, and their engagement.

    Exit code 8 if a source failed (the others still ran).
    """
    console = Console(highlight=False)
    registry = load_registry()
    with (
        ctx.store("collect") as store,
        recorded_run(store, "collect", app.now_utc()) as summary,
        _Reporter(len(names) or len(registry.sources)) as reporter,
    ):
        try:
            chosen = day_or_latest(store, day)
        except NoDayError as e:
            raise click.UsageError(in_cli_words(e)) from None
        with summarised():  # the sources' warnings are listed under the table
            reports = collect(
                store, registry, day=chosen, names=list(names) or None, environment=_environment(ctx),
                progress=lambda r: reporter.step(f"{r.name}: {r.posts} posts, {r.snapshots} snapshots"),
            )
        summary.update({r.name: {"posts": r.posts, "error": r.error} for r in reports})
    _print_sources(console, reports, f"Collected for {chosen}")
    return EXIT_PARTIAL if any(r.failed for r in reports) else 0


def _print_summary(console: Console, summary: RunSummary) -> None:
    console.print(f"Listing day {summary.day}: {summary.papers} papers in the store, {summary.ranked} ranked")
    for ingested in summary.ingested:
        counts = ", ".join(f"{k.value} {v}" for k, v in ingested.counts.items())
        console.print(f"arXiv {ingested.day} ({ingested.source}): {counts}; {ingested.requests} requests")
    if summary.ingest_error:
        console.print(f"arXiv FAILED (kept the stored papers): {summary.ingest_error}")
    _print_sources(console, summary.sources, "Sources")
    if summary.providers:
        days = summary.enriched_days
        print_providers(console, summary.providers, f"Enrichment ({len(days)} day{'s' if len(days) != 1 else ''})")
    if summary.model_error:  # plain lines (no wrapping, no markup): they quote outside text
        click.echo(f"summary model FAILED (extractive summaries instead): {summary.model_error}")
    for line in report_lines(summary.summaries) if summary.summaries else ():
        click.echo(line)
    for path in summary.outputs:
        console.print(f"wrote {path}")
    if summary.profile_outputs or summary.deliveries:
        from hotpapers.cli.deliver import report_line  # noqa: PLC0415

        for path in summary.profile_outputs:
            console.print(f"wrote {path}")
        for report in summary.deliveries:
            click.echo(report_line(report))  # plain: it may quote a server's answer


@cli.command("run")
@click.option("--date", "day", metavar="YYYY-MM-DD", callback=parse_date,
              help="Listing day [default: the latest whose window has closed].")
@click.option("--source", "names", multiple=True, help="A source to ask (repeatable) [default: config or all].")
@click.option("--format", "formats", multiple=True, help="Output format (repeatable) [default: config, lumen].")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder [default: config].")
@click.option("--no-ingest", is_flag=True, help="Use the papers already in the store; do not ask arXiv.")
@click.option("--no-enrich", is_flag=True, help="Do not ask the enrichment providers (code, artifacts, citations).")
@ranking_flags
@pass_ctx
def run_command(
    ctx: Context, day: dt.date | None, names: tuple[str, ...], formats: tuple[str, ...], out: Path | None,
    no_ingest: bool, no_enrich: bool, preset: str | None, **flags: Any,
) -> int:
    """The daily job: ingest arXiv's announcement, collect posts from every enabled source, enrich the papers
    (code, artifacts, citations: docs/enrichment.md), rank, render.

    Run it after arXiv's 20:00 ET announcement: by default it digests the listing day whose window has just
    closed (announced the evening before), and ingests the new listing for the next run. Ends with a summary
    table. A failing source never aborts the run; the exit code is then 8.
    """
    settings = ctx.settings
    preset = preset or settings.preset
    rank_kwargs, _ = rank_options(ctx, preset, flags)
    options = RunOptions(
        day=day,
        sources=list(names) or list(settings.sources) or None,
        formats=list(formats) or list(settings.formats),
        out_dir=out or Path(settings.out_dir),
        preset=preset,
        ingest=not no_ingest,
        rank_options=rank_kwargs,
        enrich=not no_enrich,
        providers=list(settings.enrich.providers) or None,
    )
    console = Console(highlight=False)
    registry = load_registry()
    steps = 4 + len(options.sources or registry.sources) + len(options.providers or registry.providers)
    with (
        ctx.store("run") as store,
        recorded_run(store, "run", app.now_utc()) as record,
        _Reporter(steps) as reporter,
    ):
        with summarised(), summarised("hotpapers.enrich"):  # their warnings are listed under the summary tables
            try:
                summary = run(store, settings, registry, options, _environment(ctx), step=reporter.step)
            except NoDayError:
                raise UsageError("--no-ingest: the store has no announced day; give --date or ingest first") from None
        record.update({"day": str(summary.day), "ranked": summary.ranked, "failed": summary.failed})
        if summary.summaries is not None:
            record["summaries"] = report_record(summary.summaries)
    _print_summary(console, summary)
    return EXIT_PARTIAL if summary.failed else 0
