"""Tests for hotpapers.arxiv.categories.CategoryFilter."""

from __future__ import annotations

import pytest

from hotpapers.arxiv.categories import CategoryFilter, category_matches
from hotpapers.models import ArxivId, Paper


def paper(*categories: str) -> Paper:
    return Paper(
        arxiv_id=ArxivId("2411.00001"),
        version=1,
        title="t",
        authors=("a",),
        abstract="x",
        primary_category=categories[0],
        categories=categories,
    )


def test_default_includes_all_of_cs() -> None:
    """The default filter keeps any cs.* primary."""
    assert CategoryFilter().matches(paper("cs.CY"))


def test_default_includes_stat_ml_but_not_other_stat() -> None:
    """stat.ML is included by category; stat.AP alone is not."""
    assert CategoryFilter().matches(paper("stat.ML"))
    assert not CategoryFilter().matches(paper("stat.AP"))


def test_cross_list_counts_by_default() -> None:
    """A paper with primary eess.SP cross-listed to cs.LG matches."""
    assert CategoryFilter().matches(paper("eess.SP", "cs.LG"))


def test_primary_only_ignores_cross_lists() -> None:
    """With primary_only the same cross-listed paper does not match."""
    assert not CategoryFilter(primary_only=True).matches(paper("eess.SP", "cs.LG"))


def test_primary_only_keeps_primary_matches() -> None:
    """With primary_only a cs primary still matches."""
    assert CategoryFilter(primary_only=True).matches(paper("cs.LG", "eess.SP"))


def test_archive_does_not_match_a_longer_archive_name() -> None:
    """'math' does not match 'math-ph' (another archive)."""
    assert not CategoryFilter(include=("math",)).matches(paper("math-ph"))


def test_archive_without_subclasses_matches_itself() -> None:
    """'hep-th' (an archive that is also a category) matches hep-th papers."""
    assert CategoryFilter(include=("hep-th",)).matches(paper("hep-th", "gr-qc"))


def test_category_entry_matches_exactly() -> None:
    """'cs.LG' does not match cs.LO."""
    assert not CategoryFilter(include=("cs.LG",)).matches(paper("cs.LO"))


def test_exclude_removes_a_category_inside_an_included_archive() -> None:
    """include cs, exclude cs.CR: a cs.CR-only paper is dropped."""
    assert not CategoryFilter(include=("cs",), exclude=("cs.CR",)).matches(paper("cs.CR"))


def test_exclude_keeps_papers_with_another_counted_category() -> None:
    """A cs.LG paper cross-listed to the excluded cs.CR is kept."""
    assert CategoryFilter(include=("cs",), exclude=("cs.CR",)).matches(paper("cs.LG", "cs.CR"))


def test_excluded_primary_is_not_a_primary_match() -> None:
    """With cs.CR excluded, a cs.CR paper cross-listed to stat.ML matches but not by its primary."""
    category_filter = CategoryFilter(exclude=("cs.CR",))
    candidate = paper("cs.CR", "stat.ML")
    assert category_filter.matches(candidate) and not category_filter.primary_matches(candidate)


def test_exclude_archive() -> None:
    """Excluding a whole archive drops its categories even if included by name."""
    assert not CategoryFilter(include=("cs.LG",), exclude=("cs",)).matches(paper("cs.LG"))


def test_empty_include_is_refused() -> None:
    """A filter that could match nothing is a configuration error."""
    with pytest.raises(ValueError, match="at least one"):
        CategoryFilter(include=())


@pytest.mark.parametrize(
    ("category", "entry", "expected"),
    [("cs.LG", "cs", True), ("cs.LG", "CS", True), ("cs.LG", "cs.lg", False), ("stat.ML", "stat.ML", True)],
)
def test_category_matches(category: str, entry: str, expected: bool) -> None:
    """Archive entries ignore case; category entries match exactly."""
    assert category_matches(category, entry) is expected
