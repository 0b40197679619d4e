"""The X read budget: how many posts the ``x`` source may read per run and per UTC day, and what that costs.

X bills every post its API returns (search results and lookups alike, ``$0.005`` per post read as published in
2026; a post returned again the same UTC day is billed once). A user sets the budget in posts read, the unit X
bills, from the environment or the config file's ``[x]`` table (see docs/sources/x.md):

* ``HOTPAPERS_X_MAX_READS_PER_RUN`` (``x.max_reads_per_run``): at most this many posts read by one run
  (default ``DEFAULT_PER_RUN``; ``0``: no limit);
* ``HOTPAPERS_X_MAX_READS_PER_DAY`` (``x.max_reads_per_day``): at most this many per UTC day, over every run of
  that day (default ``DEFAULT_PER_DAY``; ``0``: no limit). What was read today is kept in the store as the
  source's checkpoint ``budget:YYYY-MM-DD`` (a ``Checkpoint`` record, saved with the posts it paid for), so a
  second run the same day starts where the first stopped;
* ``HOTPAPERS_X_PRICE_PER_READ`` (``x.price_per_read``): US dollars per post read, for the estimate in the run
  summary (default ``DEFAULT_PRICE``);
* ``HOTPAPERS_X_MAX_PAGES``, deprecated: the former page cap; ``N`` pages mean ``N x 100`` reads per run (``0``:
  no limit). It is used only when ``HOTPAPERS_X_MAX_READS_PER_RUN`` is not set, with a warning.

Every post in a response counts, also those that link no paper or are reposts (X bills them all), so the
estimate is an upper bound of the bill: X's once-a-day rule can only make it smaller.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import orjson

from hotpapers.plugins import Checkpoint, SourceUsage

__all__ = [
    "DEFAULT_PER_DAY",
    "DEFAULT_PER_RUN",
    "DEFAULT_PRICE",
    "MIN_SEARCH_PAGE",
    "ReadBudget",
    "budget_from_env",
    "budget_summary",
    "returned_posts",
]

log = logging.getLogger("hotpapers.sources.x.source")

DEFAULT_PER_RUN = 2_000  # the former default of 20 search pages of 100
DEFAULT_PER_DAY = 5_000
DEFAULT_PRICE = 0.005  # US dollars per post read (X's published pay-per-use price, 2026)
MIN_SEARCH_PAGE = 10  # recent search's smallest max_results
POSTS_PER_PAGE = 100
STATE_PREFIX = "budget:"

_RUN, _DAY, _PRICE, _PAGES = (
    "HOTPAPERS_X_MAX_READS_PER_RUN",
    "HOTPAPERS_X_MAX_READS_PER_DAY",
    "HOTPAPERS_X_PRICE_PER_READ",
    "HOTPAPERS_X_MAX_PAGES",
)


@dataclass(frozen=True, slots=True)
class BudgetSettings:
    """The limits (None: no limit) and the price per read."""

    per_run: int | None
    per_day: int | None
    price: float
    deprecated_pages: bool = False  # the per-run limit came from HOTPAPERS_X_MAX_PAGES


class _Problem(ValueError):
    """A budget setting that cannot be read; the message names the variable."""


def _count(env: Mapping[str, str], name: str, default: int) -> int | None:
    """A limit from ``name``: a count, or None for 0 (no limit).

    Raises:
        _Problem: the value is not a whole number.
    """
    text = env.get(name, "").strip()
    if not text:
        return default
    if text.isascii() and text.isdigit() and len(text) <= 12:
        return int(text) or None
    raise _Problem(f"{name} must be a whole number (0: no limit), got {text!r}")


def _price(env: Mapping[str, str]) -> float:
    text = env.get(_PRICE, "").strip()
    try:
        price = float(text) if text else DEFAULT_PRICE
    except ValueError:
        price = math.nan
    if not (math.isfinite(price) and price >= 0):
        raise _Problem(f"{_PRICE} must be a number of US dollars >= 0, got {text!r}")
    return price


def budget_from_env(env: Mapping[str, str]) -> tuple[BudgetSettings, str]:
    """The budget settings and a problem message ("" if none) from the source's environment."""
    deprecated = not env.get(_RUN, "").strip() and bool(env.get(_PAGES, "").strip())
    try:
        if deprecated:
            pages = _count(env, _PAGES, 0)
            per_run = None if pages is None else pages * POSTS_PER_PAGE
        else:
            per_run = _count(env, _RUN, DEFAULT_PER_RUN)
        return BudgetSettings(per_run, _count(env, _DAY, DEFAULT_PER_DAY), _price(env), deprecated), ""
    except _Problem as e:
        return BudgetSettings(DEFAULT_PER_RUN, DEFAULT_PER_DAY, DEFAULT_PRICE), str(e)


