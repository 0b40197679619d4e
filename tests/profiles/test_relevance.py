"""Relevance: bounds, the related ranking first, and WordLlama loading with the network off."""

from __future__ import annotations

import socket

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotpapers.errors import ConfigError
from hotpapers.profiles import relevance
from hotpapers.profiles.relevance import Calibration, get_method, relevance_of

LIBRARY = [
    "Scalable deep reinforcement learning for vision-based robotic grasping with real robots",
    "Offline reinforcement learning of robot manipulation skills from previously collected datasets",
    "Hindsight experience replay: sample-efficient learning with sparse rewards for a robotic arm",
]
RELATED = "Multi-task reinforcement learning for robotic manipulation at scale with real robots and offline data"
UNRELATED = "A survey of clinical text de-identification for hospital records and privacy regulations"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=60), max_size=5), st.lists(st.text(max_size=60), min_size=1, max_size=5))
def test_tfidf_relevance_is_within_0_and_1(library: list[str], papers: list[str]) -> None:
    """Property: for any texts, every relevance is a number from 0 to 1 and each paper gets one."""
    method = get_method("tfidf")
    matches = relevance_of(method.similarities(library, papers), method.calibration)
    assert len(matches) == len(papers)
    assert all(0.0 <= m.relevance <= 1.0 for m in matches)


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=True, allow_infinity=True), st.floats(-1, 0.4), st.floats(0.5, 2))
def test_calibration_is_within_0_and_1(similarity: float, low: float, high: float) -> None:
    """Property: the calibration maps any similarity (NaN and infinities too) into 0..1."""
    assert 0.0 <= Calibration(low, high)(similarity) <= 1.0


@pytest.mark.parametrize("name", ["tfidf", "wordllama"])
def test_a_related_paper_is_more_relevant_than_an_unrelated_one(name: str) -> None:
    """Each method finds the robot-learning paper closer to a robot-learning library than a clinical-text one."""
    method = get_method(name)
    related, unrelated = relevance_of(method.similarities(LIBRARY, [RELATED, UNRELATED]), method.calibration)
    assert related.similarity > unrelated.similarity
    assert related.relevance > unrelated.relevance
    assert related.neighbours and related.neighbours[0][0] in range(len(LIBRARY))


def test_wordllama_loads_with_the_network_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """The WordLlama model loads from its wheel alone: every connection attempt fails, and it still embeds."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network is off in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    relevance._wordllama.cache_clear()
    matrix = relevance.get_method("wordllama").similarities(LIBRARY, [RELATED])
    assert matrix.shape == (1, 3)


def test_an_empty_library_gives_no_relevance() -> None:
    """No library: a zero-width similarity matrix, and relevance 0."""
    method = get_method("tfidf")
    (match,) = relevance_of(method.similarities([], [RELATED]), method.calibration)
    assert match.relevance == 0.0
    assert match.neighbours == ()


def test_an_unknown_method_is_a_config_error() -> None:
    """A profile naming a method that does not exist gets one clear error naming the known ones."""
    with pytest.raises(ConfigError, match="known: tfidf, wordllama"):
        get_method("bm25")
