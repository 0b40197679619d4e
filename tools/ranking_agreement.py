#!/usr/bin/env python3
"""How far presets ``default`` and ``classic`` agree on the archived days of the original digest.

Every archived day is derived into the original's input (``tools/derive_legacy_from_archive.py``), parsed
with ``parse_legacy`` into evidence and ranked by both presets with ``min_score=0`` (so both order every paper
of the day). For each day: the overlap of the two top 10s and Kendall's tau between the two full orders. The
three days with the smallest overlap are shown paper by paper. Prints Markdown.

The derived per-tweet counts are synthetic (tests/fixtures/legacy/PROVENANCE.md) and the archive has X posts
only. The derivation's filler tweets (``@hotpapers_filler``: the rest of each paper's published totals, in
tweets of 1..24 retweets + favorites) stand for tweets the archive does not show. ``--fillers accounts`` (the
default) makes each one a distinct anonymous account with its own text; ``--fillers drop`` removes them, so
only the embedded tweets count. ``classic`` ranks the same either way (it ignores accounts).

Usage (from the repository root)::

    python tools/ranking_agreement.py [--archive POSTS_JSONL] [--fillers accounts|drop] [--min-papers 11]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import statistics
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType

import orjson

from hotpapers.models import ArxivId, Digest, PaperEvidence, PostEvidence, RankedPaper
from hotpapers.ranking.classic import rank_classic
from hotpapers.ranking.default import rank_default
from hotpapers.ranking.options import ClassicOptions, DefaultOptions
from hotpapers.sources.legacy.parse import parse_legacy

ROOT = Path(__file__).resolve().parents[1]
SHARED_ARCHIVE = ROOT.parent / "shared/data/hot-papers-archive/posts.jsonl"
BUNDLED_ARCHIVE = ROOT / "tests/fixtures/archive/posts.jsonl"
TOP = 10


def _derive_tool() -> ModuleType:
    path = ROOT / "tools" / "derive_legacy_from_archive.py"
    spec = importlib.util.spec_from_file_location("derive_legacy_from_archive", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TOOL = _derive_tool()


@dataclass(frozen=True)
class Day:
    """One archived day as ranking input."""

    date: dt.date
    evidence: tuple[PaperEvidence, ...]


def archive_path(given: Path | None) -> Path:
    """The archive to use: ``given``, else the shared full archive, else the bundled 13-day subset."""
    if given is not None:
        return given
    return SHARED_ARCHIVE if SHARED_ARCHIVE.exists() else BUNDLED_ARCHIVE


def own_words(number: int) -> str:
    """A text of letters only, different for every number and far from near-identical to another's (the ranking
    drops digits before comparing texts, so ``filler 123`` and ``filler 124`` would be one text)."""
    letters = []
    value = number * 2654435761 % (1 << 40) + (1 << 40)  # scrambled, so that neighbouring numbers share little
    while value:
        value, digit = divmod(value, 26)
        letters.append(chr(ord("a") + digit))
    return "".join(letters)


def _anonymous_filler(entry: PostEvidence) -> PostEvidence:
    """A filler tweet as a distinct anonymous account with its own text (it stands for an unseen tweet)."""
    post = entry.post
    if post.author_handle != TOOL.FILLER_HANDLE:
        return entry
    text = f"filler {own_words(int(post.post_id))} {own_words(int(post.post_id) + 7)}"
    unique = replace(post, author_handle=f"filler{post.post_id}", author_name="filler", text=text)
    return PostEvidence(unique, entry.engagement)


def _with_fillers(evidence: Sequence[PaperEvidence], mode: str) -> tuple[PaperEvidence, ...]:
    result = []
    for item in evidence:
        if mode == "drop":
            posts = tuple(p for p in item.posts if p.post.author_handle != TOOL.FILLER_HANDLE)
        else:
            posts = tuple(_anonymous_filler(p) for p in item.posts)
        result.append(PaperEvidence(item.paper, item.announcement, posts))
    return tuple(result)


def load_days(path: Path, fillers: str = "accounts") -> tuple[list[Day], list[str]]:
    """Every day of the archive with at least one paper, and the days that could not be derived."""
    failed: list[str] = []
    days: list[Day] = []
    for date, record in sorted(TOOL.load_archive(path).items()):
        if not record["papers"]:
            continue
        try:
            derived = TOOL.derive_day(record)
        except TOOL.DeriveError:
            failed.append(date)
            continue
        batch = parse_legacy(orjson.dumps(derived), f"{date}.json")
        days.append(Day(batch.date, _with_fillers(batch.evidence(), fillers)))
    return days, failed


def _when(day: Day) -> dict[str, object]:
    generated = dt.datetime.combine(day.date + dt.timedelta(days=1), dt.time(0, 43, 48), dt.UTC)
    start = dt.datetime.combine(day.date, dt.time(0), dt.UTC)
    return {"date": day.date, "window_start": start, "window_end": generated, "generated_at": generated}


Ranker = Callable[[Sequence[PaperEvidence], Day], Digest]


def classic(evidence: Sequence[PaperEvidence], day: Day) -> Digest:
    """Preset classic with every paper listed (``min_score=0``)."""
    return rank_classic(evidence, options=ClassicOptions(min_score=0), **_when(day))  # type: ignore[arg-type]


DEFAULTS = DefaultOptions()


def default(options: DefaultOptions = DEFAULTS) -> Ranker:
    """Preset default with ``options``, every paper listed (``min_score=0``)."""
    listed = replace(options, min_score=0.0)

    def ranker(evidence: Sequence[PaperEvidence], day: Day) -> Digest:
        return rank_default(evidence, options=listed, **_when(day))  # type: ignore[arg-type]

    return ranker


def order(digest: Digest) -> list[ArxivId]:
    """The digest's papers in rank order."""
    return [p.paper.arxiv_id for p in digest.papers]


