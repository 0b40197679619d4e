"""Preset ``default``: deduplication, damping, platforms, automation, self-promotion, breakdowns, filters."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import math
import random
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotpapers.errors import UsageError
from hotpapers.models import (
    AccountEvidence,
    AccountProfile,
    Digest,
    EngagementSnapshot,
    PaperEvidence,
    PostEvidence,
    PostKind,
    RankedPaper,
)
from hotpapers.ranking.default import rank_default
from hotpapers.ranking.options import DefaultOptions
from hotpapers.ranking.presets import PRESETS, rank

from helpers.factories import DAY, T0, announcement, paper, post
from helpers.paths import ROOT

# ---------------------------------------------------------------- helpers


def _letters(post_id: str) -> str:
    """Digits as letters, so that texts of different posts differ after normalisation (digits are dropped)."""
    return "".join("abcdefghij"[int(c)] if c.isdigit() else c for c in post_id)


def _ev(
    post_id: str,
    *ids: str,
    handle: str | None = None,
    name: str | None = None,
    platform: str = "x",
    likes: int = 0,
    reposts: int = 0,
    replies: int = 0,
    quotes: int = 0,
    extras: tuple[tuple[str, int], ...] = (),
    observed: bool = True,
    at: dt.datetime = T0,
    account: AccountEvidence | None = None,
    **kw: object,
) -> PostEvidence:
    """A post by its own account (``handle`` defaults to ``u<post_id>``) with one snapshot."""
    handle = handle or f"u{post_id}"
    values: dict[str, object] = {"author_handle": handle, "author_name": name or f"Reader {_letters(post_id)}"}
    values["text"] = f"notes {_letters(post_id) * 6}"  # texts of different posts are far from near-identical
    values.update(kw)
    made = dataclasses.replace(post(post_id, *(ids or ("2104.00001",)), **values), platform=platform)
    snap = EngagementSnapshot(platform, post_id, at, reposts, likes, replies, quotes, extras)
    return PostEvidence(made, snap if observed else None, account)


def _paper(arxiv_id: str, posts: Sequence[PostEvidence] = (), position: int = 0, **kw: object) -> PaperEvidence:
    return PaperEvidence(paper(arxiv_id, **kw), announcement(arxiv_id, position), tuple(posts))


def _rank(evidence: Sequence[PaperEvidence], **options: object) -> Digest:
    opts = DefaultOptions(**{"min_score": 0.0, **options})  # type: ignore[arg-type]
    return rank_default(evidence, date=DAY, window_start=T0, window_end=T0, generated_at=T0, options=opts)


def _only(evidence: Sequence[PaperEvidence], **options: object) -> RankedPaper:
    (ranked,) = _rank(evidence, **options).papers
    return ranked


def _scores(digest: Digest) -> dict[str, float]:
    return {p.paper.arxiv_id: p.score for p in digest.papers}


def _points(value: float) -> float:
    """One X post's gross points under the defaults."""
    return 1.0 + math.log1p(value)


def _labels(ranked: RankedPaper) -> list[str]:
    return [b.label for b in ranked.breakdown]


A, B, C = "2104.00001", "2104.00002", "2104.00003"

# ---------------------------------------------------------------- what counts


def test_post_listed_twice_counts_once() -> None:
    """The same post given twice for one paper counts once."""
    once = _only([_paper(A, [_ev("1", likes=10)])])
    twice = _only([_paper(A, [_ev("1", likes=10)] * 2)])
    assert twice.score == once.score == pytest.approx(_points(10))


def test_repost_adds_nothing_and_is_noted() -> None:
    """A repost is engagement of its original: the score is unchanged and a 0-point note says so."""
    original = _ev("1", likes=10)
    repost = _ev("2", likes=0, reposts=50, kind=PostKind.REPOST, references="1")
    ranked = _only([_paper(A, [original, repost])])
    assert ranked.score == pytest.approx(_points(10))
    assert ("X: 1 repost, engagement of their originals, not posts", 0.0) in [
        (b.label, b.value) for b in ranked.breakdown
    ]


