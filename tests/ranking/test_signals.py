"""Signals of preset ``default``: name folding, author matching, bot-name patterns, post points, the GC pause."""

from __future__ import annotations

import dataclasses
import gc
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotpapers.authors import AuthorNames, fold, is_author
from hotpapers.models import EngagementSnapshot, PaperEvidence, PostEvidence
from hotpapers.ranking.default import rank_default
from hotpapers.ranking.options import DefaultOptions
from hotpapers.ranking.signals import account_signals, post_gross, post_label, post_points

from helpers.factories import DAY, T0, announcement, paper, post


def _day(handle: str, name: str = "Someone") -> list[PaperEvidence]:
    made = post("1", "2104.00001", author_handle=handle, author_name=name)
    return [PaperEvidence(paper("2104.00001"), announcement("2104.00001"), (PostEvidence(made, None),))]


def _reference_is_author(handle: str, name: str, authors: tuple[str, ...]) -> bool:
    """The rule as docs/ranking.md states it, one author at a time (the implementation before it was cached)."""
    shown = set(re.findall(r"[a-z]+", fold(name)))
    letters = "".join(re.findall(r"[a-z]+", fold(handle.split(".", maxsplit=1)[0])))
    for author in authors:
        tokens = re.findall(r"[a-z]+", fold(author))
        if len(tokens) < 2:
            continue
        if tokens[0] in shown and tokens[-1] in shown:
            return True
        forms = {tokens[0] + tokens[-1], tokens[-1] + tokens[0], tokens[0][0] + tokens[-1]}
        if len(letters) >= 5 and letters in forms:
            return True
    return False


@pytest.mark.parametrize(
    ("text", "folded"),
    [("  Ada   LOVELACE\n", "ada lovelace"), ("Ésta  Çelik", "esta celik"), ("Zoë Ng", "zoe ng"), ("", "")],
)
def test_fold_lowers_strips_accents_and_collapses_spaces(text: str, folded: str) -> None:
    """ASCII and accented names fold alike: lower case, no accents, single spaces."""
    assert fold(text) == folded


def test_two_authors_sharing_a_first_name_are_told_apart() -> None:
    """A display name matches an author only with that author's own last name."""
    names = AuthorNames.of(paper(authors=("Ann Lee", "Ann Smith")))
    assert names.wrote(post(author_handle="x1", author_name="Smith, Ann"))
    assert not names.wrote(post(author_handle="x1", author_name="Ann Jones"))


NAME_PARTS = st.sampled_from(["ada", "Lovelace", "ann", "LEE", "Zoë", "ng", "bo", "li", "smith", "é"])
NAMES = st.lists(NAME_PARTS, min_size=0, max_size=3).map(" ".join)
HANDLES = st.lists(NAME_PARTS, min_size=1, max_size=3).map("".join) | st.just("adalovelace.bsky.social")


@settings(max_examples=300, deadline=None)
@given(HANDLES, NAMES, st.lists(NAMES, max_size=5).map(tuple))
def test_author_match_agrees_with_the_per_author_rule(handle: str, name: str, authors: tuple[str, ...]) -> None:
    """Matching against a paper's precomputed author names gives what checking each author in turn gives."""
    made = post(author_handle=handle, author_name=name)
    assert is_author(made, paper(authors=authors)) == _reference_is_author(handle, name, authors)


@pytest.mark.parametrize(
    ("patterns", "handle", "flagged"),
    [
        ((r"(.)\1\1",), "zzzed", True),  # a back-reference: matched on its own, not in the alternation
        ((r"(.)\1\1",), "zzed", False),
        (("(?i)feed",), "TheFeed", True),  # global inline flags cannot join the alternation
        (("bot", "(?P<n>x)(?P=n)"), "mybot", True),
        ((), "anybot", False),
    ],
)
def test_bot_name_patterns_of_any_form_are_matched(patterns: tuple[str, ...], handle: str, flagged: bool) -> None:
    """Patterns with groups, back-references or inline flags flag exactly the names they match."""
    signals = account_signals(_day(handle), DefaultOptions(bot_name_patterns=patterns))
    assert (("x", handle.casefold()) in signals.reasons) is flagged


def test_the_first_matching_pattern_names_the_reason() -> None:
    """Patterns are tried in order, each on the handle then the display name; the first match is quoted."""
    signals = account_signals(
        _day("papers_daily", "Daily Papers"), DefaultOptions(bot_name_patterns=("daily", "papers"))
    )
    assert signals.reasons["x", "papers_daily"] == ("name contains 'daily'",)


def test_post_points_are_the_gross_points_and_the_label() -> None:
    """post_points pairs post_gross and post_label."""
    made = dataclasses.replace(post("1", "2104.00001", "2104.00002", author_followers=999), platform="hackernews")
    entry = PostEvidence(made, EngagementSnapshot("hackernews", "1", T0, likes=3, extras=(("points", 40),)))
    options = DefaultOptions()
    assert post_points(entry, options) == (post_gross(entry, options), post_label(entry, options))
    assert (
        post_label(entry, options)
        == "Hacker News: @ak92501 (40 points; platform x1.5; 1/2: links 2 papers)"
    )


@pytest.mark.parametrize("enabled", [True, False])
def test_ranking_leaves_the_garbage_collector_as_it_was(enabled: bool) -> None:
    """rank_default pauses the cyclic GC while it works and restores its state."""
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        rank_default(_day("someone"), date=DAY, window_start=T0, window_end=T0, generated_at=T0)
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
