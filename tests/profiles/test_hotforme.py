"""Hot for me: the default score combined with relevance, boosts and exclusions, explained item by item."""

from __future__ import annotations

import dataclasses
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from hotpapers.models import ArxivId, BreakdownItem, RankedPaper
from hotpapers.profiles.config import Profile
from hotpapers.profiles.hotforme import KIND, Taste, hot_for_me
from hotpapers.profiles.library import LibraryEntry
from hotpapers.ranking.filters import keyword_pattern

from helpers.factories import paper

ROBOT = ("Multi-task reinforcement learning for robots", "Robotic manipulation skills learned with offline RL at scale.")
OTHERS = [
    ("Clinical notes and privacy", "De-identification of hospital records under privacy law."),
    ("Galaxy rotation curves", "Dark matter halos observed in nearby spiral galaxies."),
    ("Compilers for tensor programs", "Scheduling loops of deep learning kernels on accelerators."),
]
LIBRARY = (
    LibraryEntry("Scalable reinforcement learning for robotic grasping",
                 "Robots learn grasping skills with offline reinforcement learning."),
    LibraryEntry("Hindsight experience replay", "Sparse rewards for robotic arm manipulation with reinforcement learning."),
)


def ranked(arxiv_id: str, title: str, abstract: str, buzz: float, authors: tuple[str, ...] = ("A. Author",),
           categories: tuple[str, ...] = ("cs.LG",)) -> RankedPaper:  # fmt: skip
    """A paper as ``default`` scored it: one breakdown item of ``buzz`` points."""
    return RankedPaper(
        rank=1, score=buzz, paper=paper(arxiv_id, title=title, abstract=abstract, authors=authors,
                                        primary_category=categories[0], categories=categories),
        posts=(), breakdown=(BreakdownItem("x.com: @someone", buzz, "post"),),
    )  # fmt: skip


def day(buzz: tuple[float, ...] = (1.0, 30.0, 20.0, 10.0)) -> list[RankedPaper]:
    texts = [ROBOT, *OTHERS]
    return [ranked(f"2104.0000{n}", t, a, b) for n, ((t, a), b) in enumerate(zip(texts, buzz, strict=True))]


def taste(**kw: object) -> Taste:
    fields = {k: v for k, v in kw.items() if k in {f.name for f in dataclasses.fields(Taste)}}
    profile = Profile(name="me", **{k: v for k, v in kw.items() if k not in fields})  # type: ignore[arg-type]
    return Taste(profile=profile, **{"library": LIBRARY, **fields})  # type: ignore[arg-type]


def test_a_relevant_paper_nobody_discusses_is_listed_first() -> None:
    """A robot paper with 1 point of buzz outranks papers 30 times hotter for a robot-learning library (weight 0.7)."""
    listed = hot_for_me(day(), taste(relevance_weight=0.7), hot_from=5.0)
    assert listed[0].paper.arxiv_id == "2104.00000"
    assert listed[0].relevance is not None and listed[0].relevance > 0.5


def test_relevance_item_names_the_close_library_papers() -> None:
    """The relevance item reads "relevance 0.xx: close to N paper(s) of your library: “title”…"."""
    (top,) = [r for r in hot_for_me(day(), taste(), hot_from=5.0) if r.paper.arxiv_id == "2104.00000"]
    (item,) = [b for b in top.breakdown if b.label.startswith("relevance ")]
    assert item.kind == KIND
    assert item.label.startswith(f"relevance {top.relevance:.2f}: close to ")
    assert "of your library: “" in item.label


def test_weight_zero_keeps_the_buzz_order() -> None:
    """relevance_weight 0: the profile's order is the default score's order (the relevant paper last, listed for
    its relevance)."""
    listed = hot_for_me(day(), taste(relevance_weight=0.0), hot_from=5.0)
    assert [r.paper.arxiv_id for r in listed] == ["2104.00001", "2104.00002", "2104.00003", "2104.00000"]


def test_excluded_keyword_is_never_listed() -> None:
    """A paper with an excluded keyword in its title or abstract is left out, however hot or relevant."""
    listed = hot_for_me(day(), taste(exclude_keywords=("privacy", "robots")), hot_from=5.0)
    ids = {r.paper.arxiv_id for r in listed}
    assert "2104.00001" not in ids and "2104.00000" not in ids


