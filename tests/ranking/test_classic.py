"""Preset ``classic``: the original tool's scores, thresholds, caps and tie-breaks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotpapers.errors import UsageError
from hotpapers.models import Digest, PaperEvidence, PostEvidence, PostKind
from hotpapers.ranking.classic import rank_classic
from hotpapers.ranking.options import ClassicOptions
from hotpapers.ranking.presets import PRESETS, rank

from helpers.factories import DAY, T0, announcement, paper, post, snapshot


def _evidence(
    arxiv_id: str,
    counts: Sequence[tuple[int, int]],
    *,
    position: int = 0,
    pdf: bool = True,
    kind: PostKind = PostKind.ORIGINAL,
) -> PaperEvidence:
    """A paper whose posts have the given (reposts, likes), created a minute apart, ids in order."""
    posts = tuple(
        PostEvidence(
            post(f"{arxiv_id[-3:]}{n:03d}", arxiv_id, kind=kind, created_at=T0 - dt.timedelta(minutes=100 - n)),
            snapshot(f"{arxiv_id[-3:]}{n:03d}", reposts=r, likes=likes),
        )
        for n, (r, likes) in enumerate(counts)
    )
    return PaperEvidence(
        paper(arxiv_id, pdf_url=None if not pdf else f"https://arxiv.org/pdf/{arxiv_id}"),
        announcement(arxiv_id, position),
        posts,
    )


def _rank(evidence: Sequence[PaperEvidence], options: ClassicOptions | None = None) -> Digest:
    return rank_classic(
        evidence,
        date=DAY,
        window_start=T0,
        window_end=T0,
        generated_at=T0,
        options=options or ClassicOptions(),
    )


def test_score_is_retweets_plus_likes_over_all_posts() -> None:
    """A paper's score, reposts and likes are sums over every post that links it."""
    (ranked,) = _rank([_evidence("2104.00001", [(30, 5), (2, 20)])]).papers
    assert (ranked.score, ranked.reposts, ranked.likes) == (57.0, 32, 25)


def test_papers_below_min_score_are_dropped() -> None:
    """A paper scoring 49 is left out; 50 is kept."""
    digest = _rank([_evidence("2104.00001", [(49, 0)]), _evidence("2104.00002", [(25, 25)])])
    assert [p.paper.arxiv_id for p in digest.papers] == ["2104.00002"]


def test_papers_without_pdf_are_dropped() -> None:
    """With require_pdf (the default), a paper without a PDF link is left out."""
    assert _rank([_evidence("2104.00001", [(100, 0)], pdf=False)]).papers == ()


def test_require_pdf_can_be_switched_off() -> None:
    """require_pdf=False keeps papers without a PDF link."""
    digest = _rank([_evidence("2104.00001", [(100, 0)], pdf=False)], ClassicOptions(require_pdf=False))
    assert len(digest.papers) == 1


def test_papers_are_ordered_by_score_descending() -> None:
    """Higher scores come first and ranks are 1..n."""
    digest = _rank([_evidence("2104.00001", [(50, 0)]), _evidence("2104.00002", [(90, 0)], position=1)])
    assert [(p.rank, p.paper.arxiv_id) for p in digest.papers] == [(1, "2104.00002"), (2, "2104.00001")]


def test_tied_papers_come_in_reverse_listing_order() -> None:
    """Like the original's reversed(sorted(...)), a tie puts the later-listed paper first."""
    digest = _rank([_evidence("2104.00001", [(60, 0)], position=0), _evidence("2104.00002", [(60, 0)], position=1)])
    assert [p.paper.arxiv_id for p in digest.papers] == ["2104.00002", "2104.00001"]


def test_tie_with_equal_positions_is_broken_by_arxiv_id() -> None:
    """Equal score and position: the smaller arXiv id comes first."""
    digest = _rank([_evidence("2104.00002", [(60, 0)]), _evidence("2104.00001", [(60, 0)])])
    assert [p.paper.arxiv_id for p in digest.papers] == ["2104.00001", "2104.00002"]


def test_posts_are_embedded_by_score_descending() -> None:
    """Embedded posts are ordered by their own retweets + likes, highest first."""
    (ranked,) = _rank([_evidence("2104.00001", [(20, 10), (40, 40), (30, 0)])]).papers
    assert [p.score for p in ranked.posts] == [80.0, 30.0, 30.0]


