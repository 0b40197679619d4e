"""Who wrote a paper: whether the account behind a post is one of the paper's authors, by name.

Ranking (``hotpapers.ranking``: self-promotion is discounted) and enrichment (``hotpapers.enrich.code``: an
author's post may link the paper's code) both ask; this module sits below both. Names are compared folded
(``fold``: lower case, accents removed).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hotpapers.models import Paper, Post

__all__ = ["AuthorNames", "fold", "is_author"]

_WORD_RE = re.compile(r"[a-z]+")


@functools.lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lower case, accents removed (``Ésta Çelik`` -> ``esta celik``), whitespace collapsed."""
    if text.isascii():  # nothing to decompose (the common case)
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


@functools.lru_cache(maxsize=1 << 16)
def _tokens(name: str) -> tuple[str, ...]:
    return tuple(_WORD_RE.findall(fold(name)))


def _handle_forms(tokens: Sequence[str]) -> set[str]:
    first, last = tokens[0], tokens[-1]
    return {first + last, last + first, first[0] + last}


@functools.lru_cache(maxsize=1 << 16)
def _name_parts(name: str) -> frozenset[str]:
    """The name parts of a display name, as a set."""
    return frozenset(_tokens(name))


@functools.lru_cache(maxsize=1 << 16)
def _handle_letters(handle: str) -> str:
    """A handle's first DNS label (Bluesky), letters only."""
    return "".join(_tokens(handle.partition(".")[0]))


@dataclass(frozen=True, slots=True)
class AuthorNames:
    """A paper's authors as :func:`is_author` compares them: worked out once per paper, not once per post.

    Attributes:
        pairs: (first, last) name parts of each author with at least two.
        handles: the handles ``firstlast``, ``lastfirst`` and ``flast`` of those authors.
        lasts: for each first name part, the last name parts of the authors it begins (a display name is looked
            up part by part: it has fewer parts than a paper has authors).
    """

    pairs: tuple[tuple[str, str], ...]
    handles: frozenset[str]
    lasts: Mapping[str, frozenset[str]]

    @classmethod
    def of(cls, paper: Paper) -> AuthorNames:
        """The author names of ``paper``."""
        pairs: list[tuple[str, str]] = []
        handles: set[str] = set()
        for author in paper.authors:
            tokens = _tokens(author)
            if len(tokens) >= 2:
                pairs.append((tokens[0], tokens[-1]))
                handles |= _handle_forms(tokens)
        lasts: defaultdict[str, set[str]] = defaultdict(set)
        for first, last in pairs:
            lasts[first].add(last)
        return cls(tuple(pairs), frozenset(handles), {first: frozenset(names) for first, names in lasts.items()})

    def wrote(self, post: Post) -> bool:
        """Tell whether the poster is likely one of these authors (see :func:`is_author`)."""
        if not self.pairs:
            return False
        handle = _handle_letters(post.author_handle)
        if len(handle) >= 5 and handle in self.handles:
            return True
        shown = _name_parts(post.author_name)  # a few parts, usually fewer than the authors: look them up
        for part in shown:
            lasts = self.lasts.get(part)
            if lasts is not None and not lasts.isdisjoint(shown):
                return True
        return False


def is_author(post: Post, paper: Paper) -> bool:
    """Tell whether the poster is likely an author of ``paper`` (self-promotion).

    An author with at least two name parts matches when the post's display name contains their first and last
    name parts (accents and case ignored), or when the handle (its first DNS label on Bluesky, letters only) is
    ``firstlast``, ``lastfirst`` or ``flast`` and at least 5 letters long. One-word author names (groups) never
    match: too many false positives.
    """
    return AuthorNames.of(paper).wrote(post)