def test_followed_author_adds_an_explained_boost() -> None:
    """A followed author's paper gets "followed author: NAME" worth author_boost x the day's top score."""
    papers = [*day(), ranked("2104.00009", "Unrelated topic", "Nothing shared.", 0.5, authors=("Sergey Levine",))]
    listed = hot_for_me(papers, taste(authors=("Levine",)), hot_from=5.0)
    (mine,) = [r for r in listed if r.paper.arxiv_id == "2104.00009"]
    boost = [b for b in mine.breakdown if b.label == "followed author: Levine"]
    assert boost and math.isclose(boost[0].value, 0.25 * 30.0)


def test_categories_restrict_the_papers() -> None:
    """With categories set, only papers in them are listed."""
    papers = [*day(), ranked("2104.00009", *ROBOT, 40.0, categories=("astro-ph.GA",))]
    listed = hot_for_me(papers, taste(categories=("astro-ph",)), hot_from=5.0)
    assert [r.paper.arxiv_id for r in listed] == ["2104.00009"]


def test_not_interested_paper_is_left_out_and_lowers_similar_ones() -> None:
    """A paper marked not interested is never listed; a paper close to it gets a negative "not interested" item."""
    disliked = (LibraryEntry("Clinical notes and privacy law", "De-identification of hospital records."),)
    papers = [*day(), ranked("2104.00009", "Hospital records privacy", "De-identification of clinical notes.", 60.0)]
    listed = hot_for_me(papers, taste(disliked_papers=disliked, disliked_ids=frozenset({ArxivId("2104.00001")}),
                                      relevance_weight=0.3), hot_from=5.0)  # fmt: skip
    assert "2104.00001" not in {r.paper.arxiv_id for r in listed}
    (similar,) = [r for r in listed if r.paper.arxiv_id == "2104.00009"]
    assert any(b.label.startswith("not interested:") and b.value < 0 for b in similar.breakdown)


def test_at_most_max_papers_are_listed() -> None:
    """The profile's max_papers caps the list, ranked 1..n."""
    listed = hot_for_me(day(), taste(max_papers=2), hot_from=5.0)
    assert [r.rank for r in listed] == [1, 2]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.floats(0, 500, allow_nan=False), min_size=4, max_size=4),
    st.floats(0, 1), st.floats(0, 1), st.floats(0, 1),
    st.lists(st.sampled_from(["robot", "privacy", "galaxy", "loops"]), max_size=2),
)
def test_breakdown_sums_exactly_to_the_score_and_relevance_is_bounded(
    buzz: list[float], weight: float, author: float, keyword: float, words: list[str]
) -> None:
    """Property: for any buzz, weight and boosts, each listed paper's breakdown sums to its score exactly, its
    relevance is within 0..1, and ranks run 1..n by score."""
    listed = hot_for_me(day(tuple(buzz)), taste(relevance_weight=weight, author_boost=author, keyword_boost=keyword,
                                                keywords=tuple(words)), hot_from=5.0)  # fmt: skip
    for r in listed:
        assert sum((b.value for b in r.breakdown), 0.0) == r.score
        assert r.relevance is not None and 0.0 <= r.relevance <= 1.0
    assert [r.rank for r in listed] == list(range(1, len(listed) + 1))
    assert [r.score for r in listed] == sorted((r.score for r in listed), reverse=True)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0, 500, allow_nan=False), min_size=4, max_size=4), st.sampled_from(
    ["robot", "robots", "privacy", "galaxies", "loops", "learning"]))
def test_excluded_keyword_is_never_listed_for_any_buzz(buzz: list[float], word: str) -> None:
    """Property: whatever the buzz, no listed paper has the excluded keyword in its title or abstract."""
    listed = hot_for_me(day(tuple(buzz)), taste(exclude_keywords=(word,), keywords=(word,)), hot_from=0.0)
    assert not any(keyword_pattern(word).search(f"{r.paper.title}\n{r.paper.abstract}") for r in listed)
