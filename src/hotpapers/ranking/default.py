"""Preset ``default``: deduplicated, multi-platform, hard to game, explained.

Each paper's score is a sum of post contributions, and its breakdown lists every term (``docs/ranking.md``):

* **what counts.** The day's cohort: papers announced new (or cross-listed) that day; a replacement of an older
  paper is not part of it (views rank such papers labelled ``resurfaced``). Each post once (platform + post id).
  Reposts are engagement of their original, never posts. Deleted posts do not count (``count_deleted``). Each
  account counts at most once per paper per platform: its highest-scoring post about the paper; the others are
  noted in the breakdown with 0 points;
* **a post's gross points** = platform weight x share x (``post_base`` + damp(engagement)), engagement being
  likes + 2 reposts + replies + 2 quotes (Hacker News points + comments, Hugging Face upvotes + comments), damped
  by ``log1p``, so one viral post does not outweigh broad discussion. A post that links n papers gives each 1/n
  (``split_credit``);
* **who speaks** (``credibility``): x the account's credibility (followers or karma, account age; a low
  count is a penalty); accounts new to the store, or with a weak profile when the store has no history, are
  low-credibility; unknown stays neutral;
* **discounts** (``contributions``), each a negative breakdown item: a text that says nothing (only the
  title or a stock phrase), automated accounts, aggregators and release-hour feeds, self-promotion, coordinated
  clusters (``coordination``) counting as one account, and the **bounded influence** of low-credibility
  accounts: together they never add more than ``min(low_credibility_cap, max(low_credibility_floor,
  low_credibility_ratio x`` the points of the paper's other accounts``))`` to a paper; the default floor equals
  the cap, so the bound is ``low_credibility_cap`` points unless a lower floor is chosen;
* **the score is the sum of the breakdown's values** (computed as that sum, so they agree exactly); papers
  scoring at least ``min_score`` are listed, ordered by score, then distinct accounts (descending), then
  announcement position (ascending), then arXiv id. With ``per_category`` each paper also gets its percentile
  in its primary category (a 0-point breakdown note) and papers are ordered by percentile first;
* filters (categories, keywords, authors) choose which papers are ranked; automation is judged on all posts.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from hotpapers._gc import gc_paused
from hotpapers.authors import AuthorNames
from hotpapers.models import (
    AnnounceType,
    BreakdownItem,
    Digest,
    PaperEvidence,
    PostEvidence,
    PostKind,
    RankedPaper,
    RankedPost,
)
from hotpapers.ranking.contributions import Counted, bound, breakdown_items, coordinate, plural
from hotpapers.ranking.credibility import credibility
from hotpapers.ranking.enrichment import enrichment_item
from hotpapers.ranking.filters import category_percentiles, first_per_category, paper_selected
from hotpapers.ranking.options import DefaultOptions
from hotpapers.ranking.signals import (
    AccountKey,
    AccountSignals,
    account_signals,
    platform_label,
    post_gross,
    says_nothing,
)

__all__ = ["DefaultOptions", "in_cohort", "rank_default"]

_REPOST = PostKind.REPOST
DEFAULTS = DefaultOptions()


@dataclass(frozen=True, slots=True)
class _Scored:
    """One paper's counted posts, breakdown and score."""

    item: PaperEvidence
    counted: tuple[Counted, ...]
    breakdown: tuple[BreakdownItem, ...]
    score: float
    percentile: float = 0.0

    def key(self, by_percentile: bool) -> tuple[float, float, int, int, str]:
        first = -self.percentile if by_percentile else 0.0
        return (first, -self.score, -len(self.counted), self.item.announcement.position, self.item.paper.arxiv_id)


def _notes(counts: Counter[str], what: str, note: str) -> list[BreakdownItem]:
    """0-point items: per platform, how many posts were left out and why."""
    return [
        BreakdownItem(f"{platform_label(p)}: {plural(n, what)}, {note}", 0.0, "note") for p, n in sorted(counts.items())
    ]


