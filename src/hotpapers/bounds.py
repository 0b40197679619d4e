"""The ranges hotpapers accepts at its boundaries: instants, dates, counts and numbers read from text.

Everything that enters hotpapers from outside (a native or legacy import, a response of arXiv, X, Bluesky, Hacker
News or Hugging Face, a Jetstream event, a command-line option) is checked against these ranges where it is parsed.
A value outside them is refused there with one line naming the record and field (imports, options), or the item is
skipped and counted (sources, the firehose); it never reaches the store. Inside hotpapers every value is then one
the store holds exactly, the calendar can compute with and every writer can render.

* **Instants** (``created_at``, ``observed_at``, ``submitted``, a digest's window, …): from
  ``1970-01-01T00:00:00Z`` to ``2199-12-31T23:59:59.999999Z``. The Unix epoch starts the range (every platform's
  timestamps are Unix times; arXiv began in 1991); the end leaves every date computation (the next listing day,
  a week or a month around a day, time zones) far from ``datetime``'s year-9999 limit.
* **Dates** (a listing day, a digest's date, ``--date``/``--from``/``--to``): ``1970-01-01`` to ``2199-12-31``.
* **Counts** (engagement, followers, positions, versions, ranks): ``0`` to ``2**63 - 1``, the largest integer
  SQLite and PostgreSQL (``BIGINT``) store. A larger count is refused, never clamped: a count that large is a
  corrupt or hostile record, and a clamped value would look real.
* **Numbers written in text** (an arXiv version ``v2``, a count sent as a string): at most
  ``MAX_DIGITS`` (18) digits, so that reading one is cheap and the result is a count; Python's ``int()`` of an
  unbounded digit string is quadratic and refuses more than 4,300 digits with an exception.

The store itself round-trips every ``datetime`` (years 1 to 9999, see ``hotpapers.store.rows``), so a store
written before these checks existed can still be read, exported and repaired.
"""

from __future__ import annotations

import datetime as dt
import math

from hotpapers.models import (
    AccountProfile,
    Announcement,
    ArtifactSnapshot,
    CitationSnapshot,
    CodeLink,
    Digest,
    EngagementSnapshot,
    Paper,
    PaperEnrichment,
    Post,
    PostGone,
    RankedPaper,
    RepoSnapshot,
    Summary,
)

__all__ = [
    "EARLIEST",
    "FIRST_DAY",
    "LAST_DAY",
    "LATEST",
    "MAX_COUNT",
    "MAX_DIGITS",
    "check_count",
    "check_date",
    "check_instant",
    "check_record",
    "is_count",
    "parse_instant",
    "read_count",
    "read_instant",
    "supported",
]

EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
"""The earliest instant hotpapers accepts."""
LATEST = dt.datetime(2199, 12, 31, 23, 59, 59, 999_999, tzinfo=dt.UTC)
"""The latest instant hotpapers accepts."""
FIRST_DAY = EARLIEST.date()
"""The earliest date hotpapers accepts."""
LAST_DAY = LATEST.date()
"""The latest date hotpapers accepts."""
MAX_COUNT = 2**63 - 1
"""The largest count: SQLite's INTEGER and PostgreSQL's BIGINT."""
MAX_DIGITS = 18
"""The most digits a number written in text may have (every 18-digit number is below ``MAX_COUNT``)."""

INSTANT_RANGE = "1970-01-01T00:00:00Z to 2199-12-31T23:59:59Z"
DATE_RANGE = "1970-01-01 to 2199-12-31"


def supported(value: dt.datetime) -> bool:
    """True if the aware ``value`` is within [EARLIEST, LATEST] (an instant near ``datetime``'s limits is not)."""
    try:
        return EARLIEST <= value <= LATEST
    except (OverflowError, TypeError):
        return False


def check_instant(value: dt.datetime, field: str) -> dt.datetime:
    """``value`` in UTC, if it is aware and within the supported range.

    Raises:
        ValueError: naive, or outside the range (the message names ``field`` and the range).
    """
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{field}: date-time has no UTC offset: {value.isoformat()}")
    if not supported(value):
        raise ValueError(f"{field}: {value.isoformat()} is outside the supported range ({INSTANT_RANGE})")
    return value if value.tzinfo is dt.UTC else value.astimezone(dt.UTC)


