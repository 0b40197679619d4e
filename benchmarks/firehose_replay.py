"""Benchmark: ``hotpapers replay bluesky FILE`` over a Jetstream dump, against ``grep -c arxiv FILE``.

Data: a Jetstream v1 JSON-lines dump written by ``jetstream_dump.py`` (the real capture's lines with fresh
dids, rkeys and time_us; 1 post creation in 2,000 links arXiv, some of those posts quoted or deleted later),
1 GiB by default. In one run, on the same file, after one untimed ``cat`` that puts it in the page cache and one
untimed replay that compiles the package's bytecode, ``--rounds`` times (5 by default), side by side:

1. ``grep -c arxiv FILE`` (wall clock; its output goes to a pipe, as GNU grep stops at the first match when
   it writes to /dev/null);
2. ``python -m hotpapers --db TMP replay bluesky FILE`` into a fresh store (wall clock; peak RSS from
   ``/usr/bin/time -v``, else ``getrusage(RUSAGE_CHILDREN)``), then the posts it stored, counted in the SQLite
   file (deleted ones excluded);
3. ``grep -c arxiv FILE`` again (the grep time of the round is the faster of its two);
4. the same replay of an empty file: the fixed cost (interpreter, imports, store), for the record.

then once, a slow reference that ``json.loads`` every line and applies the documented link rules itself (link
facets, external embed, also as the media of recordWithMedia, the text, and quotes of a post it kept; a
deleted post is forgotten), using only ``hotpapers.links`` to resolve arXiv ids. It fails unless every
replay stored as many posts as the reference found mentions.

The children run with bytecode caching on (``PYTHONDONTWRITEBYTECODE`` removed from their environment), as an
installed package runs. Prints a Markdown table of the rounds and their medians, and the ratio replay / grep
(the target: at most 1.5). Run from the repository root: ``python benchmarks/firehose_replay.py [--size 1G]``
(``--file F`` to reuse a dump, ``--keep`` to keep the temporary folder). See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import jetstream_dump

from hotpapers.links import find_arxiv_ids, ids_from_urls

ROOT = Path(__file__).resolve().parents[1]
TIME = Path("/usr/bin/time")
POST = "app.bsky.feed.post"
DECODED = re.compile(r"lines decoded (\d+)")
TARGET = 1.5  # replay's time at most this many times grep's (issue 13)
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


@dataclass
class Replay:
    seconds: float
    peak_mb: float
    stored: int
    output: str

    @property
    def decoded(self) -> int:
        match = DECODED.search(self.output)
        return int(match[1]) if match else -1


def timed(argv: list[str], **kwargs: object) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload]
    return time.perf_counter() - start, done


def run_grep(path: Path) -> tuple[float, int]:
    seconds, done = timed(["grep", "-c", "arxiv", str(path)])
    if done.returncode not in (0, 1):
        raise SystemExit(f"grep failed: {done.stderr}")
    return seconds, int(done.stdout)


def run_replay(path: Path, db: Path) -> Replay:
    argv = [sys.executable, "-m", "hotpapers", "--db", str(db), "replay", "bluesky", str(path)]
    use_time = TIME.exists()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    seconds, done = timed([str(TIME), "-v", *argv] if use_time else argv, cwd=ROOT, env=CHILD_ENV)
    if done.returncode:
        raise SystemExit(f"replay failed ({done.returncode}): {done.stderr[-2000:]}")
    if use_time:
        line = next(x for x in done.stderr.splitlines() if "Maximum resident set size" in x)
        peak_kb = int(line.rsplit(":", 1)[1])
    else:  # the largest child so far: right only if this child is the largest, as it is here
        peak_kb = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT count(*) FROM posts WHERE platform = 'bluesky' AND deleted = 0").fetchone()[0]
    return Replay(seconds, peak_kb / 1024, stored, done.stdout.strip())


def _record_urls(record: dict) -> list[str]:
    """Link facets' uri, then the external embed's uri (also as recordWithMedia's media), per the docs."""
    urls = []
    for facet in record.get("facets") or []:
        for feature in (facet.get("features") or []) if isinstance(facet, dict) else []:
            link = isinstance(feature, dict) and feature.get("$type") == "app.bsky.richtext.facet#link"
            if link and isinstance(feature.get("uri"), str):
                urls.append(feature["uri"])
    embed = record.get("embed")
    if isinstance(embed, dict):
        media = embed.get("media") if embed.get("$type") == "app.bsky.embed.recordWithMedia" else embed
        if isinstance(media, dict) and media.get("$type") == "app.bsky.embed.external":
            uri = (media.get("external") or {}).get("uri")
            if isinstance(uri, str):
                urls.append(uri)
    return urls


def _quoted(record: dict) -> str | None:
    embed = record.get("embed")
    if not isinstance(embed, dict):
        return None
    inner = embed.get("record") or {}
    if embed.get("$type") == "app.bsky.embed.recordWithMedia":
        inner = inner.get("record") or {}
    elif embed.get("$type") != "app.bsky.embed.record":
        return None
    return inner.get("uri") if isinstance(inner.get("uri"), str) else None


def reference(path: Path) -> tuple[float, int, int]:
    """(seconds, lines, mentions): every line decoded by ``json.loads``; mentions are distinct at-uris kept."""
    start = time.perf_counter()
    known: dict[str, tuple[str, ...]] = {}
    kept: set[str] = set()
    lines = 0
    with path.open("rb") as handle:
        for line in handle:
            lines += 1
            try:
                event = json.loads(line)
            except ValueError:
                continue
            commit = event.get("commit") if isinstance(event, dict) and event.get("kind") == "commit" else None
            if not isinstance(commit, dict) or commit.get("collection") != POST:
                continue
            uri = f"at://{event.get('did')}/{POST}/{commit.get('rkey')}"
            if commit.get("operation") == "delete":
                known.pop(uri, None)
                kept.discard(uri)
                continue
            record = commit.get("record")
            if commit.get("operation") not in ("create", "update") or not isinstance(record, dict):
                continue
            text = record.get("text") if isinstance(record.get("text"), str) else ""
            ids = {*ids_from_urls(_record_urls(record)), *find_arxiv_ids(text), *known.get(_quoted(record) or "", ())}
            if ids:
                known[uri] = tuple(ids)
                kept.add(uri)
    return time.perf_counter() - start, lines, len(kept)


def _row(label: str, grep_s: float, replay_s: float, startup_s: float, peak_mb: float, rest: str) -> str:
    return (f"| {label} | {grep_s:.3f} | {replay_s:.3f} | **{replay_s / grep_s:.2f}** | {startup_s:.3f} "
            f"| {peak_mb:.0f} | {rest} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=jetstream_dump.parse_size, default=jetstream_dump.parse_size("1G"))
    parser.add_argument("--file", type=Path, help="an existing dump (not generated, not deleted)")
    parser.add_argument("--rounds", type=int, default=5, help="grep, replay, grep rounds (default 5)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (dump and stores)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="hotpapers-firehose-"))
    try:
        if args.file:
            dump = args.file
        else:
            dump = tmp / "jetstream.jsonl"
            started = time.perf_counter()
            stats = jetstream_dump.write_dump(dump, args.size)
            print(f"generated {dump}: {stats.bytes:,} bytes, {stats.lines:,} lines, {stats.posts:,} post "
                  f"creations, {stats.linking:,} arXiv-linking events, in {time.perf_counter() - started:.1f} s",
                  flush=True)
        size = dump.stat().st_size
        empty = tmp / "empty.jsonl"
        empty.touch()
        subprocess.run(["cat", str(dump)], stdout=subprocess.DEVNULL, check=True)  # into the page cache
        run_replay(empty, tmp / "warm-up.db")  # writes the bytecode cache, as an installed package has it
        rounds: list[tuple[float, Replay, float]] = []
        for n in range(args.rounds):
            grep1, grep_lines = run_grep(dump)
            replay = run_replay(dump, tmp / f"replay-{n}.db")
            grep2, _ = run_grep(dump)
            startup = run_replay(empty, tmp / f"empty-{n}.db").seconds
            print(f"round {n + 1}: grep {grep1:.3f} s, {grep2:.3f} s; replay {replay.seconds:.3f} s "
                  f"(empty file {startup:.3f} s): {replay.output}", flush=True)
            rounds.append((min(grep1, grep2), replay, startup))
        ref_s, lines, mentions = reference(dump)
        matcher = "Hyperscan" if importlib.util.find_spec("hyperscan") else "none (every line decoded)"
        print(f"\nmachine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}, Python "
              f"{platform.python_version()}, pre-filter {matcher}, peak RSS by "
              f"{'/usr/bin/time -v' if TIME.exists() else 'getrusage'}; dump {size / 2**30:.2f} GiB, "
              f"{lines:,} lines\n")
        print("| round | grep -c arxiv (s) | replay (s) | replay / grep | replay of an empty file (s) "
              "| replay peak RSS (MB) | lines decoded | posts stored by replay | mentions (reference) |")
        print("|---|---|---|---|---|---|---|---|---|")
        for n, (grep_s, replay, startup) in enumerate(rounds, 1):
            print(_row(str(n), grep_s, replay.seconds, startup, replay.peak_mb,
                       f"{replay.decoded:,} | {replay.stored} | {mentions}"))
        grep_m = statistics.median(g for g, _, _ in rounds)
        replay_m = statistics.median(r.seconds for _, r, _ in rounds)
        ratio_m = statistics.median(r.seconds / g for g, r, _ in rounds)
        print(_row("**median**", grep_m, replay_m, statistics.median(s for _, _, s in rounds),
                   max(r.peak_mb for _, r, _ in rounds), "| |").replace(f"**{replay_m / grep_m:.2f}**",
                                                                     f"**{ratio_m:.2f}**"))
        print(f"\nmedian replay / grep: {ratio_m:.2f} (target <= {TARGET}): "
              f"{'met' if ratio_m <= TARGET else 'MISSED'}; lines grep counted: {grep_lines:,}; "
              f"reference (json.loads every line): {ref_s:.1f} s; replay MB/s {size / 2**20 / replay_m:.0f} (median)")
        if any(replay.stored != mentions for _, replay, _ in rounds):
            raise SystemExit(f"MISMATCH: replays stored {[r.stored for _, r, _ in rounds]}, reference {mentions}")
        print("same mentions: every replay == reference")
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
