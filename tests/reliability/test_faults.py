"""Every source, enrichment provider and arXiv path against a fault-injecting server: transient faults change
nothing, a source or provider that stays down or answers garbage fails alone, and a stalled server costs at most
the configured timeout.

The server (tests/helpers/faultserver.py) replays the world of tests/helpers/e2e_world.py (arXiv RSS, API and OAI-PMH; X,
Bluesky with its login and search backfill, Hacker News, Hugging Face, Reddit with its OAuth token, Mastodon,
alphaXiv, YouTube; the refresh requests of posts an earlier run stored; GitHub, Semantic Scholar and the Hub's paper
records for the enrichment providers) and injects, on a seeded schedule,
429 with ``Retry-After: 0``, 500/502/503, stalls past the timeout, reset connections and truncated bodies (at most
``MAX_IN_A_ROW`` in a row per path, so retries get through), or malformed bodies. Each faulted run is compared
with a fault-free run: the exported store (papers, announcements, posts, engagement, digests), the sources'
checkpoints and every output file must be byte for byte the same (the server's address, which differs from run
to run and is part of Mastodon post URLs, is masked).

The run is made fast without changing what it does: ``HOTPAPERS_HTTP_TIMEOUT`` is 0.25 s (a stall lasts 1 s),
stamina's waits are zeroed (``stamina.set_testing``), and the sources' ``sleep`` (throttles, rate-limit waits)
is recorded instead of slept.
"""

from __future__ import annotations

import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest
import stamina

from hotpapers.cli import app, main
from hotpapers.jobs.environment import Environment
from hotpapers.store import SQLiteStore
from hotpapers.store.records import store_records

from helpers import e2e_world
from helpers.faultserver import ALL_FAULTS, TRANSIENT_FAULTS, FaultServed, serve_faults

NOW = e2e_world.SEEN_AT.replace(day=29, hour=1, minute=40)  # Thursday 20:40 EST: Thursday's listing has closed
DAY = "2024-11-28"
ATTEMPTS = 4  # per request, as stamina.set_testing caps them
MAX_IN_A_ROW = 2  # < ATTEMPTS: every transient fault is eventually retried through
TIMEOUT = 0.25  # HOTPAPERS_HTTP_TIMEOUT of the runs
STALL_SECONDS = 1.0
SEEDS = tuple(range(1, 11))
SOURCES = e2e_world.SOURCES
MASK = b"http://fault-server"


@dataclass
class Outcome:
    """What one command left behind."""

    code: int
    out: str
    err: str
    export: bytes
    states: list[tuple[str, str, str]]
    outputs: dict[str, bytes]
    served: FaultServed
    sleeps: list[float]
    tracebacks: list[str]
    db: Path
    seconds: float

    def rows(self) -> dict[str, list[str]]:
        """The summary table: source name -> its cells."""
        return {line.split("\t")[0]: line.split("\t") for line in self.out.splitlines() if "\t" in line}

    def posts(self, platforms: Collection[str]) -> list[bytes]:
        """The exported post and engagement lines of ``platforms``."""
        return [line for line in self.export.splitlines() if orjson.loads(line).get("platform") in platforms]


Runner = Callable[..., Outcome]


