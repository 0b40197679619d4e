"""The OpenAI-compatible path: llm's OpenAI plugin pointed at a local server replaying a recorded chat completion.

``extra-openai-models.yaml`` in llm's home names the model and its ``api_base`` (how users reach vLLM, llama.cpp's
server, LM Studio, OpenRouter…); the key comes from ``OPENAI_API_KEY`` as llm's OpenAI models read it.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from hotpapers.cli import main
from hotpapers.summarize.generative import ModelFailed, load_model

from helpers.paths import FIXTURES, SAMPLE

RECORDED = (FIXTURES / "openai" / "chat_completion_gpt-4o-mini.json").read_bytes()
KEY = "sk-proj-sekr1tOPENAIkey0123456789"
NOW = dt.datetime(2021, 4, 21, 12, 0, tzinfo=dt.UTC)


@dataclass
class Server:
    """The local server: its base URL, how it answers, and what it received."""

    url: str = ""
    status: int = 200
    bodies: list[dict[str, object]] = field(default_factory=list)
    auth: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)


@pytest.fixture
def openai_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    """A local OpenAI-compatible endpoint, and llm configured to reach it as the model ``local-4o-mini``."""
    served = Server()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            served.paths.append(self.path)
            served.auth.append(self.headers.get("Authorization", ""))
            served.bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            if served.status == 200:
                body = RECORDED
            else:  # OpenAI's documented error schema, quoting the key it got (see fixtures/openai/PROVENANCE.md)
                error = {"message": f"Incorrect API key provided: {served.auth[-1]}", "type": "invalid_request_error",
                         "param": None, "code": "invalid_api_key"}
                body = json.dumps({"error": error}).encode()
            self.send_response(served.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Keep test output quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    served.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    home = tmp_path / "llm-home"
    home.mkdir()
    (home / "extra-openai-models.yaml").write_text(
        f"- model_id: local-4o-mini\n  model_name: gpt-4o-mini\n  api_base: {served.url}\n  api_key_name: openai\n"
    )
    monkeypatch.setenv("LLM_USER_PATH", str(home))
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.delenv("HOTPAPERS_SUMMARY_MODEL", raising=False)
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()


def test_a_chat_completion_is_read_with_its_model_and_usage(openai_server: Server) -> None:
    """The recorded completion gives its text, the dated model that answered and the tokens it reported."""
    completion = load_model("local-4o-mini").complete("Title: T\n\nAbstract: A.")
    assert (completion.text, completion.model) == ("YES", "gpt-4o-mini-2024-07-18")
    assert (completion.input_tokens, completion.output_tokens, completion.reported) == (146, 3, True)


def test_the_request_is_a_plain_chat_completion_with_the_key(openai_server: Server) -> None:
    """hotpapers sends one non-streaming user message to /v1/chat/completions; llm adds the key as a Bearer token."""
    load_model("local-4o-mini").complete("Title: T\n\nAbstract: A.")
    assert openai_server.paths == ["/v1/chat/completions"]
    body = openai_server.bodies[0]
    assert body["model"] == "gpt-4o-mini" and body["stream"] is False
    assert body["messages"] == [{"role": "user", "content": "Title: T\n\nAbstract: A."}]
    assert openai_server.auth == [f"Bearer {KEY}"]


def test_a_rejected_key_is_fatal_and_never_shown(openai_server: Server) -> None:
    """A 401 whose message quotes the key stops the model; the error names the status, not the key."""
    openai_server.status = 401
    with pytest.raises(ModelFailed) as failed:
        load_model("local-4o-mini").complete("Abstract: A.")
    assert failed.value.fatal and "401" in str(failed.value) and KEY not in str(failed.value)


def test_summarize_through_the_openai_compatible_server(
    openai_server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole command: TL;DRs by the served model (named as it answered); its discussion answers cite no post,
    so those papers keep quoted summaries and the command exits 8, with no key in any output."""
    monkeypatch.setattr("hotpapers.cli.app.now_utc", lambda: NOW)
    db = str(tmp_path / "s.db")
    assert main(["--db", db, "import", str(SAMPLE)]) == 0
    code = main(["--db", db, "summarize", "--date", "2021-04-19", "--preset", "classic", "--model", "local-4o-mini"])
    out, err = capsys.readouterr()
    assert code == 8 and "no line of the answer cited a post it was given" in out and KEY not in out + err
    assert main(["--db", db, "render", "--date", "2021-04-19", "--preset", "classic", "--format", "json",
                 "--out", str(tmp_path / "out")]) == 0
    papers = json.loads((tmp_path / "out" / "json" / "2021-04-19.json").read_bytes())["papers"]
    assert {(p["tldr"]["text"], p["tldr"]["model"], p["tldr"]["generator"]) for p in papers} == {
        ("YES", "gpt-4o-mini-2024-07-18", "llm")
    }
    assert {p["discussion"]["generator"] for p in papers if p["discussion"]} == {"extractive"}
