"""Preset ``default``'s trust rules: credibility, texts that say nothing, coordination, the bound, feeds, cohort."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
from collections.abc import Sequence

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotpapers.models import (
    AccountEvidence,
    AccountProfile,
    Announcement,
    AnnounceType,
    ArxivId,
    Digest,
    EngagementSnapshot,
    PaperEvidence,
    PostEvidence,
    RankedPaper,
)
from hotpapers.ranking.credibility import age_factor, credibility
from hotpapers.ranking.default import rank_default
from hotpapers.ranking.options import DefaultOptions
from hotpapers.ranking.signals import at_release_hour, says_nothing
from hotpapers.writers.json_writer import render_json

from helpers.factories import DAY, T0, paper, post

A, B = "2104.00001", "2104.00002"
POSTED = T0 - dt.timedelta(hours=5)  # 15:43 New York time: not the release hour
STORE_FROM = POSTED - dt.timedelta(days=400)  # the store's history reaches back this far


def _own_words(n: int) -> str:
    """A text nobody else writes: two scrambled strings of letters (no digits: the ranking drops them)."""
    words = []
    for salt in (1, 2):
        value, letters = (n + 1) * 2654435761 * salt % (1 << 40) + (1 << 40), []
        while value:
            value, digit = divmod(value, 26)
            letters.append(chr(ord("a") + digit))
        words.append("".join(letters))
    return " ".join(words)


def _new(created_days: float | None = None, followers: int | None = None) -> AccountEvidence:
    """An account the store has never seen link a paper (its history reaches back 400 days)."""
    profile = None
    if created_days is not None or followers is not None:
        created = None if created_days is None else POSTED - dt.timedelta(days=created_days)
        profile = AccountProfile("x", "someone", POSTED, followers=followers, created_at=created)
    return AccountEvidence(profile, None, None, STORE_FROM)


ESTABLISHED = AccountEvidence(None, POSTED - dt.timedelta(days=90), POSTED - dt.timedelta(days=2), STORE_FROM)


def _ev(n: int, *, arxiv_id: str = A, likes: int = 20, text: str | None = None, account: AccountEvidence | None = None,
        at: dt.datetime = POSTED, platform: str = "x", **kw: object) -> PostEvidence:  # fmt: skip
    """Post number n by its own account @u<n>, in its own words unless ``text`` is given."""
    values: dict[str, object] = {"author_handle": f"u{n}", "author_name": f"U {n}", "created_at": at,
                                 "text": text if text is not None else _own_words(n), **kw}  # fmt: skip
    made = post(str(n), arxiv_id, **values)
    made = dataclasses.replace(made, platform=platform)
    return PostEvidence(made, EngagementSnapshot(platform, str(n), T0, likes=likes), account)


def _paper(posts: Sequence[PostEvidence], arxiv_id: str = A, position: int = 0, **kw: object) -> PaperEvidence:
    kind = kw.pop("announce_type", AnnounceType.NEW)
    return PaperEvidence(paper(arxiv_id, title="Sparse Mixtures of Experts", **kw),
                         Announcement(ArxivId(arxiv_id), DAY, kind, position), tuple(posts))  # type: ignore[arg-type]


def _rank(evidence: Sequence[PaperEvidence], **options: object) -> Digest:
    opts = DefaultOptions(**{"min_score": 0.0, **options})  # type: ignore[arg-type]
    return rank_default(evidence, date=DAY, window_start=T0, window_end=T0, generated_at=T0, options=opts)


def _only(posts: Sequence[PostEvidence], **options: object) -> RankedPaper:
    (ranked,) = _rank([_paper(posts)], **options).papers
    return ranked


def _points(likes: int) -> float:
    return 1.0 + math.log1p(likes)


def _kinds(ranked: RankedPaper, kind: str) -> list[str]:
    return [b.label for b in ranked.breakdown if b.kind == kind]


# ---------------------------------------------------------------- credibility


def test_few_followers_are_a_penalty() -> None:
    """9 followers: x0.5 (log10(10) / 2), shown as the account's credibility item."""
    ranked = _only([_ev(1, author_followers=9)])
    assert ranked.score == pytest.approx(0.5 * _points(20))
    assert _kinds(ranked, "credibility") == ["credibility of @u1 (X): x0.50 (9 followers x0.50; history unknown)"]


