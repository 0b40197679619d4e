"""The serve tests' world: the bundled sample in a store, every day published with both presets and written by
``hotpapers render --format json`` (with and without ``--has-code``), one paper given a code repository; and a real
``hotpapers serve`` in a child process on a free 127.0.0.1 port, for the end-to-end and browser tests."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import httpx

from hotpapers.cli import main
from hotpapers.models import ArxivId, CodeHost, CodeLink, FoundIn
from hotpapers.store import open_store

PRESETS = ("classic", "default")
DAYS = ("2020-08-18", "2020-11-18", "2021-01-15", "2021-04-19")  # the sample's listing days
WITH_CODE = "2104.08223"  # given a code repository below (the sample has no enrichment)


@dataclass(frozen=True)
class Published:
    """A store with every sample day published with both presets, and the files ``render`` wrote."""

    db: str
    out: Path  # OUT/<preset>/json/<day>.json and OUT/<preset>-code/json/<day>.json

    def dataset(self, preset: str, day: str, *, has_code: bool = False) -> bytes:
        """The bytes ``render --date DAY --preset PRESET --format json`` wrote."""
        return (self.out / (preset + ("-code" if has_code else "")) / "json" / f"{day}.json").read_bytes()


def run(*argv: str) -> None:
    """Run ``hotpapers ARGV`` in-process; fail on a non-zero exit."""
    assert main(list(argv)) == 0, argv


def publish(folder: Path) -> Published:
    """Import the sample into ``folder``, add a code link to one paper, and render every day with each preset
    (plain and ``--has-code``)."""
    db = str(folder / "sample.db")
    with resources.as_file(resources.files("hotpapers") / "data" / "sample.jsonl") as sample:
        run("--db", db, "import", str(sample))
    with open_store(db) as store:
        store.add_enrichment([CodeLink(ArxivId(WITH_CODE), "https://github.com/facebookresearch/meshtalk",
                                       CodeHost.GITHUB, FoundIn.ABSTRACT, dt.datetime(2021, 4, 20, tzinfo=dt.UTC))])
    for preset in PRESETS:
        for day in DAYS:
            common = ("--db", db, "render", "--date", day, "--preset", preset, "--format", "json")
            run(*common, "--out", str(folder / preset))
            run(*common, "--has-code", "--out", str(folder / f"{preset}-code"))
    return Published(db, folder)


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running(db: str, *args: str, env: dict[str, str] | None = None, timeout: float = 30) -> Iterator[str]:
    """Start ``hotpapers --db DB serve --port P ARGS``; yield its base URL once it answers; stop it afterwards."""
    port = free_port()
    command = [sys.executable, "-m", "hotpapers", "--db", db, "serve", "--host", "127.0.0.1", "--port", str(port),
               *args]
    child = subprocess.Popen(command, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if child.poll() is not None:
                raise RuntimeError(f"hotpapers serve exited {child.returncode}: {child.stdout.read()!r}")  # type: ignore[union-attr]
            try:
                httpx.get(f"{url}/api/v1", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        child.terminate()
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
