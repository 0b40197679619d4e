"""What each counted post of a paper contributes under preset ``default``, factor by factor, and the breakdown.

A counted post (an account's best post about the paper) goes through these steps; each step's effect is a
breakdown term, so the terms add up to the sum of the posts' net contributions, which is the score:

1. gross points (``signals.post_gross``): a ``post`` item;
2. x its account's credibility factor (``credibility``): a ``credibility`` item;
3. x ``says_nothing_weight`` when its text is only the title or a stock phrase: a ``discount`` item;
4. x ``automated_weight`` for an automated account, an aggregator or a release-hour feed: a ``discount`` item;
5. x ``self_promotion_weight`` for an author of the paper: a ``self-promotion`` item;
6. a coordinated cluster counts like one account, its best member; the others' points go: a ``coordination``
   item;
7. the low-credibility accounts' points together, S, count ``limit * tanh(S / low_credibility_cap)``, where
   ``limit = min(cap, max(low_credibility_floor, low_credibility_ratio * C))`` and C is what the paper's other
   (established or unknown) accounts give it: concave in S (so in the number of such accounts) and below the
   limit however many they are; a ``bounded`` item. By default the floor equals the cap, so the limit is the
   cap; a lower floor makes the bound relative: a ring adds at most a share of the paper's credible discussion
   (or the floor).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from hotpapers.models import BreakdownItem, PostEvidence
from hotpapers.ranking.coordination import Cluster, Member, clusters
from hotpapers.ranking.credibility import Credibility
from hotpapers.ranking.options import DefaultOptions
from hotpapers.ranking.signals import AccountKey, AccountSignals, platform_label, post_label, residual_text

__all__ = ["Counted", "Pool", "bound", "breakdown_items", "coordinate", "low_credibility_limit", "plural"]


@dataclass(slots=True)
class Counted:
    """A post that counts for one paper, with every factor of its contribution (see the module docstring)."""

    evidence: PostEvidence
    account: AccountKey
    gross: float
    credibility: Credibility
    after_credibility: float
    nothing: str | None  # why its text says nothing (None: it says something)
    after_text: float
    automated: float  # automated_weight for a flagged account, else 1
    day_cluster: tuple[str, str] | None  # the day's identical-text cluster it belongs to
    after_automation: float
    author: bool  # the poster is an author of the paper
    after_self: float
    cluster: int | None = None  # index of its coordinated cluster
    collapsed: bool = False  # in a cluster and not its best member: counts nothing
    net: float = 0.0  # what the post adds to the paper's score

    @property
    def after_cluster(self) -> float:
        """Its points after step 6 (0 when collapsed into its cluster's best member)."""
        return 0.0 if self.collapsed else self.after_self

    def by_net(self) -> tuple[float, dt.datetime, str, str]:
        """Sort key: most net points first, then oldest, then platform and post id."""
        post = self.evidence.post
        return (-self.net, post.created_at, post.platform, post.post_id)

    def by_gross(self) -> tuple[float, dt.datetime, str, str]:
        """Sort key: most gross points first, then oldest, then platform and post id."""
        post = self.evidence.post
        return (-self.gross, post.created_at, post.platform, post.post_id)

    def by_self(self) -> tuple[float, dt.datetime, str, str]:
        """Sort key: most points before coordination first, then oldest, then platform and post id."""
        post = self.evidence.post
        return (-self.after_self, post.created_at, post.platform, post.post_id)


def plural(n: int, word: str) -> str:
    """``1 post``, ``2 posts``."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _handles(members: Sequence[Counted], shown: int = 3) -> str:
    names = ", ".join(f"@{c.evidence.post.author_handle}" for c in members[:shown])
    return names + (f" and {len(members) - shown} more" if len(members) > shown else "")


# -- steps 6 and 7 -------------------------------------------------------------------------------------------


def coordinate(counted: Sequence[Counted], title: str, options: DefaultOptions) -> list[Cluster]:
    """Find the coordinated clusters among a paper's counted posts and collapse each into its best member."""
    members = [
        Member(
            text=None if c.nothing else residual_text(c.evidence.post.text, title),
            posted=c.evidence.post.created_at,
            created=c.evidence.account.profile.created_at
            if c.evidence.account is not None and c.evidence.account.profile is not None
            else None,
            low=c.credibility.low,
        )
        for c in counted
    ]
    found = clusters(members, options)
    for number, cluster in enumerate(found):
        group = sorted((counted[i] for i in cluster.members), key=Counted.by_self)
        for rank, entry in enumerate(group):
            entry.cluster, entry.collapsed = number, rank > 0
    return found


@dataclass(frozen=True, slots=True)
class Pool:
    """What a paper's low-credibility accounts add together (step 7): their points ``total``, the paper's points
    from its other accounts ``credible``, the ``limit`` that follows from it and what the total counts, ``kept``."""

    total: float
    credible: float
    limit: float
    kept: float


def low_credibility_limit(credible: float, options: DefaultOptions) -> float:
    """``min(low_credibility_cap, max(low_credibility_floor, low_credibility_ratio x credible))``: the most a
    paper's low-credibility accounts can add to it, given the points its other accounts give it."""
    ratio, floor = options.low_credibility_ratio, options.low_credibility_floor
    return min(options.low_credibility_cap, max(floor, ratio * credible))


def bound(counted: Sequence[Counted], options: DefaultOptions) -> Pool:
    """Set each post's net points; return the paper's ``Pool``: the low-credibility accounts' points S together
    count ``limit * tanh(S / low_credibility_cap)``, the limit set by the other accounts' points
    (``low_credibility_limit``)."""
    total = credible = 0.0
    for c in counted:
        if c.credibility.low:
            total += c.after_cluster
        else:
            credible += c.after_cluster
    limit = low_credibility_limit(credible, options)
    kept = limit * math.tanh(total / options.low_credibility_cap) if total > 0 else 0.0
    scale = kept / total if total > 0 else 1.0
    for c in counted:
        c.net = c.after_cluster * scale if c.credibility.low else c.after_cluster
    return Pool(total, credible, limit, kept)


# -- the breakdown -------------------------------------------------------------------------------------------


def _post_items(counted: Sequence[Counted], options: DefaultOptions) -> tuple[list[BreakdownItem], set[int]]:
    """The gross points of the ``breakdown_posts`` largest posts and, per platform, of the rest (platforms by
    their net total); and which posts are itemised (by ``id``)."""
    by_gross = sorted(counted, key=Counted.by_gross)
    top = {id(c) for c in by_gross[: options.breakdown_posts]}
    totals: defaultdict[str, float] = defaultdict(float)
    for entry in counted:
        totals[entry.evidence.post.platform] += entry.net
    items: list[BreakdownItem] = []
    for platform in sorted(totals, key=lambda p: (-totals[p], p)):
        mine = [c for c in by_gross if c.evidence.post.platform == platform]
        items += [BreakdownItem(post_label(c.evidence, options), c.gross, "post") for c in mine if id(c) in top]
        rest = [c.gross for c in mine if id(c) not in top]
        if rest:
            label = f"{platform_label(platform)}: {plural(len(rest), 'more post')}"
            items.append(BreakdownItem(label, sum(rest), "post"))
    return items, top


_HISTORY_WORDS = {"new": "new to the store", "recent": "seen before, not established", "established": "established"}


def _credibility_items(counted: Sequence[Counted], top: set[int]) -> list[BreakdownItem]:
    """Each itemised account's credibility (the unknown ones together), then per platform the other accounts'."""
    items: list[BreakdownItem] = []
    unknown = sorted((c for c in counted if id(c) in top and c.credibility.parts == ("unknown",)), key=Counted.by_gross)
    skip = {id(c) for c in unknown}
    for c in sorted((c for c in counted if id(c) in top and id(c) not in skip), key=Counted.by_gross):
        post = c.evidence.post
        label = f"credibility of @{post.author_handle} ({platform_label(post.platform)}): " \
                f"x{c.credibility.factor:.2f} ({c.credibility.text})"  # fmt: skip
        items.append(BreakdownItem(label, c.after_credibility - c.gross, "credibility"))
    if unknown:
        label = f"credibility unknown (no profile, no history), counted x1: {_handles(unknown)}"
        items.append(BreakdownItem(label, 0.0, "credibility"))
    rest: defaultdict[str, list[Counted]] = defaultdict(list)
    for c in counted:
        if id(c) not in top:
            rest[c.evidence.post.platform].append(c)
    for platform, members in sorted(rest.items()):
        kinds = Counter(_HISTORY_WORDS.get(c.credibility.history, "unknown") for c in members)
        said = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items(), key=lambda k: (-k[1], k[0])))
        label = f"credibility of {plural(len(members), 'more account')} on {platform_label(platform)} ({said})"
        items.append(BreakdownItem(label, sum(c.after_credibility - c.gross for c in members), "credibility"))
    return items


