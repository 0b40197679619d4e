"""``hotpapers run`` against a fault-injecting server: transient faults change nothing, bad bodies sink one source.

The server (tests/faultserver.py) replays the recordings of tests/test_run_e2e.py and injects, on a seeded
schedule, 429 with ``Retry-After: 0``, 500/502/503, stalls past the client's read timeout, reset connections
and truncated bodies (at most ``MAX_IN_A_ROW`` in a row per path, so retries get through), or malformed bodies.
Each faulted run is compared with a fault-free run: the exported store (papers, announcements, posts,
engagement, digests) and every output file must be byte for byte the same.

The run is made fast without changing what it does: clients get a 0.25 s read timeout (``make_client`` is
wrapped where the run builds its clients), stamina's waits are zeroed (``stamina.set_testing``), and the
sources' ``sleep`` (throttles, X's rate-limit waits) is recorded instead of slept.
"""

from __future__ import annotations

import functools
import logging
import os
from collections import Counter
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import orjson
import pytest
import stamina

import hotpapers.http
from faultserver import ALL_FAULTS, TRANSIENT_FAULTS, FaultServed, serve_faults
from hotpapers.cli import app, main
from hotpapers.collect_job import Environment
from hotpapers.store import SQLiteStore
from test_run_e2e import DAY, NOW, SERVED, _route

ATTEMPTS = 4  # per request, as stamina.set_testing caps them
MAX_IN_A_ROW = 2  # < ATTEMPTS: every transient fault is eventually retried through
READ_TIMEOUT = 0.25
STALL_SECONDS = 1.0
SEEDS = tuple(range(1, 11))


@dataclass
class Outcome:
    """What one ``hotpapers run`` left behind."""

    code: int
    out: str
    err: str
    export: bytes
    outputs: dict[str, bytes]
    served: FaultServed
    sleeps: list[float]
    tracebacks: list[str]
    db: Path

    def rows(self) -> dict[str, list[str]]:
        """The summary table: source name -> its cells."""
        return {line.split("\t")[0]: line.split("\t") for line in self.out.splitlines() if "\t" in line}

    def posts(self, platforms: Collection[str]) -> list[bytes]:
        """The exported post and engagement lines of ``platforms``."""
        return [line for line in self.export.splitlines() if orjson.loads(line).get("platform") in platforms]


Runner = Callable[..., Outcome]


@pytest.fixture
def run_under_faults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> Iterator[Runner]:
    """A function running ``hotpapers run`` in a fresh directory against a fault server (``serve_faults`` kwargs)."""
    sleeps: list[float] = []
    fast = functools.partial(hotpapers.http.make_client, timeout=httpx.Timeout(READ_TIMEOUT))
    monkeypatch.setattr("hotpapers.collect_job.make_client", fast)
    monkeypatch.setattr("hotpapers.ingest_job.make_client", fast)
    monkeypatch.setattr(
        "hotpapers.cli.collecting._environment",
        lambda ctx: Environment(env=os.environ, now=lambda: NOW, sleep=sleeps.append, contact=None),
    )
    monkeypatch.setattr(app, "now_utc", lambda: NOW)
    monkeypatch.setattr("hotpapers.cli.collecting.now_utc", lambda: NOW)
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    monkeypatch.delenv("HOTPAPERS_LEGACY_DIR", raising=False)
    caplog.set_level(logging.WARNING)
    count = [0]

    def run(**faults: object) -> Outcome:
        faults = {"stall_seconds": STALL_SECONDS, "max_in_a_row": MAX_IN_A_ROW, **faults}
        count[0] += 1
        where = tmp_path / f"run{count[0]}"
        where.mkdir()
        sleeps.clear()
        caplog.clear()
        with serve_faults(_route, **faults) as served:  # type: ignore[arg-type]
            SERVED[:] = [served]  # the route reads a POST's body (Semantic Scholar's batch) from it
            cfg = where / "hotpapers.toml"
            cfg.write_text(f'db = "{where / "s.db"}"\nout_dir = "{where / "out"}"\n[arxiv]\ndelay_seconds = 0\n')
            url = served.url
            for key, value in {
                "HOTPAPERS_CONFIG": str(cfg),
                "HOTPAPERS_ARXIV_RSS_URL": f"{url}/rss",
                "HOTPAPERS_ARXIV_API_URL": f"{url}/api/query",
                "HOTPAPERS_X_API_URL": f"{url}/x",
                "HOTPAPERS_X_BEARER_TOKEN": "test-token-not-secret",
                "HOTPAPERS_BSKY_APPVIEW_URL": f"{url}/bsky",
                "HOTPAPERS_HN_API_URL": f"{url}/hn",
                "HOTPAPERS_HF_API_URL": f"{url}/hf",
                "HOTPAPERS_GITHUB_API_URL": f"{url}/gh",
                "HOTPAPERS_S2_API_URL": f"{url}/s2",
            }.items():
                monkeypatch.setenv(key, value)
            code = main(["run"])
            captured = capsys.readouterr()
            tracebacks = [r.getMessage() for r in caplog.records if r.exc_info is not None]
        export = where / "export.jsonl"
        exported = main(["export", "--out", str(export)])
        capsys.readouterr()
        out_dir = where / "out"
        outputs = {p.name: p.read_bytes() for p in sorted(out_dir.iterdir())} if out_dir.exists() else {}
        return Outcome(code, captured.out, captured.err, export.read_bytes() if exported == 0 else b"", outputs,
                       served, list(sleeps), tracebacks, where / "s.db")

    with stamina.set_testing(True, attempts=ATTEMPTS):
        yield run


