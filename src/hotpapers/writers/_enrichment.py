"""How a paper's enrichment reads, the same in the site, the feeds and every text output.

``code_label`` is a repository's URL without its scheme (``github.com/owner/repo``); ``stars_text`` the count
(``1,234★``); ``velocity_text`` the stars per day with its sign (``+12★/day``, ``+0.4★/day``; a minus sign, U+2212,
for a loss); ``artifacts_text`` the non-zero counts (``2 models · 1 dataset · 1 Space``); ``citations_text`` the
citations (``340 citations (56 influential)``). Each returns plain text (escape it for HTML), or "" when there is
nothing to say.
"""

from __future__ import annotations

from hotpapers.models import ArtifactCounts, CitationInfo, CodeInfo, RankedPaper

__all__ = [
    "ENRICHMENT_FILTERS",
    "artifacts_text",
    "citations_text",
    "code_label",
    "enrichment_line",
    "stars_text",
    "velocity_text",
]


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def code_label(code: CodeInfo) -> str:
    """``github.com/owner/repo``: the repository's URL without its scheme."""
    return code.url.split("://", 1)[-1]


def stars_text(code: CodeInfo) -> str:
    """``1,234★``, or "" when the count is unknown."""
    return "" if code.stars is None else f"{code.stars:,}★"


def velocity_text(code: CodeInfo) -> str:
    """``+12★/day`` (whole stars from 10 a day, one decimal below), or "" when unknown."""
    rate = code.stars_per_day
    if rate is None:
        return ""
    size = abs(rate)
    shown = f"{size:,.0f}" if size >= 10 else f"{size:.1f}"
    sign = "\u2212" if rate < 0 and shown.strip("0.") else "+"
    return f"{sign}{shown}★/day"


def artifacts_text(artifacts: ArtifactCounts) -> str:
    """``2 models · 1 dataset · 1 Space`` (the non-zero counts), or "" when all are zero."""
    parts = [
        _plural(artifacts.models, "model") if artifacts.models else "",
        _plural(artifacts.datasets, "dataset") if artifacts.datasets else "",
        _plural(artifacts.spaces, "Space") if artifacts.spaces else "",
    ]
    return " · ".join(p for p in parts if p)


def citations_text(citations: CitationInfo) -> str:
    """``340 citations (56 influential)``, or "" when the count is unknown."""
    if citations.count is None:
        return ""
    text = _plural(citations.count, "citation")
    return f"{text} ({citations.influential:,} influential)" if citations.influential else text


def enrichment_line(item: RankedPaper) -> str:
    """Everything known, on one line of plain text: code, stars and velocity, artifacts, citations, venue."""
    value = item.enrichment
    if value is None:
        return ""
    parts: list[str] = []
    if value.code is not None:
        stars = " ".join(t for t in (stars_text(value.code), velocity_text(value.code)) if t)
        parts.append(f"code: {code_label(value.code)}" + (f" ({stars})" if stars else ""))
    if value.artifacts is not None and artifacts_text(value.artifacts):
        parts.append(artifacts_text(value.artifacts))
    if value.citations is not None:
        parts += [t for t in (citations_text(value.citations), value.citations.venue or "") if t]
    return " · ".join(parts)


ENRICHMENT_FILTERS = {
    "code_label": code_label,
    "stars_text": stars_text,
    "velocity_text": velocity_text,
    "artifacts_text": artifacts_text,
    "citations_text": citations_text,
}
"""The helpers above as template filters (the site registers them)."""
