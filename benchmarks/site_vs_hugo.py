"""Benchmark: the static site build — full, rebuilt with nothing new, and one new day — against Hugo.

Data: every day of the shared Hot Papers archive (``../shared/data/hot-papers-archive/posts.jsonl`` from the
repository root: 264 days; the 13 days of ``tests/fixtures/archive/posts.jsonl`` if it is absent) turned into the
original tool's JSON by ``tools/derive_legacy_from_archive.py``, imported into a temporary store
(``import_files``) and ranked day by day (``build_digest``, preset ``classic``, one fixed ``now``); and a
generated 1,300-day archive (``benchmarks/site_archive_gen.py``: the real days replayed on consecutive weekdays
with new ids), prepared the same way. Preparation is not timed.

1. Per page against Hugo (best of 3 interleaved rounds, wall clock and CPU): ``hotpapers site build``'s job
   (``build_site_from_store``) into a fresh folder, ``build_site`` of an in-memory ``Archive``, the ``hugo``
   writer's pages of every day, and ``hugo --quiet`` building a minimal Hugo site of those pages.
2. Incremental, on the oldest 66, 132 and 264 real days and on the 1,300 generated ones: a full build of all
   days but the last into a fresh folder; a rebuild with nothing new; the last day published; a rebuild (one
   new day); a rebuild with nothing new. Files written are counted; the rebuilds are best of 3.
3. Page weight: each day page of the 264-day site with the stylesheet and scripts it loads.

Run from the repository root: ``python benchmarks/site_vs_hugo.py`` (``--quick`` for sizes 66 and 132 only). See
docs/benchmarks.md.
"""

from __future__ import annotations

import datetime as dt
import gc
import importlib.util
import json
import platform
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from types import ModuleType

import lxml.html

from hotpapers.jobs.render import build_digest
from hotpapers.jobs.site import build_archive, build_site_from_store
from hotpapers.jobs.transfer import import_files
from hotpapers.models import Digest
from hotpapers.ranking.classic import rank_classic
from hotpapers.site import SiteReport, build_site
from hotpapers.store import SQLiteStore
from hotpapers.writers.hugo import HugoWriter

ROOT = Path(__file__).resolve().parents[1]
ARCHIVE = ROOT.parent / "shared" / "data" / "hot-papers-archive" / "posts.jsonl"
FALLBACK = ROOT / "tests" / "fixtures" / "archive" / "posts.jsonl"
GENERATED_DAYS = 1300
INCREMENTAL_REPEATS = 3
NOW = dt.datetime(2022, 1, 15, 0, 43, 48, tzinfo=dt.UTC)  # after the last archived day
REPEATS = 3
HUGO_CONFIG = """baseURL = "https://example.invalid/"
title = "Hot Papers"
languageCode = "en"

[markup.goldmark.renderer]
  unsafe = true
"""
PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main><h1>{{ .Title }}</h1>%s</main></body></html>
"""
LIST = '<ul>{{ range PAGES }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>'
LAYOUTS = {
    "_default/single.html": PAGE % "{{ .Content }}",
    "_default/list.html": PAGE % LIST.replace("PAGES", ".Pages"),
    "index.html": PAGE % LIST.replace("PAGES", ".Site.RegularPages"),
}


def load_tool(path: Path = ROOT / "tools" / "derive_legacy_from_archive.py") -> ModuleType:
    """A script of this repository as a module (by default ``tools/derive_legacy_from_archive.py``)."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _cpu() -> float:
    """CPU seconds (user + system) of this process and of its finished children (hugo)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds) of one call of ``fn``, after a garbage collection (not timed)."""
    gc.collect()
    wall, cpu = time.perf_counter(), _cpu()
    fn()
    return time.perf_counter() - wall, _cpu() - cpu