def test_account_counts_once_per_paper_per_platform() -> None:
    """Three posts by one account about one paper: only its best counts, the others are noted."""
    posts = [_ev(str(n), handle="alice", likes=likes) for n, likes in ((1, 5), (2, 40), (3, 0))]
    ranked = _only([_paper(A, posts)])
    assert ranked.score == pytest.approx(_points(40))
    assert "X: 2 more posts, by accounts already counted: one per account" in _labels(ranked)


def test_handles_compare_case_insensitively() -> None:
    """@Alice and @alice are one account."""
    ranked = _only([_paper(A, [_ev("1", handle="Alice", likes=5), _ev("2", handle="alice", likes=5)])])
    assert ranked.score == pytest.approx(_points(5))


def test_same_handle_on_two_platforms_counts_on_each() -> None:
    """One handle on X and on Bluesky is two accounts."""
    ranked = _only([_paper(A, [_ev("1", handle="alice"), _ev("2", handle="alice", platform="bluesky")])])
    assert ranked.score == pytest.approx(2.0)


def test_deleted_posts_do_not_count_by_default() -> None:
    """A deleted post counts nothing and is noted."""
    ranked = _only([_paper(A, [_ev("1", likes=9), _ev("2", likes=99, deleted=True)])])
    assert ranked.score == pytest.approx(_points(9)) and "X: 1 deleted post, not counted" in _labels(ranked)


def test_count_deleted_counts_them_but_never_shows_them() -> None:
    """With count_deleted a deleted post counts its last snapshot but is not among the shown posts."""
    ranked = _only([_paper(A, [_ev("2", likes=99, deleted=True)])], count_deleted=True)
    assert ranked.score == pytest.approx(_points(99)) and ranked.posts == ()


def test_post_never_observed_counts_its_base() -> None:
    """A post without a snapshot counts post_base and is not shown (nothing to show its counts with)."""
    ranked = _only([_paper(A, [_ev("1", observed=False)])])
    assert (ranked.score, ranked.posts) == (1.0, ())


# ---------------------------------------------------------------- what a post is worth


def test_engagement_is_likes_plus_twice_reposts_plus_replies_plus_twice_quotes_damped() -> None:
    """10 likes, 5 reposts, 2 replies, 1 quote: 1 + log1p(10 + 10 + 2 + 2)."""
    ranked = _only([_paper(A, [_ev("1", likes=10, reposts=5, replies=2, quotes=1)])])
    assert ranked.score == pytest.approx(1.0 + math.log1p(24))


def test_one_viral_post_does_not_outweigh_broad_discussion() -> None:
    """Five accounts with 20 likes each outrank one post with 10,000 likes."""
    viral = _paper(A, [_ev("1", likes=10_000)])
    broad = _paper(B, [_ev(str(n), B, likes=20) for n in range(10, 15)], position=1)
    assert [p.paper.arxiv_id for p in _rank([viral, broad]).papers] == [B, A]


@pytest.mark.parametrize(("damping", "expected"), [("sqrt", 1.0 + 10.0), ("none", 1.0 + 100.0)])
def test_damping_can_be_changed(damping: str, expected: float) -> None:
    """damping='sqrt' takes the square root of the engagement, 'none' the engagement itself."""
    assert _only([_paper(A, [_ev("1", likes=100)])], damping=damping).score == pytest.approx(expected)


def test_hacker_news_points_and_comments_with_platform_weight() -> None:
    """A Hacker News story: 1.5 x (1 + log1p(points + comments)), read from its extras."""
    story = _ev("1", platform="hackernews", likes=120, replies=30, extras=(("points", 120), ("comments", 30)))
    assert _only([_paper(A, [story])]).score == pytest.approx(1.5 * (1.0 + math.log1p(150)))


def test_hugging_face_upvotes_and_comments() -> None:
    """A Hugging Face daily paper: 1 + log1p(upvotes + comments)."""
    entry = _ev("1", platform="huggingface", likes=40, replies=2, extras=(("upvotes", 40),))
    assert _only([_paper(A, [entry])]).score == pytest.approx(1.0 + math.log1p(42))


def test_platform_weights_are_options() -> None:
    """Changing a platform's weight scales its posts."""
    ranked = _only([_paper(A, [_ev("1", platform="bluesky")])], platform_weights=(("bluesky", 3.0),))
    assert ranked.score == pytest.approx(3.0)


