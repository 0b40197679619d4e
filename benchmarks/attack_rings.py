"""Data generator of ``ranking_attacks.py``: the archived days with their accounts' history, and rings of cheap
accounts that push one paper.

**The days.** Every archived day of the original digest, derived and parsed as ``tools/ranking_agreement.py``
does (fillers as distinct anonymous accounts with their own texts). Each post gets the ``AccountEvidence`` a
store that had been collecting since 30 days before the archive's first day would hold: for the real accounts,
their earliest and latest archived posts before the day (so an account seen on several days over weeks is
established, one seen for the first time is new to the store); the archive has no profiles. The fillers stand
for tweets of people the archive does not show: nothing is known of them (``account=None``, neutral).

**The rings.** Each attack adds ``size`` accounts (all new to the store: a ring's accounts have never linked a
paper before) that post about the *target*, the day's weakest paper under ``classic`` (its last). No handle or
name matches ``bot_name_patterns``: detection has to come from behaviour. Everything is drawn from a
``random.Random`` seeded by the date, the attack and the size.

=============  =================================================================================================
attack         what the ring does
=============  =================================================================================================
``short``      "Must read!" and the link, word for word; accounts 1-20 days old with 0-30 followers; posted
               within two hours; each post liked by the ring (up to 30 likes, 0-5 reposts)
``template``   a stock template around the title ("Huge result: TITLE", "TITLE is a must read", ...); accounts
               1-60 days old with 10-200 followers; posted within six hours; 10-40 likes each
``varied``     fully varied texts, each with content words of its own (a paraphrase bank: opener x subject x
               claim x closer, ~10^5 combinations, as an LLM rewriting one message would give); aged accounts
               (1-6 years) with 50-500 followers; posted at random over the whole day; 5-40 likes each
``followers``  varied texts; followers uniform 0-500, accounts 7-700 days old; posted within four hours
``farm``       an engagement farm: one new account per 20 ring accounts posts the target once (varied text), and
               the ring likes and reposts those posts (``size`` likes and ``size / 2`` reposts each)
``brigade``    cross-platform: 40% on X, 40% on Bluesky, 20% Hacker News stories (whose text is the title, by
               design); varied texts; followers 0-300 (Hacker News karma 1-50), accounts 1-400 days old
``feeds``      release-hour feed bots: each posts the target and 3 other papers of the day (4, fewer than
               ``max_papers_per_account``) with "TITLE" and the link within an hour of arXiv's 20:00 ET
               announcement; aged accounts (1-4 years), 100-2,000 followers; 30 likes on the target's post
=============  =================================================================================================

**The breadth check** adds 25 *established* accounts (first seen 30-300 days before the day, last seen in the
week before; accounts 1-10 years old, 50-20,000 followers, log-uniform) writing in their own words: texts from
the same paraphrase bank as ``varied``, so that only who speaks tells the two apart, posted over the day, 2-40
likes each.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from hotpapers.arxiv.calendar import announcement_time, is_listing_day
from hotpapers.models import (
    AccountEvidence,
    AccountProfile,
    ArxivId,
    EngagementSnapshot,
    LinkMethod,
    PaperEvidence,
    PaperLink,
    Post,
    PostEvidence,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from ranking_agreement import Day, classic, order

__all__ = ["ATTACKS", "Attack", "breadth", "target", "with_history"]

Attack = Callable[[Day, ArxivId, int, random.Random], dict[ArxivId, list[PostEvidence]]]
"""(day, target, ring size, rng) -> the posts to add, by paper."""

HISTORY_LEAD = dt.timedelta(days=30)


# -- the days' history -------------------------------------------------------------------------------------------


def _window_start(day: dt.date) -> dt.datetime:
    if is_listing_day(day):
        return announcement_time(day)
    return dt.datetime.combine(day, dt.time(0), dt.UTC)


def with_history(days: Sequence[Day]) -> list[Day]:
    """The days with each real account's history before the day attached to its posts (fillers stay unknown)."""
    seen: defaultdict[tuple[str, str], list[dt.datetime]] = defaultdict(list)
    for day in days:
        for item in day.evidence:
            for entry in item.posts:
                if not entry.post.author_handle.startswith("filler"):
                    seen[entry.post.platform, entry.post.author_handle.casefold()].append(entry.post.created_at)
    for times in seen.values():
        times.sort()
    history_from = _window_start(days[0].date) - HISTORY_LEAD if days else None
    result = []
    for day in days:
        start = _window_start(day.date)
        evidence = []
        for item in day.evidence:
            posts = []
            for entry in item.posts:
                key = entry.post.platform, entry.post.author_handle.casefold()
                if key not in seen:
                    posts.append(entry)
                    continue
                before = [t for t in seen[key] if t < start]
                account = AccountEvidence(None, before[0] if before else None, before[-1] if before else None,
                                          history_from)  # fmt: skip
                posts.append(replace(entry, account=account))
            evidence.append(replace(item, posts=tuple(posts)))
        result.append(Day(day.date, tuple(evidence)))
    return result