def test_a_profile_count_wins_over_the_posts() -> None:
    """The stored profile's follower count is used before the count the post carried."""
    account = AccountEvidence(AccountProfile("x", "u1", POSTED, followers=99), None, None, None)
    assert _only([_ev(1, author_followers=0, account=account)]).score == pytest.approx(_points(20))


@pytest.mark.parametrize(("days", "factor"), [(0, 0.2), (1, 0.2), (30, math.log1p(30) / math.log1p(365)), (365, 1.0),
                                              (4000, 1.0)])  # fmt: skip
def test_account_age_factor(days: float, factor: float) -> None:
    """log1p(days) / log1p(365), at least 0.2 and at most 1."""
    assert age_factor(dt.timedelta(days=days), DefaultOptions()) == pytest.approx(factor)


def test_hacker_news_karma_counts_like_followers() -> None:
    """Karma 9 on Hacker News: x0.5, labelled as karma."""
    account = AccountEvidence(AccountProfile("hackernews", "u1", POSTED, karma=9), None, None, None)
    cred = credibility(_ev(1, platform="hackernews").post, account, DefaultOptions())
    assert cred.factor == pytest.approx(0.5) and cred.parts[0] == "karma 9 x0.50"


def test_unknown_is_neutral_and_labelled() -> None:
    """Nothing known: x1, not low-credibility, and the breakdown says the credibility is unknown."""
    ranked = _only([_ev(1)])
    assert ranked.score == pytest.approx(_points(20))
    assert _kinds(ranked, "credibility") == ["credibility unknown (no profile, no history), counted x1: @u1"]


@pytest.mark.parametrize(
    ("account", "history", "low"),
    [
        (_new(), "new", True),
        (ESTABLISHED, "established", False),
        (AccountEvidence(None, POSTED - dt.timedelta(days=5), POSTED - dt.timedelta(days=1), STORE_FROM), "recent", True),
        (AccountEvidence(None, POSTED - dt.timedelta(days=90), POSTED - dt.timedelta(days=90), STORE_FROM), "recent",
         True),
        (AccountEvidence(None, None, None, POSTED - dt.timedelta(days=3)), "unknown", False),
    ],
    ids=["first-seen-today", "weeks-of-posts", "seen-days-ago", "seen-once-months-ago", "store-too-young"],
)  # fmt: skip
def test_history_classes(account: AccountEvidence, history: str, low: bool) -> None:
    """Established: first seen >= 14 days before and on two days; a store younger than 14 days knows nothing."""
    cred = credibility(_ev(1).post, account, DefaultOptions())
    assert (cred.history, cred.low) == (history, low)


def test_without_history_a_weak_profile_is_low_credibility() -> None:
    """A store with no history: an account of 2 days and 3 followers (factor < 0.5) is low-credibility."""
    account = AccountEvidence(AccountProfile("x", "u1", POSTED, followers=3, created_at=POSTED - dt.timedelta(days=2)))
    cred = credibility(_ev(1).post, account, DefaultOptions())
    assert cred.low and cred.history == "unknown" and cred.parts[-2:] == ("history unknown", "low credibility")


# ---------------------------------------------------------------- texts that say nothing


@pytest.mark.parametrize(
    ("text", "why"),
    [("Sparse Mixtures of Experts https://arxiv.org/abs/2104.00001", "only the title"),
     ("Must read! https://t.co/x", "only a stock phrase"),
     ("Huge result: Sparse Mixtures of Experts", "only the title and a stock phrase"),
     ("https://arxiv.org/abs/2104.00001", "no text"),
     ("Bullish on routing", None), ("Must read: the gating loss is what makes it work", None)],
)  # fmt: skip
def test_says_nothing(text: str, why: str | None) -> None:
    """Only title words and stock words (links, digits, case aside) say nothing."""
    assert says_nothing(text, "Sparse Mixtures of Experts") == why


