"""Benchmark: ``hotpapers replay bluesky FILE`` over a Jetstream dump, against ``grep -c arxiv FILE``.

Data: a Jetstream v1 JSON-lines dump written by ``jetstream_dump.py`` (the real capture's lines with fresh
dids, rkeys and time_us; 1 post creation in 2,000 links arXiv), 2 GiB by default. In one run, on the same
file, after one untimed ``cat`` that puts it in the page cache:

1. ``grep -c arxiv FILE`` (wall clock);
2. ``python -m hotpapers --db TMP replay bluesky FILE`` (wall clock; peak RSS from ``/usr/bin/time -v``, else
   ``getrusage(RUSAGE_CHILDREN)``), then the posts it stored, counted in the SQLite file;
3. ``grep -c arxiv FILE`` again (the grep time reported is the faster of the two);
4. a slow reference that ``json.loads`` every line and applies the documented link rules itself (link facets,
   external embed, also as the media of recordWithMedia, the text, and quotes of a post it kept; a deleted
   post is forgotten), using only ``hotpapers.links`` to resolve arXiv ids; it asserts that the replay stored
   as many posts as it found mentions;
5. a prototype of the suggested optimisation (not hotpapers code): read 8 MiB blocks, lower-case them,
   ``bytes.find`` the words a linking, quoting or deleting event must contain, and give only those lines to
   ``parse_event``; it must find the same mentions.

Prints a Markdown table. Run from the repository root: ``python benchmarks/firehose_replay.py [--size 2G]``
(``--file F`` to reuse a dump, ``--keep`` to keep the temporary folder). See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import jetstream_dump

from hotpapers.links import find_arxiv_ids, ids_from_urls
from hotpapers.models import Post
from hotpapers.sources.jetstream import KnownPosts, parse_event

ROOT = Path(__file__).resolve().parents[1]
TIME = Path("/usr/bin/time")
POST = "app.bsky.feed.post"
# Every form the resolver knows contains one of these (hotpapers.links: "xiv", "ar5iv", "papers"); a quote
# names app.bsky.embed.record(WithMedia); a deletion says "delete". Lower-case, searched in a lower-cased block.
NEEDLES = (b"xiv", b"ar5iv", b"papers", b"app.bsky.embed.record", b'"delete"')
BLOCK = 8 << 20


@dataclass
class Replay:
    seconds: float
    peak_mb: float
    stored: int
    output: str


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
    seconds, done = timed([str(TIME), "-v", *argv] if use_time else argv, cwd=ROOT)
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


def prefiltered(path: Path) -> tuple[float, int, int]:
    """(seconds, candidate lines, mentions): the suggested block scan, ``parse_event`` on candidates only."""
    start = time.perf_counter()
    now = dt.datetime.now(dt.UTC)
    known, kept, candidates = KnownPosts(), set[str](), 0
    with path.open("rb") as handle:
        tail = b""
        while block := handle.read(BLOCK):
            block = tail + block
            end = block.rfind(b"\n") + 1
            block, tail = block[:end], block[end:]
            lowered = block.lower()
            starts = set()
            for needle in NEEDLES:
                at = lowered.find(needle)
                while at >= 0:
                    line_start = lowered.rfind(b"\n", 0, at) + 1
                    starts.add(line_start)
                    at = lowered.find(needle, lowered.find(b"\n", at) + 1)  # from the next line on
            for line_start in sorted(starts):
                candidates += 1
                event = parse_event(block[line_start:block.find(b"\n", line_start)], now, known)
                if event is not None and isinstance(event.record, Post):
                    known.add(event.record)
                    kept.add(event.record.post_id)
                elif event is not None and event.record is not None:
                    known.forget(event.record.post_id)
                    kept.discard(event.record.post_id)
        if tail.strip():
            raise SystemExit("the dump does not end with a newline")
    return time.perf_counter() - start, candidates, len(kept)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=jetstream_dump.parse_size, default=jetstream_dump.parse_size("2G"))
    parser.add_argument("--file", type=Path, help="an existing dump (not generated, not deleted)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (dump and store)")
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
        subprocess.run(["cat", str(dump)], stdout=subprocess.DEVNULL, check=True)  # into the page cache
        grep1, grep_lines = run_grep(dump)
        replay = run_replay(dump, tmp / "replay.db")
        print(f"replay: {replay.output}", flush=True)
        grep2, _ = run_grep(dump)
        grep_s = min(grep1, grep2)
        ref_s, lines, mentions = reference(dump)
        pre_s, candidates, pre_mentions = prefiltered(dump)
        ok = replay.stored == mentions == pre_mentions
        print(f"\nmachine: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
              f"peak RSS by {'/usr/bin/time -v' if TIME.exists() else 'getrusage'}\n")
        print("| dump | lines | grep -c arxiv (s) | replay (s) | grep/replay | replay peak RSS (MB) "
              "| posts stored by replay | mentions (reference) | reference json.loads (s) |")
        print("|---|---|---|---|---|---|---|---|---|")
        print(f"| {size / 2**30:.2f} GiB | {lines:,} | {grep_s:.2f} ({grep1:.2f}, {grep2:.2f}) | {replay.seconds:.1f} "
              f"| **{grep_s / replay.seconds:.3f}** (target ≥ 0.333) | **{replay.peak_mb:.0f}** (target < 200) "
              f"| {replay.stored} | {mentions} | {ref_s:.1f} |")
        print(f"\nlines grep counted: {grep_lines:,}; replay MB/s {size / 2**20 / replay.seconds:.0f}, "
              f"grep MB/s {size / 2**20 / grep_s:.0f}")
        print(f"prototype block pre-filter + parse_event on candidates: {pre_s:.1f} s, grep/prototype "
              f"{grep_s / pre_s:.3f}, {candidates:,} candidate lines ({candidates / lines:.1%}), "
              f"{pre_mentions} mentions")
        if not ok:
            raise SystemExit(f"MISMATCH: replay stored {replay.stored}, reference {mentions}, "
                             f"prototype {pre_mentions}")
        print("same mentions: replay == reference == prototype")
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