def parse_instant(text: object, field: str) -> dt.datetime:
    """Parse an ISO 8601 date-time with a UTC offset, within the supported range, into UTC.

    Raises:
        TypeError: ``text`` is not a string.
        ValueError: not ISO 8601, no offset, or outside the range (the message names ``field``).
    """
    if not isinstance(text, str):
        raise TypeError(f"{field}: expected an ISO 8601 string, got {type(text).__name__}")
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{field}: not an ISO 8601 date-time: {text[:80]!r}") from None
    return check_instant(value, field)


def read_instant(text: object, *, naive: dt.tzinfo | None = dt.UTC) -> dt.datetime | None:
    """An ISO 8601 date-time in UTC, or None: not a string, not ISO 8601, naive while ``naive`` is None (else a
    naive one is taken in ``naive``), or not representable in UTC (year 1 with a positive offset, year 9999 with a
    negative one: converting it overflows). The lenient reader of the sources' optional times; whether the instant
    is within the supported range is the caller's check (:func:`supported`)."""
    if not isinstance(text, str):
        return None
    try:
        value = dt.datetime.fromisoformat(text)
        if value.tzinfo is None or value.utcoffset() is None:
            if naive is None:
                return None
            value = value.replace(tzinfo=naive)
        return value.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        return None


def check_date(value: dt.date, field: str) -> dt.date:
    """``value`` if it is within the supported dates.

    Raises:
        ValueError: outside ``FIRST_DAY``..``LAST_DAY`` (the message names ``field`` and the range).
    """
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(f"{field}: {value.isoformat()} is outside the supported range ({DATE_RANGE})")
    return value


