"""The secrets of Reddit, Mastodon and YouTube never appear in output, logs, exceptions, the store or exports.

The real command line (``-v collect`` of the three sources, then ``export``) runs against a local GET+POST server
that answers with the world of tests/helpers/e2e_world.py, or with 401/500 errors whose bodies quote the
``Authorization`` header and the request's query string (where YouTube's key travels), as careless providers do.
"""

from __future__ import annotations

import base64
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson
import pytest
import stamina

from hotpapers.cli import collecting, main
from hotpapers.jobs.environment import Environment

from helpers import e2e_world
from helpers.localserver import Reply, Served, serve

REDDIT_ID, REDDIT_SECRET = "reddit-id-sekr1t-ID", "reddit-sekr1t-SECRET-0123"
REDDIT_TOKEN = "reddit-access-sekr1t-TOKEN-4567"
MASTODON_TOKEN = "mastodon-sekr1t-TOKEN-89ab"
YOUTUBE_KEY = "AIza-youtube-sekr1t-KEY-cdef"
SECRETS = (REDDIT_SECRET, REDDIT_TOKEN, MASTODON_TOKEN, YOUTUBE_KEY,
           base64.b64encode(f"{REDDIT_ID}:{REDDIT_SECRET}".encode()).decode())
SOURCES = ("reddit", "mastodon", "youtube")


@contextmanager
def _server(mode: str) -> Iterator[Served]:
    """The world (with a distinctive Reddit token) in mode 200; errors echoing what was sent otherwise."""
    current: list[Served] = []

    def route(path: str) -> Reply | None:
        if mode == "200":
            if path.startswith("/reddit/api/v1/access_token"):
                return Reply(orjson.dumps({"access_token": REDDIT_TOKEN, "token_type": "bearer", "expires_in": 3600,
                                           "scope": "*"}), content_type="application/json")
            return e2e_world.route(path)
        sent = current[0].headers[-1].get("Authorization", "none") if current and current[0].headers else "none"
        body = {"error": f"rejected {sent} for {path}", "message": f"rejected {sent} for {path}",
                "reason": f"rejected {sent}"}
        return Reply(orjson.dumps(body), int(mode), "application/json")

    with serve(route) as served:
        current.append(served)
        yield served


def _assert_clean(where: str, data: str | bytes) -> None:
    raw = data.encode("utf-8", "replace") if isinstance(data, str) else data
    for secret in SECRETS:
        assert secret.encode() not in raw, f"{secret!r} leaked into {where}"


@pytest.mark.parametrize("mode", ["200", "401", "500"])
def test_no_new_source_secret_leaks(mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    """``-v collect`` of Reddit, Mastodon and YouTube (answered, refused, failing) and ``export`` show no secret."""
    caplog.set_level(logging.DEBUG)
    db = tmp_path / "s.db"
    monkeypatch.setattr(collecting, "_environment", lambda ctx: Environment(env=os.environ, sleep=lambda s: None))
    with _server(mode) as served, stamina.set_testing(True, attempts=2):
        for key, value in e2e_world.environment(served.url).items():
            monkeypatch.setenv(key, value)
        for key, value in {"HOTPAPERS_REDDIT_CLIENT_ID": REDDIT_ID, "HOTPAPERS_REDDIT_CLIENT_SECRET": REDDIT_SECRET,
                           "HOTPAPERS_MASTODON_TOKEN": MASTODON_TOKEN, "HOTPAPERS_YOUTUBE_API_KEY": YOUTUBE_KEY,
                           "HOTPAPERS_CONFIG": str(tmp_path / "none.toml")}.items():
            monkeypatch.setenv(key, value)
        (tmp_path / "none.toml").write_text("")
        args = [arg for name in SOURCES for arg in ("--source", name)]
        codes = [main(["-v", "--db", str(db), "collect", *args, "--date", "2024-11-28"]),
                 main(["-v", "--db", str(db), "export", "--out", str(tmp_path / "dump.jsonl")])]
        assert served.requests
    captured = capsys.readouterr()
    assert codes == ([0, 0] if mode == "200" else [8, 0]), captured.out
    if mode != "200":
        assert captured.out.count("FAILED") == len(SOURCES)  # every error path ran
    _assert_clean("stdout", captured.out)
    _assert_clean("stderr", captured.err)
    for record in caplog.records:
        _assert_clean(f"log record {record.name}", record.getMessage())
        if record.exc_info and record.exc_info[1] is not None:
            _assert_clean(f"exception in log record {record.name}", repr(record.exc_info[1]))
    for path in tmp_path.iterdir():
        if path.is_file():
            _assert_clean(path.name, path.read_bytes())
