#!/usr/bin/env python3
"""How far injected bots and a sock-puppet ring move the top 10 of ``classic`` and ``default``.

Every archived day with at least ``--min-papers`` papers (default 15, so that a top 10 can change) is
derived and parsed as in ``tools/ranking_agreement.py`` (fillers as distinct anonymous accounts), ranked by
both presets with ``min_score=0``, then ranked again after injecting noise. Each preset is compared with its
own clean ranking: top-10 overlap and Kendall's tau over all papers of the day. The noise (seeded by the date,
so runs are reproducible):

* ``bots``: 5 accounts post every paper of the day, each with its own text template ("Worth a read: TITLE
  URL"), and get modest engagement (0-30 likes, 0-15 reposts, uniform);
* ``ring``: 30 accounts each post the day's last paper under ``classic`` with one identical text, and like
  each other (29 likes per post);
* ``stealth bots`` and ``varied ring`` probe the limits: the 5 bots post only 5 random papers each (not more
  than ``max_papers_per_account``), and the ring's 30 texts all differ.

No name of an injected account matches ``bot_name_patterns``: detection has to come from behaviour.

Usage (from the repository root)::

    python tools/ranking_robustness.py [--archive POSTS_JSONL] [--min-papers 15] [--fillers accounts|drop]
        [--damping log1p|sqrt|none]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from ranking_agreement import Day, Ranker, archive_path, classic, default, kendall_tau, load_days, order, top_overlap

from hotpapers.models import ArxivId, EngagementSnapshot, LinkMethod, PaperEvidence, PaperLink, Post, PostEvidence
from hotpapers.ranking_default import DefaultOptions

BOTS = ("mlfrontier", "deep_digest", "ai_trends_now", "neural_notes", "ml_radar")
TEMPLATES = ("Worth a read:", "New:", "Just out:", "Interesting:", "Fresh preprint:")
RING_SIZE = 30
RING_TEXT = "Wow, this paper is a game changer. Everyone in ML should read it!"
OPENERS = ("Wow,", "Honestly,", "Big news:", "Must read:", "Loved it:", "Finally,")
CLOSERS = ("a game changer.", "the best thing this week.", "so well written.", "a new baseline.", "worth your time.")

Noise = Callable[[Day, random.Random], tuple[PaperEvidence, ...]]


def _post(day: Day, post_id: str, handle: str, text: str, arxiv_id: ArxivId, likes: int, reposts: int) -> PostEvidence:
    created = dt.datetime.combine(day.date, dt.time(15), dt.UTC)
    observed = dt.datetime.combine(day.date + dt.timedelta(days=1), dt.time(0), dt.UTC)
    post = Post(
        platform="x",
        post_id=post_id,
        url=f"https://twitter.com/{handle}/status/{post_id}",
        author_handle=handle,
        author_name=handle.replace("_", " ").title(),
        text=f"{text} https://arxiv.org/abs/{arxiv_id}",
        created_at=created,
        links=(PaperLink(arxiv_id, LinkMethod.URL),),
    )
    return PostEvidence(post, EngagementSnapshot("x", post_id, observed, reposts=reposts, likes=likes))


def _add(evidence: Sequence[PaperEvidence], extra: dict[ArxivId, list[PostEvidence]]) -> tuple[PaperEvidence, ...]:
    return tuple(
        PaperEvidence(item.paper, item.announcement, item.posts + tuple(extra.get(item.paper.arxiv_id, ())))
        for item in evidence
    )


def bots(day: Day, rng: random.Random, per_bot: int | None = None) -> tuple[PaperEvidence, ...]:
    """5 bot accounts post every paper (or ``per_bot`` random papers each) with modest engagement."""
    extra: dict[ArxivId, list[PostEvidence]] = {}
    ids = [item.paper.arxiv_id for item in day.evidence]
    titles = {item.paper.arxiv_id: item.paper.title for item in day.evidence}
    for k, (handle, template) in enumerate(zip(BOTS, TEMPLATES, strict=True)):
        chosen = ids if per_bot is None else rng.sample(ids, min(per_bot, len(ids)))
        for n, arxiv_id in enumerate(chosen):
            post_id = f"7{day.date:%Y%m%d}{k}{n:03d}"
            text = f"{template} {titles[arxiv_id]}"
            extra.setdefault(arxiv_id, []).append(
                _post(day, post_id, handle, text, arxiv_id, rng.randint(0, 30), rng.randint(0, 15))
            )
    return _add(day.evidence, extra)


def stealth_bots(day: Day, rng: random.Random) -> tuple[PaperEvidence, ...]:
    """5 bot accounts post 5 random papers each (not enough to count as aggregators)."""
    return bots(day, rng, per_bot=5)


def ring_target(day: Day) -> ArxivId:
    """The paper the ring pushes: the last of the day under ``classic``."""
    return order(classic(day.evidence, day))[-1]


def _varied_text(k: int) -> str:
    """The k-th of 30 different texts (6 openers x 5 closers)."""
    return f"{OPENERS[k % len(OPENERS)]} this paper is {CLOSERS[k // len(OPENERS)]}"


def ring(day: Day, rng: random.Random, varied: bool = False) -> tuple[PaperEvidence, ...]:
    """30 accounts post the target with one identical text (or 30 different ones) and like each other."""
    target = ring_target(day)
    posts = []
    for k in range(RING_SIZE):
        handle, text = f"reader_{k:02d}_{rng.randint(100, 999)}", _varied_text(k) if varied else RING_TEXT
        posts.append(_post(day, f"6{day.date:%Y%m%d}{k:03d}", handle, text, target, RING_SIZE - 1, 0))
    return _add(day.evidence, {target: posts})


def varied_ring(day: Day, rng: random.Random) -> tuple[PaperEvidence, ...]:
    """The ring, each account with its own text."""
    return ring(day, rng, varied=True)


SCENARIOS: dict[str, Noise] = {"bots": bots, "ring": ring, "stealth bots": stealth_bots, "varied ring": varied_ring}


def _mean_min(values: Sequence[float]) -> str:
    return f"{statistics.mean(values):.2f} / {min(values):.2f}"


def measure(days: Sequence[Day], noise: Noise, ranker: Ranker) -> tuple[list[int], list[float], list[int]]:
    """Per day: top-10 overlap and Kendall tau against the clean ranking, and the ring target's noisy rank."""
    overlaps, taus, target_ranks = [], [], []
    for day in days:
        clean = order(ranker(day.evidence, day))
        seeded = random.Random(day.date.toordinal())  # noqa: S311 - reproducible noise, not a secret
        noisy = order(ranker(noise(day, seeded), day))
        overlaps.append(top_overlap(clean, noisy))
        taus.append(kendall_tau(clean, noisy))
        target_ranks.append(noisy.index(ring_target(day)) + 1)
    return overlaps, taus, target_ranks


