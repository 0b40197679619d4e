"""The enrichment commands: ``enrich`` (code, artifacts, citations of a listing day's papers) and ``providers``.

Register with ``cli.add_command(enrich_command)`` and ``cli.add_command(providers_command)``.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace

import click
from rich.console import Console
from rich.table import Table

from hotpapers.cli import app
from hotpapers.cli.app import Context, pass_ctx
from hotpapers.cli.logs import summarised
from hotpapers.cli.options import parse_date
from hotpapers.errors import EXIT_PARTIAL
from hotpapers.jobs.days import stored_days
from hotpapers.jobs.enrich import ProviderReport, enrich, provider_statuses
from hotpapers.jobs.environment import Environment
from hotpapers.jobs.history import recorded_run
from hotpapers.jobs.registry import load_registry

__all__ = ["enrich_command", "print_providers", "provider_lines", "providers_command"]

_COLUMNS = ("provider", "status", "links", "stars", "artifacts", "citations", "requests", "304", "seconds")


def _environment(ctx: Context) -> Environment:
    """Providers read their endpoints and keys from the environment (as ``hotpapers.cli.collecting`` does)."""
    settings = ctx.settings
    return Environment(env=os.environ, now=app.now_utc, contact=settings.contact or None, timeout=settings.http_timeout)


def _status(report: ProviderReport) -> str:
    if report.failed:
        return f"FAILED: {report.error}"
    return "ok" if report.enabled else f"disabled: {report.reason}"


def print_providers(console: Console, reports: list[ProviderReport], title: str) -> None:
    """A table of what each provider did (plain tab-separated lines when not on a terminal), then its warnings."""
    rows = [
        (r.name, _status(r), *(str(r.found.get(k, 0)) for k in ("links", "stars", "artifacts", "citations")),
         str(r.requests), str(r.not_modified), f"{r.seconds:.1f}")
        for r in reports
    ]  # fmt: skip
    if not console.is_terminal:
        click.echo(title)
        for row in [_COLUMNS, *rows]:
            click.echo("\t".join(row))
    else:
        table = Table(title=title)
        for column in _COLUMNS:
            table.add_column(column, justify="left" if column in ("provider", "status") else "right")
        for row in rows:
            table.add_row(*row)
        console.print(table)
    for report in reports:
        for message in report.warnings:
            click.echo(f"warning: {report.name}: {message.removeprefix(f'{report.name}: ')}")
        if report.warnings_left_out:
            click.echo(f"warning: {report.name}: {report.warnings_left_out} more warnings (-v shows them all)")


def provider_lines(reports: list[ProviderReport]) -> list[str]:
    """One line per provider: enabled (with how to do better) or disabled (with how to enable it)."""
    lines = []
    for report in reports:
        state = "enabled" if report.enabled else "disabled"
        lines.append(f"{report.name} (enrichment): {state}" + (f": {report.reason}" if report.reason else ""))
    return lines


@click.command("providers")
@pass_ctx
def providers_command(ctx: Context) -> None:
    """List every enrichment provider, whether it is enabled, and how to enable it or raise its limits."""
    for line in provider_lines(provider_statuses(load_registry(), _environment(ctx))):
        click.echo(line)


@click.command("enrich")
@click.option("--date", "day", metavar="YYYY-MM-DD", callback=parse_date,
              help="Listing day [default: the latest stored].")
@click.option("--days", type=click.IntRange(min=1), default=1, show_default=True,
              help="Enrich the stored days among this many listing days ending at --date (7: refresh a week).")
@click.option("--provider", "names", multiple=True,
              help="A provider to ask (repeatable): code, artifacts, scholarly [default: every enabled one].")
@click.option("--all-papers", is_flag=True,
              help="Per-paper requests for every paper of the day, not only those with a post [config].")
@pass_ctx
def enrich_command(ctx: Context, day: dt.date | None, days: int, names: tuple[str, ...], all_papers: bool) -> int:
    """Find each paper's code (and its GitHub stars), Hugging Face artifacts and citations; store them.

    A record younger than the provider's refresh interval is not asked again (see docs/enrichment.md), so a
    re-run costs no request. Exit code 8 if a provider failed (the others still ran; what it found is kept).
    """
    console = Console(highlight=False)
    settings = replace(ctx.settings.enrich, all_papers=True) if all_papers else ctx.settings.enrich
    registry = load_registry()
    with (
        ctx.store("enrich") as store,
        recorded_run(store, "enrich", app.now_utc()) as summary,
        summarised("hotpapers.enrich"),  # the providers' warnings are listed under the table
    ):
        chosen = stored_days(store, day, days)
        reports = enrich(
            store, registry, days=chosen, names=list(names) or None, environment=_environment(ctx),
            settings=settings, progress=lambda r: click.echo(f"hotpapers: enriched with {r.name}", err=True),
        )
        summary.update({r.name: {"found": r.found, "error": r.error} for r in reports})
    shown = chosen[-1].isoformat() + (f" and {len(chosen) - 1} stored day(s) before it" if len(chosen) > 1 else "")
    print_providers(console, reports, f"Enriched {shown}")
    return EXIT_PARTIAL if any(r.failed for r in reports) else 0