def files_in(folder: Path) -> tuple[int, int]:
    """(files, bytes) under ``folder``."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def prepare(records: dict[str, dict[str, object]], work: Path) -> tuple[Path, list[Digest], int]:
    """Derive, import and rank every day; returns the store's path, the digests and the days without papers."""
    tool = load_tool()
    legacy = work / "legacy"
    legacy.mkdir()
    paths = []
    for day, record in sorted(records.items()):
        path = legacy / f"{day}.json"
        path.write_text(json.dumps(tool.derive_day(record), ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    with SQLiteStore(work / "archive.db") as store:
        import_files(store, paths)
        announced = set(store.announced_dates())
        digests = []
        for day in sorted(dt.date.fromisoformat(d) for d in records):
            if day in announced:
                digests.append(build_digest(store, day, preset="classic", now=NOW))
            else:  # a published post without papers: an empty digest (``hotpapers render`` refuses such a day)
                start = dt.datetime.combine(day, dt.time(), dt.UTC)
                digests.append(rank_classic([], date=day, window_start=start, window_end=NOW, generated_at=NOW))
                store.save_digest(digests[-1])
    shutil.rmtree(legacy)
    return work / "archive.db", digests, len(records) - len(announced)


def hugo_site(folder: Path, digests: list[Digest]) -> float:
    """A minimal Hugo site with the ``hugo`` writer's page of every digest; returns the writer's time."""
    (folder / "hugo.toml").parent.mkdir(parents=True)
    (folder / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in LAYOUTS.items():
        (folder / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / "layouts" / name).write_text(text, encoding="utf-8")
    writer = HugoWriter(embed_mode="static")
    started = time.perf_counter()
    for digest in digests:
        writer.write(digest, folder)
    return time.perf_counter() - started


def run_hugo(hugo: str, site: Path, out: Path) -> None:
    subprocess.run([hugo, "--quiet", "-s", str(site), "-d", str(out)], check=True)


def row(step: str, wall: float, cpu: float, out: Path | None = None) -> list[str]:
    """A table row; with ``out``, the files, megabytes and HTML pages under it, and ms per HTML page."""
    if out is None:
        return [step, f"{wall:.2f}", f"{cpu:.2f}", "", "", "", ""]
    files, size = files_in(out)
    pages = len(list(out.rglob("*.html"))) or files  # the hugo writer writes Markdown: per file
    per_page = f"{1000 * wall / pages:.2f}"
    return [step, f"{wall:.2f}", f"{cpu:.2f}", str(files), f"{size / 1e6:.1f}", str(pages), per_page]


def hugo_version(hugo: str) -> str:
    return subprocess.run([hugo, "version"], capture_output=True, text=True, check=True).stdout.split()[1]


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join([*lines, *("| " + " | ".join(row) + " |" for row in rows)])


def job(db: Path, out: Path) -> SiteReport:
    """``hotpapers site build``'s job on the store at ``db``."""
    with SQLiteStore(db) as store:
        return build_site_from_store(store, out, preset="classic")


def per_page(db: Path, digests: list[Digest], work: Path, hugo: str | None) -> tuple[list[list[str]], str]:
    """Part 1: full builds against Hugo, best of REPEATS interleaved rounds."""
    steps: dict[str, list[tuple[float, float]]] = {"job": [], "site": [], "writer": [], "hugo": []}
    with SQLiteStore(db) as store:
        archive = build_archive(store, preset="classic", now=NOW)
    for k in range(REPEATS):  # interleaved rounds: every step sees the same machine load
        steps["job"].append(timed(partial(job, db, work / f"job{k}")))
        steps["site"].append(timed(partial(build_site, archive, work / f"site{k}")))
        steps["writer"].append(timed(partial(hugo_site, work / f"hugo-src{k}", digests)))
        if hugo:
            steps["hugo"].append(timed(partial(run_hugo, hugo, work / "hugo-src0", work / f"hugo-out{k}")))
    rows = [row("hotpapers `site build` job (store → files)", *min(steps["job"]), work / "job0"),
            row("hotpapers `build_site` (in-memory Archive → files)", *min(steps["site"]), work / "site0"),
            row("hotpapers `hugo` writer (digests → Markdown)", *min(steps["writer"]), work / "hugo-src0" / "content")]
    note = "`hugo` is not installed (`apt-get install -y hugo`): hotpapers' figures only."
    if hugo:
        pages = list((work / "hugo-out0" / "posts").glob("*/index.html"))
        assert len(pages) == len(digests), f"Hugo rendered {len(pages)} of {len(digests)} days"
        assert all("raw HTML omitted" not in p.read_text(encoding="utf-8") for p in pages), "goldmark unsafe?"
        rows.append(row(f"Hugo {hugo_version(hugo)} `hugo --quiet` (Markdown → files)", *min(steps["hugo"]),
                        work / "hugo-out0"))
        job_ms = 1000 * min(steps["job"])[0] / len(list((work / "job0").rglob("*.html")))
        hugo_ms = 1000 * min(steps["hugo"])[0] / len(list((work / "hugo-out0").rglob("*.html")))
        note = (f"Per HTML page, best against best: hotpapers' job **{job_ms:.2f} ms**, Hugo **{hugo_ms:.2f} ms** "
                f"(ratio {job_ms / hugo_ms:.2f}).")
    return rows, note


def incremental(db: Path, days: int, work: Path) -> list[str]:
    """Part 2 for the oldest ``days`` days of the store at ``db``: a table row."""
    copy = work / f"inc{days}.db"
    shutil.copy(db, copy)
    with SQLiteStore(copy) as store:
        index = sorted(store.digest_index())
        last_day = index[days - 1][0]
        last = store.load_digest(last_day, "classic")
        assert last is not None
    with sqlite3.connect(copy) as conn:  # keep the oldest days - 1 days
        conn.execute("DELETE FROM digests WHERE day >= ?", (last_day.isoformat(),))
    out = work / f"inc{days}"
    full_wall = timed(partial(job, copy, out))[0]
    full = job(copy, out)  # nothing new: for the file count
    noop: list[tuple[float, float]] = []
    new_day: list[tuple[float, float]] = []
    written = []
    for _ in range(INCREMENTAL_REPEATS):
        noop.append(timed(partial(job, copy, out)))
        with SQLiteStore(copy) as store:
            store.save_digest(last)
        reports: list[SiteReport] = []
        new_day.append(timed(partial(lambda found: found.append(job(copy, out)), reports)))
        written.append(len(reports[0].written))
        with sqlite3.connect(copy) as conn:
            conn.execute("DELETE FROM digests WHERE day = ?", (last_day.isoformat(),))
        job(copy, out)  # back to days - 1 (not timed)
    after = job(copy, out)
    t_noop, t_new = min(noop)[0], min(new_day)[0]
    return [str(days), str(full.files), f"{full_wall:.2f}", f"{1000 * full_wall / full.files:.2f}",
            f"{t_noop:.3f}", str(len(after.written)), f"{100 * t_noop / full_wall:.1f}%",
            f"{t_new:.3f}", f"{max(written)}", f"{100 * t_new / full_wall:.1f}%"]


def page_weights(site: Path) -> tuple[int, int, str]:
    """(largest, median) bytes of a day page with the stylesheet and scripts it loads, and the largest's day."""
    weights = []
    for page in sorted((site / "days").glob("*.html")):
        doc = lxml.html.fromstring(page.read_bytes())
        assets = doc.xpath("//link[@rel='stylesheet']/@href | //script/@src")
        extra = sum((page.parent / a).resolve().stat().st_size for a in assets if "://" not in a)
        weights.append((page.stat().st_size + extra, page.stem))
    weights.sort()
    return weights[-1][0], weights[len(weights) // 2][0], weights[-1][1]


def main() -> None:
    quick = "--quick" in sys.argv[1:]
    source = ARCHIVE if ARCHIVE.exists() else FALLBACK
    if source is FALLBACK:
        print(f"NOTE: {ARCHIVE} is absent: using the {FALLBACK.relative_to(ROOT)} sample instead.\n")
    hugo = shutil.which("hugo")
    tool = load_tool()
    records = tool.load_archive(source)
    with tempfile.TemporaryDirectory(prefix="hotpapers-site-bench-") as tmp:
        work = Path(tmp)
        started = time.perf_counter()
        (work / "real").mkdir()
        db, digests, empty = prepare(records, work / "real")
        prepared = time.perf_counter() - started
        print(f"Archive: {source.relative_to(ROOT.parent) if source == ARCHIVE else source} — {len(digests)} days "
              f"({empty} without papers), {sum(len(d.papers) for d in digests)} ranked papers, "
              f"{sum(len(p.posts) for d in digests for p in d.papers)} embedded posts; derive + import + rank took "
              f"{prepared:.1f} s (not timed below).\n")
        if not quick:
            rows, note = per_page(db, digests, work, hugo)
            print(f"1. Full builds, best of {REPEATS}, wall clock:\n")
            print(table(["step", "wall s", "CPU s", "files", "MB", "HTML pages", "ms per HTML page"], rows))
            print(f"\n{note}\n")
            largest, median, day = page_weights(work / "job0")
            print(f"3. Day page weight (HTML + its stylesheet and scripts, before images): largest "
                  f"**{largest / 1000:.1f} KB** ({day}), median {median / 1000:.1f} KB; budget 150 KB.\n")
        sizes = [n for n in (66, 132, len(digests)) if n <= len(digests)]
        rows = [incremental(db, n, work) for n in (sizes[:2] if quick else sizes)]
        if not quick:
            gen = load_tool(ROOT / "benchmarks" / "site_archive_gen.py")
            generated = {r["post_date"]: r for r in gen.generate(list(records.values()), GENERATED_DAYS)}
            (work / "generated").mkdir()
            started = time.perf_counter()
            big_db, big_digests, _ = prepare(generated, work / "generated")
            print(f"Generated archive: {len(big_digests)} days, "
                  f"{sum(len(d.papers) for d in big_digests)} ranked papers; prepared in "
                  f"{time.perf_counter() - started:.1f} s (not timed).\n")
            rows.append(incremental(big_db, len(big_digests), work))
        print(f"2. Incremental builds of the oldest N days (the job, store → files; rebuilds best of "
              f"{INCREMENTAL_REPEATS}):\n")
        print(table(["days", "files", "full s", "ms per file", "no-op s", "no-op files written", "no-op / full",
                     "one new day s", "files written", "new day / full"], rows))
    print(f"\nPython {platform.python_version()} on {platform.machine()}; {sys.executable}")


if __name__ == "__main__":
    main()