@pytest.mark.parametrize(("followers", "factor"), [(None, 1.0), (0, 0.1), (99, 1.0), (999, 1.5), (10**12, 1.5)])
def test_follower_factor_is_arxiv_sanitys_clamped(followers: int | None, factor: float) -> None:
    """log10(followers + 1) / 2 within 0.1..1.5 (a low count is a penalty); exactly 1 when unknown."""
    ranked = _only([_paper(A, [_ev("1", author_followers=followers)])])
    credibility = [b for b in ranked.breakdown if b.kind == "credibility"]
    assert sum(b.value for b in ranked.breakdown if b.kind in ("post", "credibility")) == pytest.approx(factor)
    assert credibility and (followers is None or f"{followers:,} followers x{factor:.2f}" in credibility[0].label)


def test_multi_paper_post_splits_its_credit() -> None:
    """A post linking two papers gives each half of its points, and its label says so."""
    shared = _ev("1", A, B, likes=30)
    digest = _rank([_paper(A, [shared]), _paper(B, [shared], position=1)])
    assert list(_scores(digest).values()) == [pytest.approx(_points(30) / 2)] * 2
    assert "1/2: links 2 papers" in digest.papers[0].breakdown[0].label


def test_split_credit_can_be_switched_off() -> None:
    """split_credit=False gives every linked paper the full points."""
    shared = _ev("1", A, B, likes=30)
    digest = _rank([_paper(A, [shared]), _paper(B, [shared], position=1)], split_credit=False)
    assert list(_scores(digest).values()) == [pytest.approx(_points(30))] * 2


# ---------------------------------------------------------------- automated and aggregator accounts


def _aggregator_day(n_papers: int) -> list[PaperEvidence]:
    """@mlfan posts every one of n papers (5 likes each); paper 0 also has a human post."""
    ids = [f"2104.{k:05d}" for k in range(1, n_papers + 1)]
    days = [_paper(i, [_ev(f"9{k}", i, handle="mlfan", likes=5)], position=k) for k, i in enumerate(ids)]
    days[0] = dataclasses.replace(days[0], posts=(*days[0].posts, _ev("1", ids[0], likes=5)))
    return days


def test_account_linking_more_than_five_papers_is_discounted() -> None:
    """An account linking 6 papers of the day counts x0.2, as a negative item naming why."""
    ranked = _rank(_aggregator_day(6)).papers[0]
    assert ranked.score == pytest.approx(1.2 * _points(5))
    (item,) = [b for b in ranked.breakdown if b.value < 0]
    assert item.label == "X: @mlfan counted x0.2 (links 6 papers of the day)"
    assert item.value == pytest.approx(-0.8 * _points(5))


def test_account_linking_five_papers_is_not_discounted() -> None:
    """Five papers of the day is still a person."""
    assert _rank(_aggregator_day(5)).papers[0].score == pytest.approx(2 * _points(5))


@pytest.mark.parametrize(
    ("handle", "name"),
    [("cv_paperbot", "CV"), ("mathCTbot", "arXiv math.CT"), ("jdoe", "AI Bot (PR)"), ("StatMLPapers", "Stat.ML"),
     ("arxiv_org", "arxiv"), ("ml_daily", "ML"), ("cs_feed", "CS")],
)  # fmt: skip
def test_bot_like_names_are_discounted(handle: str, name: str) -> None:
    """Handles or names with bot, arxiv, papers, daily or feed count x0.2."""
    ranked = _only([_paper(A, [_ev("1", handle=handle, name=name, likes=5)])])
    assert ranked.score == pytest.approx(0.2 * _points(5))


@pytest.mark.parametrize(("handle", "name"), [("leggedrobotics", "Robotic Systems Lab"), ("lbottou", "Léon Bottou")])
def test_robot_and_bottou_are_not_bots(handle: str, name: str) -> None:
    """The 'bot' pattern spares robotics and names that merely contain the letters."""
    assert _only([_paper(A, [_ev("1", handle=handle, name=name)])]).score == 1.0