def test_a_post_repeating_the_title_counts_half() -> None:
    """A title-only post counts x0.5, as a discount item saying why."""
    ranked = _only([_ev(1, text="Sparse mixtures of experts!")])
    assert ranked.score == pytest.approx(0.5 * _points(20))
    assert _kinds(ranked, "discount") == ["X: @u1: the text says nothing of its own (only the title), counted x0.5"]


def test_hacker_news_titles_are_not_discounted() -> None:
    """A Hacker News story's text is the title by design: it counts fully."""
    story = _ev(1, platform="hackernews", text="Sparse Mixtures of Experts")
    assert _only([story]).score == pytest.approx(1.5 * _points(20))


# ---------------------------------------------------------------- coordination


def test_near_identical_short_texts_form_a_cluster() -> None:
    """'Bullish on routing!!', 'bullish on routing' and 'Bullish on routin': one account, the best member."""
    texts = ["Bullish on routing!!", "bullish on routing", "Bullish on routin"]
    ranked = _only([_ev(n, text=t, likes=10 * (n + 1)) for n, t in enumerate(texts)])
    assert ranked.score == pytest.approx(_points(30))
    (cluster,) = _kinds(ranked, "coordination")
    assert "act as one account (near-identical texts): only @u2 counts" in cluster


def test_templated_texts_around_the_title_form_a_cluster() -> None:
    """'Mind-blowing work ...: TITLE' from three accounts, the title spelled three ways: near-identical."""
    titles = ["Sparse Mixtures of Experts", "sparse mixture of experts", "Sparse Mixtures of Experts, v2"]
    posts = [_ev(n, text=f"Mind-blowing work from this team, go read it now: {t}") for n, t in enumerate(titles)]
    assert _only(posts).score == pytest.approx(_points(20))


def test_texts_that_say_nothing_are_no_sign_of_coordination() -> None:
    """Three people writing 'Must read!' (unknown accounts) count three times, each x0.5."""
    ranked = _only([_ev(n, text="Must read!") for n in range(3)])
    assert ranked.score == pytest.approx(3 * 0.5 * _points(20)) and not _kinds(ranked, "coordination")


def test_a_burst_of_new_accounts_acts_as_one() -> None:
    """Three accounts new to the store posting within 10 minutes of each other count as their best."""
    posts = [_ev(n, account=_new(), at=POSTED + dt.timedelta(minutes=7 * n), likes=20 + n) for n in range(3)]
    ranked = _only(posts)
    (cluster,) = _kinds(ranked, "coordination")
    assert "low-credibility accounts posting within 10 minutes of each other" in cluster
    assert ranked.score == pytest.approx(10 * math.tanh(_points(22) / 10))


def test_established_accounts_posting_together_are_not_a_burst() -> None:
    """Three established accounts within minutes are three voices."""
    posts = [_ev(n, account=ESTABLISHED, at=POSTED + dt.timedelta(minutes=n)) for n in range(3)]
    assert _only(posts).score == pytest.approx(3 * _points(20))


def test_young_accounts_created_together_act_as_one() -> None:
    """New accounts created within 3 days of each other (hours apart in posting) form a cluster."""
    posts = [_ev(n, account=_new(created_days=20 + n), at=POSTED + dt.timedelta(hours=3 * n)) for n in range(3)]
    (cluster,) = _kinds(_only(posts), "coordination")
    assert "young accounts created within 3 days of each other" in cluster


def test_old_accounts_created_together_are_no_sign() -> None:
    """Accounts created in the same week ten years ago, posting hours apart, are not a cluster."""
    posts = [_ev(n, account=_new(created_days=3650 + n), at=POSTED + dt.timedelta(hours=3 * n)) for n in range(3)]
    assert not _kinds(_only(posts), "coordination")


# ---------------------------------------------------------------- bounded influence


def test_many_new_accounts_add_less_than_the_cap() -> None:
    """200 new accounts, minutes apart, in their own words: together they count at most 10 points."""
    posts = [_ev(n, account=_new(), at=POSTED + dt.timedelta(minutes=11 * n), likes=40) for n in range(200)]
    ranked = _only(posts)
    assert 9.99 < ranked.score <= 10.0 + 1e-9
    (bound,) = _kinds(ranked, "bounded")
    assert bound.startswith("bounded influence: 200 low-credibility accounts count 10.00 of ")
    assert bound.endswith("(never more than 10 together)")


