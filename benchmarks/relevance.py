#!/usr/bin/env python3
"""Relevance methods compared: how well each finds a library's topic among a day's papers, and at what cost.

Quality. For each topic (a set of arXiv primary categories: audio, robotics, quantum physics, language), the
archive's papers of that topic are shuffled (seeded); 20 are *planted* among 480 papers of other topics (no category
of the topic at all) to make a 500-paper day, and the rest of the topic (at most 300) is the library. Each method
scores the day's papers against the library (``hotpapers.profiles.relevance``); reported per method and topic, over
``--seeds`` shuffles: precision@10 (planted papers among the 10 most relevant) and recall@20 (planted papers found
among the 20 most relevant, of the 20), for the relevance the code uses (mean of the 3 nearest library papers) and
for the nearest one alone; and the median raw similarity of planted and of other papers, from which each method's
calibration (``Calibration(low, high)``) is set.

Cost. A 1,000-paper library and 500 other papers of the archive, scored by each method in a fresh process: the
time to score (vectorise or embed both sets, compare, take each paper's nearest; best of 3, after one warm-up run
that loads the model), the model's load time, and the process's peak resident memory (``ru_maxrss``: Python, the
libraries and the scoring together) and what scoring added to it. Targets (issue 15): < 1 s and < 300 MB.

Usage (from the repository root; wordllama needs ``pip install -e '.[profiles-embeddings]'``)::

    python benchmarks/relevance.py                 # 5 seeds per topic, every method, and the cost runs
    python benchmarks/relevance.py --seeds 1 --method tfidf
    python benchmarks/relevance.py --cost-only
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from hotpapers.profiles.relevance import METHODS, get_method, relevance_of

ARCHIVE = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "hot-papers-archive" / "posts.jsonl"
TOPICS = {
    "audio": ("cs.SD", "eess.AS"),
    "robotics": ("cs.RO",),
    "quantum": ("quant-ph",),
    "language": ("cs.CL",),
}
PLANTED = 20
DAY = 500
MAX_LIBRARY = 300


@dataclass(frozen=True)
class Doc:
    arxiv_id: str
    text: str
    primary: str
    categories: tuple[str, ...]


def load(path: Path = ARCHIVE) -> list[Doc]:
    """Every archived paper with an abstract, once."""
    docs: dict[str, Doc] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            for p in json.loads(line)["papers"]:
                if p.get("abstract") and p.get("categories") and p["arxiv_id"] not in docs:
                    docs[p["arxiv_id"]] = Doc(p["arxiv_id"], f"{p['title']}\n{p['abstract']}", p["categories"][0],
                                              tuple(p["categories"]))
    return list(docs.values())


def scores(method: str, library: list[str], papers: list[str], k: int) -> list[float]:
    m = get_method(method)
    return [match.similarity for match in relevance_of(m.similarities(library, papers), m.calibration, k)]


def quality(
    docs: list[Doc], method: str, topic: str, seed: int, k: int, titles_only: bool = False
) -> tuple[float, float, list[float], list[float]]:
    """One shuffle of one topic: (precision@10, recall@20, similarities of planted papers, of the others)."""
    cats = TOPICS[topic]
    rng = random.Random(f"{topic}:{seed}")
    mine = [d for d in docs if d.primary in cats]
    others = [d for d in docs if not set(d.categories) & set(cats)]
    rng.shuffle(mine)
    planted, library = mine[:PLANTED], mine[PLANTED : PLANTED + MAX_LIBRARY]
    day = planted + rng.sample(others, DAY - PLANTED)
    rng.shuffle(day)
    shelf = [d.text.split("\n", 1)[0] if titles_only else d.text for d in library]
    got = scores(method, shelf, [d.text for d in day], k)
    order = sorted(range(len(day)), key=lambda i: -got[i])
    wanted = {d.arxiv_id for d in planted}
    p10 = sum(day[i].arxiv_id in wanted for i in order[:10]) / 10
    r20 = sum(day[i].arxiv_id in wanted for i in order[:20]) / len(wanted)
    hits = [got[i] for i, d in enumerate(day) if d.arxiv_id in wanted]
    misses = [got[i] for i, d in enumerate(day) if d.arxiv_id not in wanted]
    return p10, r20, hits, misses


def _quartiles(values: list[float]) -> str:
    q1, q2, q3 = statistics.quantiles(values, n=4)
    return f"{q1:.3f} / {q2:.3f} / {q3:.3f}"


def run_quality(methods: list[str], seeds: int) -> None:
    docs = load()
    print(f"archive: {len(docs)} papers with an abstract; a day = {PLANTED} planted + {DAY - PLANTED} others; "
          f"{seeds} seeds per topic")
    print("\n| method | topic (library size) | precision@10 | recall@20 | s of planted (quartiles) | s of others |")
    print("|---|---|---|---|---|---|")
    summary: list[str] = []
    for method in methods:
        for titles_only in (False, True):
            for k in (3, 1):
                p10s, r20s = [], []
                for topic, cats in TOPICS.items():
                    size = min(MAX_LIBRARY, sum(d.primary in cats for d in docs) - PLANTED)
                    runs = [quality(docs, method, topic, seed, k, titles_only) for seed in range(seeds)]
                    p10s.append(statistics.mean(r[0] for r in runs))
                    r20s.append(statistics.mean(r[1] for r in runs))
                    if k == 3 and not titles_only:
                        hits = [s for r in runs for s in r[2]]
                        misses = [s for r in runs for s in r[3]]
                        print(f"| {method} | {topic} ({size}) | {p10s[-1]:.2f} | {r20s[-1]:.2f} | "
                              f"{_quartiles(hits)} | {_quartiles(misses)} |")
                library = "titles only" if titles_only else "titles and abstracts"
                summary.append(f"| {method} | {library} | {k} | {statistics.mean(p10s):.2f} | "
                               f"{statistics.mean(r20s):.2f} |")
    print("\n| method | library | nearest papers averaged | precision@10 (mean of topics) | recall@20 |")
    print("|---|---|---|---|---|")
    print("\n".join(summary))


def _peak_kib() -> int:
    """This process's peak resident memory (VmHWM, KiB). Not ``ru_maxrss``: Linux carries that over ``execve`` from
    the parent, so a child started by a large parent would report the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # not Linux: the best there is