def _files(folder: Path, served: FaultServed) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes().replace(served.url.encode(), MASK)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def run_under_faults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> Iterator[Runner]:
    """A function running a command (``run`` by default) in a fresh directory against a fault server.

    Its keyword arguments are ``serve_faults``'s, plus ``argv`` (the command) and ``seeded`` (store the posts of an
    earlier run first; default True).
    """
    sleeps: list[float] = []
    monkeypatch.setattr(
        "hotpapers.cli.collecting._environment",
        lambda ctx: Environment(env=os.environ, now=lambda: NOW, sleep=sleeps.append, contact=None,
                                timeout=ctx.settings.http_timeout),
    )
    monkeypatch.setattr(app, "now_utc", lambda: NOW)
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    monkeypatch.delenv("HOTPAPERS_LEGACY_DIR", raising=False)
    caplog.set_level(logging.WARNING)
    count = [0]

    def run(argv: Sequence[str] = ("run",), seeded: bool = True, **faults: object) -> Outcome:
        faults = {"stall_seconds": STALL_SECONDS, "max_in_a_row": MAX_IN_A_ROW, **faults}
        count[0] += 1
        where = tmp_path / f"run{count[0]}"
        where.mkdir()
        sleeps.clear()
        caplog.clear()
        with serve_faults(e2e_world.route, **faults) as served:  # type: ignore[arg-type]
            cfg = where / "hotpapers.toml"
            cfg.write_text(f'db = "{where / "s.db"}"\nout_dir = "{where / "out"}"\nhttp_timeout = {TIMEOUT}\n'
                           '[arxiv]\ndelay_seconds = 0\ncategories = ["cs", "stat.ML", "math"]\n')
            monkeypatch.setenv("HOTPAPERS_CONFIG", str(cfg))
            for key, value in e2e_world.environment(served.url).items():
                monkeypatch.setenv(key, value)
            if seeded:
                store_records(SQLiteStore(where / "s.db"), list(e2e_world.seed(served.url)))
            started = time.monotonic()
            code = main(list(argv))
            seconds = time.monotonic() - started
            captured = capsys.readouterr()
            tracebacks = [r.getMessage() for r in caplog.records if r.exc_info is not None]
        export = where / "export.jsonl"
        exported = main(["export", "--out", str(export)])
        capsys.readouterr()
        data = export.read_bytes().replace(served.url.encode(), MASK) if exported == 0 else b""
        states = list(SQLiteStore(where / "s.db").iter_states())
        return Outcome(code, captured.out, captured.err, data, states, _files(where / "out", served), served,
                       list(sleeps), tracebacks, where / "s.db", seconds)

    with stamina.set_testing(True, attempts=ATTEMPTS):
        yield run


def _no_traceback(outcome: Outcome) -> None:
    assert "Traceback" not in outcome.out + outcome.err
    assert outcome.tracebacks == []


def _post_keys(outcome: Outcome) -> list[tuple[str, str]]:
    return [(p.platform, p.post_id) for p in SQLiteStore(outcome.db).iter_posts()]


def _same(faulted: Outcome, clean: Outcome, what: object) -> None:
    assert faulted.export == clean.export, what
    assert faulted.states == clean.states, what
    assert faulted.outputs == clean.outputs, what


def test_transient_faults_leave_store_and_outputs_unchanged(run_under_faults: Runner) -> None:
    """Under every seed, the faulted run of every source exits 0 with the fault-free store, checkpoints and outputs."""
    clean = run_under_faults(seed=0, kinds=())
    assert clean.code == 0 and clean.served.faults == []
    assert f"{DAY}---Hot-Papers.md" in clean.outputs and clean.export
    assert {row[1] for name, row in clean.rows().items() if name in SOURCES} == {"ok"}
    injected: Counter[str] = Counter()
    faulted_prefixes: set[str] = set()
    clean_posts = _post_keys(clean)
    completed = lost = duplicated = 0
    for seed in SEEDS:
        faulted = run_under_faults(seed=seed, kinds=TRANSIENT_FAULTS)
        completed += faulted.code == 0
        posts = _post_keys(faulted)
        lost += len(set(clean_posts) - set(posts))
        duplicated += len(posts) - len(set(posts))
        assert faulted.code == 0, (seed, faulted.out, faulted.err)
        _same(faulted, clean, seed)
        assert len(faulted.served.requests) == len(clean.served.requests) + len(faulted.served.faults), seed
        assert max(faulted.sleeps, default=0.0) < 5.0, (seed, faulted.sleeps)  # throttles only: Retry-After is 0
        _no_traceback(faulted)
        injected += faulted.served.counts()
        faulted_prefixes |= {p for f in faulted.served.faults for p in (*e2e_world.PREFIXES.values(), "/rss/")
                             if f.path.startswith(p)}
    assert set(injected) == set(TRANSIENT_FAULTS), injected
    assert faulted_prefixes == {*e2e_world.PREFIXES.values(), "/rss/"}  # every source was faulted
    assert (lost, duplicated) == (0, 0)
    # the numbers of docs/reliability.md (pytest -s shows them)
    print(f"\nfaults injected {sum(injected.values())} {dict(sorted(injected.items()))}; runs {len(SEEDS)}, "
          f"completed {completed}; requests per clean run {len(clean.served.requests)}; posts per run "
          f"{len(clean_posts)}, lost {lost}, duplicated {duplicated}")


