"""Loopback load on `hotpapers serve`: a day's digest, side by side with a bare Starlette app serving the same bytes.

The store is the bundled sample with every day published with both presets (the same data the tests use). Two
servers run, one after the other, on 127.0.0.1, both under uvicorn with the same options (one worker, httptools
and uvloop when installed, access log on, written to /dev/null):

* `hotpapers serve` over that store (a child process, as a user runs it);
* a bare Starlette app whose one route returns the digest's bytes from memory: the practical limit on this machine.

Each is loaded for ``--duration`` seconds by ``--connections`` concurrent keep-alive clients asking for
``/api/v1/digests/2021-04-19?preset=classic`` (the sample's largest day, about 110 kB), first plainly (200 with
the whole body), then revalidating with ``If-None-Match`` (304, the usual request of a client that has the day).
The load generator is Debian's ``wrk`` (``apt-get install wrk``; one thread, so that the server keeps a core of the
two), or without it a small asyncio HTTP/1.1 client written here (slower: it takes more of the CPU it shares with
the server, and says so). Prints a Markdown table: requests per second, p50 and p99 latency, and the ratio.

    python benchmarks/serve_load.py                 # 60 s per run (4 runs: about 4.5 minutes)
    python benchmarks/serve_load.py --duration 5    # a quick look
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import httpx

from hotpapers.cli import main as hotpapers

DAY = "2021-04-19"
PATH = f"/api/v1/digests/{DAY}?preset=classic"

BARE_APP = textwrap.dedent('''
    """A bare Starlette app: one route returning the bytes of a file, read once at start-up, from memory."""
    import os
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    BODY = open(os.environ["BENCH_BODY"], "rb").read()
    ETAG = os.environ["BENCH_ETAG"]

    async def digest(request):
        if request.headers.get("if-none-match") == ETAG:
            return Response(status_code=304, headers={"ETag": ETAG})
        return Response(BODY, media_type="application/json", headers={"ETag": ETAG})

    app = Starlette(routes=[Route("/api/v1/digests/{date}", digest)])
''')


@dataclass
class Result:
    """One load run."""

    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def publish(folder: Path) -> str:
    """The sample in a store, every day published with both presets."""
    db = str(folder / "bench.db")
    with resources.as_file(resources.files("hotpapers") / "data" / "sample.jsonl") as sample:
        assert hotpapers(["--db", db, "import", str(sample)]) == 0
    for preset in ("classic", "default"):
        for day in ("2020-08-18", "2020-11-18", "2021-01-15", DAY):
            args = ["--db", db, "render", "--date", day, "--preset", preset, "--format", "json", "--out", str(folder)]
            assert hotpapers(args) == 0
    return db


def start(command: list[str], env: dict[str, str], url: str) -> subprocess.Popen[bytes]:
    """Start a server (its output to /dev/null) and wait until ``url`` answers."""
    child = subprocess.Popen(command, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(url, timeout=1).raise_for_status()
            return child
        except httpx.HTTPError:
            if child.poll() is not None or time.monotonic() > deadline:
                child.kill()
                raise SystemExit(f"server did not start: {' '.join(command)}") from None
            time.sleep(0.1)


def stop(child: subprocess.Popen[bytes]) -> None:
    child.terminate()
    try:
        child.wait(timeout=15)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([0-9.]+)([a-z]+)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def run_wrk(url: str, etag: str | None, connections: int, duration: int) -> Result:
    """``wrk -t1 -cN -dS --latency`` (with an If-None-Match header for the revalidating run)."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", url]
    if etag:
        command[1:1] = ["-H", f"If-None-Match: {etag}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\n\s+50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\n\s+99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: .*", out)
    return Result(rps, p50, p99, int(errors.group(1)) if errors and errors.group(1) else 0)


async def _client(host: str, port: int, request: bytes, stop_at: float, latencies: list[float]) -> int:
    """One keep-alive connection sending ``request`` until ``stop_at``; returns the count of bad answers."""
    reader, writer = await asyncio.open_connection(host, port)
    bad = 0
    try:
        while time.monotonic() < stop_at:
            began = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = re.search(rb"(?i)content-length: *(\d+)", head)
            if length:
                await reader.readexactly(int(length.group(1)))
            latencies.append(time.perf_counter() - began)
            bad += status not in (200, 304)
    finally:
        writer.close()
    return bad


