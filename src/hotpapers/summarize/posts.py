"""Which posts about a paper say something: the input of the discussion summary.

A post is *substantive* unless it is a repost, deleted, link-only (nothing left once links, arXiv ids, mentions
and hashtags are taken out) or title-only (what is left is the paper's title, its authors' names and link labels
such as "pdf:", "abs:", "project page:"). Hacker News stories and Hugging Face Daily Papers entries, whose text is
the title, are title-only by this rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hotpapers.models import Paper, PostEvidence, PostKind
from hotpapers.summarize.sentences import normalize_space, words

__all__ = ["Substantive", "clean_text", "engagement", "substantive_posts"]

_URL = re.compile(
    r"(?:\b(?:pdf|abs|abstract|arxiv|paper|code|github|project(?: page)?|page|website|(?:long )?video|demo|blog|slides|"
    r"poster|data(?:set)?|repo|models?|hf|hugging ?face)\s*:\s*)?"  # the label of a link ("pdf: https://…") goes too
    r"(?:(?:https?://|www\.)\S+|\bpic\.twitter\.com/\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:org|com|io|ai|co|net)/\S*)",
    re.IGNORECASE,
)
_ARXIV_ID = re.compile(r"\b(?:arxiv:\s*)?(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?\b", re.IGNORECASE)
_MENTION = re.compile(r"(?<![\w@])@\w+(?:[.-]\w+)*")
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([,.;:!?])")
_RETWEET = re.compile(r"^\s*RT\b:?\s*", re.IGNORECASE)
_MIN_NEW_WORDS = 4
"""A post must add at least this many words to the title, the authors and link labels to count as saying something."""
_BOILERPLATE_WORDS = """pdf abs abstract arxiv paper papers preprint new code github project page website site
    link links blog video demo repo repository here via by and with from the a an of
    in on for to at our is are out now see read check available huggingface hf daily"""
_BOILERPLATE = frozenset(_BOILERPLATE_WORDS.split())


@dataclass(frozen=True, slots=True)
class Substantive:
    """A post that says something about a paper, with its text cleaned of links and mentions."""

    evidence: PostEvidence
    text: str

    @property
    def key(self) -> tuple[str, str]:
        """(platform, post_id)."""
        return self.evidence.post.platform, self.evidence.post.post_id


def clean_text(text: str) -> str:
    """``text`` without links, arXiv ids, @mentions, a leading "RT" and ``#`` signs, whitespace normalised."""
    text = _RETWEET.sub("", text)
    text = _URL.sub(" ", text)
    text = _ARXIV_ID.sub(" ", text)
    text = _MENTION.sub(" ", text)
    text = _EMPTY_BRACKETS.sub(" ", text)
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", normalize_space(text.replace("#", ""))).lstrip(" :;,.-")


def _says_something(cleaned: str, paper: Paper) -> bool:
    known = set(words(paper.title)) | {w for name in paper.authors for w in words(name)} | _BOILERPLATE
    return len([w for w in words(cleaned) if w not in known]) >= _MIN_NEW_WORDS


def engagement(evidence: PostEvidence) -> int:
    """Reposts + likes + replies + quotes of the post's latest snapshot (0 if never observed)."""
    snap = evidence.engagement
    return 0 if snap is None else snap.reposts + snap.likes + snap.replies + snap.quotes


def substantive_posts(paper: Paper, posts: tuple[PostEvidence, ...]) -> list[Substantive]:
    """The substantive posts among ``posts``, most engaged first (ties: earlier, then by platform and id)."""
    found = [
        Substantive(e, cleaned)
        for e in posts
        if e.post.kind is not PostKind.REPOST and not e.post.deleted
        and paper.arxiv_id in e.post.arxiv_ids
        and _says_something(cleaned := clean_text(e.post.text), paper)
    ]
    return sorted(found, key=lambda s: (-engagement(s.evidence), s.evidence.post.created_at, s.key))