def cost_child(method: str, texts: Path) -> None:
    """In a fresh process: score 500 papers against a 1,000-paper library; print the figures as JSON."""
    data = json.loads(texts.read_text(encoding="utf-8"))
    library, papers = data["library"], data["papers"]
    before = _peak_kib()
    m = get_method(method)
    start = time.perf_counter()
    relevance_of(m.similarities(library[:10], papers[:10]), m.calibration)  # warm-up: loads the model
    load_s = time.perf_counter() - start
    times = []
    for _ in range(3):
        start = time.perf_counter()
        relevance_of(m.similarities(library, papers), m.calibration)
        times.append(time.perf_counter() - start)
    peak = _peak_kib()
    print(json.dumps({"method": method, "seconds": min(times), "load": load_s, "peak_mb": peak / 1024,
                      "scoring_mb": (peak - before) / 1024}))


def run_cost(methods: list[str]) -> None:
    docs = load()
    random.Random(15).shuffle(docs)
    texts = Path(tempfile.mkdtemp()) / "texts.json"
    library, papers = [d.text for d in docs[:1000]], [d.text for d in docs[1000:1500]]
    texts.write_text(json.dumps({"library": library, "papers": papers}))
    print("\n| method | score 500 vs 1,000 (best of 3) | first call (loads the model) | peak RSS of the process | "
          "added by the method (its libraries, model and scoring) |")
    print("|---|---|---|---|---|")
    for method in methods:
        command = [sys.executable, __file__, "--cost-child", method, "--texts", str(texts)]
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        print(f"| {method} | {r['seconds']:.3f} s | {r['load']:.3f} s | {r['peak_mb']:.0f} MB | "
              f"{r['scoring_mb']:.0f} MB |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--method", action="append", choices=sorted(METHODS))
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--cost-only", action="store_true")
    parser.add_argument("--cost-child", help=argparse.SUPPRESS)
    parser.add_argument("--texts", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cost_child:
        cost_child(args.cost_child, args.texts)
        return
    methods = args.method or sorted(METHODS)
    if not args.cost_only:
        run_quality(methods, args.seeds)
    run_cost(methods)


if __name__ == "__main__":
    main()
