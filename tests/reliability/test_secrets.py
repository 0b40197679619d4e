"""Secrets never appear in output, logs, exceptions, the store or exports; URLs are redacted before logging.

The real command line runs against a local server that answers 200, 401 or 500 (and echoes the
``Authorization`` header it got into its error bodies, as careless providers do), with
``HOTPAPERS_X_BEARER_TOKEN``, ``HOTPAPERS_BSKY_APP_PASSWORD``, ``HOTPAPERS_HF_TOKEN`` and
``HOTPAPERS_GIT_TOKEN`` set to distinctive values, and the Bluesky session token being one too.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import stamina

from hotpapers.cli import collecting, main
from hotpapers.http import redact_url
from hotpapers.jobs.environment import Environment
from hotpapers.redact import encodings
from hotpapers.store import SQLiteStore

from helpers.factories import paper, post, snapshot
from helpers.localserver import Reply
from helpers.paths import SOCIAL

X_TOKEN = "XTOKEN-sekr1t-AAAAAAAAAAAAAAAAAAAAA-x9"
BSKY_PASSWORD = "bsky-pw-sekr1t-qqqq-zzzz"
BSKY_JWT = "eyJ-bsky-session-sekr1t-JWT.payload.sig"
HF_TOKEN = "hf_sekr1tTOKENvalue0123456789"
GIT_TOKEN = "ghp_sekr1tGITtoken0123456789"
SECRETS = (X_TOKEN, BSKY_PASSWORD, BSKY_JWT, HF_TOKEN, GIT_TOKEN)


def _route(mode: str, path: str, auth: str, body: bytes = b"") -> Reply:
    """200 with recorded bodies, or an error (401/500) whose body quotes the Authorization header.

    In mode "401" only the Bluesky login succeeds (so the session token is sent, then echoed); in mode
    "login-401" only the login fails; in mode "login-echo" the login fails quoting the request body it got (the
    app password JSON-escaped in it) and every other request fails quoting its URL and Authorization header.
    """
    if mode == "login-echo":
        quoted = body.decode("utf-8", "replace") if path.endswith("createSession") else f"{path} {auth}"
        return Reply(json.dumps({"error": "AuthenticationRequired", "message": f"bad request: {quoted}"}).encode(),
                     401, "application/json")
    if path.endswith("com.atproto.server.createSession"):
        if mode == "login-401":
            return Reply(json.dumps({"error": "AuthenticationRequired", "message": f"bad {auth}"}).encode(), 401,
                         "application/json")
        return Reply(json.dumps({"accessJwt": BSKY_JWT, "refreshJwt": BSKY_JWT + "r", "did": "did:plc:x"}).encode(),
                     200, "application/json")
    if mode in ("401", "500"):
        body = {"title": "Unauthorized", "detail": f"rejected {auth}", "error": "Nope", "message": f"rejected {auth}"}
        return Reply(json.dumps(body).encode(), int(mode), "application/json")
    if "/2/tweets/search/recent" in path:  # one page (no next_token) of posts linking arXiv
        page = json.loads((SOCIAL / "x" / "derived_arxiv_search_recent_kpop_with_partial_errors_TRUNCATED_40_of_100.json")
                          .read_bytes())
        page.get("meta", {}).pop("next_token", None)
        return Reply(json.dumps(page).encode(), 200, "application/json")
    if "/2/tweets" in path:
        return Reply((SOCIAL / "x" / "tweets_lookup_with_partial_errors_twarc2.json").read_bytes(), 200, "application/json")
    if "searchPosts" in path:
        found = (SOCIAL / "bluesky" / "derived" / "searchPosts_with_arxiv_links.body.json").read_bytes()
        return Reply(json.dumps({**json.loads(found), "cursor": None}).encode(), 200, "application/json")
    if "getPosts" in path:
        return Reply((SOCIAL / "bluesky" / "getPosts.body.json").read_bytes(), 200, "application/json")
    if "search_by_date" in path or "/search" in path:
        return Reply((SOCIAL / "hackernews" / "algolia_search_DERIVED_two_hits_url_replaced_by_arxiv.json")
                     .read_bytes(), 200, "application/json")
    if "daily_papers" in path:
        return Reply((SOCIAL / "huggingface" / "daily_papers_HANDMADE_date_2025-03-31.json").read_bytes(), 200,
                     "application/json")
    return Reply(b"{}", 404, "application/json")


@contextmanager
def _serve(mode: str) -> Iterator[tuple[str, list[str]]]:
    """A local GET+POST server (like tests/helpers/localserver.py, which serves GET only) in the given mode."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            seen.append(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            reply = _route(mode, self.path, self.headers.get("Authorization", "none"), body)
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

        do_GET = do_POST = _answer

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def _secret_env(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    for name, value in {
        "HOTPAPERS_X_BEARER_TOKEN": X_TOKEN, "HOTPAPERS_X_API_URL": url,
        "HOTPAPERS_BSKY_HANDLE": "someone.test", "HOTPAPERS_BSKY_APP_PASSWORD": BSKY_PASSWORD,
        "HOTPAPERS_BSKY_PDS_URL": url, "HOTPAPERS_BSKY_APPVIEW_URL": url,
        "HOTPAPERS_HN_API_URL": url, "HOTPAPERS_HN_USER_API_URL": url, "HOTPAPERS_HF_API_URL": url, "HOTPAPERS_HF_TOKEN": HF_TOKEN,
        "HOTPAPERS_GIT_TOKEN": GIT_TOKEN,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("HOTPAPERS_LEGACY_DIR", raising=False)
    monkeypatch.delenv("HOTPAPERS_CONFIG", raising=False)


def _assert_clean(where: str, text: str | bytes, secrets: tuple[str, ...] = SECRETS) -> None:
    data = text.encode("utf-8", "replace") if isinstance(text, str) else text
    for secret in secrets:
        for form in encodings(secret) if secrets is not SECRETS else {secret}:
            assert form.encode() not in data, f"{secret!r} leaked into {where} as {form!r}"


@pytest.mark.parametrize("mode", ["200", "401", "login-401", "500"])
def test_no_secret_reaches_output_logs_store_or_export(
    mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """``-v sources``, ``-v collect`` (success, 401 and 500 answers) and ``export`` never show a secret."""
    caplog.set_level(logging.DEBUG)
    db = tmp_path / "s.db"
    store = SQLiteStore(db)
    bsky = "at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3l6oveex3ii2l"
    store.upsert_papers([paper()])
    store.upsert_posts([post("1460323737035677698", "2104.08223"),
                        replace(post(bsky, "2104.08223"), platform="bluesky")])  # known posts, so lookups run
    store.add_snapshots([snapshot("1460323737035677698")])
    store.close()
    # the real environment, except that waiting between requests is skipped
    monkeypatch.setattr(collecting, "_environment",
                        lambda ctx: Environment(env=os.environ, sleep=lambda s: None))
    yesterday = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).date().isoformat()
    with _serve(mode) as (url, seen), stamina.set_testing(True, attempts=2):
        _secret_env(monkeypatch, url)
        codes = [
            main(["-v", "--db", str(db), "sources"]),
            main(["-v", "--db", str(db), "collect", "--date", yesterday]),
            main(["-v", "--db", str(db), "export"]),
            main(["-v", "--db", str(db), "export", "--out", str(tmp_path / "dump.jsonl")]),
        ]
    captured = capsys.readouterr()
    assert seen, "the sources asked the local server nothing"
    assert codes[0] == 0 and codes[2] == 0 and codes[3] == 0
    assert codes[1] == (0 if mode == "200" else 8), captured
    if mode == "401":  # the Bluesky session token was sent (and echoed back in the 401 body)
        assert any("searchPosts" in p for p in seen)
    _assert_clean("stdout", captured.out)
    _assert_clean("stderr", captured.err)
    for record in caplog.records:
        _assert_clean(f"log record {record.name}", record.getMessage())
        if record.exc_info and record.exc_info[1] is not None:
            _assert_clean(f"exception in log record {record.name}", repr(record.exc_info[1]))
    for path in tmp_path.iterdir():  # the store, its WAL/journal, the export
        if path.is_file():
            _assert_clean(path.name, path.read_bytes())
    if mode != "200":
        assert "FAILED" in captured.out  # the error paths did run


@pytest.mark.parametrize("mode", ["200", "500"])
def test_verbose_request_log_masks_credentials_in_configured_urls(
    mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An API URL configured with user:password is masked in every log line, httpx's own included."""
    caplog.set_level(logging.DEBUG)
    monkeypatch.setattr(collecting, "_environment",
                        lambda ctx: Environment(env=os.environ, sleep=lambda s: None))
    yesterday = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).date().isoformat()
    with _serve(mode) as (url, seen), stamina.set_testing(True, attempts=2):
        _secret_env(monkeypatch, url.replace("http://", f"http://proxyuser:{GIT_TOKEN}@"))
        code = main(["-v", "--db", str(tmp_path / "s.db"), "collect", "--source", "hackernews", "--date", yesterday])
    captured = capsys.readouterr()
    assert seen and code == (0 if mode == "200" else 8)
    assert any(r.name == "httpx" for r in caplog.records)  # httpx's request line was logged, masked
    _assert_clean("stdout", captured.out)
    _assert_clean("stderr", captured.err)
    for record in caplog.records:
        _assert_clean(f"log record {record.name}", record.getMessage())


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        ("https://api.test/v1?token=SEKRET&q=1", "SEKRET"),
        ("https://api.test/v1?access_token=SEKRET", "SEKRET"),
        ("https://api.test/v1?api_key=SEKRET", "SEKRET"),
        ("https://api.test/v1?client_secret=SEKRET&x=y", "SEKRET"),
        ("https://api.test/v1?Password=SEKRET", "SEKRET"),
        ("https://api.test/v1?sig=SEKRET", "SEKRET"),
        ("https://api.test/v1?X-Amz-Signature=SEKRET", "SEKRET"),
        ("https://api.test/v1?Authorization=Bearer%20SEKRET", "SEKRET"),
        ("https://api.test/v1?q=a&token=SEKRET&token=SEKRET2", "SEKRET"),
        ("https://user:SEKRET@api.test/v1", "SEKRET"),
        ("https://SEKRET@api.test/v1", "SEKRET"),
        ("https://user:SEKRET@api.test:8443/v1?token=SEKRET2", "SEKRET"),
        ("https://x-access-token:SEKRET@github.com/o/r.git", "SEKRET"),
    ],
)
def test_redact_url_masks_credentials(url: str, secret: str) -> None:
    """Credential-looking query values and any userinfo are masked; host, path and other parameters stay."""
    shown = redact_url(url)
    assert secret not in shown
    assert "api.test" in shown or "github.com" in shown
    assert "***" in shown