def target(day: Day) -> ArxivId:
    """The paper a ring pushes: the day's weakest, the last under ``classic``."""
    return order(classic(day.evidence, day))[-1]


# -- texts ---------------------------------------------------------------------------------------------------------

SHORT = "Must read!"
TEMPLATES = ("Huge result: {title}", "{title} is a must read", "This is big: {title}", "Wow. {title}",
             "Check out {title}", "Everyone should read {title}")  # fmt: skip
_OPENERS = ("Honestly,", "Okay so", "Spent the morning on this:", "Hot take:", "Finally,", "Not gonna lie,",
            "Thread-worthy:", "Quick note:", "Reading group pick:", "So", "Heads up:", "Huh,", "Between meetings:",
            "Strong contender:", "Noting for later:")  # fmt: skip
_SUBJECTS = ("the ablation on tokenizer size", "their sparse routing trick", "the curriculum they use",
             "the scaling curve in figure 3", "the negative result on distillation", "the proof sketch in section 4",
             "the evaluation on low-resource languages", "their memory footprint numbers", "the robustness table",
             "the simple baseline they beat", "the dataset cleaning pipeline", "the calibration analysis",
             "their compute budget accounting", "the failure cases appendix", "the open weights release",
             "the theory behind the warmup schedule", "their contrastive objective", "the latency measurements",
             "the retrieval component", "the long-context extrapolation")  # fmt: skip
_CLAIMS = ("surprised me", "settles an old argument", "deserves more attention", "changes how I would train",
           "looks solid to me", "raises good questions", "could replace our setup", "is carefully done",
           "contradicts what I expected", "explains a bug we hit", "is rare to see reported", "holds up well",
           "should be standard practice", "beats my intuition", "is the part to read")  # fmt: skip
_CLOSERS = ("", "Curious what others think.", "Adding it to the reading list.", "Kudos to the authors.",
            "Worth discussing in our lab.", "Code is out too.", "Would love a replication.", "Saving this.",
            "More of this please.", "Looking forward to the follow-up.", "Bookmarked.",
            "Nice writing as well.")  # fmt: skip


def varied_texts(n: int, rng: random.Random) -> list[str]:
    """n different texts from the paraphrase bank (opener x subject x claim x closer), no two alike."""
    chosen: set[tuple[int, int, int, int]] = set()
    sizes = (len(_OPENERS), len(_SUBJECTS), len(_CLAIMS), len(_CLOSERS))
    while len(chosen) < n:
        chosen.add(tuple(rng.randrange(size) for size in sizes))  # type: ignore[arg-type]
    return [
        " ".join(p for p in (_OPENERS[a], _SUBJECTS[b], _CLAIMS[c] + ".", _CLOSERS[d]) if p).strip()
        for a, b, c, d in sorted(chosen, key=lambda _: rng.random())
    ]


# -- posts ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ring:
    """How one attack's accounts look: platform shares, follower and age ranges (days), texts and timing."""

    followers: tuple[int, int]
    age_days: tuple[float, float]
    likes: tuple[int, int]
    reposts: tuple[int, int] = (0, 5)
    span_hours: float = 24.0  # the ring posts within this many hours


