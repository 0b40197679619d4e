"""Preset ``default``: deduplicated, multi-platform, hard to game, explained.

Each paper's score is a sum of post contributions, and its breakdown lists every term (``docs/ranking.md``):

* **what counts.** Each post once (platform + post id). Reposts are engagement of their original, never posts.
  Deleted posts do not count (``count_deleted``). Each account counts at most once per paper per platform: its
  highest-scoring post about the paper; the others are noted in the breakdown with 0 points;
* **a post's gross points** = platform weight x follower factor x share x (``post_base`` + damp(engagement)),
  engagement being likes + 2 reposts + replies + 2 quotes (Hacker News points + comments, Hugging Face upvotes +
  comments), damped by ``log1p``, so one viral post does not outweigh broad discussion. The follower factor is
  1 + 0.1 per decade of followers, capped at 1.5, and 1 when the platform gives no count. A post that links
  n papers gives each 1/n (``split_credit``);
* **discounts**, each a negative breakdown item: accounts that look automated or are aggregators (more than
  ``max_papers_per_account`` distinct papers of the day, a name matching ``bot_name_patterns``, or a text that
  ``identical_text_accounts`` accounts posted word for word) count x ``automated_weight`` (0.2), and posts of
  one identical-text cluster about a paper count as one post between them. A post whose author is an author of
  the paper is self-promotion: shown as its own item and counted x ``self_promotion_weight`` (0.5);
* **the score is the sum of the breakdown's values** (computed as that sum, so they agree exactly); papers
  scoring at least ``min_score`` are listed, ordered by score, then distinct accounts (descending), then
  announcement position (ascending), then arXiv id. With ``per_category`` each paper also gets its percentile
  in its primary category (a 0-point breakdown note) and papers are ordered by percentile first;
* filters (categories, keywords, authors) choose which papers are ranked; automation is judged on all posts.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from hotpapers._gc import gc_paused
from hotpapers.errors import UsageError
from hotpapers.models import (
    BreakdownItem,
    Digest,
    PaperEvidence,
    PostEvidence,
    PostKind,
    RankedPaper,
    RankedPost,
)
from hotpapers.ranking_enrichment import enrichment_item
from hotpapers.ranking_filters import category_percentiles, first_per_category, paper_selected
from hotpapers.ranking_signals import (
    AccountKey,
    AccountSignals,
    AuthorNames,
    account_signals,
    platform_label,
    post_gross,
    post_label,
)

__all__ = ["DefaultOptions", "rank_default"]

_REPOST = PostKind.REPOST

Damping = Literal["log1p", "sqrt", "none"]
DEFAULT_PLATFORM_WEIGHTS = (("x", 1.0), ("bluesky", 1.0), ("hackernews", 1.5), ("huggingface", 1.0))
DEFAULT_BOT_NAME_PATTERNS = (r"(?<!ro)bot(?![a-z])", "arxiv", "papers", "daily", "feed")

_NON_NEGATIVE = (
    "other_platform_weight", "like_weight", "repost_weight", "reply_weight", "quote_weight", "post_base",
    "follower_bonus_per_decade", "follower_bonus_cap", "min_score", "max_posts", "breakdown_posts",
    "per_category_top", "identical_text_min_chars", "max_papers_per_account", "enrichment_weight", "enrichment_cap",
)  # fmt: skip
_TUPLES = (
    "screened_platforms", "bot_name_patterns", "include_categories", "exclude_categories", "keywords",
    "exclude_keywords", "authors",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class DefaultOptions:
    """Every knob of preset ``default``, with its default (see ``docs/ranking.md``)."""

    # how much one post is worth
    platform_weights: tuple[tuple[str, float], ...] = DEFAULT_PLATFORM_WEIGHTS
    other_platform_weight: float = 1.0  # platforms not in platform_weights
    like_weight: float = 1.0  # also Hacker News points and Hugging Face upvotes
    repost_weight: float = 2.0
    reply_weight: float = 1.0  # also Hacker News and Hugging Face comments
    quote_weight: float = 2.0
    damping: Damping = "log1p"
    post_base: float = 1.0  # points of a counted post before its engagement
    follower_bonus_per_decade: float = 0.1
    follower_bonus_cap: float = 0.5
    split_credit: bool = True
    count_deleted: bool = False
    # automated and aggregator accounts
    screened_platforms: tuple[str, ...] = ("x", "bluesky")
    max_papers_per_account: int = 5
    bot_name_patterns: tuple[str, ...] = DEFAULT_BOT_NAME_PATTERNS
    identical_text_accounts: int = 3
    identical_text_min_chars: int = 12
    identical_text_counts_once: bool = True
    automated_weight: float = 0.2
    # self-promotion
    self_promotion_weight: float = 0.5
    # enrichment (hotpapers enrich): one capped, explained item; 0 = off (ranking_enrichment.py)
    enrichment_weight: float = 0.0
    enrichment_cap: float = 2.0
    # listing
    min_score: float = 5.0
    max_posts: int = 5
    breakdown_posts: int = 5
    per_category: bool = False
    per_category_top: int = 0  # at most this many papers per primary category; 0: no cut
    # filters
    include_categories: tuple[str, ...] = ()  # archives (cs) or categories (stat.ML); empty: all
    exclude_categories: tuple[str, ...] = ()
    primary_category_only: bool = False
    keywords: tuple[str, ...] = ()
    exclude_keywords: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        weights = [(f"platform_weights[{p!r}]", w) for p, w in self.platform_weights]
        for name, value in [(n, getattr(self, n)) for n in _NON_NEGATIVE] + weights:
            if not math.isfinite(value) or value < 0:
                raise UsageError(f"default option {name} must be a finite number >= 0, got {value}")
        for name in ("automated_weight", "self_promotion_weight"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise UsageError(f"default option {name} must be within 0..1, got {getattr(self, name)}")
        for name in _TUPLES:
            if isinstance(getattr(self, name), str):
                raise UsageError(f"default option {name} must be a tuple of strings, got a string")
        if self.damping not in ("log1p", "sqrt", "none"):
            raise UsageError(f"default option damping must be log1p, sqrt or none, got {self.damping!r}")
        if self.identical_text_accounts < 2:
            raise UsageError(f"default option identical_text_accounts must be >= 2, got {self.identical_text_accounts}")
        for pattern in self.bot_name_patterns:
            try:
                re.compile(pattern)
            except re.error as e:
                raise UsageError(f"default option bot_name_patterns: bad pattern {pattern!r}: {e}") from e

    def platform_weight(self, platform: str) -> float:
        """The weight of ``platform`` (``other_platform_weight`` if it is not listed)."""
        return dict(self.platform_weights).get(platform, self.other_platform_weight)


@dataclass(slots=True)  # not frozen (never changed once made): a frozen one costs ~1 us more per post to build
class _Counted:
    """A post that counts for one paper, with every factor of its contribution (made by ``_discounted``)."""

    evidence: PostEvidence
    gross: float  # platform weight x follower factor x share x (post_base + damped engagement)
    account: AccountKey
    automated: float  # automated_weight for a flagged account, else 1
    together: int  # posts of its identical-text cluster about this paper (they count as one)
    author: bool  # the poster is an author of the paper (self-promotion)
    self_weight: float  # self_promotion_weight for an author, else 1
    cluster: tuple[str, str] | None
    after_automation: float  # gross x automated / together
    net: float  # after_automation x self_weight: what the post adds to the paper's score

    def by_net(self) -> tuple[float, dt.datetime, str, str]:
        """Sort key: most net points first, then oldest, then platform and post id."""
        post = self.evidence.post
        return (-self.net, post.created_at, post.platform, post.post_id)

    def by_gross(self) -> tuple[float, dt.datetime, str, str]:
        """Sort key: most gross points first, then oldest, then platform and post id."""
        post = self.evidence.post
        return (-self.gross, post.created_at, post.platform, post.post_id)


@dataclass(frozen=True, slots=True)
class _Scored:
    """One paper's counted posts, breakdown and score."""

    item: PaperEvidence
    counted: tuple[_Counted, ...]
    breakdown: tuple[BreakdownItem, ...]
    score: float
    percentile: float = 0.0

    def key(self, by_percentile: bool) -> tuple[float, float, int, int, str]:
        first = -self.percentile if by_percentile else 0.0
        return (first, -self.score, -len(self.counted), self.item.announcement.position, self.item.paper.arxiv_id)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _notes(counts: Counter[str], what: str, note: str) -> list[BreakdownItem]:
    """0-point items: per platform, how many posts were left out and why."""
    return [BreakdownItem(f"{platform_label(p)}: {_plural(n, what)}, {note}", 0.0) for p, n in sorted(counts.items())]


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
"""An account's best post about a paper: its order (as ``_Counted.by_gross``), gross points and evidence."""


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


