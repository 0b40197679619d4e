"""Preset ``classic`` counts exactly what the original tool (daily-arxiv-gatsby, ``create_markdown.py``) counted,
so that its old posts can be reproduced:

* a post's score is its reposts + likes (retweets + favorites); a paper's score is the sum over all its
  posts, reposts included: the original summed every status its search returned, and a v1.1 retweet
  reports its original's retweet count, which inflated the totals. ``RankedPaper.reposts``/``likes`` are the
  two sums (the "retweets: R, favorites: F" line), and the breakdown has one item per post with a non-zero
  score, so the items sum to the score;
* a paper is kept if its score is at least ``min_score`` (50) and, with ``require_pdf``, it has a PDF link;
* papers are ordered by score, descending. The original sorted ascending with Python's stable sort and
  reversed the list (``reversed(sorted(papers, key=paper_score))``), so tied papers appear in *reverse*
  listing order. ``classic`` does the same: ties are broken by announcement position, descending, then by
  arXiv id, ascending (only reached when positions are equal too);
* under each paper, posts are ordered by score, descending; the original's reversed stable sort put tied
  tweets in reverse search-result order, and both of its searches (twint, and the v1.1 search with
  ``result_type=recent``) returned the newest first, so ties go oldest first: ``created_at`` ascending, then
  post id ascending (numerically). The first ``max_posts`` (10) posts of that order are the candidates, as
  in the original (``[:max_tweet_topk]`` before the threshold), and of those, posts scoring at least
  ``min_post_score`` (25) are embedded;
* a post that links several papers counts fully for each (as in the original); with ``split_credit`` each of
  the n papers gets 1/n of its score (the breakdown says so and still sums to the score);
* reposts count but are never embedded. The original embedded every hit through oEmbed, which renders a
  retweet as its original tweet, and the later version skipped repeated retweets and repeated embeds. A
  repost's score (its original's retweets, 0 likes) never exceeds its original's, so when the original tweet
  is among the posts it is shown once, as before. When only a retweet was found, the original showed the
  retweeted tweet; ``classic`` has no record of that tweet and shows nothing. Deleted posts count (their
  last counts) but cannot be embedded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from hotpapers.models import (
    BreakdownItem,
    Digest,
    PaperEvidence,
    PostEvidence,
    PostKind,
    RankedPaper,
    RankedPost,
)
from hotpapers.ranking.options import ClassicOptions

__all__ = ["rank_classic"]

_DEFAULTS = ClassicOptions()  # a frozen dataclass: a safe shared default


@dataclass(frozen=True, slots=True)
class _Scored:
    """A post with the counts the ranking used."""

    evidence: PostEvidence
    reposts: int
    likes: int
    share: float = 1.0  # the fraction of the post's score this paper gets (split_credit)

    @property
    def score(self) -> int:
        return self.reposts + self.likes

    @property
    def credit(self) -> float:
        """What this post adds to the paper's score."""
        return self.score * self.share if self.share != 1.0 else float(self.score)


def _post_id_key(post_id: str) -> tuple[bool, int, str]:
    """Numeric order for numeric ids (X status ids), text order after them for anything else."""
    numeric = post_id.isdigit()
    return (not numeric, len(post_id) if numeric else 0, post_id)


def _share(post: PostEvidence, split: bool) -> float:
    return 1.0 / max(1, len(post.post.arxiv_ids)) if split else 1.0


def _scored_posts(posts: Sequence[PostEvidence], split: bool = False) -> list[_Scored]:
    """Each distinct post once (first occurrence), scored, in classic's post order."""
    unique: dict[tuple[str, str], PostEvidence] = {}
    for item in posts:
        unique.setdefault((item.post.platform, item.post.post_id), item)
    scored = [
        _Scored(item, item.engagement.reposts, item.engagement.likes, _share(item, split))
        if item.engagement is not None
        else _Scored(item, 0, 0)
        for item in unique.values()
    ]
    scored.sort(key=lambda s: (-s.score, s.evidence.post.created_at, _post_id_key(s.evidence.post.post_id)))
    return scored


def _embedded(scored: Sequence[_Scored], options: ClassicOptions) -> tuple[RankedPost, ...]:
    """The posts shown under a paper: of the first ``max_posts``, the non-repost ones scoring enough."""
    shown: list[RankedPost] = []
    for item in scored[: options.max_posts]:
        post, engagement = item.evidence.post, item.evidence.engagement
        if engagement is None or post.kind is PostKind.REPOST or post.deleted:
            continue
        if item.score >= options.min_post_score:
            shown.append(RankedPost(post, engagement, float(item.score)))
    return tuple(shown)


def _breakdown(scored: Sequence[_Scored]) -> tuple[BreakdownItem, ...]:
    """One item per post with a non-zero score; the values sum to the paper's score."""
    items: list[BreakdownItem] = []
    for item in scored:
        if item.score:
            post = item.evidence.post
            kind = "repost " if post.kind is PostKind.REPOST else ""
            label = f"@{post.author_handle} ({post.platform}) {kind}retweets+likes"
            if item.share != 1.0:
                label += f", shared with {round(1 / item.share) - 1} other paper(s)"
            items.append(BreakdownItem(label, item.credit))
    return tuple(items)


def rank_classic(
    evidence: Sequence[PaperEvidence],
    *,
    date: dt.date,
    window_start: dt.datetime,
    window_end: dt.datetime,
    generated_at: dt.datetime,
    options: ClassicOptions = _DEFAULTS,
    title: str | None = None,
) -> Digest:
    """Rank papers as the original tool did (see the module docstring for every rule).

    Args:
        evidence: one entry per paper, with the posts that link it and their latest snapshots.
        date: the announcement day.
        window_start: start of the collection window (recorded in the digest).
        window_end: end of the collection window.
        generated_at: when the digest is made (timezone-aware).
        options: thresholds and caps; the defaults are the original's.
        title: the digest's title; default ``"Hot Papers YYYY-MM-DD"``.

    Returns:
        A ``Digest`` with preset ``"classic"``, papers ranked 1..n.

    Raises:
        ValueError: a datetime is naive.
    """
    kept: list[tuple[tuple[float, int, str], PaperEvidence, list[_Scored]]] = []
    for item in evidence:
        scored = _scored_posts(item.posts, options.split_credit)
        score = sum(s.credit for s in scored)
        if score < options.min_score or (options.require_pdf and not item.paper.pdf_url):
            continue
        kept.append(((-score, -item.announcement.position, item.paper.arxiv_id), item, scored))
    kept.sort(key=lambda entry: entry[0])
    papers = tuple(
        RankedPaper(
            rank=number,
            score=float(-key[0]),
            paper=item.paper,
            posts=_embedded(scored, options),
            breakdown=_breakdown(scored),
            reposts=round(sum(s.reposts * s.share for s in scored)),
            likes=round(sum(s.likes * s.share for s in scored)),
            counted_at=max(
                (s.evidence.engagement.observed_at for s in scored if s.evidence.engagement is not None),
                default=None,
            ),
        )
        for number, (key, item, scored) in enumerate(kept, start=1)
    )
    return Digest(
        title=title if title is not None else f"Hot Papers {date.isoformat()}",
        date=date,
        window_start=window_start,
        window_end=window_end,
        generated_at=generated_at,
        preset="classic",
        papers=papers,
    )