def _usable(item: PaperEvidence, options: DefaultOptions) -> tuple[list[PostEvidence], list[BreakdownItem]]:
    """Each post once; reposts and (unless ``count_deleted``) deleted posts left out, with 0-point notes."""
    unique: dict[tuple[str, str], PostEvidence] = {}
    for entry in item.posts:
        post = entry.post
        unique.setdefault((post.platform, post.post_id), entry)
    kept: list[PostEvidence] = []
    reposts: Counter[str] = Counter()
    deleted: Counter[str] = Counter()
    drop_deleted = not options.count_deleted
    for entry in unique.values():
        post = entry.post
        if post.kind is _REPOST:
            reposts[post.platform] += 1
        elif post.deleted and drop_deleted:
            deleted[post.platform] += 1
        else:
            kept.append(entry)
    notes = _notes(reposts, "repost", "engagement of their originals, not posts")
    return kept, notes + _notes(deleted, "deleted post", "not counted")


_Best = tuple[tuple[float, dt.datetime, str, str], float, PostEvidence]
"""An account's best post about a paper: its order (as ``Counted.by_gross``), gross points and evidence."""


def _one_per_account(
    entries: list[PostEvidence], options: DefaultOptions, weights: dict[str, float]
) -> tuple[dict[AccountKey, _Best], list[BreakdownItem]]:
    """Each account's best post about the paper (most points, then oldest, then smallest id); others noted."""
    best: dict[AccountKey, _Best] = {}
    extra: Counter[str] = Counter()
    other = options.other_platform_weight
    for entry in entries:
        post = entry.post
        gross = post_gross(entry, options, weights.get(post.platform, other))
        order = (-gross, post.created_at, post.platform, post.post_id)
        key = post.platform, post.author_handle.casefold()  # account_key, inlined: this runs for every post
        if key in best:
            extra[post.platform] += 1
            if best[key][0] <= order:
                continue
        best[key] = order, gross, entry
    return best, _notes(extra, "more post", "by accounts already counted: one per account")


def _weighed(
    best: dict[AccountKey, _Best], item: PaperEvidence, signals: AccountSignals, options: DefaultOptions
) -> list[Counted]:
    """Each account's best post with steps 2 to 5 of ``contributions``: credibility, what its text says,
    automation, self-promotion."""
    authors = AuthorNames.of(item.paper)
    title = item.paper.title
    result = []
    for account, (_, gross, entry) in best.items():
        post = entry.post
        cred = credibility(post, entry.account, options)
        after_cred = gross * cred.factor
        screened = post.platform in options.screened_platforms
        nothing = says_nothing(post.text, title) if screened else None
        after_text = after_cred * (options.says_nothing_weight if nothing else 1.0)
        automated = options.automated_weight if account in signals.reasons else 1.0
        after_automation = after_text * automated
        author = authors.wrote(post)
        after_self = after_automation * (options.self_promotion_weight if author else 1.0)
        result.append(Counted(entry, account, gross, cred, after_cred, nothing, after_text, automated,
                              signals.cluster_of(post), after_automation, author, after_self))  # fmt: skip
    return result


def _resurfaced_note(item: PaperEvidence) -> list[BreakdownItem]:
    if not item.resurfaced:
        return []
    label = f"resurfaced: an older paper (announced {item.announcement.date.isoformat()}), discussed again"
    return [BreakdownItem(label, 0.0, "resurfaced")]


def _score(item: PaperEvidence, signals: AccountSignals, options: DefaultOptions, weights: dict[str, float]) -> _Scored:
    """Count, weigh and discount a paper's posts; the score is the sum of the breakdown's values."""
    entries, left_out = _usable(item, options)
    best, more = _one_per_account(entries, options, weights)
    counted = sorted(_weighed(best, item, signals, options), key=Counted.by_gross)  # an order that is not the input's
    found = coordinate(counted, item.paper.title, options)
    pool = bound(counted, options)
    counted.sort(key=Counted.by_net)
    items = breakdown_items(counted, found, pool, signals, options)
    items += enrichment_item(item.enrichment, len(counted), options.enrichment_weight, options.enrichment_cap)
    breakdown = (*items, *_resurfaced_note(item), *left_out, *more)
    return _Scored(item, tuple(counted), breakdown, sum((b.value for b in breakdown), 0.0))