def test_the_default_bound_is_the_absolute_cap() -> None:
    """By default the floor is the cap: low-credibility accounts count cap x tanh(S / cap), whatever else the paper
    has."""
    assert DefaultOptions().low_credibility_floor == DefaultOptions().low_credibility_cap
    posts = [_ev(n, account=_new(), at=POSTED + dt.timedelta(hours=n)) for n in range(3)]
    assert _only(posts).score == pytest.approx(10 * math.tanh(3 * _points(20) / 10))
    assert _only(posts).score == _only(posts, low_credibility_floor=10.0).score


# The stricter, relative bound (docs/ranking.md, "A stricter bound for a store with history").
RELATIVE = {"low_credibility_floor": 0.5}


def test_relative_many_new_accounts_add_less_than_the_floor_to_a_paper_nobody_credible_discusses() -> None:
    """200 new accounts, minutes apart, in their own words, and no other account: together at most the floor 0.5."""
    posts = [_ev(n, account=_new(), at=POSTED + dt.timedelta(minutes=11 * n), likes=40) for n in range(200)]
    ranked = _only(posts, **RELATIVE)
    assert 0.49 < ranked.score <= 0.5 + 1e-9
    (bound,) = _kinds(ranked, "bounded")
    assert bound.startswith("bounded influence: 200 low-credibility accounts count 0.50 of ")
    assert bound.endswith("(never more than 0.50 together: the floor 0.5; the other accounts give 0.00 points)")


def test_relative_many_new_accounts_add_at_most_the_ratio_of_the_credible_points() -> None:
    """Beside two established accounts (2 x 4.04 points), 200 new accounts add at most 0.5 x 8.09 points."""
    real = [_ev(1000 + n, account=ESTABLISHED) for n in range(2)]
    ring = [_ev(n, account=_new(), at=POSTED + dt.timedelta(minutes=11 * n), likes=40) for n in range(200)]
    ranked = _only([*real, *ring], **RELATIVE)
    credible = 2 * _points(20)
    assert credible + 0.99 * 0.5 * credible < ranked.score <= 1.5 * credible + 1e-9
    (bound,) = _kinds(ranked, "bounded")
    assert f"together: 0.5 x the {credible:.2f} points of the other accounts)" in bound


def test_relative_many_new_accounts_add_less_than_the_cap() -> None:
    """Beside 25 established accounts, 200 new accounts still count at most low_credibility_cap (10) points."""
    real = [_ev(1000 + n, account=ESTABLISHED) for n in range(25)]
    ring = [_ev(n, account=_new(), at=POSTED + dt.timedelta(minutes=11 * n), likes=40) for n in range(200)]
    ranked = _only([*real, *ring], **RELATIVE)
    assert 9.99 < ranked.score - 25 * _points(20) <= 10.0 + 1e-9
    (bound,) = _kinds(ranked, "bounded")
    assert bound.endswith("(never more than 10 together)")


def test_relative_unknown_accounts_are_credible_support() -> None:
    """Accounts nothing is known of are neutral: they give a paper's low-credibility accounts room as any other."""
    unknown = [_ev(1000 + n) for n in range(2)]
    ring = [_ev(n, account=_new(), at=POSTED + dt.timedelta(minutes=11 * n), likes=40) for n in range(200)]
    assert _only([*unknown, *ring], **RELATIVE).score > 1.49 * 2 * _points(20)


def test_a_handful_of_established_accounts_outweighs_any_ring() -> None:
    """Three established accounts with 20 likes beat 200 new accounts with 40 likes each."""
    ring = [_ev(n, account=_new(), at=POSTED + dt.timedelta(minutes=11 * n), likes=40) for n in range(200)]
    real = [_ev(1000 + n, arxiv_id=B, account=ESTABLISHED) for n in range(3)]
    digest = _rank([_paper(ring), _paper(real, B, position=1)])
    assert [p.paper.arxiv_id for p in digest.papers] == [B, A]


def test_breadth_of_established_accounts_is_not_bounded() -> None:
    """25 established accounts in their own words count in full."""
    assert _only([_ev(n, account=ESTABLISHED) for n in range(25)]).score == pytest.approx(25 * _points(20))


