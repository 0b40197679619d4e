"""What several commands parse the same way: option callbacks for dates, sizes, numbers and months, and the ranking
options of ``render`` and ``run`` (the preset, its thresholds, its filters, ``--option NAME=VALUE``)."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any

import click

from hotpapers.bounds import DATE_RANGE, FIRST_DAY, INSTANT_RANGE, LAST_DAY, MAX_COUNT, supported
from hotpapers.cli.app import Context
from hotpapers.cli.words import in_cli_words
from hotpapers.config import parse_size
from hotpapers.errors import UsageError
from hotpapers.jobs.render import preset_options, preset_overrides

__all__ = [
    "check_month",
    "finite",
    "parse_date",
    "parse_datetime",
    "parse_size_option",
    "rank_options",
    "rank_overrides",
    "ranking_flags",
]


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
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


def parse_size_option(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    """Option callback: a size in bytes such as ``33554432``, ``512k``, ``64M`` or ``1G``."""
    if value is None:
        return None
    try:
        return parse_size(value, f"--{(param.name or '').replace('_', '-')}")
    except ValueError as e:
        raise click.BadParameter(str(e).partition(": ")[2]) from None


def finite(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """Option callback: a number that is neither NaN nor infinite (click's FloatRange lets both through)."""
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a finite number")
    return value


def check_month(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Option callback: a month written ``YYYY-MM`` (its days are checked against the supported range later)."""
    if value is not None and not (_MONTH.fullmatch(value) and 1 <= int(value[5:]) <= 12):
        raise click.BadParameter(f"{value[:40]!r} is not a month of the form YYYY-MM")
    return value

_MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")


def parse_datetime(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.datetime | None:
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


def ranking_flags(command: Callable[..., Any]) -> Callable[..., Any]:
    """The ranking options shared by ``render`` and ``run``: the preset, its thresholds and the filters."""
    flags = [
        click.option("--preset", help="Ranking preset: default or classic [default: config, else default]."),
        click.option("--min-score", type=click.FloatRange(min=0), callback=finite,
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
    try:
        return preset_overrides(preset, given, flags.get("options") or ())
    except UsageError as e:
        if e.subject == "option":  # a bad --option NAME=VALUE: one line, as every other hotpapers error
            raise
        raise click.UsageError(in_cli_words(e)) from None  # a flag of the other preset: click's usage error


def rank_options(ctx: Context, preset: str, flags: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """(keyword arguments for the preset, whether flags were given) from the config and the command line."""
    overrides = rank_overrides(preset, flags)
    where = str(ctx.settings.config_path or "config")
    return preset_options(preset, ctx.settings.ranking.get(preset, {}), overrides, where), bool(overrides)
