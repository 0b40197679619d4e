"""Chat delivery against local HTTP servers: each service's documented request shape, rate limits, refusals."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from hotpapers.cli import main

from helpers.localserver import Reply, Served, serve
from helpers.profileworld import DAY, ROBOTS, write_config

TOKEN = "123456:telegram-bot-token-abcdef"


def deliver(db: str, config: Path) -> int:
    return main(["--db", db, "--config", str(config), "deliver", "--date", DAY.isoformat()])


def profile(*webhooks: str) -> str:
    hooks = ", ".join(f'"{w}"' for w in webhooks)
    return f'[profiles.robots]\nlibrary = "library.bib"\ntop = 3\nwebhooks = [{hooks}]\n'


@pytest.fixture
def server() -> Iterator[Served]:
    """A chat service stand-in: 'ok' for Slack and Mattermost, a message for Discord and Telegram, 204 for JSON."""

    def route(path: str) -> Reply:
        if path.startswith("/discord"):
            return Reply(b'{"id": "1180000000000000001", "type": 0}', 200, "application/json")
        if path.startswith("/bot"):
            return Reply(b'{"ok": true, "result": {"message_id": 42, "chat": {"id": -1001}}}', 200,
                         "application/json")  # fmt: skip
        if path.startswith("/json"):
            return Reply(b"", 204, "text/plain")
        return Reply(b"ok", 200, "text/plain")

    with serve(route) as served:
        yield served


def bodies(server: Served) -> list[dict[str, object]]:
    return [orjson.loads(b) for b in server.bodies]


def test_slack_gets_mrkdwn_text_without_previews(sample_db: str, tmp_path: Path, server: Served) -> None:
    """Slack: one POST of {"text", "unfurl_links": false} with <url|title> links to the papers."""
    assert deliver(sample_db, write_config(tmp_path, profile(f"slack:{server.url}/slack/T0/B0/x"))) == 0
    (body,) = bodies(server)
    assert body["unfurl_links"] is False
    assert any(f"<https://arxiv.org/abs/{robot}|" in str(body["text"]) for robot in ROBOTS)


def test_discord_waits_for_the_message_and_gets_one_embed_per_paper(
    sample_db: str, tmp_path: Path, server: Served
) -> None:
    """Discord: ?wait=true, the title as content, an embed per paper (title, url, why), mentions off."""
    assert deliver(sample_db, write_config(tmp_path, profile(f"discord:{server.url}/discord/api/webhooks/1/t"))) == 0
    assert server.requests[0].endswith("?wait=true")
    (body,) = bodies(server)
    embeds = body["embeds"]
    assert isinstance(embeds, list) and len(embeds) == 3
    assert all(e["url"].startswith("https://arxiv.org/abs/") for e in embeds)
    assert body["allowed_mentions"] == {"parse": []}


def test_mattermost_gets_markdown(sample_db: str, tmp_path: Path, server: Served) -> None:
    """Mattermost: {"text"} in Markdown, links as [title](url); the kind is told from the /hooks/ path."""
    assert deliver(sample_db, write_config(tmp_path, profile(f"{server.url}/hooks/xyz123"))) == 0
    (body,) = bodies(server)
    assert "](https://arxiv.org/abs/" in str(body["text"])


def test_telegram_sends_html_to_the_chat_with_the_bot_token(
    sample_db: str, tmp_path: Path, server: Served, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Telegram: POST /bot<token>/sendMessage with chat_id, HTML text and previews off; the token is never printed."""
    monkeypatch.setenv("HOTPAPERS_TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("HOTPAPERS_TELEGRAM_API_URL", server.url)
    assert deliver(sample_db, write_config(tmp_path, profile("telegram:-1001234"))) == 0
    assert server.requests == [f"/bot{TOKEN}/sendMessage"]
    (body,) = bodies(server)
    assert body["chat_id"] == "-1001234" and body["parse_mode"] == "HTML"
    assert body["link_preview_options"] == {"is_disabled": True}
    assert TOKEN not in capsys.readouterr().out


def test_generic_webhook_gets_the_documented_document_from_an_environment_variable(
    sample_db: str, tmp_path: Path, server: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A `$VARIABLE` webhook reads its URL from the environment; the JSON document has the papers with why and TL;DR."""
    monkeypatch.setenv("ROBOTS_WEBHOOK", f"{server.url}/json/in")
    assert deliver(sample_db, write_config(tmp_path, profile("json:$ROBOTS_WEBHOOK"))) == 0
    (body,) = bodies(server)
    assert body["profile"] == "robots" and body["period"] == DAY.isoformat()
    papers = body["papers"]
    assert isinstance(papers, list) and len(papers) == 3
    assert set(papers[0]) >= {"arxiv_id", "title", "url", "why", "tldr", "score", "relevance"}


def test_a_second_deliver_posts_nothing(
    sample_db: str, tmp_path: Path, server: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same day again: no second message, and it says so."""
    config = write_config(tmp_path, profile(f"slack:{server.url}/slack/x"))
    deliver(sample_db, config)
    assert deliver(sample_db, config) == 0
    assert len(server.bodies) == 1
    assert "already sent at" in capsys.readouterr().out


def test_rate_limit_is_waited_out(sample_db: str, tmp_path: Path) -> None:
    """A 429 with Retry-After: the message is sent again after the wait, once."""
    answers = iter([Reply(b"rate_limited", 429, "text/plain", {"Retry-After": "0"}), Reply(b"ok", 200, "text/plain")])
    with serve(lambda path: next(answers)) as served:
        assert deliver(sample_db, write_config(tmp_path, profile(f"slack:{served.url}/s"))) == 0
    assert len(served.bodies) == 2


def test_refused_message_fails_and_goes_out_on_the_next_run(
    sample_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 400: exit 8 with the service's words; the next run sends it (a refused message never left)."""
    answers = iter([Reply(b'{"message": "Invalid Webhook Token"}', 400, "application/json"),
                    Reply(b'{"id": "9"}', 200, "application/json")])  # fmt: skip
    with serve(lambda path: next(answers)) as served:
        config = write_config(tmp_path, profile(f"discord:{served.url}/d"))
        assert deliver(sample_db, config) == 8
        assert "FAILED: discord: HTTP 400" in capsys.readouterr().out
        assert deliver(sample_db, config) == 0
    assert len(served.bodies) == 2


def test_unset_webhook_variable_disables_the_channel(
    sample_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A webhook naming an unset variable: the channel is disabled, saying which variable."""
    assert deliver(sample_db, write_config(tmp_path, profile("slack:$NOT_SET_ANYWHERE"))) == 0
    assert "disabled: slack webhook: the environment variable NOT_SET_ANYWHERE is not set" in capsys.readouterr().out
