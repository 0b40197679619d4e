"""The engagement-over-time chart of a paper: total engagement of its posts at each snapshot time.

The total at a time is, over every post of the paper, the latest snapshot taken at or before that time
(reposts + likes + replies + quotes), so a post observed less often still counts with its last known value.
This module only computes geometry and labels; the template draws the ``<svg>`` (and escapes every text).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from hotpapers.models import EngagementSnapshot, PostEvidence

__all__ = ["Chart", "Tick", "engagement_series", "make_chart"]

WIDTH = 640
HEIGHT = 240
LEFT, RIGHT, TOP, BOTTOM = 72, 28, 16, 44


@dataclass(frozen=True, slots=True)
class Tick:
    """An axis label at a position (``x`` for the time axis, ``y`` for the count axis)."""

    pos: str
    label: str


@dataclass(frozen=True, slots=True)
class Chart:
    """What the template draws: a polyline (two or more points), or a single point, or nothing."""

    width: int
    height: int
    points: tuple[tuple[str, str], ...]  # (x, y) as fixed-precision strings
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    summary: str  # a sentence for the <title> and the caption

    @property
    def polyline(self) -> str:
        """The ``points`` attribute of the polyline."""
        return " ".join(f"{x},{y}" for x, y in self.points)

    @property
    def plot(self) -> tuple[int, int, int, int]:
        """The plot area: left, top, right, bottom."""
        return LEFT, TOP, self.width - RIGHT, self.height - BOTTOM


def total(snapshot: EngagementSnapshot) -> int:
    """Reposts + likes + replies + quotes."""
    return snapshot.reposts + snapshot.likes + snapshot.replies + snapshot.quotes


def engagement_series(
    posts: Iterable[PostEvidence], series: Mapping[tuple[str, str], tuple[EngagementSnapshot, ...]]
) -> list[tuple[dt.datetime, int]]:
    """(time, total engagement of all ``posts``) at every distinct snapshot time, oldest first."""
    keys = sorted({(e.post.platform, e.post.post_id) for e in posts})
    events = sorted(
        ((s.observed_at, key, total(s)) for key in keys for s in series.get(key, ())), key=lambda e: (e[0], e[1])
    )
    latest: dict[tuple[str, str], int] = {}
    running = 0
    result: list[tuple[dt.datetime, int]] = []
    for when, key, value in events:
        running += value - latest.get(key, 0)
        latest[key] = value
        if result and result[-1][0] == when:
            result[-1] = (when, running)
        else:
            result.append((when, running))
    return result


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def _count(value: int) -> str:
    """A short count label: ``950``, ``9,500``, ``95k``, ``9.5M``."""
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if value >= 100_000:
        return f"{value // 1000}k"
    return f"{value:,}"


def _time_label(when: dt.datetime, span: dt.timedelta) -> str:
    return when.strftime("%Y-%m-%d") if span >= dt.timedelta(days=3) else when.strftime("%m-%d %H:%M")


def make_chart(points: list[tuple[dt.datetime, int]]) -> Chart | None:
    """Scale ``points`` into the plot area; None when there are no points."""
    if not points:
        return None
    left, top, right, bottom = LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM
    first, last = points[0][0], points[-1][0]
    span = last - first
    peak = max(v for _, v in points) or 1

    def x_of(when: dt.datetime) -> float:
        if span.total_seconds() == 0:
            return (left + right) / 2
        return left + (right - left) * (when - first).total_seconds() / span.total_seconds()

    def y_of(value: float) -> float:
        return bottom - (bottom - top) * value / peak

    scaled = tuple((_fmt(x_of(w)), _fmt(y_of(v))) for w, v in points)
    x_times = [first] if span.total_seconds() == 0 else [first, first + span / 2, last]
    x_ticks = tuple(Tick(_fmt(x_of(w)), _time_label(w, span)) for w in x_times)
    y_ticks = tuple(Tick(_fmt(y_of(v)), _count(v)) for v in sorted({0, peak // 2, peak}))
    summary = (
        f"Total engagement: {points[-1][1]:,} at {last:%Y-%m-%d %H:%M} UTC"
        + (f", from {points[0][1]:,} at {first:%Y-%m-%d %H:%M} UTC" if len(points) > 1 else "")
        + f" ({len(points)} snapshot{'s' if len(points) != 1 else ''})"
    )
    return Chart(WIDTH, HEIGHT, scaled, x_ticks, y_ticks, summary)