def _no_traceback(outcome: Outcome) -> None:
    assert "Traceback" not in outcome.out + outcome.err
    assert outcome.tracebacks == []


def test_transient_faults_leave_store_and_outputs_unchanged(run_under_faults: Runner) -> None:
    """Under every seed, the faulted run exits 0 with the fault-free run's store export and output bytes."""
    clean = run_under_faults(seed=0, kinds=())
    assert clean.code == 0 and clean.served.faults == []
    assert f"{DAY}---Hot-Papers.md" in clean.outputs and clean.export
    injected: Counter[str] = Counter()
    clean_posts = _post_keys(clean)
    completed = lost = duplicated = 0
    for seed in SEEDS:
        faulted = run_under_faults(seed=seed, kinds=TRANSIENT_FAULTS)
        completed += faulted.code == 0
        posts = _post_keys(faulted)
        lost += len(set(clean_posts) - set(posts))
        duplicated += len(posts) - len(set(posts))
        assert faulted.code == 0, (seed, faulted.out, faulted.err)
        assert faulted.export == clean.export, seed
        assert faulted.outputs == clean.outputs, seed
        if faulted.served.faults:  # every fault was retried: one more request each
            assert len(faulted.served.requests) == len(clean.served.requests) + len(faulted.served.faults), seed
        assert max(faulted.sleeps, default=0.0) < 5.0, (seed, faulted.sleeps)  # throttles only: Retry-After is 0
        _no_traceback(faulted)
        injected += faulted.served.counts()
    assert set(injected) == set(TRANSIENT_FAULTS), injected
    assert (lost, duplicated) == (0, 0)
    # the numbers of docs/reliability.md (pytest -s shows them)
    print(f"\nfaults injected {sum(injected.values())} {dict(sorted(injected.items()))}; runs {len(SEEDS)}, "
          f"completed {completed}; posts per run {len(clean_posts)}, lost {lost}, duplicated {duplicated}")


def _post_keys(outcome: Outcome) -> list[tuple[str, str]]:
    return [(p.platform, p.post_id) for p in SQLiteStore(outcome.db).iter_posts()]


def test_same_seed_same_schedule(run_under_faults: Runner) -> None:
    """The schedule depends on the seed alone: a failing seed can be replayed."""
    first = run_under_faults(seed=SEEDS[0], kinds=TRANSIENT_FAULTS)
    again = run_under_faults(seed=SEEDS[0], kinds=TRANSIENT_FAULTS)
    assert first.served.faults == again.served.faults and first.served.faults


@pytest.mark.parametrize(("prefix", "source"), [("/hn/", "hackernews"), ("/hf/", "huggingface"), ("/x/", "x")])
def test_a_source_that_stays_down_is_reported_and_skipped(run_under_faults: Runner, prefix: str, source: str) -> None:
    """A source answering 503 every time is retried ATTEMPTS times, reported FAILED (exit 8); the others finish."""
    clean = run_under_faults(seed=0, kinds=())
    down = run_under_faults(seed=0, kinds=("503",), rate=1.0, max_in_a_row=10**6, prefixes=(prefix,))
    assert down.code == 8
    rows = down.rows()
    assert rows[source][1].startswith("FAILED: HTTP 503 from")
    assert all(rows[name][1] == "ok" for name in ("hackernews", "huggingface", "x") if name != source)
    first = next(p for p in down.served.requests if p.startswith(prefix))
    assert down.served.requests.count(first) == ATTEMPTS
    others = {"hackernews", "huggingface", "x"} - {source}
    assert down.posts(others) == clean.posts(others) and clean.posts(others)
    assert down.outputs.keys() == clean.outputs.keys()
    _no_traceback(down)


@pytest.mark.parametrize(("prefix", "source"), [("/hn/", "hackernews"), ("/hf/", "huggingface"), ("/x/", "x")])
def test_a_malformed_body_fails_that_source_only(run_under_faults: Runner, prefix: str, source: str) -> None:
    """A 200 with garbage is not retried: that source is FAILED (exit 8), with no traceback; nothing else is lost."""
    clean = run_under_faults(seed=0, kinds=())
    bad = run_under_faults(seed=0, kinds=("malformed",), rate=1.0, max_in_a_row=1, prefixes=(prefix,))
    assert bad.served.counts()["malformed"] >= 1
    assert bad.code == 8, bad.out
    rows = bad.rows()
    assert rows[source][1].startswith("FAILED: ") and "not JSON" in rows[source][1]
    assert f"(from {bad.served.url}{prefix}" in rows[source][1]  # the failure names the request
    others = {"hackernews", "huggingface", "x"} - {source}
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


@pytest.mark.parametrize(("prefix", "provider"), [("/gh/", "code"), ("/s2/", "scholarly"), ("/hf/papers/", "artifacts")])
def test_an_enrichment_provider_that_stays_down_is_reported_and_skipped(
    run_under_faults: Runner, prefix: str, provider: str
) -> None:
    """A provider's service answering 503 every time: that provider FAILED (exit 8); the sources, the other
    providers and the outputs are as in a fault-free run, but for what that provider would have added."""
    clean = run_under_faults(seed=0, kinds=())
    down = run_under_faults(seed=0, kinds=("503",), rate=1.0, max_in_a_row=10**6, prefixes=(prefix,))
    assert down.code == 8
    rows = down.rows()
    assert rows[provider][1].startswith("FAILED: HTTP 503 from"), rows[provider]
    assert all(rows[name][1] == "ok" for name in ("code", "scholarly", "artifacts", "x", "hackernews") if name != provider)
    sources = {"hackernews", "huggingface", "x"}
    assert down.posts(sources) == clean.posts(sources)
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
