"""What preset ``default`` lists: filters (categories, keywords, authors) and per-category cuts."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from hotpapers.arxiv.categories import category_matches
from hotpapers.authors import fold
from hotpapers.models import Paper
from hotpapers.ranking.options import DefaultOptions

__all__ = ["category_percentiles", "first_per_category", "keyword_pattern", "paper_selected"]


def keyword_pattern(keyword: str) -> re.Pattern[str]:
    """A case-insensitive whole-word pattern for ``keyword`` (a word or a phrase; any whitespace between words).

    ``"GAN"`` matches "a GAN for" and "GAN-based" but not "organ" or "GANs"; ``"large language model"`` matches
    across a line break.
    """
    words = [re.escape(word) for word in keyword.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def _categories_ok(paper: Paper, options: DefaultOptions) -> bool:
    """Like ``CategoryFilter``: some counted category is included (all are, by default) and not excluded."""
    counted = (
        (paper.primary_category,) if options.primary_category_only else (paper.primary_category, *paper.categories)
    )
    for category in counted:
        included = not options.include_categories or any(
            category_matches(category, e) for e in options.include_categories
        )
        if included and not any(category_matches(category, e) for e in options.exclude_categories):
            return True
    return False


def _any_keyword(text: str, keywords: Sequence[str]) -> bool:
    return any(keyword_pattern(k).search(text) for k in keywords)


def _authors_ok(paper: Paper, wanted: Sequence[str]) -> bool:
    names = [fold(author) for author in paper.authors]
    return any(fold(w) in name for w in wanted for name in names)


def paper_selected(paper: Paper, options: DefaultOptions) -> bool:
    """Tell whether ``paper`` passes every filter of ``options``.

    Args:
        paper: the paper.
        options: the preset's options (``include_categories``, ``exclude_categories``, ``primary_category_only``,
            ``keywords``, ``exclude_keywords``, ``authors``).

    Returns:
        True when its categories pass, at least one of ``keywords`` (if any) and none of ``exclude_keywords``
        occurs in its title or abstract as a whole word, and (if ``authors`` is set) one of its authors' names
        contains one of ``authors`` (case and accents ignored).
    """
    text = f"{paper.title}\n{paper.abstract}"
    return (
        _categories_ok(paper, options)
        and (not options.keywords or _any_keyword(text, options.keywords))
        and not _any_keyword(text, options.exclude_keywords)
        and (not options.authors or _authors_ok(paper, options.authors))
    )


def category_percentiles(papers: Sequence[tuple[str, float]]) -> list[tuple[float, str]]:
    """For each (primary category, score): its percentile in the category and a note naming its place.

    The percentile is the share of the category's papers (of those given) scoring at most as much, times 100:
    the best paper of a category is at 100, however small the category.
    """
    scores: dict[str, list[float]] = {}
    for category, score in papers:
        scores.setdefault(category, []).append(score)
    result = []
    for category, score in papers:
        peers = scores[category]
        pct = 100.0 * sum(1 for other in peers if other <= score) / len(peers)
        place = 1 + sum(1 for other in peers if other > score)
        result.append(
            (pct, f"percentile {pct:.0f} in {category}: #{place} of {len(peers)} papers of the day in that category")
        )
    return result


def first_per_category(categories: Sequence[str], top: int) -> list[bool]:
    """Which entries of an ordered list to keep so that each category keeps its first ``top`` (0: all)."""
    seen: Counter[str] = Counter()
    keep = []
    for category in categories:
        seen[category] += 1
        keep.append(not top or seen[category] <= top)
    return keep