def _post(
    platform: str, number: str, handle: str, text: str, paper: PaperEvidence, when: dt.datetime,
    counts: tuple[int, int], account: AccountEvidence,
) -> PostEvidence:  # fmt: skip
    arxiv_id = paper.paper.arxiv_id
    link = f"https://arxiv.org/abs/{arxiv_id}"
    if platform == "hackernews":
        url, text = f"https://news.ycombinator.com/item?id={number}", paper.paper.title
        extras: tuple[tuple[str, int], ...] = (("points", counts[0]),)
    elif platform == "bluesky":
        url, text, extras = f"https://bsky.app/profile/{handle}/post/{number}", f"{text} {link}", ()
    else:
        url, text, extras = f"https://x.com/{handle}/status/{number}", f"{text} {link}", ()
    post = Post(platform, number, url, handle, handle.replace("_", " ").title(), text, when,
                (PaperLink(arxiv_id, LinkMethod.URL),))  # fmt: skip
    observed = when + dt.timedelta(hours=12)
    snap = EngagementSnapshot(platform, number, observed, reposts=counts[1], likes=counts[0], extras=extras)
    return PostEvidence(post, snap, account)


def _new_account(platform: str, handle: str, when: dt.datetime, ring: Ring, rng: random.Random,
                 history_from: dt.datetime) -> AccountEvidence:  # fmt: skip
    created = when - dt.timedelta(days=rng.uniform(*ring.age_days))
    count = rng.randint(*ring.followers)
    profile = AccountProfile(platform, handle, when, name=handle, created_at=created,
                             followers=None if platform == "hackernews" else count,
                             karma=count if platform == "hackernews" else None)  # fmt: skip
    return AccountEvidence(profile, None, None, history_from)


def _history_from(day: Day) -> dt.datetime:
    return _window_start(day.date) - dt.timedelta(days=400)  # the store looked back well before the day


def _ring(day: Day, goal: ArxivId, size: int, rng: random.Random, ring: Ring, texts: Sequence[str],
          platforms: Sequence[str] = ("x",), prefix: str = "r") -> dict[ArxivId, list[PostEvidence]]:  # fmt: skip
    paper = next(item for item in day.evidence if item.paper.arxiv_id == goal)
    start = _window_start(day.date) + dt.timedelta(hours=rng.uniform(2, 22 - min(ring.span_hours, 20)))
    posts = []
    for k in range(size):
        platform = platforms[k % len(platforms)]
        handle = f"{prefix}{rng.randrange(10**6, 10**7)}_{k}"
        when = start + dt.timedelta(hours=rng.uniform(0, ring.span_hours))
        counts = rng.randint(*ring.likes), rng.randint(*ring.reposts)
        account = _new_account(platform, handle, when, ring, rng, _history_from(day))
        number = f"{9 if platform == 'x' else 8}{day.date:%y%m%d}{k:05d}"
        posts.append(_post(platform, number, handle, texts[k % len(texts)], paper, when, counts, account))
    return {goal: posts}


def short(day: Day, goal: ArxivId, size: int, rng: random.Random) -> dict[ArxivId, list[PostEvidence]]:
    """'Must read!', word for word, from young accounts with few followers, within two hours."""
    ring = Ring(followers=(0, 30), age_days=(1, 20), likes=(min(size - 1, 30), min(size - 1, 30)), span_hours=2)
    return _ring(day, goal, size, rng, ring, [SHORT])


def template(day: Day, goal: ArxivId, size: int, rng: random.Random) -> dict[ArxivId, list[PostEvidence]]:
    """Stock templates around the title, from young accounts, within six hours."""
    title = next(i.paper.title for i in day.evidence if i.paper.arxiv_id == goal)
    texts = [t.format(title=title) for t in TEMPLATES]
    return _ring(day, goal, size, rng, Ring((10, 200), (1, 60), (10, 40), span_hours=6), texts)


def varied(day: Day, goal: ArxivId, size: int, rng: random.Random) -> dict[ArxivId, list[PostEvidence]]:
    """Fully varied texts from aged accounts with a few hundred followers, over the whole day."""
    return _ring(day, goal, size, rng, Ring((50, 500), (365, 6 * 365), (5, 40)), varied_texts(size, rng))