def budget_summary(settings: BudgetSettings) -> str:
    """The budget in a line for ``hotpapers sources``: the limits and the most a day can cost."""
    run = "no per-run limit" if settings.per_run is None else f"at most {settings.per_run:,} posts read per run"
    if settings.per_day is None:
        return f"read budget: {run}, no daily limit, ${settings.price:g} per read"
    most = settings.per_day * settings.price
    return (f"read budget: {run}, {settings.per_day:,} per UTC day (at most ${most:,.2f} a day at "
            f"${settings.price:g} per read)")


def returned_posts(body: bytes) -> int:
    """How many posts an X response returned (its ``data`` items): what X bills, whatever hotpapers keeps."""
    try:
        data = orjson.loads(body).get("data")
    except (orjson.JSONDecodeError, AttributeError):
        return 0
    return len(data) if isinstance(data, list) else 0


def _stored_reads(text: str | None, day: dt.date) -> int:
    """The posts read on ``day`` by earlier runs, from the checkpoint's JSON (0 if none or unreadable)."""
    if text is None:
        return 0
    try:
        reads = orjson.loads(text).get("reads")
    except (orjson.JSONDecodeError, AttributeError):
        reads = None
    if isinstance(reads, bool) or not isinstance(reads, int) or reads < 0:
        log.warning("x: the stored read count for %s is unreadable (%r); counting from 0", day, text[:60])
        return 0
    return reads


class ReadBudget:
    """Counts the posts read in this run and today, and says how many more may be read."""

    def __init__(self, settings: BudgetSettings, now: Callable[[], dt.datetime],
                 state: Callable[[str], str | None]) -> None:
        self.settings = settings
        self.day = now().astimezone(dt.UTC).date()  # X bills per UTC day
        self.before = _stored_reads(state(self.key), self.day)
        self.run_reads = 0

    @property
    def key(self) -> str:
        """The checkpoint key of the budget day."""
        return f"{STATE_PREFIX}{self.day.isoformat()}"

    @property
    def day_reads(self) -> int:
        """Posts read today, this run included."""
        return self.before + self.run_reads

    def allowance(self) -> int | None:
        """How many more posts may be read now (None: no limit)."""
        left = [limit - used for limit, used in ((self.settings.per_run, self.run_reads),
                                                 (self.settings.per_day, self.day_reads)) if limit is not None]
        return max(0, min(left)) if left else None

    def limit_name(self) -> str:
        """Which limit is the tighter one now, as a user would name it."""
        run_left = None if self.settings.per_run is None else self.settings.per_run - self.run_reads
        day_left = None if self.settings.per_day is None else self.settings.per_day - self.day_reads
        if day_left is not None and (run_left is None or day_left <= run_left):
            return f"the daily budget of {self.settings.per_day:,} posts read (HOTPAPERS_X_MAX_READS_PER_DAY)"
        name = "HOTPAPERS_X_MAX_PAGES x 100" if self.settings.deprecated_pages else "HOTPAPERS_X_MAX_READS_PER_RUN"
        return f"the per-run budget of {self.settings.per_run:,} posts read ({name})"

    def spend(self, reads: int) -> Checkpoint:
        """Count ``reads`` posts read; the checkpoint to save with the records they paid for."""
        self.run_reads += reads
        return Checkpoint(self.key, orjson.dumps({"reads": self.day_reads}).decode())

    def usage(self) -> SourceUsage:
        """This run's reads and estimated cost, with today's total against the daily budget."""
        per_day = self.settings.per_day
        today = f"{self.day_reads:,} of the day's {per_day:,}" if per_day is not None else f"{self.day_reads:,}"
        return SourceUsage(self.run_reads, "posts read", self.run_reads * self.settings.price,
                           f"at ${self.settings.price:g} per read; UTC {self.day}: {today}")
