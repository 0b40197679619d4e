"""Crash safety: SIGKILL the real command line at seeded random moments, run the same command again, compare.

The job is ``hotpapers import`` of a native file of a few thousand records, then ``hotpapers run --date DAY``
against the local server of tests/jobs/test_run_e2e.py. It is run once uninterrupted (the baseline, also timing it as
T), then, for each kill point, afresh: SIGKILLed at a seeded delay uniform in [0, 0.9 T], the killed command and
those after it run again to completion, and the store compared with the baseline.

A subprocess has no frozen clock, so the comparison leaves out what depends on the time of the run: the
``observed_at`` of the snapshots the sources collect (a re-run adds a snapshot at its own time, as any second
run does) and the timestamps in the written post. Everything else must be equal: papers, announcements, posts,
their links, the imported snapshots row for row, the distinct engagement values of each collected post, the
digests, and the names and (timestamps masked) contents of the output files. A kill inside an atomic write can
leave that write's hidden temporary file (``.<name>.XXXX.tmp``) behind; the test allows only such orphans, and
only next to the complete file of their final name.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from hotpapers.jobs.transfer import export_to_file
from hotpapers.store import SQLiteStore

from helpers import factories
from helpers.localserver import serve
from helpers.run_world import DAY, route

N_RECORDS = 1500
RUN_KILL_POINTS = 20
IMPORT_KILL_POINTS = 6
IMPORTED_AT = dt.datetime(2024, 11, 1, tzinfo=dt.UTC)  # imported snapshots are observed before this cut-off
CUTOFF = "2025-01-01"


@dataclass
class World:
    """The big native file, the local server's URL, and the baseline (store state, outputs, durations)."""

    big: Path
    url: str
    baseline: dict[str, object]
    baseline_outputs: dict[str, str]
    import_seconds: float
    total_seconds: float


def _make_big_file(path: Path, scratch: Path) -> None:
    """A native file: N papers announced on 2024-10-31, one X post each, two snapshots per post."""
    ids = [f"2410.{i:05d}" for i in range(N_RECORDS)]
    with SQLiteStore(scratch) as store, store.transaction():
        store.upsert_papers(factories.paper(a) for a in ids)
        store.add_announcements(factories.announcement(a, i, dt.date(2024, 10, 31)) for i, a in enumerate(ids))
        store.upsert_posts(factories.post(f"9{i:08d}", a) for i, a in enumerate(ids))
        store.add_snapshots(
            factories.snapshot(f"9{i:08d}", i, 2 * i, IMPORTED_AT + dt.timedelta(hours=h))
            for i in range(N_RECORDS) for h in range(2)
        )
        export_to_file(store, path)