def top_overlap(a: Sequence[ArxivId], b: Sequence[ArxivId], k: int = TOP) -> int:
    """How many papers the two top ``k`` share."""
    return len(set(a[:k]) & set(b[:k]))


def kendall_tau(a: Sequence[ArxivId], b: Sequence[ArxivId]) -> float:
    """Kendall's tau between two orders of the same items (no ties): 1 same order, -1 reversed."""
    where = {item: n for n, item in enumerate(b)}
    ranks = [where[item] for item in a]
    pairs = concordant = 0
    for i in range(len(ranks)):
        for j in range(i + 1, len(ranks)):
            pairs += 1
            concordant += 1 if ranks[i] < ranks[j] else -1
    return concordant / pairs if pairs else 1.0


def stats(values: Sequence[float]) -> str:
    """``mean / median / min`` with two decimals."""
    if not values:
        return "n/a"
    return f"{statistics.mean(values):.2f} / {statistics.median(values):.2f} / {min(values):.2f}"


def _short(ranked: RankedPaper | None) -> str:
    if ranked is None:
        return "-"
    return f"#{ranked.rank} ({ranked.score:.1f})"


def _why(ranked: RankedPaper) -> str:
    """A default breakdown in short: its largest post, every discount, and how many accounts counted."""
    posts = [b for b in ranked.breakdown if b.value > 0 and "@" in b.label]
    discounts = [b for b in ranked.breakdown if b.value < 0]
    terms = [max(posts, key=lambda b: b.value)] if posts else []
    accounts = sum(1 for b in ranked.breakdown if b.value > 0 and "@" in b.label) + sum(
        int(b.label.split(": ")[1].split()[0]) for b in ranked.breakdown if b.value > 0 and "more post" in b.label
    )
    return "; ".join(f"{b.label} {b.value:+.1f}" for b in terms + discounts) + f"; {accounts} accounts"


