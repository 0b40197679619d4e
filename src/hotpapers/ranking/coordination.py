"""Coordination for preset ``default``: posts that say nothing, and accounts that act as one.

* **Says nothing** (``signals.says_nothing``). A post's text, normalised (links, ids, mentions, digits,
  punctuation, accents and case removed), says nothing when what is left after removing the paper's title words
  and ``STOCK_WORDS`` ("must read", "check out this paper", "huge result", "pdf", "abs") is empty: it is only the
  title, only a stock phrase, or no text at all. Such a post counts ``says_nothing_weight`` (arxiv-sanity: a post
  repeating only the title counts less), and two such texts being alike is no sign of coordination.
* **Clusters.** Among the accounts counted for one paper, an edge joins two accounts when

  - their texts are near-identical: the normalised texts, title words removed, have a ``rapidfuzz`` ``ratio`` of
    at least ``near_duplicate_similarity`` (100: word for word), short texts included, except texts that say
    nothing;
  - both are low-credibility and posted within ``burst_minutes`` of each other (a burst);
  - both are low-credibility, young (created less than ``young_account_days`` before the post) and were created
    within ``created_within_days`` of each other.

  Connected groups of at least ``cluster_min_accounts`` accounts are clusters; a cluster counts like one account,
  its best member (``default``).

Why rapidfuzz: its ``ratio`` (an indel similarity) is a C implementation of the measure needed, fast enough to
compare every pair of a paper's distinct texts; ``process.extract`` runs a text against many in one call. Only
texts of compatible lengths are compared (a ratio of at least s needs the shorter text to be at least
s / (2 - s) of the longer one's length).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from hotpapers.ranking.options import DefaultOptions

__all__ = ["Cluster", "Member", "clusters"]


@dataclass(frozen=True, slots=True)
class Member:
    """One counted account of a paper, as clustering sees it.

    ``text`` is its post's normalised text without the title words (None when the post says nothing); ``posted``
    the post's time; ``created`` the account's creation time (None: unknown); ``low`` whether it is
    low-credibility.
    """

    text: str | None
    posted: dt.datetime
    created: dt.datetime | None
    low: bool


@dataclass(frozen=True, slots=True)
class Cluster:
    """Accounts (indexes into the members) that act as one, and the kinds of edges that joined them."""

    members: tuple[int, ...]
    reasons: tuple[str, ...]


class _Union:
    """Union-find over 0..n-1, remembering which kinds of edges joined each group."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.kinds: defaultdict[int, set[str]] = defaultdict(set)

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, i: int, j: int, kind: str) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[b] = a
            self.kinds[a] |= self.kinds.pop(b, set())
        self.kinds[a].add(kind)


def _text_edges(members: Sequence[Member], union: _Union, similarity: float) -> None:
    """Join accounts whose texts are near-identical (texts that say nothing excepted)."""
    by_text: defaultdict[str, list[int]] = defaultdict(list)
    for i, member in enumerate(members):
        if member.text:
            by_text[member.text].append(i)
    for group in by_text.values():
        for j in group[1:]:
            union.join(group[0], j, "text")
    if similarity >= 1.0 or len(by_text) < 2:
        return
    texts = sorted(by_text, key=len)
    cutoff = 100.0 * similarity
    shortest = similarity / (2.0 - similarity)  # the least length ratio at which the ratio can reach `similarity`
    for k, text in enumerate(texts):
        end = k + 1
        while end < len(texts) and len(text) >= shortest * len(texts[end]):
            end += 1
        if end == k + 1:
            continue
        for _, _, found in process.extract(text, texts[k + 1 : end], scorer=fuzz.ratio, score_cutoff=cutoff,
                                            limit=None):  # fmt: skip
            union.join(by_text[text][0], by_text[texts[k + 1 + found]][0], "text")


def _time_edges(times: Iterable[tuple[dt.datetime, int]], union: _Union, within: dt.timedelta, kind: str) -> None:
    """Join entries at most ``within`` apart: in time order, each with the one before it when close enough (so a
    group is a chain of such steps)."""
    ordered = sorted(times)
    for (before, i), (after, j) in itertools.pairwise(ordered):
        if after - before <= within:
            union.join(i, j, kind)


def clusters(members: Sequence[Member], options: DefaultOptions) -> list[Cluster]:
    """The clusters among one paper's counted accounts (see the module docstring), largest first.

    Args:
        members: the accounts, one entry each.
        options: ``near_duplicate_similarity``, ``burst_minutes``, ``created_within_days``,
            ``young_account_days``, ``cluster_min_accounts``.

    Returns:
        Each cluster of at least ``cluster_min_accounts`` accounts, its members in the order given.
    """
    if len(members) < options.cluster_min_accounts:
        return []
    union = _Union(len(members))
    _text_edges(members, union, options.near_duplicate_similarity)
    low = [(m.posted, i) for i, m in enumerate(members) if m.low]
    _time_edges(low, union, dt.timedelta(minutes=options.burst_minutes), "burst")
    young = dt.timedelta(days=options.young_account_days)
    created = [(m.created, i) for i, m in enumerate(members) if m.low and m.created and m.posted - m.created < young]
    _time_edges(created, union, dt.timedelta(days=options.created_within_days), "created")
    groups: defaultdict[int, list[int]] = defaultdict(list)
    for i in range(len(members)):
        groups[union.find(i)].append(i)
    found = [
        Cluster(tuple(group), tuple(sorted(union.kinds[root])))
        for root, group in groups.items()
        if len(group) >= options.cluster_min_accounts
    ]
    return sorted(found, key=lambda c: (-len(c.members), c.members))