def report(days: Sequence[Day], options: DefaultOptions) -> list[str]:
    """The Markdown table: one row per scenario and preset."""
    presets: dict[str, Ranker] = {"classic": classic, "default": default(options)}
    lines = [
        "| noise | preset | top-10 overlap mean / min | Kendall tau mean / min | ring target: days in top 10 "
        "| ring target: median rank |",
        "|---|---|---|---|---|---|",
    ]
    for name, noise in SCENARIOS.items():
        for preset, ranker in presets.items():
            overlaps, taus, ranks = measure(days, noise, ranker)
            ring_cells = f"{sum(r <= 10 for r in ranks)} of {len(ranks)} | {statistics.median(ranks):g}"
            cells = ring_cells if "ring" in name else "- | -"
            lines.append(f"| {name} | {preset} | {_mean_min(overlaps)} | {_mean_min(taus)} | {cells} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Command line: print the robustness table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--archive", type=Path, help="posts.jsonl (default: the shared archive, else the bundled one)")
    parser.add_argument("--min-papers", type=int, default=15, help="days with at least this many papers")
    parser.add_argument("--fillers", choices=("accounts", "drop"), default="accounts")
    parser.add_argument("--damping", choices=("log1p", "sqrt", "none"), default="log1p", help="default's damping")
    args = parser.parse_args(argv)
    path = archive_path(args.archive)
    all_days, failed = load_days(path, args.fillers)
    days = [d for d in all_days if len(d.evidence) >= args.min_papers]
    sizes = [len(d.evidence) for d in days]
    print(f"archive: `{path}`; days with >= {args.min_papers} papers: {len(days)} (papers per day median "
          f"{statistics.median(sizes):g}, max {max(sizes)}); not derivable: {len(failed)}\n")  # fmt: skip
    print(f"fillers: {args.fillers}; default's damping: {args.damping}\n")
    print("\n".join(report(days, DefaultOptions(damping=args.damping))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