def _discounted(
    best: dict[AccountKey, _Best], item: PaperEvidence, signals: AccountSignals, options: DefaultOptions
) -> list[_Counted]:
    """Apply the automation, identical-text and self-promotion factors; sorted by net points."""
    clusters = [signals.cluster_of(entry.post) for _, _, entry in best.values()]
    sizes = Counter(key for key in clusters if key is not None) if options.identical_text_counts_once else Counter()
    authors = AuthorNames.of(item.paper)
    result = []
    for (account, (_, gross, entry)), cluster in zip(best.items(), clusters, strict=True):
        automated = options.automated_weight if account in signals.reasons else 1.0
        together = (sizes[cluster] if cluster else 0) or 1
        author = authors.wrote(entry.post)
        self_weight = options.self_promotion_weight if author else 1.0
        after = gross * automated / together
        net = after * self_weight
        result.append(_Counted(entry, gross, account, automated, together, author, self_weight, cluster, after, net))
    return sorted(result, key=_Counted.by_net)


def _post_items(counted: Sequence[_Counted], options: DefaultOptions) -> list[BreakdownItem]:
    """The gross points of the ``breakdown_posts`` largest posts and, per platform, of the rest (platforms by
    their net total)."""
    by_gross = sorted(counted, key=_Counted.by_gross)
    top = {id(c) for c in by_gross[: options.breakdown_posts]}
    totals: defaultdict[str, float] = defaultdict(float)
    for entry in counted:
        totals[entry.evidence.post.platform] += entry.net
    items: list[BreakdownItem] = []
    for platform in sorted(totals, key=lambda p: (-totals[p], p)):
        mine = [c for c in by_gross if c.evidence.post.platform == platform]
        items += [BreakdownItem(post_label(c.evidence, options), c.gross) for c in mine if id(c) in top]
        rest = [c.gross for c in mine if id(c) not in top]
        if rest:
            items.append(BreakdownItem(f"{platform_label(platform)}: {_plural(len(rest), 'more post')}", sum(rest)))
    return items