def _disagreement(day: Day, c: Digest, d: Digest) -> list[str]:
    by_c = {p.paper.arxiv_id: p for p in c.papers}
    by_d = {p.paper.arxiv_id: p for p in d.papers}
    lines = [f"\n#### {day.date} ({len(c.papers)} papers, top-10 overlap {top_overlap(order(c), order(d))})\n"]
    lines += ["| paper | classic | default | default: largest post; discounts; accounts counted |", "|---|---|---|---|"]
    changed = (set(order(c)[:TOP]) ^ set(order(d)[:TOP])) | {order(c)[0], order(d)[0]}
    for arxiv_id in sorted(changed, key=lambda i: by_c[i].rank):
        title = by_c[arxiv_id].paper.title[:60]
        lines.append(
            f"| {arxiv_id} {title} | {_short(by_c[arxiv_id])} | {_short(by_d[arxiv_id])} | {_why(by_d[arxiv_id])} |"
        )
    return lines


VARIANTS: dict[str, DefaultOptions] = {
    "default (all defaults)": DefaultOptions(),
    "no automation discount (automated_weight=1)": DefaultOptions(automated_weight=1.0),
    "no damping (damping=none)": DefaultOptions(damping="none"),
    "sqrt damping": DefaultOptions(damping="sqrt"),
}


def _compare(days: Sequence[Day], ranker: Ranker, min_papers: int) -> tuple[list[int], list[float]]:
    overlaps, taus = [], []
    for day in days:
        if len(day.evidence) >= min_papers:
            a, b = order(classic(day.evidence, day)), order(ranker(day.evidence, day))
            overlaps.append(top_overlap(a, b))
            taus.append(kendall_tau(a, b))
    return overlaps, taus


def report(days: Sequence[Day], min_papers: int) -> list[str]:
    """The Markdown report."""
    lines = [f"| `default` variant vs `classic` (days with >= {min_papers} papers) | days | top-10 overlap "
             "mean / median / min | Kendall tau mean / median / min |", "|---|---|---|---|"]  # fmt: skip
    for name, options in VARIANTS.items():
        overlaps, taus = _compare(days, default(options), min_papers)
        lines.append(f"| {name} | {len(overlaps)} | {stats(overlaps)} | {stats(taus)} |")
    overlaps, _ = _compare(days, default(), min_papers)
    histogram = Counter(overlaps)
    lines += ["", "| top-10 overlap | " + " | ".join(str(k) for k in range(TOP + 1)) + " |"]
    lines += ["|---" * (TOP + 2) + "|", "| days | " + " | ".join(str(histogram[k]) for k in range(TOP + 1)) + " |"]
    scored = []
    for day in days:
        if len(day.evidence) >= min_papers:
            c, d = classic(day.evidence, day), default()(day.evidence, day)
            scored.append((top_overlap(order(c), order(d)), kendall_tau(order(c), order(d)), day, c, d))
    lines.append("\n### The three largest disagreements")
    for _, _, day, c, d in sorted(scored, key=lambda s: (s[0], s[1], s[2].date))[:3]:
        lines += _disagreement(day, c, d)
    return lines


def main(argv: list[str] | None = None) -> int:
    """Command line: print the agreement report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--archive", type=Path, help="posts.jsonl (default: the shared archive, else the bundled one)")
    parser.add_argument("--fillers", choices=("accounts", "drop"), default="accounts")
    parser.add_argument("--min-papers", type=int, default=TOP + 1, help="days with at least this many papers")
    args = parser.parse_args(argv)
    path = archive_path(args.archive)
    days, failed = load_days(path, args.fillers)
    print(f"archive: `{path}`; {len(days)} days with papers; not derivable: {len(failed)} {failed}; "
          f"fillers: {args.fillers}\n")  # fmt: skip
    print("\n".join(report(days, args.min_papers)))
    shares = [o / min(TOP, len(d.evidence)) for o, d in zip(_compare(days, default(), 1)[0], days, strict=True)]
    print(f"\nAll {len(shares)} days, overlap as a share of min(10, papers of the day) (a day of 10 papers or fewer "
          f"overlaps trivially): mean {statistics.mean(shares):.3f}, min {min(shares):.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
