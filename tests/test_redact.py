"""The one redaction mechanism (``hotpapers.redact``): every encoding of every secret, wherever text leaves."""

from __future__ import annotations

import base64
import io
import json
import logging
from urllib.parse import quote, urlencode

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotpapers.errors import APIError, InputError
from hotpapers.jobs import transfer
from hotpapers.redact import MIN_LENGTH, encodings, redact, register, secret_names
from hotpapers.store import SQLiteStore

from helpers.factories import paper, post

# Secrets with the characters that change under escaping (", \, %, +, /, &, <) and any other Unicode (no lone
# surrogates, which no encoder writes; no "*", the mask's own character).
AWKWARD = st.sampled_from([*list('"\\%+/&<>= \'\n\t:@'), "é", "ü", "😀", "\u202e", "\xa0"])
CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="*")
SECRETS = st.text(AWKWARD | CHARS, min_size=MIN_LENGTH, max_size=40)
WORDS = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="*"), max_size=20)
PROPERTY = settings(max_examples=300, derandomize=True, database=None, deadline=None)


def _basic(user: str, secret: str) -> str:
    return base64.b64encode(f"{user}:{secret}".encode()).decode()


CONTEXTS = {
    "raw": lambda secret, user: f"rejected {secret} for {user}",
    "JSON body": lambda secret, user: orjson.dumps({"identifier": user, "password": secret}).decode(),
    "JSON body, ASCII": lambda secret, user: json.dumps({"identifier": user, "password": secret}),
    "JSON in JSON": lambda secret, user: json.dumps({"message": json.dumps({"password": secret})}),
    "form body": lambda secret, user: urlencode({"user": user, "password": secret}),
    "query": lambda secret, user: f"https://h.test/x?token={quote(secret, safe='')}&u={user}",
    "Basic auth": lambda secret, user: f"Authorization: Basic {_basic(user, secret)}",
    "URL-safe base64": lambda secret, user: base64.urlsafe_b64encode(f"{user}:{secret}".encode()).decode(),
}


@PROPERTY
@given(SECRETS, WORDS, WORDS, WORDS, st.sampled_from(sorted(CONTEXTS)))
def test_every_encoding_of_a_secret_is_masked(secret: str, user: str, before: str, after: str, context: str) -> None:
    """A secret echoed raw, JSON-escaped (once or twice), URL-encoded or in a Basic header never survives."""
    shown = CONTEXTS[context](secret, user)
    text = redact(f"{before}{shown}{after}", env={"HOTPAPERS_BSKY_APP_PASSWORD": secret})
    assert secret not in text
    for form in encodings(secret):
        assert form not in text
    if context in ("Basic auth", "URL-safe base64"):
        assert shown.split()[-1] not in text


@PROPERTY
@given(WORDS)
def test_text_without_secrets_is_unchanged(text: str) -> None:
    """With no secret known, redaction changes nothing."""
    assert redact(text, env={}) == text


def test_secret_names_cover_every_credential_variable() -> None:
    """Tokens, passwords, keys and secrets of every source (and PostgreSQL's password) are secrets; the rest not."""
    env = dict.fromkeys(["HOTPAPERS_X_BEARER_TOKEN", "HOTPAPERS_BSKY_APP_PASSWORD", "HOTPAPERS_HF_TOKEN",
                         "HOTPAPERS_GIT_TOKEN", "HOTPAPERS_REDDIT_CLIENT_SECRET", "HOTPAPERS_YOUTUBE_API_KEY",
                         "PGPASSWORD", "HOTPAPERS_BSKY_HANDLE", "HOTPAPERS_GIT_USER", "HOTPAPERS_DB", "HOME"], "x")
    assert sorted(secret_names(env)) == ["HOTPAPERS_BSKY_APP_PASSWORD", "HOTPAPERS_GIT_TOKEN", "HOTPAPERS_HF_TOKEN",
                                         "HOTPAPERS_REDDIT_CLIENT_SECRET", "HOTPAPERS_X_BEARER_TOKEN",
                                         "HOTPAPERS_YOUTUBE_API_KEY", "PGPASSWORD"]


def test_endpoint_urls_are_not_secrets() -> None:
    """An endpoint variable whose name holds a secret's word (HOTPAPERS_REDDIT_TOKEN_URL) is a URL, not a secret."""
    env = dict.fromkeys(["HOTPAPERS_REDDIT_TOKEN_URL", "HOTPAPERS_S2_API_URL", "HOTPAPERS_S2_API_KEY"], "x")
    assert secret_names(env) == ["HOTPAPERS_S2_API_KEY"]


def test_short_secrets_are_not_masked() -> None:
    """A value shorter than MIN_LENGTH is left alone (masking it everywhere would mangle every output)."""
    assert redact("the cat sat", env={"HOTPAPERS_HF_TOKEN": "cat"}) == "the cat sat"


def test_errors_are_masked_when_made(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every hotpapers error masks what it quotes, so each place that prints or stores it is clean."""
    monkeypatch.setenv("HOTPAPERS_X_BEARER_TOKEN", 'tok"en\\value')
    error = APIError('HTTP 401: {"detail": "bad tok\\"en\\\\value"}', status=401)
    assert "***" in str(error) and "en\\\\value" not in str(error) and error.status == 401
    assert str(InputError("tok%22en%5Cvalue in a URL")) == "*** in a URL"


def test_registered_runtime_secrets_are_masked() -> None:
    """A secret learnt at run time (a session token) is masked once registered."""
    register("session-jwt-abc.def.ghi")
    assert redact("Bearer session-jwt-abc.def.ghi") == "Bearer ***"


def test_log_records_are_masked_whoever_logs(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """A library's log record (httpx, git output) and a logged traceback lose the secret."""
    monkeypatch.setenv("HOTPAPERS_HF_TOKEN", "hf_sekret%value")
    caplog.set_level(logging.DEBUG)
    try:
        raise RuntimeError("boom hf_sekret%25value")
    except RuntimeError:
        logging.getLogger("somelib").exception("request to %s failed", "https://h/?t=hf_sekret%value")
    (record,) = caplog.records
    assert "hf_sekret" not in record.getMessage() and "hf_sekret" not in caplog.text
    assert "***" in caplog.text


def test_runs_table_and_export_are_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    """A run summary quoting a secret is stored masked; a post whose text a server filled with one exports masked."""
    secret = 'app"pass\\word'
    monkeypatch.setenv("HOTPAPERS_BSKY_APP_PASSWORD", secret)
    with SQLiteStore(":memory:") as store:
        run = store.start_run("collect", post().created_at)
        store.finish_run(run, post().created_at, "failed", {"error": f"echo {json.dumps(secret)}"})
        summary = store._db.execute("SELECT summary FROM runs").fetchone()[0]
        store.upsert_papers([paper()])
        store.upsert_posts([post(text=f"leaked {secret}")])
        out = io.BytesIO()
        transfer.export(store, out)
    assert "pass" not in summary and "***" in summary
    assert b"pass" not in out.getvalue() and b"leaked ***" in out.getvalue()
