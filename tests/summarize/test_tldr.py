"""The extractive TL;DR: sentences of the abstract only, at most 60 words, chosen deterministically."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import example, given, settings
from hypothesis import strategies as st

from hotpapers.models import SummaryKind
from hotpapers.summarize.extractive import extractive_tldr
from hotpapers.summarize.sentences import normalize_space, split_sentences, word_count
from hotpapers.summarize.tldr import MAX_WORDS, tldr_sentences

from helpers.factories import paper
from helpers.paths import SAMPLE

NOW = dt.datetime(2024, 11, 29, 2, 0, tzinfo=dt.UTC)

_WORDS = st.text(alphabet=st.characters(categories=("Ll", "Lu", "Nd")), min_size=1, max_size=12)
_SENTENCE = st.builds(
    lambda first, rest, end: " ".join([first.capitalize(), *rest]) + end,
    _WORDS,
    st.lists(_WORDS | st.sampled_from(["we", "propose", "e.g.", "Fig.", "3.5%", "$x<y$", "et al.", "(1)"]), max_size=45),
    st.sampled_from([".", "!", "?", ":", "", ";"]),
)
_ABSTRACT = st.lists(_SENTENCE, max_size=14).map(" ".join) | st.text(max_size=600)
_SPACES = st.sampled_from([" ", "\n", "  ", " \n ", "\t"])  # line wraps (a blank line is a paragraph break)


def _sample_abstracts() -> list[tuple[str, str]]:
    records = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    return [(r["abstract"], r["title"]) for r in records if r["type"] == "paper"]


def _check(abstract: str, title: str) -> None:
    chosen = tldr_sentences(abstract, title)
    sentences = split_sentences(abstract)
    assert all(s in sentences for s in chosen)
    assert all(s in normalize_space(abstract) for s in chosen)
    assert word_count(" ".join(chosen)) <= MAX_WORDS


@settings(max_examples=300, deadline=None)
@given(_ABSTRACT, st.text(max_size=80))
def test_every_sentence_is_a_sentence_of_the_abstract(abstract: str, title: str) -> None:
    """Whatever the abstract, each TL;DR sentence is one of its sentences, and the TL;DR has at most 60 words."""
    _check(abstract, title)


@settings(max_examples=100, deadline=None)
@given(st.lists(_SENTENCE, min_size=1, max_size=10), _SPACES)
@example(sentences=["0 0 (1)", "000 (1) 0."], space="\n")  # "(1)" after a wrap vs after a space (found by CI)
def test_line_breaks_do_not_change_the_choice(sentences: list[str], space: str) -> None:
    """An abstract with other whitespace (arXiv's line breaks) gives the same TL;DR."""
    assert tldr_sentences(space.join(sentences)) == tldr_sentences(" ".join(sentences))


def test_real_abstracts_give_short_tldrs_of_their_own_sentences() -> None:
    """On every abstract of the bundled sample the TL;DR is non-empty, at most 60 words, of its own sentences."""
    for abstract, title in _sample_abstracts():
        _check(abstract, title)
        assert tldr_sentences(abstract, title), title


def test_the_contribution_sentence_is_preferred() -> None:
    """The sentence stating what the paper does is chosen over background."""
    abstract = (
        "Large language models are widely used in many applications today. "
        "However, they are known to be expensive to run at scale for most users. "
        "In this paper we propose SparseLM, a sparse mixture model for cheap inference. "
        "The weather was pleasant during the conference where this was discussed."
    )
    assert tldr_sentences(abstract, "SparseLM: cheap inference with sparse mixtures") == [
        "In this paper we propose SparseLM, a sparse mixture model for cheap inference."
    ]


def test_a_result_sentence_is_added_when_it_fits() -> None:
    """A second sentence is the paper's result, and both keep the abstract's order."""
    abstract = (
        "We introduce FastSort, a new comparison sort for nearly sorted arrays of integers. "
        "Sorting is a classic problem studied for decades by many researchers. "
        "Experiments show that FastSort outperforms Timsort by 30% on nearly sorted inputs."
    )
    assert tldr_sentences(abstract, "FastSort") == [
        "We introduce FastSort, a new comparison sort for nearly sorted arrays of integers.",
        "Experiments show that FastSort outperforms Timsort by 30% on nearly sorted inputs.",
    ]


def test_no_tldr_when_no_whole_sentence_fits() -> None:
    """An abstract of one 70-word sentence (or none at all) has no extractive TL;DR: None, never a cut sentence."""
    long_one = "We " + " ".join(["study"] * 68) + " things."
    assert tldr_sentences(long_one) == []
    assert extractive_tldr(paper(abstract=long_one), NOW) is None
    assert extractive_tldr(paper(abstract=""), NOW) is None


def test_extractive_tldr_records_its_provenance() -> None:
    """The summary names the extractive generator, its version, the abstract's version as source, and its time."""
    summary = extractive_tldr(paper("2104.08223", version=2, abstract="We propose a method that works well here."), NOW)
    assert summary is not None
    assert (summary.kind, summary.generator, summary.model, summary.prompt_version) == (
        SummaryKind.TLDR, "extractive", "hotpapers-extractive", "extractive-1"
    )
    assert summary.language is None and summary.created_at == NOW
    assert [(s.platform, s.item_id) for s in summary.sources] == [("arxiv", "2104.08223v2")]
    assert summary.text == "We propose a method that works well here."


def test_the_input_hash_follows_the_abstract() -> None:
    """The same abstract gives the same input hash; a new version's abstract gives another."""
    first = extractive_tldr(paper(abstract="We propose a method that works well here."), NOW)
    again = extractive_tldr(paper(abstract="We  propose a method that works well\nhere."), NOW + dt.timedelta(days=1))
    changed = extractive_tldr(paper(version=2, abstract="We propose a better method that works well."), NOW)
    assert first is not None and again is not None and changed is not None
    assert first.input_hash == again.input_hash != changed.input_hash
