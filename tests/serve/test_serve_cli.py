"""`hotpapers serve` and `hotpapers mcp` as commands: a real server answering over HTTP, and their one-line errors."""

from __future__ import annotations

import importlib.util
import socket
import sqlite3
from pathlib import Path

import httpx
import pytest

from hotpapers.cli import main

from helpers.serving import Published, running


def test_serve_answers_over_http(published: Published) -> None:
    """A running `hotpapers serve` answers the digest's dataset bytes, a 304, a HEAD and a 405 over HTTP."""
    with running(published.db) as url:
        answer = httpx.get(f"{url}/api/v1/digests/2021-04-19?preset=default")
        assert answer.content == published.dataset("default", "2021-04-19")
        again = httpx.get(f"{url}/api/v1/digests/2021-04-19?preset=default",
                          headers={"If-None-Match": answer.headers["etag"]})
        assert again.status_code == 304
        head = httpx.head(f"{url}/api/v1/digests/2021-04-19?preset=default")
        assert head.status_code == 200 and head.headers["content-length"] == str(len(answer.content))
        assert httpx.delete(f"{url}/api/v1/days").status_code == 405
        assert "server" not in answer.headers


def test_serve_with_two_workers(published: Published) -> None:
    """--workers 2 runs worker processes that each open the store from the environment and answer alike."""
    with running(published.db, "--workers", "2", timeout=60) as url:
        answers = {httpx.get(f"{url}/api/v1/digests/latest?preset=classic").content for _ in range(6)}
        assert answers == {published.dataset("classic", "2021-04-19")}


def test_missing_store_is_exit_5(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """serve (and mcp) on a store that does not exist: exit 5, one line, and no store created."""
    db = tmp_path / "none.db"
    for command in ("serve", "mcp"):
        assert main(["--db", str(db), command]) == 5
        lines = capsys.readouterr().err.strip().splitlines()
        assert len(lines) == 1 and "no such store" in lines[0]
    assert not db.exists()


def test_missing_extra_is_exit_3(published: Published, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Without the serve extra, both commands say which extra to install in one line, exit 3."""
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name in ("uvicorn", "mcp") else real(name, *a))
    for command in ("serve", "mcp"):
        assert main(["--db", published.db, command]) == 3
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0 and "pip install 'hotpapers[serve]'" in err


def test_port_in_use_is_exit_2(published: Published, capsys: pytest.CaptureFixture[str]) -> None:
    """A port another server holds: exit 2 and one line naming host and port."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        assert main(["--db", published.db, "serve", "--host", "127.0.0.1", "--port", str(port)]) == 2
    assert f"--port {port}" in capsys.readouterr().err


def test_older_schema_is_refused_not_migrated(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A store of an older schema is refused (exit 5, saying how to migrate it), and left as it was."""
    db = tmp_path / "old.db"
    with sqlite3.connect(db) as raw:
        raw.execute("CREATE TABLE IF NOT EXISTS hotpapers_meta (key TEXT PRIMARY KEY, value TEXT)")
        raw.execute("INSERT OR REPLACE INTO hotpapers_meta VALUES ('schema_version', '1')")
    before = db.read_bytes()
    assert main(["--db", str(db), "serve"]) == 5
    assert "older" in capsys.readouterr().err
    assert db.read_bytes() == before
