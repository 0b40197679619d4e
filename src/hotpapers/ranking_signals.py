"""Signals of preset ``default``: what one post is worth, and what is known about the account behind it.

Pure functions of records and options. :mod:`hotpapers.ranking_default` combines them into scores and
breakdowns; the rules are documented there and in ``docs/ranking.md``.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hotpapers.models import ArxivId, EngagementSnapshot, Paper, PaperEvidence, Post, PostEvidence, PostKind

if TYPE_CHECKING:
    from hotpapers.ranking_default import DefaultOptions

__all__ = [
    "AccountKey",
    "AccountSignals",
    "AuthorNames",
    "account_key",
    "account_signals",
    "damp",
    "engagement_text",
    "engagement_value",
    "fold",
    "follower_factor",
    "is_author",
    "normalized_text",
    "platform_label",
    "post_gross",
    "post_label",
    "post_points",
]

AccountKey = tuple[str, str]
"""(platform, case-folded handle): one account on one platform."""

_PLATFORM_LABELS = {"x": "X", "bluesky": "Bluesky", "hackernews": "Hacker News", "huggingface": "Hugging Face",
                   "reddit": "Reddit", "alphaxiv": "alphaXiv", "mastodon": "Mastodon", "youtube": "YouTube"}
_URL_RE = re.compile(r"https?://\S+|\bpic\.twitter\.com/\S+|\b[\w-]+(?:\.[\w-]+)+/\S*")
_ARXIV_ID_RE = re.compile(r"\b(?:arxiv:)?\d{4}\.\d{4,5}(?:v\d+)?\b")
_MENTION_RE = re.compile(r"@\w+")
_NON_LETTER_RE = re.compile(r"[\W\d_]+")
_WORD_RE = re.compile(r"[a-z]+")


def platform_label(platform: str) -> str:
    """The display name of a platform (``hackernews`` -> ``Hacker News``); unknown names unchanged."""
    return _PLATFORM_LABELS.get(platform, platform)


def account_key(post: Post) -> AccountKey:
    """The account that wrote ``post``: handles compare case-insensitively."""
    return post.platform, post.author_handle.casefold()


@functools.lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lower case, accents removed (``Ésta Çelik`` -> ``esta celik``), whitespace collapsed."""
    if text.isascii():  # nothing to decompose (the common case)
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def _extra(snapshot: EngagementSnapshot, name: str) -> int | None:
    for key, value in snapshot.extras:
        if key == name:
            return value
    return None


def engagement_value(snapshot: EngagementSnapshot | None, options: DefaultOptions) -> float:
    """One number for a post's engagement, before damping (0 for a post never observed).

    X, Bluesky and any other platform: ``like_weight * likes + repost_weight * reposts + reply_weight * replies
    + quote_weight * quotes``. Hacker News: points (extra ``points``, else likes) and comments (replies), with
    the like and reply weights. Hugging Face: upvotes (extra ``upvotes``, else likes) and comments likewise.
    Other extras (X bookmarks, impressions) are ignored.
    """
    if snapshot is None:
        return 0.0
    votes = _extra(snapshot, "points")
    if votes is None:
        votes = _extra(snapshot, "upvotes")
    likes = snapshot.likes if votes is None else votes
    return (
        options.like_weight * likes
        + options.repost_weight * snapshot.reposts
        + options.reply_weight * snapshot.replies
        + options.quote_weight * snapshot.quotes
    )


def damp(value: float, damping: str) -> float:
    """The damped engagement: ``log1p`` (default), ``sqrt`` or ``none`` (the value itself)."""
    if damping == "log1p":
        return math.log1p(value)
    if damping == "sqrt":
        return math.sqrt(value)
    return value


def follower_factor(followers: int | None, options: DefaultOptions) -> float:
    """``1 + min(cap, per_decade * log10(1 + followers))``; exactly 1 when the platform gives no count."""
    if followers is None:
        return 1.0
    bonus = options.follower_bonus_per_decade * math.log10(1 + followers)
    return 1.0 + min(options.follower_bonus_cap, bonus)


