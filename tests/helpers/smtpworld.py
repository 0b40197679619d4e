"""A real SMTP server on 127.0.0.1 (aiosmtpd) for the email delivery tests: plain, STARTTLS or SSL, with a login,
and a throwaway CA (trustme) whose certificate the client is told to trust."""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "digest-bot", "s3cret-smtp-password"


@dataclass
class Mailbox:
    """What the server received: each message, parsed."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode() and (
        auth_data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok)


@dataclass
class Smtp:
    """A running server: its URL for HOTPAPERS_SMTP_URL, the CA file to trust, and its mailbox."""

    url: str
    ca_file: Path
    mailbox: Mailbox


def _free_port() -> int:
    """A port free on 127.0.0.1 now (aiosmtpd's controller needs a port number before it starts)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(tmp_path: Path, mode: str = "starttls") -> Iterator[Smtp]:
    """Serve SMTP on a free local port: ``starttls`` (smtp://, STARTTLS required before login), ``ssl`` (smtps://)
    or ``plain`` (no TLS, no login)."""
    ca = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    mailbox = Mailbox()
    kwargs: dict[str, Any] = {}
    if mode == "starttls":
        kwargs = {"tls_context": context, "require_starttls": True, "authenticator": _authenticator,
                  "auth_required": True}  # fmt: skip
    elif mode == "ssl":
        kwargs = {"authenticator": _authenticator, "auth_required": True, "auth_require_tls": False}
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port,
                            ssl_context=context if mode == "ssl" else None, **kwargs)  # fmt: skip
    controller.start()
    scheme = "smtps" if mode == "ssl" else "smtp"
    try:
        yield Smtp(f"{scheme}://127.0.0.1:{port}", ca_file, mailbox)
    finally:
        controller.stop()