def _env(base: Path, url: str) -> dict[str, str]:
    """The environment of one job: its own config (store and output folder under ``base``), the local server."""
    cfg = base / "hotpapers.toml"
    cfg.write_text(f'db = "{base / "s.db"}"\nout_dir = "{base / "out"}"\n[arxiv]\ndelay_seconds = 0\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTPAPERS_")}
    env.update({
        "HOTPAPERS_CONFIG": str(cfg),
        "HOTPAPERS_ARXIV_RSS_URL": f"{url}/rss",
        "HOTPAPERS_ARXIV_API_URL": f"{url}/api/query",
        "HOTPAPERS_X_API_URL": f"{url}/x",
        "HOTPAPERS_X_BEARER_TOKEN": "test-token-not-secret",
        "HOTPAPERS_BSKY_APPVIEW_URL": f"{url}/bsky",
        "HOTPAPERS_HN_API_URL": f"{url}/hn",
        "HOTPAPERS_HN_USER_API_URL": f"{url}/hn-users",
        "HOTPAPERS_HF_API_URL": f"{url}/hf",
        "HOTPAPERS_GITHUB_API_URL": f"{url}/gh",
        "HOTPAPERS_S2_API_URL": f"{url}/s2",
    })
    return env


def _commands(big: Path) -> list[list[str]]:
    return [["import", str(big)], ["run", "--date", DAY]]


def _start(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "hotpapers", *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def _finish(args: list[str], env: dict[str, str]) -> None:
    proc = _start(args, env)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, f"hotpapers {' '.join(args)} exited {proc.returncode}: {err.decode()}"


def _state(db: Path) -> dict[str, object]:
    """The store's contents that do not depend on when the commands ran."""
    con = sqlite3.connect(db)
    try:
        def rows(sql: str) -> list[tuple[object, ...]]:
            return sorted(con.execute(sql).fetchall(), key=repr)

        return {
            "papers": rows("SELECT arxiv_id, version, title, abstract FROM papers"),
            "categories": rows("SELECT * FROM paper_categories"),
            "announcements": rows("SELECT * FROM announcements"),
            "posts": rows("SELECT platform, post_id, url, kind, author_handle, text, created_at, deleted FROM posts"),
            "links": rows("SELECT * FROM post_papers"),
            "imported snapshots": rows(f"SELECT * FROM engagement WHERE observed_at < '{CUTOFF}'"),
            "collected engagement": rows(
                "SELECT DISTINCT platform, post_id, reposts, likes, replies, quotes FROM engagement "
                f"WHERE observed_at >= '{CUTOFF}'"
            ),
            "posts without a snapshot": rows(
                "SELECT platform, post_id FROM posts p WHERE NOT EXISTS "
                "(SELECT 1 FROM engagement e WHERE e.platform = p.platform AND e.post_id = p.post_id)"
            ),
            "digests": rows("SELECT day, preset FROM digests"),
            "code links": rows("SELECT arxiv_id, url, host, found_in, position FROM code_links"),
            "stars": rows("SELECT DISTINCT url, stars, created_at, etag FROM repo_snapshots"),
            "artifacts": rows("SELECT DISTINCT arxiv_id, models, datasets, spaces FROM artifact_snapshots"),
            "citations": rows("SELECT DISTINCT arxiv_id, found, citations, influential, venue FROM citation_snapshots"),
        }
    finally:
        con.close()


def _integrity(db: Path) -> str:
    con = sqlite3.connect(db)
    try:
        return str(con.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        con.close()


_TIMES = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?|\d\d/\d\d/\d{4} \d\d:\d\d:\d\d")


_ORPHAN = re.compile(r"\.(.+)\.[^.]+\.tmp")  # what atomic_write_bytes names its temporary file of ``<name>``


def _outputs(out: Path) -> dict[str, str]:
    """Every file under ``out`` (hidden temporary files included), timestamps masked."""
    if not out.exists():
        return {}
    return {
        str(p.relative_to(out)): _TIMES.sub("<time>", p.read_bytes().decode("utf-8", "replace"))
        for p in sorted(out.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The big file, the server, and one uninterrupted job (the baseline and its duration)."""
    root = tmp_path_factory.mktemp("crash")
    big = root / "big.jsonl"
    _make_big_file(big, root / "gen.db")
    with serve(route) as served:
        base = root / "baseline"
        base.mkdir()
        env = _env(base, served.url)
        start = time.monotonic()
        _finish(_commands(big)[0], env)
        import_seconds = time.monotonic() - start
        _finish(_commands(big)[1], env)
        total = time.monotonic() - start
        yield World(big, served.url, _state(base / "s.db"), _outputs(base / "out"), import_seconds, total)


def _killed_job(world: World, base: Path, delay: float) -> int:
    """Run the job in ``base``, SIGKILLing whatever command runs ``delay`` seconds in; the index of the command
    killed (len(commands) if it finished first)."""
    env = _env(base, world.url)
    deadline = time.monotonic() + delay
    for index, args in enumerate(_commands(world.big)):
        proc = _start(args, env)
        try:
            proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return index
        finally:
            assert proc.stderr is not None
            proc.stderr.close()
        assert proc.returncode == 0
    return len(_commands(world.big))


def test_baseline_imports_and_collects(world: World) -> None:
    """The uninterrupted job stores every imported record and some collected posts, and writes the digest."""
    posts = world.baseline["posts"]
    assert isinstance(posts, list) and len(posts) > N_RECORDS
    assert world.baseline["posts without a snapshot"] == []
    assert world.baseline["code links"] and world.baseline["citations"]  # the run enriched the day too
    assert f"{DAY}---Hot-Papers.md" in world.baseline_outputs


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(RUN_KILL_POINTS))
def test_killed_job_completes_on_rerun(
    world: World, tmp_path: Path, seed: int, record_property: Callable[[str, object], None]
) -> None:
    """SIGKILLed at a seeded random moment, then run again, the job leaves exactly the baseline's store."""
    delay = random.Random(seed).uniform(0, 0.9 * world.total_seconds)  # 0.9: a slow baseline still gets killed
    killed = _killed_job(world, tmp_path, delay)
    commands = [*(args[0] for args in _commands(world.big)), "none (finished)"]
    record_property("kill", f"{delay:.2f}s of {world.total_seconds:.2f}s: {commands[killed]}")
    env = _env(tmp_path, world.url)
    for args in _commands(world.big)[killed:]:
        _finish(args, env)
    assert _integrity(tmp_path / "s.db") == "ok"
    assert _state(tmp_path / "s.db") == world.baseline
    outputs = _outputs(tmp_path / "out")
    visible = {name: text for name, text in outputs.items() if not Path(name).name.startswith(".")}
    assert visible == world.baseline_outputs  # every post complete under its final name, no *.tmp among them
    orphans = sorted(set(outputs) - set(visible))
    record_property("orphans", orphans)
    # A SIGKILL between an atomic write's mkstemp and its rename leaves that hidden temporary file behind (the
    # writer's clean-up never runs); it never shadows or replaces the complete file of the same name.
    for name in orphans:
        match = _ORPHAN.fullmatch(Path(name).name)
        assert match is not None and str(Path(name).with_name(match[1])) in visible


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(IMPORT_KILL_POINTS))
def test_killed_import_is_all_or_nothing(
    world: World, tmp_path: Path, seed: int, record_property: Callable[[str, object], None]
) -> None:
    """An import SIGKILLed at a seeded random moment leaves either none of the file's records or all of them."""
    delay = random.Random(1000 + seed).uniform(0, world.import_seconds)
    env = _env(tmp_path, world.url)
    proc = _start(_commands(world.big)[0], env)
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    finally:
        assert proc.stderr is not None
        proc.stderr.close()
    db = tmp_path / "s.db"
    if db.exists():
        assert _integrity(db) == "ok"
        with SQLiteStore(db) as store:
            counts = store.counts()
        record_property("posts after the kill", counts["posts"])
        assert counts["posts"] in (0, N_RECORDS) and counts["papers"] in (0, N_RECORDS)
        assert counts["engagement"] == 2 * counts["posts"]