def is_count(value: object) -> bool:
    """True for a JSON count: an integer (not a bool) from 0 to ``MAX_COUNT``."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_COUNT


def check_count(value: int, field: str, *, minimum: int = 0) -> int:
    """``value`` if ``minimum <= value <= MAX_COUNT``.

    Raises:
        ValueError: outside that range (the message names ``field``).
    """
    if not minimum <= value <= MAX_COUNT:
        raise ValueError(f"{field}: {_short(value)} is outside {minimum}..{MAX_COUNT}")
    return value


def read_count(text: str) -> int | None:
    """The count written as ASCII digits in ``text`` (at most ``MAX_DIGITS`` of them), or None."""
    if not 0 < len(text) <= MAX_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    return int(text)


def _short(value: int) -> str:
    """An integer for a message: a huge one by its digit count (its text alone could be megabytes)."""
    if -(10**30) < value < 10**30:
        return str(value)
    digits = math.floor(math.log10(abs(value))) + 1
    return f"{'-' if value < 0 else ''}an integer of about {digits} digits"


def _finite(value: float, field: str) -> None:
    if not math.isfinite(value):
        raise ValueError(f"{field}: {value} is not a finite number")


def _check_paper(paper: Paper, field: str) -> None:
    check_count(paper.version, f"{field}version", minimum=1)
    for name in ("submitted", "updated"):
        value = getattr(paper, name)
        if value is not None:
            check_instant(value, f"{field}{name}")


def _check_post(post: Post, field: str) -> None:
    if EARLIEST <= post.created_at <= LATEST and (post.author_followers or 0) <= MAX_COUNT:
        return
    check_instant(post.created_at, f"{field}created_at")
    if post.author_followers is not None:
        check_count(post.author_followers, f"{field}author_followers")


def _check_snapshot(snap: EngagementSnapshot, field: str) -> None:
    if (EARLIEST <= snap.observed_at <= LATEST and max(snap.reposts, snap.likes, snap.replies, snap.quotes) <= MAX_COUNT
            and all(value <= MAX_COUNT for _, value in snap.extras)):
        return  # the common case, with plain comparisons (an import checks millions of snapshots)
    check_instant(snap.observed_at, f"{field}observed_at")
    for name in ("reposts", "likes", "replies", "quotes"):
        check_count(getattr(snap, name), f"{field}{name}")
    for key, value in snap.extras:
        check_count(value, f"{field}extras.{key}")


def _check_fields(record: object, field: str, instants: tuple[str, ...], counts: tuple[str, ...]) -> None:
    """The named instants and counts of ``record`` (None where optional) within their ranges."""
    for name in instants:
        value = getattr(record, name)
        if value is not None:
            check_instant(value, f"{field}{name}")
    for name in counts:
        value = getattr(record, name)
        if value is not None:
            check_count(value, f"{field}{name}")


_FIELDS: tuple[tuple[type, tuple[str, ...], tuple[str, ...]], ...] = (
    (AccountProfile, ("observed_at", "created_at"), ("followers", "following", "posts", "karma")),
    (CodeLink, ("found_at",), ("position",)),
    (RepoSnapshot, ("observed_at", "created_at"), ("stars",)),
    (ArtifactSnapshot, ("observed_at",), ("models", "datasets", "spaces")),
    (CitationSnapshot, ("observed_at",), ("citations", "influential")),
    (Summary, ("created_at",), ("input_tokens", "output_tokens")),
)
"""The instants and counts of the record types checked field by field (profiles, enrichment, summaries)."""


def _check_enrichment(value: PaperEnrichment, field: str) -> None:
    if value.code is not None:
        _check_fields(value.code, f"{field}code.", ("observed_at", "rate_since"), ("stars",))
        if value.code.stars_per_day is not None:
            _finite(value.code.stars_per_day, f"{field}code.stars_per_day")
    if value.artifacts is not None:
        _check_fields(value.artifacts, f"{field}artifacts.", ("observed_at",), ("models", "datasets", "spaces"))
    if value.citations is not None:
        _check_fields(value.citations, f"{field}citations.", ("observed_at",), ("count", "influential"))


def _check_ranked(item: RankedPaper, field: str) -> None:
    check_count(item.rank, f"{field}rank")
    check_count(item.reposts, f"{field}reposts")
    check_count(item.likes, f"{field}likes")
    _finite(item.score, f"{field}score")
    if item.counted_at is not None:
        check_instant(item.counted_at, f"{field}counted_at")
    _check_paper(item.paper, f"{field}paper.")
    if item.enrichment is not None:
        _check_enrichment(item.enrichment, f"{field}enrichment.")
    for name in ("tldr", "discussion"):
        summary = getattr(item, name)
        if summary is not None:
            _check_fields(summary, f"{field}{name}.", ("created_at",), ("input_tokens", "output_tokens"))
    for i, term in enumerate(item.breakdown):
        _finite(term.value, f"{field}breakdown[{i}].value")
    for i, shown in enumerate(item.posts):
        _finite(shown.score, f"{field}posts[{i}].score")
        _check_post(shown.post, f"{field}posts[{i}].post.")
        _check_snapshot(shown.engagement, f"{field}posts[{i}].engagement.")


def _check_digest(digest: Digest) -> None:
    check_date(digest.date, "date")
    for name in ("window_start", "window_end", "generated_at"):
        check_instant(getattr(digest, name), name)
    for i, item in enumerate(digest.papers):
        _check_ranked(item, f"papers[{i}].")


def check_record(record: object) -> None:
    """Check every instant, date and count of a record against the supported ranges.

    Records built by hotpapers' own parsers are checked where they are parsed; this is the last gate of an import
    (a native or legacy file), whatever the record type.

    Raises:
        ValueError: a value is outside its range; the message names the field (``papers[0].likes``).
    """
    if isinstance(record, Paper):
        _check_paper(record, "")
    elif isinstance(record, Announcement):
        check_date(record.date, "date")
        check_count(record.position, "position")
    elif isinstance(record, Post):
        _check_post(record, "")
    elif isinstance(record, EngagementSnapshot):
        _check_snapshot(record, "")
    elif isinstance(record, Digest):
        _check_digest(record)
    elif isinstance(record, PostGone):
        check_instant(record.observed_at, "observed_at")
    else:
        for kind, instants, counts in _FIELDS:
            if isinstance(record, kind):
                _check_fields(record, "", instants, counts)