def run_asyncio(url: str, etag: str | None, connections: int, duration: int) -> Result:
    """The fallback load generator: ``connections`` asyncio clients on one event loop."""
    parsed = httpx.URL(url)
    extra = f"If-None-Match: {etag}\r\n" if etag else ""
    target = parsed.raw_path.decode()
    request = f"GET {target} HTTP/1.1\r\nHost: {parsed.host}\r\n{extra}\r\n".encode()
    latencies: list[float] = []

    async def load() -> int:
        stop_at = time.monotonic() + duration
        port = parsed.port or 80
        bad = await asyncio.gather(*(_client(parsed.host, port, request, stop_at, latencies)
                                     for _ in range(connections)))
        return sum(bad)

    began = time.monotonic()
    errors = asyncio.run(load())
    elapsed = time.monotonic() - began
    cuts = statistics.quantiles(latencies, n=100)
    return Result(len(latencies) / elapsed, cuts[49] * 1000, cuts[98] * 1000, errors)


def measure(name: str, command: list[str], env: dict[str, str], url: str, args: argparse.Namespace,
            etag: str) -> list[tuple[str, str, Result]]:
    """Start the server, load it plainly and revalidating, stop it."""
    child = start(command, env, url)
    try:
        load = run_wrk if shutil.which("wrk") and not args.asyncio else run_asyncio
        load(url, None, args.connections, min(3, args.duration))  # warm-up: caches, JIT-free but page cache
        return [(name, "200, whole body", load(url, None, args.connections, args.duration)),
                (name, "304, If-None-Match", load(url, etag, args.connections, args.duration))]
    finally:
        stop(child)


def etag_of(db: str, port: int) -> tuple[str, int]:
    """The digest's ETag and size as `hotpapers serve` gives them (a short run of the server)."""
    url = f"http://127.0.0.1:{port}{PATH}"
    child = start([sys.executable, "-m", "hotpapers", "--db", db, "serve", "--port", str(port)], {}, url)
    try:
        answer = httpx.get(url)
        return answer.headers["etag"], len(answer.content)
    finally:
        stop(child)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds per run [60]")
    parser.add_argument("--connections", type=int, default=50, help="concurrent keep-alive clients [50]")
    parser.add_argument("--asyncio", action="store_true", help="use the asyncio load generator even with wrk")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hp-serve-bench-") as tmp:
        folder = Path(tmp)
        db = publish(folder)
        port = free_port()
        url = f"http://127.0.0.1:{port}{PATH}"
        etag, size = etag_of(db, port)
        serve = [sys.executable, "-m", "hotpapers", "--db", db, "serve", "--port", str(port)]
        served = measure("hotpapers serve", serve, {}, url, args, etag)
        (folder / "bare.py").write_text(BARE_APP)
        env = {"BENCH_BODY": str(folder / "json" / f"{DAY}.json"), "BENCH_ETAG": etag, "PYTHONPATH": str(folder)}
        bare_cmd = [sys.executable, "-m", "uvicorn", "bare:app", "--port", str(port), "--log-level", "info"]
        bare = measure("bare Starlette", bare_cmd, env, url, args, etag)
    tool = "wrk, 1 thread" if shutil.which("wrk") and not args.asyncio else "the asyncio client"
    print(f"\n{args.connections} connections, {args.duration} s per run, {tool}; GET {PATH} ({size:,} bytes)\n")
    print("| server | answer | requests/s | p50 ms | p99 ms | errors |")
    print("|---|---|---:|---:|---:|---:|")
    for name, what, result in [*served, *bare]:
        print(f"| {name} | {what} | {result.rps:,.0f} | {result.p50_ms:.2f} | {result.p99_ms:.2f} | {result.errors} |")
    for (_, what, mine), (_, _, theirs) in zip(served, bare, strict=True):
        print(f"\n{what}: hotpapers serve at {mine.rps / theirs.rps:.0%} of the bare app's requests/s")


if __name__ == "__main__":
    main()