def _text_items(counted: Sequence[Counted], options: DefaultOptions) -> list[BreakdownItem]:
    """Per platform: the posts whose text says nothing, counted ``says_nothing_weight``."""
    groups: defaultdict[str, list[Counted]] = defaultdict(list)
    for c in counted:
        if c.nothing is not None:
            groups[c.evidence.post.platform].append(c)
    items = []
    for platform, members in sorted(groups.items()):
        members.sort(key=Counted.by_gross)
        why = sorted({c.nothing for c in members if c.nothing})
        label = (f"{platform_label(platform)}: {_handles(members)}: the text says nothing of its own "
                 f"({'; '.join(why)}), counted x{options.says_nothing_weight:g}")  # fmt: skip
        items.append(BreakdownItem(label, sum(c.after_text - c.after_credibility for c in members), "discount"))
    return items


def _automation_label(members: Sequence[Counted], signals: AccountSignals, weight: float) -> str:
    post, cluster = members[0].evidence.post, members[0].day_cluster
    where = platform_label(post.platform)
    if cluster is None:
        return f"{where}: @{post.author_handle} counted x{weight:g} ({'; '.join(signals.reasons[members[0].account])})"
    size = len(signals.clusters[cluster])
    return f"{where}: {_handles(members)}: a text {size} accounts posted word for word, counted x{weight:g}"


