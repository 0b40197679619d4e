"""Benchmark: time to build the static site of the whole Hot Papers archive, against Hugo on the same days.

Data: every day of ``/work/shared/data/hot-papers-archive/posts.jsonl`` (264 days; the 13 days of
``tests/fixtures/archive/posts.jsonl`` if it is absent) turned into the original tool's JSON by
``tools/derive_legacy_from_archive.py``, imported into a temporary store (``import_files``) and ranked day by
day (``build_digest``, preset ``classic``, one fixed ``now``). Then, in one run, best of 3 interleaved rounds
(wall clock) of: ``build_archive`` from the store, ``build_site`` of that archive, the ``hugo`` writer's pages
of every day, and ``hugo --quiet`` building a minimal Hugo site of those pages; and ``build_site`` on the
newest 33, 66, 132 and all days (best of 5 rounds), with the least-squares slope in seconds per day.

Run from the repository root: ``python benchmarks/site_vs_hugo.py``. See docs/benchmarks.md.
"""

from __future__ import annotations

import datetime as dt
import gc
import importlib.util
import json
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from types import ModuleType

from hotpapers.models import Archive, Digest
from hotpapers.pipeline import build_archive, build_digest, import_files
from hotpapers.ranking import rank_classic
from hotpapers.site import build_site
from hotpapers.store import SQLiteStore
from hotpapers.writers.hugo import HugoWriter

ROOT = Path(__file__).resolve().parents[1]
ARCHIVE = Path("/work/shared/data/hot-papers-archive/posts.jsonl")
FALLBACK = ROOT / "tests" / "fixtures" / "archive" / "posts.jsonl"
NOW = dt.datetime(2022, 1, 15, 0, 43, 48, tzinfo=dt.UTC)  # after the last archived day
REPEATS = 3
SCALE_REPEATS = 5  # the scaling series is cheaper per point and noisier on a shared machine
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


def load_tool() -> ModuleType:
    """``tools/derive_legacy_from_archive.py`` as a module."""
    path = ROOT / "tools" / "derive_legacy_from_archive.py"
    spec = importlib.util.spec_from_file_location("derive_legacy_from_archive", path)
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