def test_same_seed_same_schedule(run_under_faults: Runner) -> None:
    """The schedule depends on the seed alone: a failing seed can be replayed."""
    first = run_under_faults(seed=SEEDS[0], kinds=TRANSIENT_FAULTS)
    again = run_under_faults(seed=SEEDS[0], kinds=TRANSIENT_FAULTS)
    assert first.served.faults == again.served.faults and first.served.faults


@pytest.mark.parametrize("source", SOURCES)
def test_a_source_that_stays_down_is_reported_and_skipped(run_under_faults: Runner, source: str) -> None:
    """A source answering 503 every time is retried ATTEMPTS times, reported FAILED (exit 8); the others finish
    with the fault-free posts and engagement."""
    prefix = e2e_world.PREFIXES[source]
    clean = run_under_faults(seed=0, kinds=())
    down = run_under_faults(seed=0, kinds=("503",), rate=1.0, max_in_a_row=10**6, prefixes=(prefix,))
    assert down.code == 8
    rows = down.rows()
    assert rows[source][1].startswith("FAILED: HTTP 503 from"), rows[source]
    others = set(SOURCES) - {source}
    assert all(rows[name][1] == "ok" for name in others)
    first = next(p for p in down.served.requests if p.startswith(prefix))
    assert down.served.requests.count(first) == ATTEMPTS
    assert down.posts(others) == clean.posts(others) and clean.posts(others)
    assert down.outputs.keys() == clean.outputs.keys()
    _no_traceback(down)


@pytest.mark.parametrize("source", SOURCES)
def test_a_malformed_body_fails_that_source_only(run_under_faults: Runner, source: str) -> None:
    """A 200 with garbage is not retried: that source is FAILED (exit 8) naming the request, with no traceback;
    nothing of the others is lost."""
    prefix = e2e_world.PREFIXES[source]
    clean = run_under_faults(seed=0, kinds=())
    bad = run_under_faults(seed=0, kinds=("malformed",), rate=1.0, max_in_a_row=1, prefixes=(prefix,))
    assert bad.served.counts()["malformed"] >= 1
    assert bad.code == 8, bad.out
    rows = bad.rows()
    assert rows[source][1].startswith("FAILED: ") and "not JSON" in rows[source][1], rows[source]
    assert f"(from {bad.served.url}{prefix}" in rows[source][1]  # the failure names the request
    others = set(SOURCES) - {source}
    assert all(rows[name][1] == "ok" for name in others)
    assert bad.posts(others) == clean.posts(others) and clean.posts(others)
    assert bad.outputs.keys() == clean.outputs.keys()
    _no_traceback(bad)


def test_a_malformed_listing_is_a_clean_error(run_under_faults: Runner) -> None:
    """Garbage instead of the arXiv RSS listing: with nothing stored for the day, the run stops with a message."""
    bad = run_under_faults(seed=0, kinds=("malformed",), rate=1.0, max_in_a_row=10**6, prefixes=("/rss/",))
    assert bad.served.counts()["malformed"] >= 1
    assert bad.code not in (0, 8)
    assert "not well-formed XML" in bad.err and f"(from {bad.served.url}/rss/" in bad.err, bad.err
    _no_traceback(bad)
    assert set(ALL_FAULTS) >= set(bad.served.counts())


INGESTS = (("ingest", "--date", "2025-04-08"), ("ingest", "--date", "2014-11-21", "--replacements"))
"""A past day rebuilt from the API (``search_submitted``), and one with OAI-PMH replacements (``ListRecords``
with a resumption token): 2504.04921 (cs.SE) was submitted in 2025-04-08's window; 0704.0874 (math.AG) has a
version submitted in 2014-11-21's."""


@pytest.mark.parametrize("argv", INGESTS, ids=["api", "api+oai"])
def test_arxiv_api_and_oai_paths_under_transient_faults(run_under_faults: Runner, argv: tuple[str, ...]) -> None:
    """Ingesting a past day through the API (and OAI-PMH) under every seed stores what the fault-free ingest does."""
    clean = run_under_faults(argv, seeded=False, seed=0, kinds=())
    assert clean.code == 0 and clean.export, clean.err
    assert any(p.startswith("/api/query") for p in clean.served.requests)
    injected: Counter[str] = Counter()
    for seed in SEEDS:
        faulted = run_under_faults(argv, seeded=False, seed=seed, kinds=TRANSIENT_FAULTS)
        assert faulted.code == 0, (seed, faulted.err)
        assert faulted.export == clean.export, seed
        assert len(faulted.served.requests) == len(clean.served.requests) + len(faulted.served.faults), seed
        _no_traceback(faulted)
        injected += Counter(f.path.split("?")[0] for f in faulted.served.faults)
    paths = {"/api/query", "/oai"} if "--replacements" in argv else {"/api/query"}
    assert set(injected) == paths, injected
    print(f"\n{' '.join(argv)}: faults injected {sum(injected.values())} {dict(sorted(injected.items()))}; runs "
          f"{len(SEEDS)}, all identical to the fault-free ingest; requests per clean ingest {len(clean.served.requests)}")