def test_identical_text_from_three_accounts_counts_as_one_discounted_account() -> None:
    """Three accounts posting the same words: each x0.2, and together they count as one account."""
    text = "This paper changes everything, read it now!"
    ring = [_ev(str(n), handle=f"sock{n}", text=f"{text} https://t.co/{n}", likes=29) for n in range(3)]
    ranked = _only([_paper(A, ring)])
    assert ranked.score == pytest.approx(0.2 * _points(29))
    assert "X: @sock0, @sock1, @sock2: a text 3 accounts posted word for word, counted x0.2" in _labels(ranked)
    (cluster,) = [b for b in ranked.breakdown if b.kind == "coordination"]
    assert cluster.label.startswith("coordinated: @sock0, @sock1, @sock2 (X) act as one account (near-identical")
    assert cluster.value == pytest.approx(-2 * 0.2 * _points(29))


def test_identical_text_from_two_accounts_is_not_a_cluster() -> None:
    """Two accounts saying the same thing is a coincidence, not a ring."""
    text = "This paper changes everything, read it now!"
    pair = [_ev(str(n), handle=f"sock{n}", text=text) for n in range(2)]
    assert _only([_paper(A, pair)]).score == 2.0


def test_unscreened_platforms_are_not_judged() -> None:
    """A Hugging Face submitter of many papers (every daily-papers entry has one) is not discounted."""
    ids = [f"2104.{k:05d}" for k in range(1, 8)]
    day = [
        _paper(i, [_ev(f"9{k}", i, handle="akhaliq", platform="huggingface")], position=k) for k, i in enumerate(ids)
    ]
    assert set(_scores(_rank(day)).values()) == {1.0}


def test_aggregator_is_judged_on_all_papers_even_filtered_ones() -> None:
    """Posts about papers the filters leave out still count towards an account's papers of the day."""
    (kept,) = _rank(_aggregator_day(6), keywords=("Paper 2104.00001",)).papers
    assert kept.score == pytest.approx(1.2 * _points(5))


# ---------------------------------------------------------------- self-promotion


def test_author_post_counts_half_and_is_its_own_item() -> None:
    """A post by an author of the paper counts x0.5 and the breakdown names it self-promotion."""
    ranked = _only([_paper(A, [_ev("1", handle="ada_l", name="Ada Lovelace 🧪", likes=10)])])
    assert ranked.score == pytest.approx(0.5 * _points(10))
    assert "self-promotion: @ada_l (X) is an author of the paper, counted x0.5" in _labels(ranked)


@pytest.mark.parametrize("handle", ["adalovelace", "lovelaceada", "ALovelace", "adalovelace.bsky.social"])
def test_author_is_recognised_by_handle(handle: str) -> None:
    """Handles firstlast, lastfirst, flast (and a Bluesky handle's first label) are the author."""
    ranked = _only([_paper(A, [_ev("1", handle=handle, name="Someone")])])
    assert ranked.score == pytest.approx(0.5)


def test_author_match_ignores_accents_and_case() -> None:
    """'ADA LOVELÁCE' is the author Ada Lovelace."""
    assert _only([_paper(A, [_ev("1", name="ADA LOVELÁCE")])]).score == pytest.approx(0.5)


def test_other_people_are_not_self_promotion() -> None:
    """A post by someone else (sharing only a first name) counts fully."""
    assert _only([_paper(A, [_ev("1", handle="ada", name="Ada Byron")])]).score == 1.0


def test_self_promotion_weight_one_still_shows_the_item() -> None:
    """With self_promotion_weight=1 the post counts fully and its 0-point item still says who it is."""
    ranked = _only([_paper(A, [_ev("1", name="Ada Lovelace")])], self_promotion_weight=1.0)
    assert ranked.score == 1.0 and any(b.label.startswith("self-promotion") for b in ranked.breakdown)


# ---------------------------------------------------------------- breakdown, posts, counts


def test_breakdown_itemises_the_largest_posts_and_groups_the_rest() -> None:
    """Seven posts: five items for the largest, one 'more posts' item for the other two."""
    ranked = _only([_paper(A, [_ev(str(n), likes=n * 10) for n in range(1, 8)])])
    posts = [b.label.split(" (")[0] for b in ranked.breakdown if b.kind == "post"]
    assert posts == [f"X: @u{n}" for n in (7, 6, 5, 4, 3)] + ["X: 2 more posts"]
    assert sum(b.value for b in ranked.breakdown) == ranked.score


