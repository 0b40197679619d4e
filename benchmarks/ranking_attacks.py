#!/usr/bin/env python3
"""Attacks on the ranking: how far rings of cheap accounts push one paper under ``classic`` and ``default``.

For every archived day with at least ``--min-papers`` papers (default 10), the days and their accounts' history
as ``attack_rings.py`` builds them, and every attack of ``attack_rings.ATTACKS`` at every ring size (default 10,
25, 50, 100, 200), both presets rank the day (``min_score=0``, so every paper is ordered) with and without the
ring. Reported per attack, size and preset: the pushed paper's median rank, the share of days it reaches the top
3 and the top 10, and the top-10 overlap with the preset's own clean ranking (median / mean / min). Then the
breadth check (25 established accounts in their own words: the share of days their paper reaches the top 5) and
the agreement of ``default`` with ``classic`` on the clean days (as ``tools/ranking_agreement.py``, here with
the accounts' history).

The targets (issue 12): with up to 100 ring accounts, the pushed paper stays out of ``default``'s top 3 on at least
95% of days, with a median top-10 overlap of at least 9; the breadth check reaches the top 5.

Usage (from the repository root)::

    python benchmarks/ranking_attacks.py             # the full family: every day, attack and size (a few minutes)
    python benchmarks/ranking_attacks.py --quick     # every 4th day, sizes 10 and 100 (well under a minute)
    python benchmarks/ranking_attacks.py --attack short --attack varied --size 50
    python benchmarks/ranking_attacks.py --option low_credibility_ratio=1   # any option of ``default``
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from attack_rings import ATTACKS, add, breadth, target, with_history
from ranking_agreement import TOP, Day, Ranker, archive_path, classic, default, load_days, order, top_overlap

from hotpapers.ranking.options import DefaultOptions, option_flags

SIZES = (10, 25, 50, 100, 200)
QUICK_SIZES = (10, 100)
BREADTH_ACCOUNTS = 25


@dataclass
class Outcome:
    """One attack at one size under one preset, over the days."""

    ranks: list[int]
    overlaps: list[int]

    def cells(self) -> str:
        days = len(self.ranks)
        top3, top10 = sum(r <= 3 for r in self.ranks), sum(r <= TOP for r in self.ranks)
        overlaps = self.overlaps
        return (f"{statistics.median(self.ranks):g} | {100 * top3 / days:.0f}% | {100 * top10 / days:.0f}% | "
                f"{statistics.median(overlaps):g} / {statistics.mean(overlaps):.2f} / {min(overlaps)}")  # fmt: skip


def _seed(day: Day, name: str, size: int) -> random.Random:
    return random.Random(zlib.crc32(f"{day.date}/{name}/{size}".encode()))


def measure(days: Sequence[Day], name: str, size: int, rankers: dict[str, Ranker],
            clean: dict[str, list[list[str]]]) -> dict[str, Outcome]:  # fmt: skip
    """The outcome of one attack at one size for each preset."""
    attack = breadth if name == "breadth" else ATTACKS[name]
    outcomes = {preset: Outcome([], []) for preset in rankers}
    for n, day in enumerate(days):
        goal = target(day)
        attacked = add(day.evidence, attack(day, goal, size, _seed(day, name, size)))
        for preset, ranker in rankers.items():
            ranked = order(ranker(attacked, day))
            outcomes[preset].ranks.append(ranked.index(goal) + 1)
            outcomes[preset].overlaps.append(top_overlap(clean[preset][n], ranked))
    return outcomes


def report(days: Sequence[Day], attacks: Sequence[str], sizes: Sequence[int], options: DefaultOptions) -> list[str]:
    """The Markdown tables."""
    rankers: dict[str, Ranker] = {"classic": classic, "default": default(options)}
    clean = {preset: [order(ranker(day.evidence, day)) for day in days] for preset, ranker in rankers.items()}
    lines = ["| attack | ring accounts | preset | pushed paper: median rank | in top 3 | in top 10 | top-10 overlap "
             "median / mean / min |", "|---|---|---|---|---|---|---|"]  # fmt: skip
    for name in attacks:
        for size in sizes:
            for preset, outcome in measure(days, name, size, rankers, clean).items():
                shown = f"**{preset}**" if preset == "default" else preset
                lines.append(f"| {name} | {size} | {shown} | {outcome.cells()} |")
    lines += ["", f"Breadth check: {BREADTH_ACCOUNTS} established accounts in their own words about the day's "
              "weakest paper.", "", "| preset | median rank | in top 3 | in top 5 | in top 10 |",
              "|---|---|---|---|---|"]  # fmt: skip
    for preset, outcome in measure(days, "breadth", BREADTH_ACCOUNTS, rankers, clean).items():
        ranks, count = outcome.ranks, len(outcome.ranks)
        shares = " | ".join(f"{100 * sum(r <= k for r in ranks) / count:.0f}%" for k in (3, 5, TOP))
        lines.append(f"| {preset} | {statistics.median(ranks):g} | {shares} |")
    overlaps = [top_overlap(c, d) for c, d, day in zip(clean["classic"], clean["default"], days, strict=True)
                if len(day.evidence) > TOP]  # fmt: skip
    lines += ["", f"Clean days with more than {TOP} papers ({len(overlaps)}): `default` (with the accounts' history) "
              f"shares {statistics.mean(overlaps):.2f} of `classic`'s top 10 on average (median "
              f"{statistics.median(overlaps):g}, min {min(overlaps)})."]  # fmt: skip
    return lines


def main(argv: list[str] | None = None) -> int:
    """Command line: print the attack tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--archive", type=Path, help="posts.jsonl (default: the shared archive, else the bundled one)")
    parser.add_argument("--min-papers", type=int, default=10, help="days with at least this many papers [10]")
    parser.add_argument("--fillers", choices=("accounts", "drop"), default="accounts")
    parser.add_argument("--attack", action="append", choices=sorted(ATTACKS), help="only this attack (repeatable)")
    parser.add_argument("--size", action="append", type=int, help="only this ring size (repeatable)")
    parser.add_argument("--quick", action="store_true", help="every 4th day, sizes 10 and 100")
    parser.add_argument("--option", action="append", default=[], metavar="NAME=VALUE",
                        help="a `default` option, as `hotpapers render --option` (repeatable)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    path = archive_path(args.archive)
    all_days, failed = load_days(path, args.fillers)
    days = [d for d in with_history(all_days) if len(d.evidence) >= args.min_papers]
    if args.quick:
        days = days[::4]
    sizes = tuple(args.size or (QUICK_SIZES if args.quick else SIZES))
    attacks = tuple(args.attack or ATTACKS)
    print(f"archive: `{path}`; days with >= {args.min_papers} papers: {len(days)} (median "
          f"{statistics.median(len(d.evidence) for d in days):g} papers); not derivable: {len(failed)}; "
          f"fillers: {args.fillers}\n")  # fmt: skip
    print("\n".join(report(days, attacks, sizes, DefaultOptions(**option_flags("default", args.option)))))
    print(f"\n({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