BOUND_OPTIONS = st.fixed_dictionaries({
    "low_credibility_cap": st.floats(0.5, 50),
    "low_credibility_ratio": st.floats(0, 4),
    "low_credibility_floor": st.floats(0.01, 60),
})  # fmt: skip


def _limit(credible: float, options: dict[str, float]) -> float:
    """The bound of docs/ranking.md, written out: min(cap, max(floor, ratio x credible))."""
    ratio, floor = options["low_credibility_ratio"], options["low_credibility_floor"]
    return min(options["low_credibility_cap"], max(floor, ratio * credible))


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.integers(0, 5000), max_size=6),
    st.lists(st.tuples(st.integers(0, 100_000), st.none() | st.integers(0, 10**6), st.floats(0, 4000)), max_size=60),
    BOUND_OPTIONS,
)
def test_low_credibility_accounts_add_less_than_the_bound(
    established: list[int], ring: list[tuple[int, int | None, float]], options: dict[str, float]
) -> None:
    """However many low-credibility accounts join, whatever their engagement, followers, age or timing, the paper
    gains at most min(cap, max(floor, ratio x C)) over the points C its established accounts give it."""
    real = [_ev(n, account=ESTABLISHED, likes=likes) for n, likes in enumerate(established)]
    base = _only(real, **options).score if real else 0.0
    added = [
        _ev(100 + n, account=_new(created_days=age, followers=followers), likes=likes,
            at=POSTED + dt.timedelta(minutes=n * 3))
        for n, (likes, followers, age) in enumerate(ring)
    ]  # fmt: skip
    gain = _only([*real, *added], **options).score - base
    assert -1e-9 <= gain <= _limit(base, options) * (1 + 1e-12) + 1e-9


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40), st.integers(0, 10_000), st.integers(0, 5), BOUND_OPTIONS)
def test_the_sum_is_concave_in_the_number_of_low_credibility_accounts(
    n: int, likes: int, established: int, options: dict[str, float]
) -> None:
    """Each further low-credibility account (alike, hours apart, own words) adds no more than the one before."""
    real = [_ev(500 + k, account=ESTABLISHED) for k in range(established)]

    def score(count: int) -> float:
        ring = [_ev(k, account=_new(), likes=likes, at=POSTED + dt.timedelta(hours=k)) for k in range(count)]
        posts = [*real, *ring]
        return _only(posts, **options).score if posts else 0.0

    scores = [score(k) for k in range(n + 2)]
    gains = [b - a for a, b in itertools.pairwise(scores)]
    assert all(later <= earlier + 1e-9 for earlier, later in itertools.pairwise(gains))
    assert all(gain >= -1e-9 for gain in gains)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 6), st.integers(0, 10_000), st.integers(1, 30), BOUND_OPTIONS)
def test_the_bound_is_relative_to_the_credible_points(
    established: int, likes: int, ring_size: int, options: dict[str, float]
) -> None:
    """The low-credibility accounts' item is exactly limit x tanh(S / cap) - S, the limit set by the credible points."""
    real = [_ev(500 + k, account=ESTABLISHED) for k in range(established)]
    ring = [_ev(k, account=_new(), likes=likes, at=POSTED + dt.timedelta(hours=k)) for k in range(ring_size)]
    ranked = _only([*real, *ring], **options)
    (bounded,) = [b.value for b in ranked.breakdown if b.kind == "bounded"]
    credible, total = established * _points(20), ring_size * _points(likes)
    expected = _limit(credible, options) * math.tanh(total / options["low_credibility_cap"]) - total
    assert bounded == pytest.approx(expected, rel=1e-9, abs=1e-9)
    assert sum(b.value for b in ranked.breakdown) == ranked.score


# ---------------------------------------------------------------- release-hour feeds