def test_breakdown_orders_platforms_by_their_points() -> None:
    """Bluesky's larger total comes before X's."""
    ranked = _only([_paper(A, [_ev("1", likes=1), _ev("2", platform="bluesky", likes=90)])])
    assert [b.label[:4] for b in ranked.breakdown if b.kind == "post"] == ["Blue", "X: @"]


def test_shown_posts_are_the_top_contributors_with_their_contribution() -> None:
    """Posts are ordered by what they add (discounts applied), capped at max_posts, reposts never shown."""
    posts = [_ev(str(n), likes=n) for n in range(1, 5)] + [_ev("9", name="Ada Lovelace", likes=40)]
    posts.append(_ev("8", likes=500, kind=PostKind.REPOST))
    ranked = _only([_paper(A, posts)], max_posts=3)
    assert [(p.post.post_id, p.score) for p in ranked.posts] == [
        ("4", pytest.approx(_points(4))),
        ("3", pytest.approx(_points(3))),
        ("9", pytest.approx(0.5 * _points(40))),
    ]


def test_counts_are_raw_sums_and_counted_at_is_the_latest_snapshot() -> None:
    """reposts/likes add up the counted posts' raw counts; counted_at is their latest observation."""
    later = T0 + dt.timedelta(hours=2)
    posts = [
        _ev("1", likes=3, reposts=1),
        _ev("2", likes=4, reposts=2, at=later),
        _ev("3", reposts=9, kind=PostKind.REPOST),
    ]
    ranked = _only([_paper(A, posts)])
    assert (ranked.likes, ranked.reposts, ranked.counted_at) == (7, 3, later)


def test_papers_below_min_score_are_left_out() -> None:
    """The default min_score is 5: one post with no engagement (1 point) is not enough."""
    digest = rank_default(
        [_paper(A, [_ev("1")]), _paper(B, [_ev("2", B, likes=60)], position=1)],
        date=DAY, window_start=T0, window_end=T0, generated_at=T0,
    )  # fmt: skip
    assert [p.paper.arxiv_id for p in digest.papers] == [B]


def test_ties_go_to_more_accounts_then_earlier_listing_then_id() -> None:
    """Equal scores: more distinct accounts first, then lower announcement position, then arXiv id."""
    opts = {"damping": "none", "post_base": 0.0}
    two = _paper(C, [_ev("1", C, likes=5), _ev("2", C, likes=5)], position=9)
    later = _paper(A, [_ev("3", A, likes=10)], position=2)
    earlier = _paper(B, [_ev("4", B, likes=10)], position=1)
    same = _paper("2104.00000", [_ev("5", "2104.00000", likes=10)], position=1)
    order = [p.paper.arxiv_id for p in _rank([later, earlier, same, two], **opts).papers]
    assert order == [C, "2104.00000", B, A]


def test_digest_metadata() -> None:
    """Preset 'default', the default title, date and generation time."""
    digest = _rank([])
    assert (digest.preset, digest.title, digest.date, digest.generated_at) == (
        "default",
        "Hot Papers 2021-04-19",
        DAY,
        T0,
    )


def test_rank_finds_default_by_name() -> None:
    """rank('default', ...) is rank_default, options included."""
    digest = rank("default", [_paper(A, [_ev("1")])], date=DAY, window_start=T0, window_end=T0, generated_at=T0,
                  options=DefaultOptions(min_score=0))  # fmt: skip
    assert "default" in PRESETS and [p.paper.arxiv_id for p in digest.papers] == [A]


@pytest.mark.parametrize(
    "bad",
    [{"damping": "cube"}, {"automated_weight": 1.5}, {"min_score": -1}, {"platform_weights": (("x", -1.0),)},
     {"bot_name_patterns": ("(",)}, {"keywords": "GAN"}, {"identical_text_accounts": 1}, {"post_base": math.inf},
     {"low_credibility_cap": 0.0}, {"says_nothing_weight": 2.0}, {"cluster_min_accounts": 1},
     {"near_duplicate_similarity": 1.5}, {"age_full_days": -1.0}, {"follower_floor": -0.1}],
)  # fmt: skip
def test_invalid_options_raise_usage_error(bad: dict[str, object]) -> None:
    """Nonsense options are refused with a UsageError naming the option."""
    with pytest.raises(UsageError, match=next(iter(bad))):
        DefaultOptions(**bad)  # type: ignore[arg-type]


