"""Sentences of a text: verbatim pieces, with the abbreviations of abstracts kept inside their sentence."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from hotpapers.summarize.sentences import normalize_space, split_sentences, word_count, words


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=500))
def test_sentences_are_verbatim_pieces_that_cover_the_text(text: str) -> None:
    """Each sentence is a piece of the text (whitespace normalised), and together, in order, they are the text."""
    sentences = split_sentences(text)
    assert all(s and s in normalize_space(text) for s in sentences)
    assert "".join("".join(sentences).split()) == "".join(text.split())


def test_abbreviations_stay_inside_their_sentence() -> None:
    """"e.g.", "et al.", "Fig.", "Eq." and "approx." do not end a sentence; "?" and "!" do."""
    text = (
        "We use methods, e.g. transformers, as in Smith et al. 2020. Results in Sec. 4 show gains of approx. "
        "2x (see Eq. (3) and Fig. 2). Is it good? Yes!"
    )
    assert split_sentences(text) == [
        "We use methods, e.g. transformers, as in Smith et al. 2020.",
        "Results in Sec. 4 show gains of approx. 2x (see Eq. (3) and Fig. 2).",
        "Is it good?",
        "Yes!",
    ]


def test_line_breaks_inside_a_sentence_become_spaces() -> None:
    """arXiv's hard line wraps do not split a sentence."""
    assert split_sentences("We propose a\nnew method.\nIt works.") == ["We propose a new method.", "It works."]


def test_words_are_case_folded_with_inner_hyphens() -> None:
    """Words keep inner hyphens and apostrophes and drop punctuation around them."""
    assert words("State-of-the-art, isn't it? (Yes.)") == ["state-of-the-art", "isn't", "it", "yes"]


def test_word_count_counts_whitespace_separated_tokens() -> None:
    """A reader's word count: tokens between spaces, punctuation included."""
    assert word_count(" We  propose $x<y$ -- fast.\n") == 5