def _automation_items(counted: Sequence[Counted], signals: AccountSignals, weight: float) -> list[BreakdownItem]:
    """One negative item per discounted account, or per identical-text cluster of the day."""
    groups: defaultdict[object, list[Counted]] = defaultdict(list)
    for entry in counted:
        if entry.automated != 1.0:
            groups[entry.day_cluster or entry.account].append(entry)
    items = [
        BreakdownItem(
            _automation_label(members, signals, weight),
            sum(c.after_automation - c.after_text for c in members),
            "discount",
        )
        for members in groups.values()
    ]
    return sorted(items, key=lambda b: (b.value, b.label))


def _self_items(counted: Sequence[Counted], options: DefaultOptions) -> list[BreakdownItem]:
    """Self-promotion, always its own item (0 points when ``self_promotion_weight`` is 1)."""
    return [
        BreakdownItem(
            f"self-promotion: @{c.evidence.post.author_handle} ({platform_label(c.evidence.post.platform)}) "
            f"is an author of the paper, counted x{options.self_promotion_weight:g}",
            c.after_self - c.after_automation,
            "self-promotion",
        )
        for c in counted
        if c.author
    ]


_EDGE_WORDS = {
    "burst": "low-credibility accounts posting within {burst} minutes of each other",
    "created": "young accounts created within {created} days of each other",
    "text": "near-identical texts",
}


def _cluster_items(
    counted: Sequence[Counted], found: Sequence[Cluster], options: DefaultOptions
) -> list[BreakdownItem]:
    """One item per coordinated cluster: what its members other than the best one would have added."""
    items = []
    for number, cluster in enumerate(found):
        group = sorted((c for c in counted if c.cluster == number), key=Counted.by_self)
        platforms = ", ".join(sorted({platform_label(c.evidence.post.platform) for c in group}))
        why = "; ".join(
            _EDGE_WORDS[kind].format(burst=f"{options.burst_minutes:g}", created=f"{options.created_within_days:g}")
            for kind in cluster.reasons
        )
        label = (f"coordinated: {_handles(group)} ({platforms}) act as one account ({why}): only "
                 f"@{group[0].evidence.post.author_handle} counts")  # fmt: skip
        items.append(BreakdownItem(label, -sum(c.after_self for c in group[1:]), "coordination"))
    return items


def _bound_item(counted: Sequence[Counted], pool: Pool, options: DefaultOptions) -> list[BreakdownItem]:
    low = [c for c in counted if c.credibility.low and not c.collapsed]
    if not low:
        return []
    who = "1 low-credibility account counts" if len(low) == 1 else f"{len(low)} low-credibility accounts count"
    if pool.limit >= options.low_credibility_cap:
        limit = f"{options.low_credibility_cap:g} together"
    elif pool.limit > options.low_credibility_floor:
        limit = (f"{pool.limit:.2f} together: {options.low_credibility_ratio:g} x the {pool.credible:.2f} points "
                 f"of the other accounts")  # fmt: skip
    else:
        limit = (f"{pool.limit:.2f} together: the floor {options.low_credibility_floor:g}; the other accounts "
                 f"give {pool.credible:.2f} points")  # fmt: skip
    label = f"bounded influence: {who} {pool.kept:.2f} of {pool.total:.2f} points (never more than {limit})"
    return [BreakdownItem(label, pool.kept - pool.total, "bounded")]


def breakdown_items(
    counted: Sequence[Counted],
    found: Sequence[Cluster],
    pool: Pool,
    signals: AccountSignals,
    options: DefaultOptions,
) -> list[BreakdownItem]:
    """Every term of a paper's score from its counted posts, in the order of the module docstring's steps."""
    posts, top = _post_items(counted, options)
    return [
        *posts,
        *_credibility_items(counted, top),
        *_text_items(counted, options),
        *_automation_items(counted, signals, options.automated_weight),
        *_self_items(counted, options),
        *_cluster_items(counted, found, options),
        *_bound_item(counted, pool, options),
    ]