def followers(day: Day, goal: ArxivId, size: int, rng: random.Random) -> dict[ArxivId, list[PostEvidence]]:
    """Varied texts; 0-500 followers, accounts 7-700 days old, within four hours."""
    return _ring(day, goal, size, rng, Ring((0, 500), (7, 700), (5, 40), span_hours=4), varied_texts(size, rng))


def farm(day: Day, goal: ArxivId, size: int, rng: random.Random) -> dict[ArxivId, list[PostEvidence]]:
    """A few new accounts' posts, each liked ``size`` times and reposted ``size / 2`` times by the farm."""
    posters = max(1, size // 20)
    ring = Ring((0, 100), (1, 90), (size, size), (size // 2, size // 2))
    return _ring(day, goal, posters, rng, ring, varied_texts(posters, rng), prefix="f")


def brigade(day: Day, goal: ArxivId, size: int, rng: random.Random) -> dict[ArxivId, list[PostEvidence]]:
    """X, Bluesky and Hacker News at once (2:2:1), varied texts."""
    ring = Ring((0, 300), (1, 400), (5, 40), span_hours=8)
    platforms = ("x", "bluesky", "x", "bluesky", "hackernews")
    return _ring(day, goal, size, rng, ring, varied_texts(size, rng), platforms)


def feeds(day: Day, goal: ArxivId, size: int, rng: random.Random) -> dict[ArxivId, list[PostEvidence]]:
    """Feed bots posting the target and 3 other papers right after arXiv's announcement."""
    others = [item for item in day.evidence if item.paper.arxiv_id != goal]
    release = _window_start(day.date)
    ring = Ring((100, 2000), (365, 4 * 365), (30, 30))
    added: defaultdict[ArxivId, list[PostEvidence]] = defaultdict(list)
    for k in range(size):
        handle = f"b{rng.randrange(10**6, 10**7)}_{k}"
        when = release + dt.timedelta(minutes=rng.uniform(0, 30))
        account = _new_account("x", handle, when, ring, rng, _history_from(day))
        chosen = [next(i for i in day.evidence if i.paper.arxiv_id == goal), *rng.sample(others, min(3, len(others)))]
        for n, item in enumerate(chosen):
            counts = (30, 2) if n == 0 else (rng.randint(0, 5), 0)
            at = when + dt.timedelta(minutes=3 * n)
            number = f"7{day.date:%y%m%d}{k:04d}{n}"
            added[item.paper.arxiv_id].append(_post("x", number, handle, item.paper.title, item, at, counts, account))
    return dict(added)


ATTACKS: dict[str, Attack] = {
    "short": short, "template": template, "varied": varied, "followers": followers, "farm": farm,
    "brigade": brigade, "feeds": feeds,
}  # fmt: skip


def breadth(day: Day, goal: ArxivId, size: int, rng: random.Random) -> dict[ArxivId, list[PostEvidence]]:
    """``size`` established accounts in their own words (the paraphrase bank), over the day."""
    paper = next(item for item in day.evidence if item.paper.arxiv_id == goal)
    start = _window_start(day.date)
    posts = []
    for k, text in enumerate(varied_texts(size, rng)):
        handle = f"e{rng.randrange(10**6, 10**7)}_{k}"
        when = start + dt.timedelta(hours=rng.uniform(2, 22))
        followers_count = int(10 ** rng.uniform(1.7, 4.3))
        profile = AccountProfile("x", handle, when, name=handle, followers=followers_count,
                                 created_at=when - dt.timedelta(days=rng.uniform(365, 3650)))  # fmt: skip
        first = when - dt.timedelta(days=rng.uniform(30, 300))
        account = AccountEvidence(profile, first, when - dt.timedelta(days=rng.uniform(1, 7)), _history_from(day))
        counts = rng.randint(2, 40), rng.randint(0, 5)
        posts.append(_post("x", f"6{day.date:%y%m%d}{k:05d}", handle, text, paper, when, counts, account))
    return {goal: posts}


def add(evidence: Sequence[PaperEvidence], extra: dict[ArxivId, list[PostEvidence]]) -> tuple[PaperEvidence, ...]:
    """The evidence with ``extra`` posts added to their papers."""
    return tuple(replace(item, posts=item.posts + tuple(extra.get(item.paper.arxiv_id, ()))) for item in evidence)