def engagement_text(snapshot: EngagementSnapshot | None, platform: str) -> str:
    """The raw counts of a post for a breakdown label, e.g. ``812 likes, 150 reposts``."""
    if snapshot is None:
        return "not observed yet"
    votes = _extra(snapshot, "points"), _extra(snapshot, "upvotes")
    if platform == "hackernews" or votes[0] is not None:
        names = [("points", snapshot.likes if votes[0] is None else votes[0]), ("comments", snapshot.replies)]
    elif platform == "huggingface" or votes[1] is not None:
        names = [("upvotes", snapshot.likes if votes[1] is None else votes[1]), ("comments", snapshot.replies)]
    else:
        names = [("likes", snapshot.likes), ("reposts", snapshot.reposts)]
        names += [("replies", snapshot.replies), ("quotes", snapshot.quotes)]
    shown = [f"{count} {name}" for name, count in names if count]
    return ", ".join(shown) or "no engagement yet"


def _share(post: Post, options: DefaultOptions) -> tuple[float, int]:
    """The share of a post's points each linked paper gets, and how many distinct papers it links."""
    n = len(post.arxiv_ids)
    return (1.0 / n if options.split_credit and n > 1 else 1.0), n


def post_gross(entry: PostEvidence, options: DefaultOptions, weight: float | None = None) -> float:
    """A post's gross points (before discounts), as in :func:`post_points` (``weight``: its platform's weight,
    if the caller has it at hand)."""
    post = entry.post
    if weight is None:
        weight = options.platform_weight(post.platform)
    followers = follower_factor(post.author_followers, options)
    share = _share(post, options)[0] if len(post.links) > 1 else 1.0  # one link: skip the distinct-id count
    base = options.post_base + damp(engagement_value(entry.engagement, options), options.damping)
    return weight * followers * share * base


def post_label(entry: PostEvidence, options: DefaultOptions) -> str:
    """A post's breakdown label, as in :func:`post_points`."""
    post = entry.post
    weight = options.platform_weight(post.platform)
    followers = follower_factor(post.author_followers, options)
    share, n = _share(post, options)
    details = [engagement_text(entry.engagement, post.platform)]
    if post.kind is not PostKind.ORIGINAL:
        details.insert(0, str(post.kind))
    if weight != 1.0:
        details.append(f"platform x{weight:g}")
    if followers != 1.0:
        details.append(f"x{followers:.2f} for {post.author_followers:,} followers")
    if share != 1.0:
        details.append(f"1/{n}: links {n} papers")
    return f"{platform_label(post.platform)}: @{post.author_handle} ({'; '.join(details)})"


def post_points(entry: PostEvidence, options: DefaultOptions) -> tuple[float, str]:
    """A post's gross points (before discounts) and its breakdown label.

    Points = platform weight x follower factor x share x (``post_base`` + damped engagement value); the share is
    1/n for a post that links n papers when ``split_credit`` is on. The label names the platform, the account,
    the raw counts and every factor that is not 1.
    """
    return post_gross(entry, options), post_label(entry, options)


@functools.lru_cache(maxsize=1 << 16)
def normalized_text(text: str) -> str:
    """A post's text for comparison: links, arXiv ids, mentions, digits, punctuation, accents and case removed."""
    text = _URL_RE.sub(" ", fold(text))
    text = _MENTION_RE.sub(" ", _ARXIV_ID_RE.sub(" ", text))
    return " ".join(_NON_LETTER_RE.sub(" ", text).split())


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


@dataclass(frozen=True, slots=True)
class AccountSignals:
    """What the day's posts say about the accounts behind them (only screened platforms are looked at).

    Attributes:
        reasons: for each account judged automated or an aggregator, why (one phrase per reason).
        clusters: the normalised texts posted by at least ``identical_text_accounts`` accounts of a platform,
            keyed by (platform, text), with the accounts that posted them.
    """

    reasons: Mapping[AccountKey, tuple[str, ...]]
    clusters: Mapping[tuple[str, str], frozenset[AccountKey]]

    def cluster_of(self, post: Post) -> tuple[str, str] | None:
        """The identical-text cluster ``post`` belongs to, if any."""
        key = (post.platform, normalized_text(post.text))
        return key if key in self.clusters else None


