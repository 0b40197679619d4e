"""``hotpapers summarize``: a TL;DR and a discussion summary for each paper a day's digest lists."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from hotpapers.cli import app
from hotpapers.cli.app import Context, pass_ctx
from hotpapers.cli.options import parse_date, rank_options
from hotpapers.errors import EXIT_PARTIAL
from hotpapers.jobs.history import recorded_run
from hotpapers.jobs.summarize import NO_MODEL, SummarizeOptions, SummaryReport, summarize_day

__all__ = ["report_lines", "report_record", "summarize_command"]


def _counts(counter: dict[str, int]) -> str:
    return ", ".join(f"{key} {n}" for key, n in sorted(counter.items())) or "none"


def report_lines(report: SummaryReport) -> list[str]:
    """What summarising did and spent, as plain lines for the terminal and logs."""
    lines = [f"summaries of {report.papers} listed papers: new {_counts(report.made)}; "
             f"unchanged {_counts(report.reused)}"]
    budget = report.budget
    if budget is not None:
        lines.append(
            f"model {report.model}: {budget.calls} calls about {len(budget.papers)} papers "
            f"(limit {budget.max_papers}), {budget.tokens:,} tokens (limit {budget.max_tokens:,}): "
            f"{budget.input_tokens:,} in, {budget.output_tokens:,} out"
        )
    if report.over_budget:
        lines.append(f"model budget spent: {len(report.over_budget)} papers got extractive summaries instead")
    if report.model_error:
        lines.append(f"model FAILED, not asked again this run: {report.model_error}")
    lines.extend(f"model FAILED: {failure}" for failure in report.failures)
    return lines


def report_record(report: SummaryReport) -> dict[str, Any]:
    """The report as JSON values, for the run history in the store."""
    budget = report.budget
    return {
        "papers": report.papers, "made": dict(report.made), "unchanged": dict(report.reused), "model": report.model,
        "calls": budget.calls if budget else 0, "model_papers": len(budget.papers) if budget else 0,
        "input_tokens": budget.input_tokens if budget else 0, "output_tokens": budget.output_tokens if budget else 0,
        "over_budget": len(report.over_budget), "failures": [*report.failures, *filter(None, [report.model_error])],
    }


@click.command("summarize")
@click.option("--date", "day", metavar="YYYY-MM-DD", callback=parse_date,
              help="Listing day [default: the newest with a published digest].")
@click.option("--model", metavar="NAME",
              help=f"An llm model id or alias [default: config summaries.model]; {NO_MODEL!r}: no model.")
@click.option("--preset", help="The digest's ranking preset [default: config, else default].")
@click.option("--force", is_flag=True, help="Make the summaries again, even those still current.")
@pass_ctx
def summarize_command(ctx: Context, day: dt.date | None, model: str | None, preset: str | None, force: bool) -> int:
    """Write a TL;DR and a summary of the discussion for each paper listed in a day's digest.

    Without a model (none configured, or --model extractive) the TL;DR is chosen from the abstract's own sentences
    and the discussion summary quotes the posts. With one (an llm model: see docs/summaries.md) the model writes
    them, within the per-run budget ([summaries] max_papers, max_tokens). Summaries are stored, made again only when
    their inputs change (or with --force), and added to the day's published digest. Exit code 8 if a model call
    failed (those papers keep extractive summaries).
    """
    preset = preset or ctx.settings.preset
    options = SummarizeOptions(
        day=day, preset=preset, model=model, force=force, rank_options=rank_options(ctx, preset, {})[0]
    )
    now = app.now_utc()
    with ctx.store("summarize") as store, recorded_run(store, "summarize", now) as record:
        result = summarize_day(store, ctx.settings, options, now)
        record.update({"day": str(result.day), **report_record(result.report)})
    click.echo(f"Listing day {result.day} ({preset}): {len(result.digest.papers)} papers listed")
    for line in report_lines(result.report):
        click.echo(line)
    return EXIT_PARTIAL if result.report.failed else 0