def test_tied_posts_come_oldest_first() -> None:
    """A tie between posts puts the older one first (then the smaller id)."""
    evidence = _evidence("2104.00001", [(30, 0), (30, 0)])
    older, newer = evidence.posts
    (ranked,) = _rank([PaperEvidence(evidence.paper, evidence.announcement, (newer, older))]).papers
    assert [p.post.post_id for p in ranked.posts] == [older.post.post_id, newer.post.post_id]


def test_posts_below_min_post_score_are_not_embedded_but_count() -> None:
    """A post scoring 24 counts towards the paper but is not shown."""
    (ranked,) = _rank([_evidence("2104.00001", [(30, 0), (24, 0)])]).papers
    assert (ranked.score, len(ranked.posts)) == (54.0, 1)


def test_at_most_max_posts_are_embedded() -> None:
    """Twelve posts scoring 30 give ten embeds."""
    (ranked,) = _rank([_evidence("2104.00001", [(30, 0)] * 12)]).papers
    assert len(ranked.posts) == 10


def test_cap_is_taken_before_reposts_are_dropped() -> None:
    """As the original sliced the top ten before filtering, reposts in the top ten use up slots."""
    reposts = _evidence("2104.00001", [(90, 0)] * 9, kind=PostKind.REPOST)
    originals = _evidence("2104.00002", [(30, 0)] * 3)
    merged = PaperEvidence(reposts.paper, reposts.announcement, reposts.posts + originals.posts)
    (ranked,) = _rank([merged]).papers
    assert len(ranked.posts) == 1


def test_reposts_count_but_are_never_embedded() -> None:
    """A repost adds its counts to the paper and is not shown."""
    evidence = _evidence("2104.00001", [(100, 0)], kind=PostKind.REPOST)
    (ranked,) = _rank([evidence]).papers
    assert (ranked.reposts, ranked.posts) == (100, ())


def test_deleted_posts_count_but_are_not_embedded() -> None:
    """A deleted post keeps its last counts but cannot be embedded."""
    evidence = _evidence("2104.00001", [(100, 0)])
    gone = PostEvidence(post(evidence.posts[0].post.post_id, "2104.00001", deleted=True), evidence.posts[0].engagement)
    (ranked,) = _rank([PaperEvidence(evidence.paper, evidence.announcement, (gone,))]).papers
    assert (ranked.score, ranked.posts) == (100.0, ())


def test_post_without_snapshot_counts_zero() -> None:
    """A post never observed counts 0 and is not embedded."""
    evidence = _evidence("2104.00001", [(60, 0)])
    unseen = PostEvidence(post("999", "2104.00001"), None)
    (ranked,) = _rank([PaperEvidence(evidence.paper, evidence.announcement, (*evidence.posts, unseen))]).papers
    assert (ranked.score, [p.post.post_id for p in ranked.posts]) == (60.0, [evidence.posts[0].post.post_id])


def test_duplicate_post_evidence_counts_once() -> None:
    """The same post listed twice for one paper counts once."""
    evidence = _evidence("2104.00001", [(60, 0)])
    (ranked,) = _rank([PaperEvidence(evidence.paper, evidence.announcement, evidence.posts * 2)]).papers
    assert (ranked.score, len(ranked.posts)) == (60.0, 1)


def test_breakdown_has_one_item_per_scoring_post() -> None:
    """The breakdown names each post with a non-zero score and sums to the score."""
    (ranked,) = _rank([_evidence("2104.00001", [(40, 10), (0, 0), (5, 0)])]).papers
    assert [(b.label, b.value) for b in ranked.breakdown] == [
        ("@ak92501 (x) retweets+likes", 50.0),
        ("@ak92501 (x) retweets+likes", 5.0),
    ]


def test_breakdown_marks_reposts() -> None:
    """A repost's breakdown item says it is a repost."""
    (ranked,) = _rank([_evidence("2104.00001", [(60, 0)], kind=PostKind.REPOST)]).papers
    assert ranked.breakdown[0].label == "@ak92501 (x) repost retweets+likes"


def test_digest_metadata() -> None:
    """The digest records the preset, the default title, date, window and generation time."""
    digest = _rank([])
    assert (digest.title, digest.preset, digest.date, digest.generated_at) == (
        "Hot Papers 2021-04-19",
        "classic",
        DAY,
        T0,
    )


def test_custom_title() -> None:
    """title= replaces the default title."""
    digest = rank_classic([], date=DAY, window_start=T0, window_end=T0, generated_at=T0, title="Weekly")
    assert digest.title == "Weekly"


