"""Email delivery end to end: `hotpapers deliver` against a real SMTP server on 127.0.0.1 (STARTTLS and SSL)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hotpapers.cli import main
from hotpapers.store import open_store

from helpers.profileworld import DAY, ROBOTS, write_config
from helpers.smtpworld import PASSWORD, USER, Smtp, smtp_server

pytestmark = [
    pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS"),
    pytest.mark.filterwarnings("ignore:Session.login_data is deprecated"),
]

PROFILE = """
[profiles.robots]
library = "library.bib"
email = ["Ada <ada@example.org>", "bob@example.org"]
top = 3
"""


def _env(monkeypatch: pytest.MonkeyPatch, smtp: Smtp, *, login: bool = True) -> None:
    monkeypatch.setenv("HOTPAPERS_SMTP_URL", smtp.url)
    monkeypatch.setenv("HOTPAPERS_SMTP_FROM", "Hot Papers <digest@example.org>")
    monkeypatch.setenv("HOTPAPERS_SMTP_CA_FILE", str(smtp.ca_file))
    if login:
        monkeypatch.setenv("HOTPAPERS_SMTP_USER", USER)
        monkeypatch.setenv("HOTPAPERS_SMTP_PASSWORD", PASSWORD)


def deliver(db: str, config: Path) -> int:
    return main(["--db", db, "--config", str(config), "deliver", "--profile", "robots", "--date", DAY.isoformat()])


@pytest.mark.parametrize("mode", ["starttls", "ssl"])
def test_email_is_multipart_with_why_lines_tldrs_and_links(
    mode: str, sample_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Over STARTTLS and SSL with a login: one text + HTML message to both recipients, the top 3 with why and links."""
    with smtp_server(tmp_path, mode) as smtp:
        _env(monkeypatch, smtp)
        assert deliver(sample_db, write_config(tmp_path, PROFILE)) == 0
    (message,) = smtp.mailbox.messages
    assert smtp.mailbox.envelopes[0][1] == ["ada@example.org", "bob@example.org"]
    assert message["Subject"] == f"Hot for robots {DAY.isoformat()}"
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert f"https://arxiv.org/abs/{ROBOTS[0]}" in text and "Why: relevance " in text and "TL;DR: " in text
    assert f'href="https://arxiv.org/abs/{ROBOTS[0]}"' in html and "<i>Why:</i>" in html
    assert "robots email 2021-04-19: sent to 2 recipient(s)" in capsys.readouterr().out


def test_a_second_deliver_sends_nothing_and_says_so(
    sample_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same profile and day again: no second email, and the command says it was already sent."""
    config = write_config(tmp_path, PROFILE)
    with smtp_server(tmp_path, "starttls") as smtp:
        _env(monkeypatch, smtp)
        deliver(sample_db, config)
        capsys.readouterr()
        assert deliver(sample_db, config) == 0
    assert len(smtp.mailbox.messages) == 1
    assert "already sent at" in capsys.readouterr().out


def test_password_is_never_sent_without_tls(
    sample_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A server without STARTTLS and a password set: nothing is sent, exit 8, and the password is not printed."""
    with smtp_server(tmp_path, "plain") as smtp:
        _env(monkeypatch, smtp)
        assert deliver(sample_db, write_config(tmp_path, PROFILE)) == 8
    assert smtp.mailbox.messages == []
    out = capsys.readouterr().out
    assert "does not offer STARTTLS" in out and PASSWORD not in out


def test_a_refused_send_is_tried_again_next_run(
    sample_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A wrong password: recorded failed (nothing left), and the next run with the right one sends it."""
    config = write_config(tmp_path, PROFILE)
    with smtp_server(tmp_path, "starttls") as smtp:
        _env(monkeypatch, smtp)
        monkeypatch.setenv("HOTPAPERS_SMTP_PASSWORD", "wrong-password-123")
        monkeypatch.setenv("HOTPAPERS_HTTP_TIMEOUT", "2")  # the test server leaves a failed AUTH LOGIN hanging
        assert deliver(sample_db, config) == 8
        monkeypatch.setenv("HOTPAPERS_SMTP_PASSWORD", PASSWORD)
        assert deliver(sample_db, config) == 0
    assert len(smtp.mailbox.messages) == 1


CRASH = textwrap.dedent("""
    import os, sys
    from hotpapers.store.sql import SQLStore
    real = SQLStore.record_delivery
    def record(self, profile, channel, period, status, at, detail):
        if status == "sent":
            os._exit(137)  # killed after the server accepted the message, before the store knows
        return real(self, profile, channel, period, status, at, detail)
    SQLStore.record_delivery = record
    from hotpapers.cli import main
    sys.exit(main(sys.argv[1:]))
""")


def test_crash_between_send_and_record_never_sends_twice(
    sample_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Killed after the email left and before it was recorded: the next run does not send it again (at most once)
    and reports it unconfirmed (exit 8)."""
    config = write_config(tmp_path, PROFILE)
    with smtp_server(tmp_path, "starttls") as smtp:
        _env(monkeypatch, smtp)
        args = ["--db", sample_db, "--config", str(config), "deliver", "--profile", "robots", "--date", DAY.isoformat()]
        crashed = subprocess.run([sys.executable, "-c", CRASH, *args], env=os.environ.copy(), check=False)
        assert crashed.returncode == 137
        assert len(smtp.mailbox.messages) == 1
        assert deliver(sample_db, config) == 8
    assert len(smtp.mailbox.messages) == 1
    assert "UNCONFIRMED: an attempt at" in capsys.readouterr().out
    with open_store(sample_db) as store:
        (row,) = store.deliveries("robots")
    assert row.status == "sending"
