"""Archive scale: import a year of data, then rank and render single days from the big store.

For each size (``--scale``, a fraction of the year of ``archive_year.py``: 150,000 papers, 3,000,000 posts,
~10,000,000 snapshots at 1.0) it

1. generates the native file (or reuses ``WORKDIR/year-SCALE.jsonl``);
2. runs ``hotpapers --db STORE import FILE`` as a child process: wall time, peak RSS (``wait4``) and the RSS
   sampled every 0.5 s (at 25/50/75/100% of the run) to show whether memory grows with the file;
3. for an early, a mid-year and a late day, and for the presets ``default`` and ``classic``, runs a fresh
   child that does ``jobs.render.render(..., formats=["lumen"], refresh=True)`` (``build_digest`` + the Lumen
   writer) and reports its wall and CPU time split into ``evidence_for_day`` / ``build_digest`` / writing,
   and the peak RSS of that child (and its RSS before the call, the interpreter and imports); ``--repeat N``
   runs each N times and prints min-max ranges (CPU time is the steadier figure on a shared machine);
4. prints ``EXPLAIN QUERY PLAN`` of every query ``evidence_for_day`` runs (captured with a trace callback).

    python benchmarks/archive_scale.py --scale 0.01 --scale 0.1          # quick
    python benchmarks/archive_scale.py --scale 1.0 --workdir /tmp/arch    # the year (long: see docs)
    python benchmarks/archive_scale.py --scale 1.0 --workdir /tmp/arch --skip-import --repeat 3   # days only
    python benchmarks/archive_scale.py --profile /tmp/arch/year-1.db 2024-06-19 default   # cProfile one day
    python benchmarks/archive_scale.py --scale 0.1 --postgres postgresql://me@/bench    # on PostgreSQL (schemas)
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import os
import pstats
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from archive_year import generate, listing_days

NOW = dt.datetime(2025, 1, 15, 12, 0, tzinfo=dt.UTC)
PRESETS = ("default", "classic")


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_child(cmd: list[str]) -> tuple[float, int, list[int], bytes]:
    """Run ``cmd``: wall seconds, peak RSS (KB), RSS samples every 0.5 s, stdout."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        samples: list[int] = []
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            samples.append(_rss_kb(proc.pid))
            time.sleep(0.5)
        wall = time.monotonic() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read()
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{text.decode(errors='replace')}")
    return wall, usage.ru_maxrss, [s for s in samples if s], text


def _mb(kb: float) -> str:
    return f"{kb / 1024:.0f}"


def _pg_schema(url: str) -> str:
    """The schema a PostgreSQL store URL of this benchmark names (``options=-csearch_path=NAME``)."""
    return url.rsplit("search_path%3D", 1)[1]


def _fresh_store(db: str) -> None:
    """Remove store ``db``: the SQLite file and its companions, or the PostgreSQL schema (made again empty)."""
    if db.startswith("postgresql://"):
        import psycopg  # noqa: PLC0415 - only for PostgreSQL runs

        with psycopg.connect(db, autocommit=True) as con:
            con.execute(f'DROP SCHEMA IF EXISTS "{_pg_schema(db)}" CASCADE')
            con.execute(f'CREATE SCHEMA "{_pg_schema(db)}"')
        return
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def _store_mb(db: str) -> float:
    """The size of store ``db`` on disk (tables and indexes of the schema on PostgreSQL)."""
    if db.startswith("postgresql://"):
        import psycopg  # noqa: PLC0415

        with psycopg.connect(db) as con:
            row = con.execute(
                "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'",
                (_pg_schema(db),),
            ).fetchone()
        return float(row[0] or 0) / 2**20 if row else 0.0
    return Path(db).stat().st_size / 2**20


def measure_import(file: Path, db: str) -> dict[str, Any]:
    """Import ``file`` into a new store ``db`` in a child process."""
    _fresh_store(db)
    hotpapers = str(Path(sys.executable).with_name("hotpapers"))
    wall, peak, samples, _ = run_child([hotpapers, "--db", db, "import", str(file)])
    quart = [samples[min(len(samples) - 1, max(0, round(len(samples) * q) - 1))] for q in (0.25, 0.5, 0.75, 1.0)]
    lines = sum(1 for _ in file.open("rb"))
    return {"file_mb": file.stat().st_size / 2**20, "records": lines - 1, "wall": wall, "peak_kb": peak,
            "rss_quartiles_kb": quart, "db_mb": _store_mb(db)}