# ---------------------------------------------------------------- per-category percentiles


def _categories_day() -> list[PaperEvidence]:
    """cs.CV: papers with 3, 2 and 1 posts; cs.DL (a small field): one paper with 1 post."""
    cv = [_paper(f"2104.0000{k}", [_ev(f"{k}{n}", f"2104.0000{k}") for n in range(k)], position=k) for k in (1, 2, 3)]
    dl = _paper("2104.00009", [_ev("90", "2104.00009")], position=9, primary_category="cs.DL", categories=("cs.DL",))
    return [*cv, dl]


def test_per_category_orders_by_percentile_and_notes_it() -> None:
    """A small field's best paper (percentile 100) comes right after the big field's best."""
    digest = _rank(_categories_day(), per_category=True)
    assert [p.paper.arxiv_id for p in digest.papers] == ["2104.00003", "2104.00009", "2104.00002", "2104.00001"]
    assert ("percentile 100 in cs.DL: #1 of 1 papers of the day in that category", 0.0) in [
        (b.label, b.value) for b in digest.papers[1].breakdown
    ]


def test_per_category_top_keeps_the_best_of_each_category() -> None:
    """per_category_top=1 keeps one paper per primary category."""
    digest = _rank(_categories_day(), per_category=True, per_category_top=1)
    assert [p.paper.arxiv_id for p in digest.papers] == ["2104.00003", "2104.00009"]


def test_per_category_is_off_by_default() -> None:
    """Without per_category the order is by score and no percentile note is added."""
    digest = _rank(_categories_day())
    assert digest.papers[1].paper.arxiv_id == "2104.00002"
    assert not any("percentile" in b.label for p in digest.papers for b in p.breakdown)


# ---------------------------------------------------------------- filters


def _filter_day() -> list[PaperEvidence]:
    return [
        _paper(A, [_ev("1", A)], title="A GAN for faces", abstract="Faces.", primary_category="cs.CV",
               categories=("cs.CV", "cs.LG"), authors=("Zoë Ng", "Bo Li")),
        _paper(B, [_ev("2", B)], position=1, title="Organ segmentation", abstract="We use GANs in MRI.",
               primary_category="eess.IV", categories=("eess.IV",), authors=("José Álvarez",)),
        _paper(C, [_ev("3", C)], position=2, title="Large language\nmodels", abstract="Text.",
               primary_category="cs.CL", categories=("cs.CL", "stat.ML"), authors=("Ann Lee",)),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("options", "kept"),
    [
        ({"include_categories": ("cs",)}, [A, C]),
        ({"include_categories": ("stat.ML",)}, [C]),
        ({"include_categories": ("stat.ML",), "primary_category_only": True}, []),
        ({"exclude_categories": ("cs.CV",)}, [A, B, C]),
        ({"include_categories": ("cs",), "exclude_categories": ("cs.CV", "cs.LG")}, [C]),
        ({"keywords": ("gan",)}, [A]),
        ({"keywords": ("large language model",)}, []),
        ({"keywords": ("large language models", "mri")}, [B, C]),
        ({"exclude_keywords": ("GAN",)}, [B, C]),
        ({"authors": ("alvarez",)}, [B]),
        ({"authors": ("zoe", "ann lee")}, [A, C]),
    ],
)
def test_filters(options: dict[str, object], kept: list[str]) -> None:
    """Categories as CategoryFilter; keywords whole-word, any case, in title+abstract; authors by folded substring."""
    assert sorted(p.paper.arxiv_id for p in _rank(_filter_day(), **options).papers) == kept


# ---------------------------------------------------------------- properties

HANDLES = ["alice", "bob", "Carol", "daily_dan", "adalovelace", "eve", "frank", "grace"]
TEXTS = ["Great paper about models!", "Great paper about models!", "must read this week", "hmm", "",
         "Paper 2104.00001", "Great paper about model!", "Bullish on routing"]
