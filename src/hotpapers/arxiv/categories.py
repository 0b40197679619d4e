"""Which papers a digest covers: ``CategoryFilter``.

An entry of ``include`` or ``exclude`` is an archive (``cs``: matches ``cs`` and every ``cs.*``) or a
category (``stat.ML``: matches exactly). A paper matches when at least one of its *counted* categories is
included and not excluded. The counted categories are all of them (primary and cross-lists), or only the
primary with ``primary_only``. So ``include=("cs",), exclude=("cs.CR",)`` keeps a cs.LG paper cross-listed
to cs.CR but drops one whose only cs category is cs.CR.
"""

from __future__ import annotations

from dataclasses import dataclass

from hotpapers.models import Paper

__all__ = ["CategoryFilter", "category_matches"]


def category_matches(category: str, entry: str) -> bool:
    """Tell whether ``category`` falls under ``entry`` (an archive or a category).

    Args:
        category: a paper's category, e.g. ``cs.LG`` or ``hep-th``.
        entry: an archive (``cs``) or a category (``cs.LG``).

    Returns:
        True for an exact match, or when ``entry`` is an archive and ``category`` is one of its categories.
        Case matters except for the archive part (arXiv archives are lower case).
    """
    if "." in entry:
        return category == entry
    return category.split(".", 1)[0] == entry.lower()


@dataclass(frozen=True, slots=True)
class CategoryFilter:
    """Select papers by category.

    Attributes:
        include: archives and categories to keep (default: all of cs, plus stat.ML).
        exclude: archives and categories that never count, even inside an included archive.
        primary_only: count only the primary category (no cross-lists).
    """

    include: tuple[str, ...] = ("cs", "stat.ML")
    exclude: tuple[str, ...] = ()
    primary_only: bool = False

    def __post_init__(self) -> None:
        if not self.include:
            raise ValueError("CategoryFilter.include must name at least one archive or category")

    def counts(self, category: str) -> bool:
        """Tell whether one category is included and not excluded.

        Args:
            category: e.g. ``cs.LG``.

        Returns:
            True if ``category`` matches an include entry and no exclude entry.
        """
        included = any(category_matches(category, entry) for entry in self.include)
        return included and not any(category_matches(category, entry) for entry in self.exclude)

    def primary_matches(self, paper: Paper) -> bool:
        """Tell whether the paper's primary category counts (a ``new``, not a ``cross``, for this filter).

        Args:
            paper: the paper.

        Returns:
            True if the primary category is included and not excluded.
        """
        return self.counts(paper.primary_category)

    def matches(self, paper: Paper) -> bool:
        """Tell whether ``paper`` belongs in the digest.

        Args:
            paper: the paper.

        Returns:
            True if a counted category (the primary, or with cross-lists any) is included and not excluded.
        """
        if self.primary_only:
            return self.primary_matches(paper)
        return any(self.counts(c) for c in (paper.primary_category, *paper.categories))