def test_rank_dispatches_by_preset_name() -> None:
    """rank("classic", ...) is rank_classic, options included."""
    evidence = [_evidence("2104.00001", [(30, 0)])]
    digest = rank(
        "classic",
        evidence,
        date=DAY,
        window_start=T0,
        window_end=T0,
        generated_at=T0,
        options=ClassicOptions(min_score=30),
    )
    assert [p.paper.arxiv_id for p in digest.papers] == ["2104.00001"] and "classic" in PRESETS


def test_unknown_preset_raises_usage_error() -> None:
    """An unknown preset name raises UsageError listing the known ones."""
    with pytest.raises(UsageError, match=r"unknown ranking preset 'fancy' \(known: classic"):
        rank("fancy", [], date=DAY, window_start=T0, window_end=T0, generated_at=T0)


def test_negative_option_raises_usage_error() -> None:
    """Thresholds and caps must not be negative."""
    with pytest.raises(UsageError, match="max_posts"):
        ClassicOptions(max_posts=-1)


counts = st.tuples(st.integers(0, 60), st.integers(0, 60))
papers = st.lists(
    st.tuples(st.lists(counts, max_size=14), st.booleans(), st.sampled_from([PostKind.ORIGINAL, PostKind.REPOST])),
    max_size=12,
)
options = st.builds(
    ClassicOptions,
    min_score=st.integers(0, 120),
    min_post_score=st.integers(0, 60),
    max_posts=st.integers(0, 12),
    require_pdf=st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(papers, options)
def test_classic_invariants(raw: list[tuple[list[tuple[int, int]], bool, PostKind]], opts: ClassicOptions) -> None:
    """Breakdowns sum to scores, ranks run 1..n, scores never increase, thresholds and caps hold."""
    evidence = [_evidence(f"2104.{n:05d}", c, position=n, pdf=pdf, kind=k) for n, (c, pdf, k) in enumerate(raw)]
    digest = _rank(evidence, opts)
    assert [p.rank for p in digest.papers] == list(range(1, len(digest.papers) + 1))
    assert all(a.score >= b.score for a, b in zip(digest.papers, digest.papers[1:], strict=False))
    for ranked in digest.papers:
        assert sum(b.value for b in ranked.breakdown) == ranked.score == ranked.reposts + ranked.likes
        assert ranked.score >= opts.min_score and (ranked.paper.pdf_url or not opts.require_pdf)
        assert len(ranked.posts) <= opts.max_posts
        assert all(p.score >= opts.min_post_score and p.post.kind is not PostKind.REPOST for p in ranked.posts)
        assert [p.score for p in ranked.posts] == sorted((p.score for p in ranked.posts), reverse=True)
    kept = {p.paper.arxiv_id for p in digest.papers}
    for item in evidence:
        score = sum(p.engagement.reposts + p.engagement.likes for p in item.posts if p.engagement)
        eligible = score >= opts.min_score and (item.paper.pdf_url or not opts.require_pdf)
        assert (item.paper.arxiv_id in kept) == bool(eligible)


def _shared_post_evidence() -> list[PaperEvidence]:
    """Two papers; one post (40 reposts, 60 likes) links both, and paper A has its own post (10, 10)."""
    both = post("9001", "2104.00001", "2104.00002")
    own = post("9002", "2104.00001")
    shared = PostEvidence(both, snapshot("9001", reposts=40, likes=60))
    return [
        PaperEvidence(paper("2104.00001"), announcement("2104.00001", 0), (shared, PostEvidence(own, snapshot("9002", 10, 10)))),
        PaperEvidence(paper("2104.00002"), announcement("2104.00002", 1), (shared,)),
    ]


def test_multi_paper_post_gives_full_credit_by_default() -> None:
    """As in the original, a post linking two papers counts fully for each."""
    scores = {p.paper.arxiv_id: p.score for p in _rank(_shared_post_evidence()).papers}
    assert scores == {"2104.00001": 120.0, "2104.00002": 100.0}


def test_split_credit_divides_a_multi_paper_post() -> None:
    """With split_credit, each of the two papers gets half of the shared post's score."""
    digest = _rank(_shared_post_evidence(), ClassicOptions(split_credit=True))
    scores = {p.paper.arxiv_id: p.score for p in digest.papers}
    assert scores == {"2104.00001": 70.0, "2104.00002": 50.0}


def test_split_credit_breakdown_sums_and_says_so() -> None:
    """The split breakdown still sums to the score and names the sharing."""
    (first, _) = _rank(_shared_post_evidence(), ClassicOptions(split_credit=True)).papers
    assert sum(b.value for b in first.breakdown) == first.score
    assert any("shared with 1 other paper(s)" in b.label for b in first.breakdown)
