"""Signals of preset ``default``: what one post is worth, and what is known about the account behind it.

Pure functions of records and options. :mod:`hotpapers.ranking.default` combines them into scores and
breakdowns; the rules are documented there and in ``docs/ranking.md``.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from hotpapers.arxiv.calendar import ANNOUNCE_TIME, EASTERN
from hotpapers.authors import fold
from hotpapers.models import ArxivId, EngagementSnapshot, PaperEvidence, Post, PostEvidence, PostKind
from hotpapers.ranking.options import DefaultOptions

__all__ = [
    "STOCK_WORDS",
    "AccountKey",
    "AccountSignals",
    "account_key",
    "account_signals",
    "at_release_hour",
    "damp",
    "engagement_text",
    "engagement_value",
    "normalized_text",
    "platform_label",
    "post_gross",
    "post_label",
    "post_points",
    "residual_text",
    "says_nothing",
    "title_words",
]

AccountKey = tuple[str, str]
"""(platform, case-folded handle): one account on one platform."""

_PLATFORM_LABELS = {"x": "X", "bluesky": "Bluesky", "hackernews": "Hacker News", "huggingface": "Hugging Face",
                   "reddit": "Reddit", "alphaxiv": "alphaXiv", "mastodon": "Mastodon", "youtube": "YouTube"}
_URL_RE = re.compile(r"https?://\S+|\bpic\.twitter\.com/\S+|\b[\w-]+(?:\.[\w-]+)+/\S*")
_ARXIV_ID_RE = re.compile(r"\b(?:arxiv:)?\d{4}\.\d{4,5}(?:v\d+)?\b")
_MENTION_RE = re.compile(r"@\w+")
_NON_LETTER_RE = re.compile(r"[\W\d_]+")


def platform_label(platform: str) -> str:
    """The display name of a platform (``hackernews`` -> ``Hacker News``); unknown names unchanged."""
    return _PLATFORM_LABELS.get(platform, platform)


def account_key(post: Post) -> AccountKey:
    """The account that wrote ``post``: handles compare case-insensitively."""
    return post.platform, post.author_handle.casefold()


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
    """A post's gross points (before its account's credibility and any discount), as in :func:`post_points`
    (``weight``: its platform's weight, if the caller has it at hand)."""
    post = entry.post
    if weight is None:
        weight = options.platform_weight(post.platform)
    share = _share(post, options)[0] if len(post.links) > 1 else 1.0  # one link: skip the distinct-id count
    base = options.post_base + damp(engagement_value(entry.engagement, options), options.damping)
    return weight * share * base


def post_label(entry: PostEvidence, options: DefaultOptions) -> str:
    """A post's breakdown label, as in :func:`post_points`."""
    post = entry.post
    weight = options.platform_weight(post.platform)
    share, n = _share(post, options)
    details = [engagement_text(entry.engagement, post.platform)]
    if post.kind is not PostKind.ORIGINAL:
        details.insert(0, str(post.kind))
    if weight != 1.0:
        details.append(f"platform x{weight:g}")
    if share != 1.0:
        details.append(f"1/{n}: links {n} papers")
    return f"{platform_label(post.platform)}: @{post.author_handle} ({'; '.join(details)})"


def post_points(entry: PostEvidence, options: DefaultOptions) -> tuple[float, str]:
    """A post's gross points (before its account's credibility and any discount) and its breakdown label.

    Points = platform weight x share x (``post_base`` + damped engagement value); the share is 1/n for a post
    that links n papers when ``split_credit`` is on. The label names the platform, the account, the raw counts
    and every factor that is not 1.
    """
    return post_gross(entry, options), post_label(entry, options)


@functools.lru_cache(maxsize=1 << 16)
def normalized_text(text: str) -> str:
    """A post's text for comparison: links, arXiv ids, mentions, digits, punctuation, accents and case removed."""
    text = _URL_RE.sub(" ", fold(text))
    text = _MENTION_RE.sub(" ", _ARXIV_ID_RE.sub(" ", text))
    return " ".join(_NON_LETTER_RE.sub(" ", text).split())


STOCK_WORDS = frozenset(
    """
    a an and are as at be by for from here i in is it its just me my new now of on or our out so that the
    their this to today via we with you your very really super quite too
    paper papers preprint preprints article work study research result results arxiv pdf abs html link code
    github project page thread blog post read reading reads must check look see take worth
    great good nice cool neat wow omg amazing awesome impressive interesting fascinating exciting excellent
    brilliant beautiful huge big important wild insane incredible mind blowing blown best top hot fresh latest
    dropped published released presents presented introducing introduces proposes proposed available
    recommend recommended highly definitely strongly love loved like liked enjoyed enjoy fun favorite favourite
    congrats congratulations kudos bravo thanks thank everyone all folks people should game changer
    changing breakthrough landmark step forward progress stuff thing things one ml ai llm llms deep learning
    """.split()  # noqa: SIM905 - a word list reads better as text
)
"""Words that carry no content of their own in a post about a paper: a text made only of these (and the paper's
title) says nothing."""


@functools.lru_cache(maxsize=1 << 14)
def title_words(title: str) -> frozenset[str]:
    """The words of a paper's title, normalised as post texts are."""
    return frozenset(normalized_text(title).split())


@functools.lru_cache(maxsize=1 << 16)
def says_nothing(text: str, title: str) -> str | None:
    """Why a post's text says nothing about the paper titled ``title`` (``only the title``, ``only a stock
    phrase``, ``only the title and a stock phrase``, ``no text``), or None when it says something.

    The text is normalised (:func:`normalized_text`); it says nothing when every word left is a word of the title
    or one of :data:`STOCK_WORDS`.
    """
    words = normalized_text(text).split()
    if not words:
        return "no text"
    drop = title_words(title)
    if any(w not in drop and w not in STOCK_WORDS for w in words):
        return None
    if any(w in drop for w in words):
        return "only the title" if all(w in drop for w in words) else "only the title and a stock phrase"
    return "only a stock phrase"


@functools.lru_cache(maxsize=1 << 16)
def residual_text(text: str, title: str) -> str:
    """A post's normalised text without the words of the paper's title, in order (for comparing texts)."""
    drop = title_words(title)
    return " ".join(w for w in normalized_text(text).split() if w not in drop)


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


@dataclass(slots=True)
class _DayPosts:
    """The day's posts on screened platforms (reposts excluded), as the account signals read them."""

    posts: dict[tuple[str, str], Post]  # by (platform, post id)
    titles: dict[tuple[str, str], str]  # the title of the (first) paper each post was listed under
    papers: defaultdict[AccountKey, set[ArxivId]]  # each account's distinct papers of the day
    at_release: defaultdict[AccountKey, set[ArxivId]]  # ... linked within the release hour


def _screened_posts(evidence: Iterable[PaperEvidence], options: DefaultOptions) -> _DayPosts:
    """The day's posts on screened platforms, each account's papers and its papers posted at the release hour."""
    day = _DayPosts({}, {}, defaultdict(set), defaultdict(set))
    screened, repost, minutes = options.screened_platforms, PostKind.REPOST, options.feed_window_minutes
    for item in evidence:
        arxiv_id = item.paper.arxiv_id
        for entry in item.posts:
            post = entry.post
            if post.kind is not repost and post.platform in screened:
                key = post.platform, post.post_id
                if key not in day.posts:
                    day.posts[key] = post
                    day.titles[key] = item.paper.title
                account = post.platform, post.author_handle.casefold()  # account_key, inlined
                day.papers[account].add(arxiv_id)
                if minutes and at_release_hour(post.created_at, minutes):
                    day.at_release[account].add(arxiv_id)
    return day


def at_release_hour(when: dt.datetime, minutes: float) -> bool:
    """Whether ``when`` is within ``minutes`` after an arXiv announcement (20:00 US Eastern, Sunday..Thursday
    evenings; holidays are not modelled: a post at 20:10 ET on a skipped evening counts as at the release hour)."""
    local = when.astimezone(EASTERN)
    after = (local.hour - ANNOUNCE_TIME.hour) * 60 + local.minute - ANNOUNCE_TIME.minute + local.second / 60
    return 0 <= after < minutes and local.weekday() in _ANNOUNCING_EVENINGS


_ANNOUNCING_EVENINGS = frozenset({6, 0, 1, 2, 3})  # Sunday..Thursday


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


def _text_clusters(day: _DayPosts, options: DefaultOptions) -> dict[tuple[str, str], frozenset[AccountKey]]:
    """The normalised texts (of at least ``identical_text_min_chars`` letters, saying something) that at least
    ``identical_text_accounts`` accounts of a platform posted."""
    accounts: dict[tuple[str, str], set[AccountKey]] = defaultdict(set)
    shortest = options.identical_text_min_chars
    for key, post in day.posts.items():
        text = normalized_text(post.text)
        if len(text) >= shortest and says_nothing(post.text, day.titles[key]) is None:
            accounts[post.platform, text].add(account_key(post))
    return {key: frozenset(a) for key, a in accounts.items() if len(a) >= options.identical_text_accounts}


def account_signals(evidence: Sequence[PaperEvidence], options: DefaultOptions) -> AccountSignals:
    """Judge the accounts of one day's posts (reposts excluded, deleted posts included).

    An account on a screened platform is automated, an aggregator or a feed when it links more than
    ``max_papers_per_account`` distinct papers of the day, when it links at least ``feed_min_papers`` of them
    within ``feed_window_minutes`` after an arXiv announcement (a release-hour feed, whatever its name), when its
    handle or display name matches one of ``bot_name_patterns``, or when it posted a text that at least
    ``identical_text_accounts`` accounts posted (texts that say nothing excepted).
    """
    day = _screened_posts(evidence, options)
    posts = day.posts
    clusters = _text_clusters(day, options)
    reasons: dict[AccountKey, list[str]] = defaultdict(list)
    for account, papers in day.papers.items():
        if len(papers) > options.max_papers_per_account:
            reasons[account].append(f"links {len(papers)} papers of the day")
    for account, papers in day.at_release.items():
        if options.feed_min_papers and len(papers) >= options.feed_min_papers:
            reasons[account].append(
                f"a feed: posted {len(papers)} papers within {options.feed_window_minutes:g} minutes of arXiv's "
                "announcement"
            )
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