def _screened_posts(
    evidence: Iterable[PaperEvidence], screened: Sequence[str]
) -> tuple[dict[tuple[str, str], Post], dict[AccountKey, set[ArxivId]]]:
    """The day's posts on screened platforms (reposts excluded) by (platform, post id), and each account's papers."""
    posts: dict[tuple[str, str], Post] = {}
    papers: defaultdict[AccountKey, set[ArxivId]] = defaultdict(set)
    repost = PostKind.REPOST
    for item in evidence:
        arxiv_id = item.paper.arxiv_id
        for entry in item.posts:
            post = entry.post
            if post.kind is not repost and post.platform in screened:
                posts.setdefault((post.platform, post.post_id), post)
                papers[post.platform, post.author_handle.casefold()].add(arxiv_id)  # account_key, inlined
    return posts, papers


@dataclass(frozen=True, slots=True)
class _NamePatterns:
    """The bot-name patterns, compiled, and all of them as one alternation that tells whether any matches."""

    each: tuple[re.Pattern[str], ...]
    any: re.Pattern[str] | None  # None when the alternation would not be exact (groups, flags in the middle)


@functools.lru_cache(maxsize=64)
def _compiled(patterns: tuple[str, ...]) -> _NamePatterns:
    """The bot-name patterns, compiled once per set (re's own cache is too small for a day of posts).

    Most names match none of them: one search of the alternation then replaces one search per pattern. It is
    only used when it has no groups (a back-reference would point elsewhere); a pattern with global inline flags
    cannot be part of it (``re.error``).
    """
    each = tuple(re.compile(pattern, re.IGNORECASE) for pattern in patterns)
    try:
        alternation = re.compile("|".join(f"(?:{pattern})" for pattern in patterns), re.IGNORECASE)
    except re.error:
        return _NamePatterns(each, None)
    return _NamePatterns(each, alternation if patterns and not alternation.groups else None)


def _name_match(handle: str, name: str, patterns: _NamePatterns) -> str | None:
    """What the first pattern (in order) matching the handle, else the display name, matched."""
    if patterns.any is not None and patterns.any.search(handle) is None and patterns.any.search(name) is None:
        return None
    for pattern in patterns.each:
        for text in (handle, name):
            found = pattern.search(text)
            if found:
                return found.group(0)
    return None


def _text_clusters(posts: Iterable[Post], options: DefaultOptions) -> dict[tuple[str, str], frozenset[AccountKey]]:
    accounts: dict[tuple[str, str], set[AccountKey]] = defaultdict(set)
    shortest = options.identical_text_min_chars
    for post in posts:
        text = normalized_text(post.text)
        if len(text) >= shortest:
            accounts[post.platform, text].add(account_key(post))
    return {key: frozenset(a) for key, a in accounts.items() if len(a) >= options.identical_text_accounts}


def account_signals(evidence: Sequence[PaperEvidence], options: DefaultOptions) -> AccountSignals:
    """Judge the accounts of one day's posts (reposts excluded, deleted posts included).

    An account on a screened platform is automated or an aggregator when it links more than
    ``max_papers_per_account`` distinct papers of the day, when its handle or display name matches one of
    ``bot_name_patterns``, or when it posted a text that at least ``identical_text_accounts`` accounts posted.
    """
    screened = options.screened_platforms
    posts, papers_of = _screened_posts(evidence, screened)
    clusters = _text_clusters(posts.values(), options)
    reasons: dict[AccountKey, list[str]] = defaultdict(list)
    for account, papers in papers_of.items():
        if len(papers) > options.max_papers_per_account:
            reasons[account].append(f"links {len(papers)} papers of the day")
    patterns = _compiled(tuple(options.bot_name_patterns))
    names: dict[tuple[str, str], str | None] = {}  # (handle, display name) -> match: once per account
    named: dict[AccountKey, tuple[tuple[str, str], str]] = {}  # account -> (id of its first matching post, match)
    for post_key, post in posts.items():
        shown = post.author_handle, post.author_name
        if shown not in names:
            names[shown] = _name_match(*shown, patterns)
        matched = names[shown]
        if matched is not None:
            key = account_key(post)
            if key not in named or post_key < named[key][0]:  # the lowest id, so never the input's order
                named[key] = post_key, matched
    for key, (_, matched) in named.items():
        reasons[key].append(f"name contains {matched!r}")
    for member in set().union(*clusters.values()):
        reasons[member].append("posted a text other accounts posted word for word")
    return AccountSignals({k: tuple(v) for k, v in reasons.items()}, clusters)