def prepare(archive_path: Path, work: Path) -> tuple[SQLiteStore, list[Digest], int]:
    """Derive, import and rank every archived day; returns the store, the digests and the days without papers."""
    tool = load_tool()
    records = tool.load_archive(archive_path)
    legacy = work / "legacy"
    legacy.mkdir()
    paths = []
    for day, record in sorted(records.items()):
        path = legacy / f"{day}.json"
        path.write_text(json.dumps(tool.derive_day(record), ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    store = SQLiteStore(work / "archive.db")
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
    return store, digests, len(records) - len(announced)


def subset(archive: Archive, days: int) -> Archive:
    """The archive of its newest ``days`` digests only."""
    digests = archive.digests[:days]
    papers = {p.paper.arxiv_id for d in digests for p in d.papers}
    posts = {k: v for k, v in archive.paper_posts.items() if k in papers}
    keys = {(e.post.platform, e.post.post_id) for v in posts.values() for e in v}
    return Archive(digests, posts, {k: v for k, v in archive.series.items() if k in keys}, archive.generated_at)


def build_subset(archive: Archive, days: int, work: Path, attempt: int) -> None:
    """``build_site`` of the newest ``days`` days into a fresh folder."""
    build_site(subset(archive, days), work / f"scale{days}-{attempt}")


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


def slope(xs: list[int], ys: list[float]) -> tuple[float, float, float]:
    """Least squares ``y = a + b x``: (b, a, R²)."""
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
    a = my - b * mx
    total = sum((y - my) ** 2 for y in ys)
    residual = sum((y - a - b * x) ** 2 for x, y in zip(xs, ys, strict=True))
    return b, a, 1 - residual / total if total else 1.0


def row(step: str, wall: float, cpu: float, out: Path | None = None) -> list[str]:
    """A table row; with ``out``, the files and megabytes under it."""
    if out is None:
        return [step, f"{wall:.2f}", f"{cpu:.2f}", "", "", ""]
    files, size = files_in(out)
    return [step, f"{wall:.2f}", f"{cpu:.2f}", str(files), f"{size / 1e6:.1f}", f"{1000 * wall / files:.2f}"]


def hugo_version(hugo: str) -> str:
    return subprocess.run([hugo, "version"], capture_output=True, text=True, check=True).stdout.split()[1]


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join([*lines, *("| " + " | ".join(row) + " |" for row in rows)])


def main() -> None:
    source = ARCHIVE if ARCHIVE.exists() else FALLBACK
    if source is FALLBACK:
        print(f"NOTE: {ARCHIVE} is absent: using the {FALLBACK.relative_to(ROOT)} sample instead.\n")
    hugo = shutil.which("hugo")
    with tempfile.TemporaryDirectory(prefix="hotpapers-site-bench-") as tmp:
        work = Path(tmp)
        started = time.perf_counter()
        store, digests, empty = prepare(source, work)
        prepared = time.perf_counter() - started
        steps: dict[str, list[tuple[float, float]]] = {"archive": [], "site": [], "writer": [], "hugo": []}
        try:
            for k in range(REPEATS):  # interleaved rounds: every step sees the same machine load
                steps["archive"].append(timed(lambda: build_archive(store, preset="classic", now=NOW)))
                archive = build_archive(store, preset="classic", now=NOW)
                steps["site"].append(timed(partial(build_site, archive, work / f"site{k}")))
                steps["writer"].append(timed(partial(hugo_site, work / f"hugo-src{k}", digests)))
                if hugo:
                    steps["hugo"].append(timed(partial(run_hugo, hugo, work / "hugo-src0", work / f"hugo-out{k}")))
        finally:
            store.close()
        (t_archive, c_archive), (t_site, c_site), (t_writer, c_writer) = (min(steps[s]) for s in steps if s != "hugo")
        rows = [row("hotpapers `build_archive` (store → Archive)", t_archive, c_archive),
                row("hotpapers `build_site` (Archive → files)", t_site, c_site, work / "site0"),
                row("hotpapers `build_archive` + `build_site`", t_archive + t_site, c_archive + c_site),
                row("hotpapers `hugo` writer (digests → Markdown)", t_writer, c_writer, work / "hugo-src0" / "content")]
        if hugo:
            pages = list((work / "hugo-out0" / "posts").glob("*/index.html"))
            assert len(pages) == len(digests), f"Hugo rendered {len(pages)} of {len(digests)} days"
            assert all("raw HTML omitted" not in p.read_text(encoding="utf-8") for p in pages), "goldmark unsafe?"
            rows.append(row(f"Hugo {hugo_version(hugo)} `hugo --quiet` (Markdown → files)", *min(steps["hugo"]),
                            work / "hugo-out0"))
        days = len(archive.digests)
        scale = [n for n in (days // 8, days // 4, days // 2, days) if n > 0]
        rounds = [[timed(partial(build_subset, archive, n, work, k))[0] for n in scale] for k in range(SCALE_REPEATS)]
        scaled = [min(times) for times in zip(*rounds, strict=True)]

    print(f"Archive: {source} — {days} days ({empty} without papers), "
          f"{sum(len(d.papers) for d in digests)} ranked papers, "
          f"{sum(len(p.posts) for d in digests for p in d.papers)} embedded posts; "
          f"derive + import + rank took {prepared:.1f} s (not timed below).\n")
    print(f"Best of {REPEATS}, wall clock:\n")
    print(table(["step", "wall s", "CPU s", "files", "MB", "ms per file"], rows))
    if steps["hugo"]:
        t_hugo = min(steps["hugo"])[0]
        ratios = sorted(site[0] / h[0] for site, h in zip(steps["site"], steps["hugo"], strict=True))
        print(f"\nRatio hotpapers `build_site` / Hugo, best against best: **{t_site / t_hugo:.1f}** "
              f"(Hugo / hotpapers {t_hugo / t_site:.2f}); per round: median {ratios[len(ratios) // 2]:.1f}, "
              f"range {ratios[0]:.1f} to {ratios[-1]:.1f}. (`build_archive` + `build_site`) / Hugo: "
              f"**{(t_archive + t_site) / t_hugo:.1f}**.")
    else:
        print("\n`hugo` is not installed (`apt-get install -y hugo`): hotpapers' figures only.")
    b, a, r2 = slope(scale, scaled)
    print(f"\n`build_site` by number of days (newest first), best of {SCALE_REPEATS}:\n")
    print(table(["days", "seconds", "ms per day"],
                [[str(n), f"{t:.2f}", f"{1000 * t / n:.1f}"] for n, t in zip(scale, scaled, strict=True)]))
    print(f"\nLeast squares: {b * 1000:.1f} ms per day + {a:.2f} s fixed, R² = {r2:.4f}.")
    print(f"\nPython {platform.python_version()} on {platform.machine()}; {sys.executable}")


if __name__ == "__main__":
    main()
