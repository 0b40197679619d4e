"""The extractive TL;DR: at most two sentences of the abstract, chosen, never rewritten (at most 60 words).

Each eligible sentence (a whole sentence: it starts with a capital letter or digit and ends with ``.``, ``!`` or
``?``) is scored by what marks a paper's own claim: the words it shares with the title, how central its words are to
the abstract (how often they recur), and phrases that state a contribution ("we propose", "this paper") or a result
("outperforms", "state-of-the-art"). The best one is taken, then the best result sentence if both fit in the words
allowed; they are given in the abstract's order.

A small scorer of our own rather than a summarisation library: sumy's LexRank/TextRank tokenise English with NLTK's
punkt data, which is downloaded at run time, and hotpapers never downloads data. Ties go to the earlier sentence,
so the choice is a pure function of the abstract and title.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from hotpapers.summarize.sentences import split_sentences, word_count, words

__all__ = ["MAX_WORDS", "tldr_sentences"]

MAX_WORDS = 60
"""A TL;DR never has more words than this."""

_MAX_SENTENCES = 2
_MIN_WORDS = 6  # shorter sentences ("Code is available.") say nothing about the paper
_CONTRIBUTION = re.compile(
    r"\b(?:we|this (?:paper|work|article|study)|in this (?:paper|work)|our (?:work|paper|method|approach|model|"
    r"framework|results?))\s+(?:\w+\s+){0,2}?(?:propose|present|introduce|develop|show|demonstrate|prove|find|"
    r"design|establish|study|investigate|provide|describe|release|report)",
    re.IGNORECASE,
)
_RESULT = re.compile(
    r"\b(?:outperform\w*|state[- ]of[- ]the[- ]art|achiev\w+|improv\w+|surpass\w*|speed-?ups?|faster|"
    r"reduc\w+|results? (?:show|demonstrate|indicate)\w*|experiments? (?:show|demonstrate)\w*)|\d+(?:\.\d+)?\s?%",
    re.IGNORECASE,
)
_STOPWORD_TEXT = """a about above after again against all also an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having here how i if in into is it its itself just may might
    more most much must new no nor not now of off on once only or other our ours out over
    own same several should so some such than that the their them then there these they
    this those through to too under until up upon very via was we were what when where
    which while who whom why will with within without would yet you your paper work
    approach method methods propose proposed show shows results using used use based"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


@dataclass(frozen=True, slots=True)
class _Candidate:
    position: int
    text: str
    words: int
    score: float
    result: bool


def _eligible(sentence: str) -> bool:
    """A whole sentence of reasonable length (the segmenter also yields list items and fragments)."""
    return (
        (sentence[0].isupper() or sentence[0].isdigit())
        and sentence.endswith((".", "!", "?"))
        and _MIN_WORDS <= word_count(sentence) <= MAX_WORDS
    )


def _content(text: str) -> list[str]:
    return [w for w in words(text) if len(w) > 2 and w not in _STOPWORDS]


def _candidates(sentences: list[str], title: str) -> list[_Candidate]:
    frequency = Counter(w for s in sentences for w in set(_content(s)))
    title_words = set(_content(title))
    found: list[_Candidate] = []
    for position, sentence in enumerate(sentences):
        if not _eligible(sentence):
            continue
        content = set(_content(sentence))
        if not content:
            continue
        centrality = sum(frequency[w] - 1 for w in content) / (len(content) ** 0.5 * max(len(sentences) - 1, 1))
        overlap = len(content & title_words) / max(len(title_words), 1)
        contribution = 1.0 if _CONTRIBUTION.search(sentence) else 0.0
        result = bool(_RESULT.search(sentence))
        score = 2.0 * overlap + centrality + 1.5 * contribution + 0.5 * result - 0.02 * position
        found.append(_Candidate(position, sentence, word_count(sentence), score, result))
    return found


def tldr_sentences(abstract: str, title: str = "", max_words: int = MAX_WORDS) -> list[str]:
    """The sentences of ``abstract`` that make its TL;DR, in the abstract's order (empty if none fits).

    Every sentence returned is one of ``split_sentences(abstract)``, and together they have at most ``max_words``
    words.
    """
    candidates = sorted(_candidates(split_sentences(abstract), title), key=lambda c: (-c.score, c.position))
    chosen: list[_Candidate] = []
    for candidate in candidates:
        if candidate.words > max_words - sum(c.words for c in chosen):
            continue
        if chosen and not candidate.result:
            continue  # a second sentence only adds the paper's result
        chosen.append(candidate)
        if len(chosen) == _MAX_SENTENCES:
            break
    return [c.text for c in sorted(chosen, key=lambda c: c.position)]
