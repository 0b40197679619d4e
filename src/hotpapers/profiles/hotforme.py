"""Hot for me: a day's papers ranked by the ``default`` score *and* by a profile (docs/profiles.md, "Hot for me").

Pure: the day's papers as ``default`` ranked them (every paper of the cohort, ``min_score`` 0, each with its
breakdown), a profile with its library and not-interested list in, the profile's ranked papers out. With ``b`` a
paper's ``default`` score (its buzz), ``T`` the day's highest ``default`` score (at least 1 point), ``w`` the
profile's ``relevance_weight`` and ``R`` the paper's relevance (0..1, ``hotpapers.profiles.relevance``)::

    score = b                                   the default breakdown, item by item
          - w * b                               "hot for me: the day's buzz counts x(1 - w)"
          + w * T * R                           "relevance 0.82: close to 3 papers of your library: ..."
          + author_boost * T    per followed author of the paper
          + keyword_boost * T   per keyword of the profile in its title or abstract
          - w * T * R_no                        R_no: its relevance to the papers marked not interested
          - author_boost * T    per author marked not interested
          - keyword_boost * T   per keyword marked not interested

so ``score / T = (1 - w) * b / T + w * R + boosts``: a convex mix of the day's buzz (as a share of the hottest
paper's) and of relevance, plus explained boosts. Every term is a breakdown item (kind ``relevance`` for what the
profile adds), and the score is computed as the items' sum, so they agree exactly.

What is listed: the papers of the profile's ``categories`` (all, if none) with none of its ``exclude_keywords``
(never listed, whatever their score) and not marked not interested, that are hot (``b`` at least ``default``'s
``min_score``), relevant (``R`` at least ``min_relevance``) or boosted by a followed author or keyword, and score
above 0; at most ``max_papers``, by score, then buzz, then arXiv id.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from hotpapers.arxiv.categories import category_matches
from hotpapers.authors import fold
from hotpapers.models import ArxivId, BreakdownItem, Paper, RankedPaper
from hotpapers.profiles.config import Profile
from hotpapers.profiles.library import LibraryEntry
from hotpapers.profiles.relevance import Match, get_method, relevance_of
from hotpapers.ranking.filters import keyword_pattern

__all__ = ["KIND", "Taste", "hot_for_me"]

KIND = "relevance"
"""The breakdown kind of every term a profile adds."""

_SHOWN_TITLES = 3
_TITLE_CHARS = 70


@dataclass(frozen=True, slots=True)
class Taste:
    """Everything a profile ranks with: the profile, its library, and what it said it is not interested in."""

    profile: Profile
    library: tuple[LibraryEntry, ...] = ()  # entries with text
    disliked_papers: tuple[LibraryEntry, ...] = ()  # the not-interested papers known to the store, with text
    disliked_ids: frozenset[ArxivId] = frozenset()
    disliked_authors: tuple[str, ...] = ()
    disliked_keywords: tuple[str, ...] = ()


def _short(title: str) -> str:
    title = " ".join(title.split())
    return f"“{title if len(title) <= _TITLE_CHARS else title[: _TITLE_CHARS - 1].rstrip() + '…'}”"


def _text(paper: Paper) -> str:
    return f"{paper.title}\n{paper.abstract}"


def _in_categories(paper: Paper, wanted: Sequence[str]) -> bool:
    mine = (paper.primary_category, *paper.categories)
    return not wanted or any(category_matches(c, w) for c in mine for w in wanted)


def _keywords_in(paper: Paper, keywords: Sequence[str]) -> list[str]:
    text = _text(paper)
    return [k for k in keywords if keyword_pattern(k).search(text)]


def _authors_in(paper: Paper, wanted: Sequence[str]) -> list[str]:
    names = [fold(a) for a in paper.authors]
    return [w for w in wanted if any(fold(w) in name for name in names)]


def _shown(taste: Taste, paper: Paper) -> bool:
    """In the profile's categories, with none of its excluded keywords, and not marked not interested."""
    profile = taste.profile
    return (
        _in_categories(paper, profile.categories)
        and not _keywords_in(paper, profile.exclude_keywords)
        and paper.arxiv_id not in taste.disliked_ids
    )


def _matches(shelf: Sequence[LibraryEntry], papers: Sequence[Paper], method_name: str) -> list[Match] | None:
    if not shelf or not papers:
        return None
    method = get_method(method_name)
    return relevance_of(method.similarities([e.text for e in shelf], [_text(p) for p in papers]), method.calibration)