def test_a_stalled_server_costs_at_most_the_timeout_per_request(run_under_faults: Runner) -> None:
    """Every first request to arXiv, X and Reddit stalls for 20 s: with HOTPAPERS_HTTP_TIMEOUT = 0.25 s each costs
    about 0.25 s, not 20 s, and the run ends with the fault-free store."""
    clean = run_under_faults(seed=0, kinds=())
    stalled = run_under_faults(seed=0, kinds=("stall",), rate=1.0, max_in_a_row=1, stall_seconds=20.0,
                               prefixes=("/rss/", "/x/", "/reddit/"))
    stalls = stalled.served.counts()["stall"]
    assert stalled.code == 0 and stalls >= 6, (stalls, stalled.err)
    _same(stalled, clean, "stall")
    assert stalled.seconds < clean.seconds + stalls * (TIMEOUT + 0.75), (stalled.seconds, clean.seconds, stalls)


def test_x_honours_retry_after_without_rate_limit_headers(run_under_faults: Runner) -> None:
    """X's own 429 handling waits the response's Retry-After (0 s here), not its one-minute default."""
    limited = run_under_faults(seed=0, kinds=("429",), rate=1.0, max_in_a_row=1, prefixes=("/x/",))
    assert limited.code == 0 and limited.served.counts()["429"] >= 1
    assert limited.sleeps and max(limited.sleeps) < 5.0, limited.sleeps  # X adds 1 s past the reset


def test_store_counts_after_faults(run_under_faults: Runner) -> None:
    """No post lost or duplicated: the faulted store has the fault-free counts."""
    clean = run_under_faults(seed=0, kinds=())
    faulted = run_under_faults(seed=SEEDS[-1], kinds=TRANSIENT_FAULTS)
    assert clean.code == faulted.code == 0
    assert faulted.served.faults
    assert SQLiteStore(faulted.db).counts() == SQLiteStore(clean.db).counts()


@pytest.mark.parametrize("provider", e2e_world.PROVIDERS)
def test_an_enrichment_provider_that_stays_down_is_reported_and_skipped(run_under_faults: Runner, provider: str) -> None:
    """A provider's service answering 503 every time: that provider FAILED (exit 8); the sources, the other
    providers and the outputs are as in a fault-free run, but for what that provider would have added."""
    prefix = e2e_world.PROVIDER_PREFIXES[provider]
    clean = run_under_faults(seed=0, kinds=())
    down = run_under_faults(seed=0, kinds=("503",), rate=1.0, max_in_a_row=10**6, prefixes=(prefix,))
    assert down.code == 8
    rows = down.rows()
    assert rows[provider][1].startswith("FAILED: HTTP 503 from"), rows[provider]
    assert all(rows[name][1] == "ok" for name in (*e2e_world.PROVIDERS, *SOURCES) if name != provider)
    assert down.posts(SOURCES) == clean.posts(SOURCES) and clean.posts(SOURCES)
    assert down.outputs.keys() == clean.outputs.keys()
    _no_traceback(down)


def test_a_malformed_batch_fails_scholarly_only(run_under_faults: Runner) -> None:
    """Garbage instead of Semantic Scholar's batch: scholarly FAILED naming the request; the others are ok."""
    bad = run_under_faults(seed=0, kinds=("malformed",), rate=1.0, max_in_a_row=1, prefixes=("/s2/",))
    rows = bad.rows()
    assert bad.code == 8 and rows["scholarly"][1].startswith("FAILED: Semantic Scholar paper/batch response: not JSON")
    assert f"(from {bad.served.url}/s2/paper/batch" in rows["scholarly"][1]
    assert rows["code"][1] == "ok" and rows["artifacts"][1] == "ok"
    _no_traceback(bad)