def _with_percentiles(scored: list[_Scored]) -> list[_Scored]:
    """Each paper with its percentile in its primary category and a 0-point note saying so."""
    places = category_percentiles([(s.item.paper.primary_category, s.score) for s in scored])
    return [
        _Scored(s.item, s.counted, (*s.breakdown, BreakdownItem(note, 0.0, "note")), s.score, pct)
        for s, (pct, note) in zip(scored, places, strict=True)
    ]


def _listed(scored: list[_Scored], options: DefaultOptions) -> list[_Scored]:
    """Papers scoring at least ``min_score``, in order, at most ``per_category_top`` per primary category."""
    kept = sorted((s for s in scored if s.score >= options.min_score), key=lambda s: s.key(options.per_category))
    keep = first_per_category([s.item.paper.primary_category for s in kept], options.per_category_top)
    return [s for s, ok in zip(kept, keep, strict=True) if ok]


def _ranked(number: int, s: _Scored, options: DefaultOptions) -> RankedPaper:
    shown = (
        RankedPost(c.evidence.post, c.evidence.engagement, c.net)
        for c in s.counted
        if c.evidence.engagement is not None and not c.evidence.post.deleted
    )
    counts = [c.evidence.engagement for c in s.counted if c.evidence.engagement is not None]
    return RankedPaper(
        rank=number,
        score=s.score,
        paper=s.item.paper,
        posts=tuple(itertools.islice(shown, options.max_posts)),
        breakdown=s.breakdown,
        reposts=sum(e.reposts for e in counts),
        likes=sum(e.likes for e in counts),
        counted_at=max((e.observed_at for e in counts), default=None),
    )


def rank_default(
    evidence: Sequence[PaperEvidence],
    *,
    date: dt.date,
    window_start: dt.datetime,
    window_end: dt.datetime,
    generated_at: dt.datetime,
    options: DefaultOptions = DEFAULTS,  # a frozen dataclass: a safe shared default
    title: str | None = None,
) -> Digest:
    """Rank papers by deduplicated, damped, multi-platform discussion (see the module docstring).

    Args:
        evidence: one entry per paper of the day, with the posts that link it and their latest snapshots.
        date: the announcement day.
        window_start: start of the collection window (recorded in the digest).
        window_end: end of the collection window.
        generated_at: when the digest is made (timezone-aware).
        options: every knob; see :class:`DefaultOptions`.
        title: the digest's title; default ``"Hot Papers YYYY-MM-DD"``.

    Returns:
        A ``Digest`` with preset ``"default"``, papers ranked 1..n, each breakdown summing to its score.

    Raises:
        ValueError: a datetime is naive.
    """
    unique: dict[str, PaperEvidence] = {}
    for item in evidence:
        unique.setdefault(item.paper.arxiv_id, item)
    with gc_paused():
        ranked = _rank_papers(list(unique.values()), options)
    return Digest(
        title=title if title is not None else f"Hot Papers {date.isoformat()}",
        date=date,
        window_start=window_start,
        window_end=window_end,
        generated_at=generated_at,
        preset="default",
        papers=ranked,
    )


_NOT_COHORT = frozenset({AnnounceType.REPLACE, AnnounceType.REPLACE_CROSS})


def in_cohort(item: PaperEvidence) -> bool:
    """Whether a paper is ranked: announced new or cross-listed that day, or an older paper a view marks
    ``resurfaced`` (a replacement of an older paper is not part of a day's cohort)."""
    return item.resurfaced or item.announcement.announce_type not in _NOT_COHORT


def _rank_papers(papers: list[PaperEvidence], options: DefaultOptions) -> tuple[RankedPaper, ...]:
    """The listed papers, ranked (the working objects are freed on return, before the collector resumes)."""
    signals = account_signals(papers, options)
    weights = dict(options.platform_weights)
    scored = [
        _score(item, signals, options, weights)
        for item in papers
        if in_cohort(item) and paper_selected(item.paper, options)
    ]
    if options.per_category:
        scored = _with_percentiles(scored)
    listed = _listed(scored, options)
    return tuple(_ranked(n, s, options) for n, s in enumerate(listed, start=1))