def _relevance_item(match: Match | None, shelf: Sequence[LibraryEntry], w: float, top: float) -> BreakdownItem:
    if match is None:
        return BreakdownItem("relevance 0.00: the profile has no library to compare with", 0.0, KIND)
    named = match.close or tuple(i for i, _ in match.neighbours[:1])
    titles = "; ".join(_short(shelf[i].title) for i in named[:_SHOWN_TITLES])
    if match.close:
        n = len(match.close)
        what = f"close to {n} paper{'s' if n > 1 else ''} of your library: {titles}"
    else:
        what = f"nearest in your library: {titles}"
    return BreakdownItem(f"relevance {match.relevance:.2f}: {what}", w * top * match.relevance, KIND)


def _dislike_items(taste: Taste, paper: Paper, no: Match | None, w: float, top: float) -> list[BreakdownItem]:
    profile = taste.profile
    items = []
    if no is not None and no.relevance > 0:
        titles = "; ".join(_short(taste.disliked_papers[i].title) for i, _ in no.neighbours[:1])
        label = f"not interested: {no.relevance:.2f} close to a paper you marked not interested: {titles}"
        items.append(BreakdownItem(label, -w * top * no.relevance, KIND))
    for name in _authors_in(paper, taste.disliked_authors):
        items.append(BreakdownItem(f"not interested in author {name}", -profile.author_boost * top, KIND))
    for word in _keywords_in(paper, taste.disliked_keywords):
        items.append(BreakdownItem(f"not interested in keyword “{word}”", -profile.keyword_boost * top, KIND))
    return items


def _boost_items(profile: Profile, paper: Paper, top: float) -> list[BreakdownItem]:
    items = [BreakdownItem(f"followed author: {name}", profile.author_boost * top, KIND)
             for name in _authors_in(paper, profile.authors)]  # fmt: skip
    items += [BreakdownItem(f"keyword “{word}” in the title or abstract", profile.keyword_boost * top, KIND)
              for word in _keywords_in(paper, profile.keywords)]  # fmt: skip
    return items


@dataclass(frozen=True, slots=True)
class _Scored:
    ranked: RankedPaper
    listed: bool


def _personal(
    ranked: RankedPaper, match: Match | None, no: Match | None, taste: Taste, top: float, hot_from: float
) -> _Scored:
    profile = taste.profile
    w = profile.relevance_weight
    buzz = ranked.score
    items = list(ranked.breakdown)
    if w > 0 and buzz != 0:
        items.append(BreakdownItem(f"hot for me: the day's buzz counts x{1 - w:g} (relevance_weight {w:g})",
                                   -w * buzz, KIND))  # fmt: skip
    items.append(_relevance_item(match, taste.library, w, top))
    boosts = _boost_items(profile, ranked.paper, top)
    items += boosts + _dislike_items(taste, ranked.paper, no, w, top)
    score = sum((b.value for b in items), 0.0)
    relevance = match.relevance if match is not None else 0.0
    wanted = buzz >= hot_from or relevance >= profile.min_relevance or bool(boosts)
    personal = dataclasses.replace(ranked, score=score, breakdown=tuple(items), relevance=relevance)
    return _Scored(personal, wanted and score > 0)


def hot_for_me(ranked: Sequence[RankedPaper], taste: Taste, *, hot_from: float) -> tuple[RankedPaper, ...]:
    """The profile's papers of the day, ranked 1..n (see the module docstring).

    Args:
        ranked: the day's papers as preset ``default`` scored them, every one of the cohort (``min_score`` 0).
        taste: the profile, its library and its not-interested list.
        hot_from: ``default``'s ``min_score``: a paper scoring this much is hot, and listed whatever its relevance.

    Returns:
        At most ``max_papers`` papers, each with ``relevance`` and a breakdown that sums to its score.

    Raises:
        ConfigError: the profile's relevance method cannot be used here.
    """
    top = max(1.0, max((r.score for r in ranked), default=0.0))
    shown = [r for r in ranked if _shown(taste, r.paper)]
    papers = [r.paper for r in shown]
    method = taste.profile.relevance_method
    none: list[Match | None] = [None] * len(shown)
    matches: Sequence[Match | None] = _matches(taste.library, papers, method) or none
    noes: Sequence[Match | None] = _matches(taste.disliked_papers, papers, method) or none
    scored = [_personal(r, m, n, taste, top, hot_from) for r, m, n in zip(shown, matches, noes, strict=True)]
    listed = sorted((s.ranked for s in scored if s.listed), key=lambda r: (-r.score, -_buzz(r), r.paper.arxiv_id))
    return tuple(dataclasses.replace(r, rank=n) for n, r in enumerate(listed[: taste.profile.max_papers], start=1))


def _buzz(ranked: RankedPaper) -> float:
    return sum((b.value for b in ranked.breakdown if b.kind != KIND), 0.0)