def test_redact_url_keeps_harmless_urls() -> None:
    """A URL without credentials is unchanged (apart from query encoding)."""
    assert redact_url("https://export.arxiv.org/api/query?id_list=2104.08223&max_results=1") == (
        "https://export.arxiv.org/api/query?id_list=2104.08223&max_results=1"
    )


AWKWARD_PASSWORD = 'pw"quote\\back%25slash é ünï-😀'  # JSON-escaped, URL-encoded and base64 forms all differ


def test_awkward_password_echoed_in_a_body_leaks_nowhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An app password with ``"``, ``\\``, ``%`` and Unicode, echoed JSON-escaped by a login that fails, is masked in
    every encoding in stdout, stderr, every log record, the runs table and the export."""
    caplog.set_level(logging.DEBUG)
    db = tmp_path / "s.db"
    with SQLiteStore(db) as store:
        store.upsert_papers([paper()])
        store.upsert_posts([post("1460323737035677698", "2104.08223")])
    monkeypatch.setattr(collecting, "_environment", lambda ctx: Environment(env=os.environ, sleep=lambda s: None))
    yesterday = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).date().isoformat()
    with _serve("login-echo") as (url, seen), stamina.set_testing(True, attempts=1):
        _secret_env(monkeypatch, url)
        monkeypatch.setenv("HOTPAPERS_BSKY_APP_PASSWORD", AWKWARD_PASSWORD)
        code = main(["-v", "--db", str(db), "collect", "--date", yesterday])
        assert main(["--db", str(db), "export", "--out", str(tmp_path / "dump.jsonl")]) == 0
    captured = capsys.readouterr()
    assert code == 8 and any("createSession" in p for p in seen)
    assert "bad request: {" in captured.out  # the echoed body was shown, masked
    secrets = (AWKWARD_PASSWORD, X_TOKEN, HF_TOKEN)
    _assert_clean("stdout", captured.out, secrets)
    _assert_clean("stderr", captured.err, secrets)
    for record in caplog.records:
        _assert_clean(f"log record {record.name}", record.getMessage(), secrets)
    with SQLiteStore(db) as store:
        runs = store._db.execute("SELECT command, summary FROM runs").fetchall()
    assert runs and "***" in str(runs)
    _assert_clean("runs table", str(runs), secrets)
    for path in tmp_path.iterdir():
        if path.is_file():
            _assert_clean(path.name, path.read_bytes(), secrets)