@pytest.mark.parametrize(
    ("when", "expected"),
    [(dt.datetime(2021, 4, 20, 0, 5, tzinfo=dt.UTC), True),  # Monday 20:05 EDT
     (dt.datetime(2021, 4, 20, 1, 29, tzinfo=dt.UTC), True),  # 21:29
     (dt.datetime(2021, 4, 20, 1, 31, tzinfo=dt.UTC), False),  # 21:31
     (dt.datetime(2021, 4, 19, 23, 59, tzinfo=dt.UTC), False),  # 19:59
     (dt.datetime(2021, 4, 24, 0, 5, tzinfo=dt.UTC), False),  # Friday 20:05: no announcement
     (dt.datetime(2021, 1, 19, 1, 5, tzinfo=dt.UTC), True)],  # Monday 20:05 EST (winter)
)  # fmt: skip
def test_release_hour(when: dt.datetime, expected: bool) -> None:
    """Within 90 minutes after 20:00 New York time, Sunday to Thursday evenings."""
    assert at_release_hour(when, 90) is expected


def test_an_account_posting_papers_at_the_release_hour_is_a_feed() -> None:
    """Three papers within minutes of the announcement: a feed, x0.2, named so whatever its name."""
    release = dt.datetime(2021, 4, 20, 0, 2, tzinfo=dt.UTC)
    ids = [f"2104.0000{k}" for k in range(1, 4)]
    day = [_paper([_ev(k, arxiv_id=i, at=release + dt.timedelta(minutes=k), author_handle="jane")], i, position=k)
           for k, i in enumerate(ids)]  # fmt: skip
    ranked = _rank(day).papers[0]
    assert ranked.score == pytest.approx(0.2 * _points(20))
    assert "a feed: posted 3 papers within 90 minutes of arXiv's announcement" in _kinds(ranked, "discount")[0]


def test_two_papers_at_the_release_hour_are_not_a_feed() -> None:
    """An author announcing two papers of their own at 20:05 is not a feed."""
    release = dt.datetime(2021, 4, 20, 0, 5, tzinfo=dt.UTC)
    day = [_paper([_ev(k, arxiv_id=i, at=release, author_handle="jane")], i, position=k) for k, i in enumerate([A, B])]
    assert [p.score for p in _rank(day).papers] == [pytest.approx(_points(20))] * 2


# ---------------------------------------------------------------- the cohort


@pytest.mark.parametrize("kind", [AnnounceType.REPLACE, AnnounceType.REPLACE_CROSS])
def test_a_replacement_is_not_part_of_the_days_cohort(kind: AnnounceType) -> None:
    """An older paper replaced today is not ranked in the daily digest."""
    day = [_paper([_ev(1)]), _paper([_ev(2, arxiv_id=B)], B, position=1, announce_type=kind)]
    assert [p.paper.arxiv_id for p in _rank(day).papers] == [A]


def test_a_cross_list_is_part_of_the_cohort() -> None:
    """A new paper cross-listed into the day's categories is ranked."""
    day = [_paper([_ev(2, arxiv_id=B)], B, announce_type=AnnounceType.CROSS)]
    assert [p.paper.arxiv_id for p in _rank(day).papers] == [B]


def test_a_resurfaced_paper_is_ranked_and_labelled() -> None:
    """A view's resurfaced paper is ranked with a 0-point 'resurfaced' note."""
    item = dataclasses.replace(_paper([_ev(1)], announce_type=AnnounceType.REPLACE), resurfaced=True)
    (ranked,) = _rank([item]).papers
    assert [(b.label, b.value) for b in ranked.breakdown if b.kind == "resurfaced"] == [
        ("resurfaced: an older paper (announced 2021-04-19), discussed again", 0.0)
    ]


def test_a_paper_listed_twice_appears_once() -> None:
    """A paper given as new and again as a cross-list (two categories' listings) is ranked once."""
    day = [_paper([_ev(1)]), _paper([_ev(2)], announce_type=AnnounceType.CROSS)]
    assert [p.paper.arxiv_id for p in _rank(day).papers] == [A]


def test_the_json_dataset_carries_each_items_kind() -> None:
    """Every breakdown item of a default digest has its kind in the JSON dataset."""
    digest = _rank([_paper([_ev(1, account=_new(), text="Must read!"), _ev(2, account=ESTABLISHED)])])
    (item,) = orjson.loads(render_json(digest))["papers"]
    assert {b["kind"] for b in item["breakdown"]} == {"post", "credibility", "discount", "bounded"}
