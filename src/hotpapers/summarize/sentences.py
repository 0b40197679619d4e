"""Sentences and words of a text, for the extractive summaries.

Sentence boundaries come from ``sentencex`` (Wikimedia's rule-based segmenter: no model or data to download, many
languages, fast). Its segments are contiguous pieces of the text, so a sentence is always a verbatim piece of the
text (with its whitespace normalised); a segment that ends on an abbreviation arXiv abstracts use ("Fig.", "Eq.",
"approx.") is joined to the next one.
"""

from __future__ import annotations

import re

from sentencex import segment

__all__ = ["normalize_space", "split_sentences", "word_count", "words"]

_ABBREVIATION_TEXT = "al approx cf ca eq eqs fig figs e.g i.e ie eg etc resp ref refs sec secs tab vs viz thm lem"
_ABBREVIATIONS = frozenset(_ABBREVIATION_TEXT.split())
_WORD = re.compile("[^\\W_](?:[\\w'\u2019-]*[^\\W_])?")  # inner hyphens and apostrophes (' and \u2019)


def normalize_space(text: str) -> str:
    """``text`` with every run of whitespace made one space, and no leading or trailing space."""
    return " ".join(text.split())


def _ends_with_abbreviation(piece: str) -> bool:
    last = piece.rstrip().rsplit(maxsplit=1)[-1] if piece.strip() else ""
    return last.endswith(".") and last[:-1].lstrip("(").casefold() in _ABBREVIATIONS


_SPACE_RUN = re.compile(r"\s+")


def _unwrapped(text: str) -> str:
    """``text`` with each run of whitespace one space, or a blank line where the run holds one (a paragraph break).

    The segmenter reads whitespace: "(1)" after a line break continues a sentence, after a space it may start a list
    item. arXiv wraps abstracts at arbitrary points, so a wrap must not decide where a sentence ends.
    """
    return _SPACE_RUN.sub(lambda m: "\n\n" if m.group().count("\n") >= 2 else " ", text).strip()


def split_sentences(text: str, language: str = "en") -> list[str]:
    """The sentences of ``text`` in order, whitespace-normalised; each is a verbatim piece of ``text`` (but for
    whitespace), and where its lines are wrapped does not change them."""
    pieces: list[str] = []
    pending = ""
    for piece in segment(language, _unwrapped(text)):
        pending += piece
        if not _ends_with_abbreviation(piece):
            pieces.append(pending)
            pending = ""
    if pending:
        pieces.append(pending)
    return [s for s in (normalize_space(p) for p in pieces) if s]


def words(text: str) -> list[str]:
    """The words of ``text`` (letters and digits, with inner hyphens and apostrophes), case-folded."""
    return [w.casefold() for w in _WORD.findall(text)]


def word_count(text: str) -> int:
    """How many words ``text`` has, counted as a reader would: its whitespace-separated tokens."""
    return len(text.split())