def _automation_label(members: Sequence[_Counted], signals: AccountSignals, weight: float) -> str:
    post, cluster = members[0].evidence.post, members[0].cluster
    where = platform_label(post.platform)
    if cluster is None:
        return f"{where}: @{post.author_handle} counted x{weight:g} ({'; '.join(signals.reasons[members[0].account])})"
    names = ", ".join(f"@{c.evidence.post.author_handle}" for c in members[:3]) + (", ..." if len(members) > 3 else "")
    once = " and as one post" if members[0].together > 1 else ""
    size = len(signals.clusters[cluster])
    return f"{where}: {names}: a text {size} accounts posted word for word, counted x{weight:g}{once}"


def _automation_items(
    counted: Sequence[_Counted], signals: AccountSignals, options: DefaultOptions
) -> list[BreakdownItem]:
    """One negative item per discounted account, or per identical-text cluster."""
    groups: defaultdict[object, list[_Counted]] = defaultdict(list)
    for entry in counted:
        if entry.after_automation != entry.gross:
            groups[entry.cluster or entry.account].append(entry)
    items = [
        BreakdownItem(
            _automation_label(members, signals, options.automated_weight),
            -sum(c.gross - c.after_automation for c in members),
        )
        for members in groups.values()
    ]
    return sorted(items, key=lambda b: (b.value, b.label))


def _self_items(counted: Sequence[_Counted], options: DefaultOptions) -> list[BreakdownItem]:
    """Self-promotion, always its own item (0 points when ``self_promotion_weight`` is 1)."""
    return [
        BreakdownItem(
            f"self-promotion: @{c.evidence.post.author_handle} ({platform_label(c.evidence.post.platform)}) "
            f"is an author of the paper, counted x{options.self_promotion_weight:g}",
            -(c.after_automation - c.net),
        )
        for c in counted
        if c.author
    ]


def _score(item: PaperEvidence, signals: AccountSignals, options: DefaultOptions, weights: dict[str, float]) -> _Scored:
    """Count, weigh and discount a paper's posts; the score is the sum of the breakdown's values."""
    entries, left_out = _usable(item, options)
    best, more = _one_per_account(entries, options, weights)
    final = _discounted(best, item, signals, options)
    items = _post_items(final, options) + _automation_items(final, signals, options) + _self_items(final, options)
    items += enrichment_item(item.enrichment, len(final), options.enrichment_weight, options.enrichment_cap)
    breakdown = (*items, *left_out, *more)
    return _Scored(item, tuple(final), breakdown, sum((b.value for b in breakdown), 0.0))


def _with_percentiles(scored: list[_Scored]) -> list[_Scored]:
    """Each paper with its percentile in its primary category and a 0-point note saying so."""
    places = category_percentiles([(s.item.paper.primary_category, s.score) for s in scored])
    return [
        _Scored(s.item, s.counted, (*s.breakdown, BreakdownItem(note, 0.0)), s.score, pct)
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
    options: DefaultOptions = DefaultOptions(),  # a frozen dataclass: a safe shared default
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


def _rank_papers(papers: list[PaperEvidence], options: DefaultOptions) -> tuple[RankedPaper, ...]:
    """The listed papers, ranked (the working objects are freed on return, before the collector resumes)."""
    signals = account_signals(papers, options)
    weights = dict(options.platform_weights)
    scored = [_score(item, signals, options, weights) for item in papers if paper_selected(item.paper, options)]
    if options.per_category:
        scored = _with_percentiles(scored)
    listed = _listed(scored, options)
    return tuple(_ranked(n, s, options) for n, s in enumerate(listed, start=1))