PLATFORMS = ["x", "x", "bluesky", "hackernews", "huggingface"]


@st.composite
def accounts(draw: st.DrawFn) -> AccountEvidence:
    """What a store may know of an account: a profile or not, a history of any depth or none."""
    profile = None
    if draw(st.booleans()):
        created = T0 - dt.timedelta(days=draw(st.floats(0, 5000)))
        profile = AccountProfile("x", "someone", T0, followers=draw(st.none() | st.integers(0, 10**6)),
                                 created_at=draw(st.none() | st.just(created)),
                                 karma=draw(st.none() | st.integers(0, 10**5)))  # fmt: skip
    first = draw(st.none() | st.floats(0, 400))
    last = draw(st.floats(0, first)) if first is not None else None
    since = draw(st.none() | st.floats(0, 800))
    return AccountEvidence(
        profile,
        None if first is None else T0 - dt.timedelta(days=first),
        None if last is None else T0 - dt.timedelta(days=last),
        None if since is None else T0 - dt.timedelta(days=since),
    )


@st.composite
def days(draw: st.DrawFn) -> list[PaperEvidence]:
    """Up to 7 papers and 14 posts from 8 accounts on 4 platforms: reposts, deletions, shared and identical
    texts, multi-paper posts, unobserved posts, followers known or not, account profiles and histories, posts
    minutes or hours apart (bursts), at the release hour or not."""
    ids = [f"2104.{k:05d}" for k in range(1, draw(st.integers(0, 7)) + 1)]
    posts: dict[str, list[PostEvidence]] = {i: [] for i in ids}
    for n in range(draw(st.integers(0, 14)) if ids else 0):
        linked = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
        counts = draw(st.tuples(*[st.integers(0, 5000)] * 4))
        entry = _ev(
            str(100 + n), *linked, handle=draw(st.sampled_from(HANDLES)), platform=draw(st.sampled_from(PLATFORMS)),
            likes=counts[0], reposts=counts[1], replies=counts[2], quotes=counts[3], observed=draw(st.booleans()),
            kind=draw(st.sampled_from(list(PostKind))), deleted=draw(st.booleans()), text=draw(st.sampled_from(TEXTS)),
            author_followers=draw(st.none() | st.integers(0, 10**7)), account=draw(st.none() | accounts()),
            created_at=T0 - dt.timedelta(minutes=draw(st.integers(0, 48 * 60))),
        )  # fmt: skip
        entry = PostEvidence(dataclasses.replace(entry.post, author_name=entry.post.author_handle), entry.engagement)
        for i in linked:
            posts[i].append(entry)
    categories = st.sampled_from([("cs.CV",), ("cs.LG", "stat.ML"), ("cs.DL",)])
    return [
        _paper(i, posts[i], position=k, primary_category=(cats := draw(categories))[0], categories=cats)
        for k, i in enumerate(ids)
    ]


@settings(max_examples=150, deadline=None)
@given(days(), st.booleans(), st.floats(0, 8))
def test_default_invariants(evidence: list[PaperEvidence], per_category: bool, min_score: float) -> None:
    """Breakdowns sum to scores, ranks run 1..n, scores never increase, thresholds and caps hold, discounts <= 0."""
    digest = _rank(evidence, per_category=per_category, min_score=min_score)
    assert [p.rank for p in digest.papers] == list(range(1, len(digest.papers) + 1))
    if not per_category:
        assert all(a.score >= b.score for a, b in zip(digest.papers, digest.papers[1:], strict=False))
    for ranked in digest.papers:
        assert sum(b.value for b in ranked.breakdown) == ranked.score >= min_score
        assert all(b.value <= 0 for b in ranked.breakdown if "counted x" in b.label)
        assert all(b.value == 0 for b in ranked.breakdown if "not counted" in b.label or "percentile" in b.label)
        assert len(ranked.posts) <= 5 and all(
            p.post.kind is not PostKind.REPOST and not p.post.deleted for p in ranked.posts
        )
        assert sum(p.score for p in ranked.posts) <= ranked.score + 1e-9


