"""The not-interested job: what a profile was told it does not want (papers, authors, keywords), kept in the store
and read by every later ranking of the profile (``hotpapers.jobs.profiles.load_taste``; docs/profiles.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from hotpapers.arxiv.ids import parse_id
from hotpapers.errors import UsageError
from hotpapers.links import find_arxiv_ids
from hotpapers.models import NotInterested
from hotpapers.store.base import Store

__all__ = ["add", "items_of", "listed", "paper_ids", "remove"]


def paper_ids(values: Sequence[str]) -> list[str]:
    """The arXiv ids (versionless) named by ``values``: bare ids, or URLs and texts that link papers.

    Raises:
        UsageError: a value names no arXiv paper.
    """
    found: list[str] = []
    for value in values:
        bare = parse_id(value.strip())
        ids = [bare[0]] if bare else find_arxiv_ids(value)
        if not ids:
            raise UsageError(f"paper {value[:60]!r}: not an arXiv id or URL", subject="paper")
        found.extend(ids)
    return found


def items_of(papers: Sequence[str], authors: Sequence[str], keywords: Sequence[str]) -> list[tuple[str, str]]:
    """(kind, value) for each paper (as its arXiv id), author and keyword given (blanks dropped, spaces squashed).

    Raises:
        UsageError: a paper is not an arXiv id or URL.
    """
    items = [("paper", v) for v in paper_ids(papers)]
    items += [("author", " ".join(v.split())) for v in authors if v.strip()]
    items += [("keyword", " ".join(v.split())) for v in keywords if v.strip()]
    return items


def listed(store: Store, profile: str) -> list[NotInterested]:
    """The profile's not-interested list, as stored."""
    return list(store.not_interested(profile))


def add(store: Store, profile: str, items: Sequence[tuple[str, str]], now: dt.datetime) -> int:
    """Add ``items`` (kind, value) to the profile's list; how many were new."""
    return store.add_not_interested(NotInterested(profile, kind, value, now) for kind, value in items)


def remove(store: Store, profile: str, items: Sequence[tuple[str, str]]) -> int:
    """Take ``items`` (kind, value) off the profile's list; how many were on it."""
    return sum(store.remove_not_interested(profile, kind, [value]) for kind, value in items)