def _day_child(db: str, day: str, preset: str) -> None:
    """In a fresh process: render one day (refresh) and print timings and RSS as JSON."""
    from hotpapers.jobs.render import render  # noqa: PLC0415 - imported in the child only
    from hotpapers.store import open_store  # noqa: PLC0415

    store = open_store(db)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    the_day = dt.date.fromisoformat(day)
    clock = [(time.perf_counter(), time.process_time())]
    evidence = store.evidence_for_day(the_day)
    clock.append((time.perf_counter(), time.process_time()))
    posts = sum(len(e.posts) for e in evidence)
    n_papers = len(evidence)
    del evidence
    with tempfile.TemporaryDirectory() as out:
        clock.append((time.perf_counter(), time.process_time()))
        result = render(store, the_day, formats=["lumen"], out_dir=Path(out), preset=preset, now=NOW, refresh=True)
        clock.append((time.perf_counter(), time.process_time()))
        from hotpapers.jobs.registry import load_registry  # noqa: PLC0415

        writer = load_registry().writers["lumen"]()
        clock.append((time.perf_counter(), time.process_time()))
        writer.write(result.digest, Path(out))
        clock.append((time.perf_counter(), time.process_time()))
    (w0, c0), (w1, c1), (w2, c2), (w3, c3), (w4, c4), (w5, c5) = clock
    print(orjson.dumps({
        "evidence_s": w1 - w0, "render_s": w3 - w2, "write_s": w5 - w4,
        "evidence_cpu_s": c1 - c0, "render_cpu_s": c3 - c2, "write_cpu_s": c5 - c4,
        "papers": n_papers, "listed": len(result.digest.papers),
        "post_links": posts, "base_kb": base, "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }).decode())
    store.close()


def measure_day(db: str, day: dt.date, preset: str) -> dict[str, float]:
    """Render one day in a fresh child process."""
    wall, _peak, _, out = run_child([sys.executable, __file__, "--day-child", db, day.isoformat(), preset])
    result: dict[str, float] = orjson.loads(out.splitlines()[-1])
    result["child_wall_s"] = wall
    # build_digest = render minus the Lumen write (render writes the same output once more)
    result["build_s"] = result["render_s"] - result["write_s"]
    result["build_cpu_s"] = result["render_cpu_s"] - result["write_cpu_s"]
    return result


def _span(runs: list[dict[str, float]], key: str, digits: int = 2) -> str:
    """``min-max`` of ``key`` over ``runs`` (one value when there is one run)."""
    low, high = min(r[key] for r in runs), max(r[key] for r in runs)
    return f"{low:.{digits}f}" if len(runs) == 1 else f"{low:.{digits}f}\u2013{high:.{digits}f}"


def query_plans(db: Path, day: dt.date) -> list[tuple[str, list[str]]]:
    """``EXPLAIN QUERY PLAN`` of each query ``evidence_for_day`` runs."""
    from hotpapers.store.sqlite import SQLiteStore  # noqa: PLC0415

    store = SQLiteStore(db)
    seen: list[str] = []
    store._db.set_trace_callback(seen.append)
    store.evidence_for_day(day)
    store._db.set_trace_callback(None)
    con = sqlite3.connect(db)
    plans = []
    for sql in seen:
        if sql.lstrip().upper().startswith(("SELECT", "WITH")):
            rows = con.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
            plans.append((sql, [f"{'  ' * _depth(rows, r[1])}{r[3]}" for r in rows]))
    con.close()
    store.close()
    return plans


def _depth(rows: list[tuple[int, int, int, str]], parent: int) -> int:
    ids = {r[0]: r[1] for r in rows}
    depth = 0
    while parent in ids:
        depth, parent = depth + 1, ids[parent]
    return depth


def profile(db: str, day: str, preset: str) -> None:
    """cProfile of ``build_digest(refresh=True)`` for one day: top 25 by cumulative time."""
    from hotpapers.jobs.render import build_digest  # noqa: PLC0415
    from hotpapers.store.sqlite import SQLiteStore  # noqa: PLC0415

    store = SQLiteStore(db)
    prof = cProfile.Profile()
    prof.enable()
    build_digest(store, dt.date.fromisoformat(day), preset=preset, now=NOW, refresh=True)
    prof.disable()
    pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    pstats.Stats(prof).sort_stats("tottime").print_stats(15)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print Markdown tables."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, action="append", help="fraction of the year (repeatable)")
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "hotpapers-archive")
    ap.add_argument("--skip-import", action="store_true", help="reuse WORKDIR/year-SCALE.db as it is")
    ap.add_argument("--repeat", type=int, default=1, help="fresh child processes per day and preset (ranges)")
    ap.add_argument("--day-child", nargs=3, metavar=("DB", "DAY", "PRESET"), help=argparse.SUPPRESS)
    ap.add_argument("--profile", nargs=3, metavar=("DB", "DAY", "PRESET"))
    ap.add_argument(
        "--postgres", metavar="URL",
        help="measure on PostgreSQL: the stores are schemas year_SCALE of the database at URL (created, dropped)",
    )
    args = ap.parse_args(argv)
    if args.day_child:
        _day_child(*args.day_child)
        return 0
    if args.profile:
        profile(*args.profile)
        return 0
    days = listing_days()
    picks = {"early": days[10], "mid": days[125], "late": days[240]}
    args.workdir.mkdir(parents=True, exist_ok=True)
    imports: list[tuple[float, dict[str, Any]]] = []
    renders: list[tuple[float, dict[str, int], str, dt.date, str, list[dict[str, float]]]] = []
    for scale in args.scale or [0.01, 0.1]:
        file = args.workdir / f"year-{scale:g}.jsonl"
        db = str(args.workdir / f"year-{scale:g}.db")
        if args.postgres:
            sep = "&" if "?" in args.postgres else "?"
            db = f"{args.postgres}{sep}options=-csearch_path%3Dyear_{str(scale).replace('.', '_')}"
        if not file.exists() and not (args.skip_import and (args.postgres or Path(db).exists())):
            t = time.monotonic()
            generate(file, scale=scale)
            print(f"generated {file} in {time.monotonic() - t:.0f} s", file=sys.stderr)
        if not args.skip_import:
            imports.append((scale, measure_import(file, db)))
            print(f"imported {scale:g}: {imports[-1][1]}", file=sys.stderr)
        from hotpapers.store import open_store  # noqa: PLC0415

        with open_store(db) as counted:
            sizes = {t: n for t, n in counted.counts().items() if t in ("papers", "posts", "engagement")}
        for label, day in picks.items():
            for preset in PRESETS:
                runs = []
                for _ in range(args.repeat):
                    runs.append(measure_day(db, day, preset))
                    print(f"rendered {scale:g} {label} {preset}: {runs[-1]}", file=sys.stderr)
                renders.append((scale, sizes, label, day, preset, runs))
    if imports:
        print("| scale | records | file (MB) | import wall (s) | records/s | peak RSS (MB) "
              "| RSS at 25/50/75/100% of the run (MB) | store (MB) |")
        print("|---|---|---|---|---|---|---|---|")
        for scale, r in imports:
            q = " / ".join(_mb(x) for x in r["rss_quartiles_kb"])
            print(f"| {scale:g} | {r['records']:,} | {r['file_mb']:.0f} | {r['wall']:.1f} "
                  f"| {r['records'] / r['wall']:,.0f} | {_mb(r['peak_kb'])} | {q} | {r['db_mb']:.0f} |")
        print()
    print("| scale | store papers / posts / snapshots | day | preset | day's papers / post links / listed "
          "| evidence_for_day (s) | build_digest (s) | build_digest CPU (s) | lumen write (s) "
          "| base / peak RSS (MB) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for scale, sizes, label, day, preset, runs in renders:
        r = runs[0]
        print(f"| {scale:g} | {sizes['papers']:,} / {sizes['posts']:,} / {sizes['engagement']:,} | {label} {day} "
              f"| {preset} | {r['papers']} / {r['post_links']:,} / {r['listed']} | {_span(runs, 'evidence_s')} "
              f"| {_span(runs, 'build_s')} | {_span(runs, 'build_cpu_s')} | {_span(runs, 'write_s', 3)} "
              f"| {_mb(r['base_kb'])} / {_mb(max(x['peak_kb'] for x in runs))} |")
    scale = (args.scale or [0.01, 0.1])[-1]
    if args.postgres:
        return 0  # the query plans printed below are SQLite's
    for sql, plan in query_plans(args.workdir / f"year-{scale:g}.db", picks["mid"]):
        print(f"\n```\n{sql}\n" + "\n".join(plan) + "\n```")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