@settings(max_examples=60, deadline=None)
@given(days(), st.randoms(use_true_random=False))
def test_default_ignores_input_order(evidence: list[PaperEvidence], rnd: random.Random) -> None:
    """Shuffling the papers and each paper's posts gives the same digest."""
    shuffled = [dataclasses.replace(item, posts=tuple(rnd.sample(item.posts, len(item.posts)))) for item in evidence]
    rnd.shuffle(shuffled)
    assert _rank(shuffled) == _rank(evidence)


@settings(max_examples=120, deadline=None)
@given(
    days(),
    st.lists(st.integers(0, 100_000), min_size=7, max_size=7),
    st.sampled_from([{}, {"low_credibility_floor": 0.5}]),
)
def test_a_bot_lifts_a_paper_by_at_most_its_own_post(
    evidence: list[PaperEvidence], engagement: list[int], options: dict[str, float]
) -> None:
    """A new account posting every paper adds 0..its post's points to each score (with the relative bound, up to
    (1 + low_credibility_ratio) x: its post, and the room it gives the paper's low-credibility accounts): no paper
    jumps a wider gap."""
    before = _scores(_rank(evidence, **options))
    bot_posts = {
        item.paper.arxiv_id: _ev(
            f"77{k}", item.paper.arxiv_id, handle="zzqx", text=f"zzqx {_letters(str(k))}", likes=likes
        )
        for k, (item, likes) in enumerate(zip(evidence, engagement, strict=False))
    }
    with_bot = [dataclasses.replace(i, posts=(*i.posts, bot_posts[i.paper.arxiv_id])) for i in evidence]
    after = _scores(_rank(with_bot, **options))
    lift = 1 + DefaultOptions().low_credibility_ratio if options else 1.0
    cap = {i: lift * _points(bot_posts[i].engagement.likes) for i in bot_posts}  # type: ignore[union-attr]
    assert set(before) <= set(after)
    for paper_id, score in before.items():
        assert -1e-9 <= after[paper_id] - score <= cap[paper_id] + 1e-9
    for a in before:
        for b in before:
            if before[a] + cap[a] < before[b] - 1e-9:
                assert after[a] < after[b]


# ---------------------------------------------------------------- the evidence scripts, on the bundled archive



def _script(folder: str, name: str) -> ModuleType:
    """Import ``folder/<name>.py`` (the scripts import each other by module name, as when run as scripts)."""
    if name not in sys.modules:
        sys.path.insert(0, str(ROOT / folder))
        spec = importlib.util.spec_from_file_location(name, ROOT / folder / f"{name}.py")
        assert spec is not None and spec.loader is not None
        sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[name])
    return sys.modules[name]


@pytest.fixture(scope="module")
def bundled_days() -> list[Any]:
    agreement = _script("tools", "ranking_agreement")
    days, failed = agreement.load_days(agreement.BUNDLED_ARCHIVE)
    assert failed == []
    return [d for d in _script("benchmarks", "attack_rings").with_history(days) if len(d.evidence) > 10]


def test_default_agrees_with_classic_on_most_of_the_top_10(bundled_days: list[Any]) -> None:
    """On the bundled archive days with more than 10 papers, the two top 10s share at least 7 papers."""
    agreement = _script("tools", "ranking_agreement")
    overlaps, _ = agreement._compare(bundled_days, agreement.default(), 11)
    assert overlaps and min(overlaps) >= 7


@pytest.mark.parametrize("attack", ["short", "varied", "feeds"])
def test_a_ring_of_new_accounts_lifts_its_paper_under_classic_only(bundled_days: list[Any], attack: str) -> None:
    """A ring of 40 new accounts lifts the day's weakest paper into classic's top 3 on most days, default's on none."""
    attacks = _script("benchmarks", "ranking_attacks")
    agreement = _script("tools", "ranking_agreement")
    rankers = {"classic": agreement.classic, "default": agreement.default()}
    clean = {p: [agreement.order(r(d.evidence, d)) for d in bundled_days] for p, r in rankers.items()}
    outcomes = attacks.measure(bundled_days, attack, 40, rankers, clean)
    assert 2 * sum(r <= 3 for r in outcomes["classic"].ranks) > len(bundled_days)
    assert all(r > 3 for r in outcomes["default"].ranks)
