"""Claims with citations: choosing them from posts (extractive), reading them from a model's answer, and writing the
summary text with numbered citations (``[1]``, ``[2, 3]``: positions in the summary's sources).

Near-duplicate posts (the same text from several accounts) make one claim that cites all of them; "near" is
rapidfuzz's normalised Indel similarity of at least 85 on the cleaned, case-folded texts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from hotpapers.models import Claim, SourceRef
from hotpapers.summarize.posts import Substantive
from hotpapers.summarize.sentences import split_sentences, word_count

__all__ = ["MAX_CLAIMS", "cited_text", "extract_claims", "parse_claims", "source_ref"]

MAX_CLAIMS = 3
"""A discussion summary has at most this many claims."""
_MAX_CLAIM_WORDS = 40
_MAX_SOURCES_PER_CLAIM = 5
_SIMILAR = 85.0
_CITATION = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([,.;:!?])")


def source_ref(post: Substantive) -> SourceRef:
    """The source a claim cites for ``post``."""
    p = post.evidence.post
    return SourceRef(p.platform, p.post_id, p.url, p.author_handle)


@dataclass
class _Group:
    lead: Substantive
    members: list[Substantive] = field(default_factory=list)


def _groups(posts: Sequence[Substantive]) -> list[_Group]:
    groups: list[_Group] = []
    for post in posts:
        text = post.text.casefold()
        for group in groups:
            if fuzz.ratio(text, group.lead.text.casefold()) >= _SIMILAR:
                group.members.append(post)
                break
        else:
            groups.append(_Group(post, [post]))
    return groups


def _excerpt(text: str) -> str:
    """The first sentences of ``text`` that fit in the claim's words; a longer first sentence is cut with "…"."""
    taken: list[str] = []
    for sentence in split_sentences(text):
        if word_count(" ".join([*taken, sentence])) > _MAX_CLAIM_WORDS:
            break
        taken.append(sentence)
    if taken:
        return " ".join(taken)
    return " ".join(text.split()[:_MAX_CLAIM_WORDS]) + " …"


def extract_claims(posts: Sequence[Substantive]) -> tuple[tuple[SourceRef, ...], tuple[Claim, ...]]:
    """Claims quoted from the most engaged posts (``posts`` come most engaged first), each citing every post that
    says nearly the same; returns (sources, claims)."""
    sources: list[SourceRef] = []
    claims: list[Claim] = []
    for group in _groups(posts)[:MAX_CLAIMS]:
        cited = [source_ref(p) for p in group.members[:_MAX_SOURCES_PER_CLAIM]]
        indexes = []
        for ref in cited:
            if ref not in sources:
                sources.append(ref)
            indexes.append(sources.index(ref))
        claims.append(Claim(f"“{_excerpt(group.lead.text)}”", tuple(indexes)))
    return tuple(sources), tuple(claims)


def parse_claims(answer: str, posts: Sequence[Substantive]) -> tuple[tuple[SourceRef, ...], tuple[Claim, ...]]:
    """The claims of a model's answer: lines ending in citations ``[n, m]`` of the numbered ``posts`` (1-based).

    Citations of numbers that were not given are dropped, and so is a claim left citing nothing: every claim kept
    cites at least one of ``posts``. Returns (sources in order of first citation, claims).
    """
    sources: list[SourceRef] = []
    claims: list[Claim] = []
    for line in answer.splitlines():
        numbers = [int(n) for group in _CITATION.findall(line) for n in re.split(r"[,;]", group)]
        valid = list(dict.fromkeys(n for n in numbers if 1 <= n <= len(posts)))
        text = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", " ".join(_BULLET.sub("", _CITATION.sub(" ", line)).split()))
        text = text.rstrip(" ,;")
        if not valid or not text:
            continue
        indexes = []
        for n in valid:
            ref = source_ref(posts[n - 1])
            if ref not in sources:
                sources.append(ref)
            indexes.append(sources.index(ref))
        claims.append(Claim(text, tuple(indexes)))
        if len(claims) == MAX_CLAIMS:
            break
    return tuple(sources), tuple(claims)


def cited_text(claims: Sequence[Claim]) -> str:
    """The claims as one text, each followed by its citations: ``“…” [1] “…” [2, 3]``."""
    return " ".join(f"{c.text} [{', '.join(str(i + 1) for i in c.sources)}]" for c in claims)
