"""What enrichment may add to a ``default`` score: one capped, explained breakdown item, off by default.

With ``enrichment_weight`` > 0 (``[ranking.default]``), a paper that at least one counted post discusses gets

    min(enrichment_cap, enrichment_weight x log1p(stars per day + Hugging Face artifacts + citations))

points, as one breakdown item of kind ``enrichment`` that names each part, the weight and the cap. Negative star
rates count 0. A paper nobody discusses gets nothing: enrichment informs the ranking of a discussion, it never lists
a paper alone.
With the default weight 0 there is no item at all, and scores are those of the discussion only.
"""

from __future__ import annotations

import math

from hotpapers.models import BreakdownItem, PaperEnrichment

__all__ = ["enrichment_item"]


def _parts(value: PaperEnrichment) -> list[tuple[str, float]]:
    parts: list[tuple[str, float]] = []
    code = value.code
    if code is not None and code.stars_per_day is not None:
        parts.append((f"{max(code.stars_per_day, 0.0):g} stars/day", max(code.stars_per_day, 0.0)))
    if value.artifacts is not None and value.artifacts.total:
        parts.append((f"{value.artifacts.total} Hugging Face artifacts", float(value.artifacts.total)))
    if value.citations is not None and value.citations.count:
        parts.append((f"{value.citations.count} citations", float(value.citations.count)))
    return parts


def enrichment_item(
    value: PaperEnrichment | None, counted_posts: int, weight: float, cap: float
) -> list[BreakdownItem]:
    """The enrichment item of a paper (see the module docstring): none when off, undiscussed, or nothing known."""
    if weight <= 0 or value is None or counted_posts == 0:
        return []
    parts = _parts(value)
    if not parts:
        return []
    signal = sum(amount for _, amount in parts)
    raw = weight * math.log1p(signal)
    points = min(cap, raw)
    capped = f", capped at {cap:g}" if raw > cap else ""
    label = f"enrichment: {', '.join(text for text, _ in parts)} (x{weight:g} log1p({signal:g}){capped})"
    return [BreakdownItem(label, points, "enrichment")]
