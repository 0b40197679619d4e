"""A real ``hotpapers serve`` in a child process on a free 127.0.0.1 port, for the end-to-end and browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx


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
