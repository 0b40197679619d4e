"""The ``email`` channel: a multipart (plain text + HTML) message over SMTP (docs/delivery.md, "Email").

Settings come from the environment: ``HOTPAPERS_SMTP_URL`` (``smtp://host:port``: STARTTLS, required when a password
is set; ``smtps://host:port``: TLS from the start), ``HOTPAPERS_SMTP_FROM``, ``HOTPAPERS_SMTP_USER``,
``HOTPAPERS_SMTP_PASSWORD``, and ``HOTPAPERS_SMTP_CA_FILE`` (a CA bundle to trust besides the system's, for a server
with a private certificate). The recipients are the profile's ``email``.

At most once: the job records ``sending`` before the message leaves. What fails before the server has the whole
message (connecting, TLS, login, a refused sender or recipient, a refused message) is a plain failure: nothing was
sent, a later run sends it. A connection lost while the message is being sent or acknowledged is *unconfirmed*: it
may have arrived, so it is not sent again. The ``Message-ID`` is the same for every attempt at a profile's period,
so a mail client that gets it twice anyway shows it once.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, parseaddr
from urllib.parse import unquote, urlsplit

from hotpapers.deliver.compose import html_body, text_body
from hotpapers.errors import DeliveryError
from hotpapers.plugins import ChannelContext, DeliveryMessage, DeliveryProgress, SourceStatus
from hotpapers.redact import register

__all__ = ["EmailChannel", "build_email", "parse_smtp_url"]

_PORTS = {"smtp": 587, "smtps": 465}


def parse_smtp_url(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of ``HOTPAPERS_SMTP_URL``.

    Raises:
        DeliveryError: not an ``smtp://`` or ``smtps://`` URL with a host.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise DeliveryError(f"HOTPAPERS_SMTP_URL {url!r}: not a URL such as smtp://mail.example.org:587") from None
    if parts.scheme not in _PORTS or not parts.hostname:
        raise DeliveryError(f"HOTPAPERS_SMTP_URL {url!r}: give smtp://host:port (STARTTLS) or smtps://host:port (TLS)")
    return parts.scheme, unquote(parts.hostname), port or _PORTS[parts.scheme]


def _recipients(target: str) -> list[str]:
    return [address for _, address in getaddresses([target]) if "@" in address]


def build_email(message: DeliveryMessage, sender: str, recipients: list[str], date: str) -> EmailMessage:
    """The multipart/alternative message: plain text first, HTML second, a Message-ID fixed per profile and
    period."""
    email = EmailMessage()
    email["Subject"] = message.title
    email["From"] = sender
    email["To"] = ", ".join(recipients)
    email["Date"] = date
    digest = hashlib.blake2b(f"{message.profile}\n{message.period}".encode(), digest_size=10).hexdigest()
    domain = parseaddr(sender)[1].rpartition("@")[2] or "hotpapers.invalid"
    email["Message-ID"] = f"<hotpapers.{digest}@{domain}>"
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(text_body(message))
    email.add_alternative(html_body(message), subtype="html")
    return email


class EmailChannel:
    """Sends a profile's digest to its ``email`` recipients."""

    name = "email"
    key = "email"
    idempotent = False

    def __init__(self, context: ChannelContext) -> None:
        self._context = context
        env = context.env
        self._url = env.get("HOTPAPERS_SMTP_URL", "").strip()
        self._sender = env.get("HOTPAPERS_SMTP_FROM", "").strip()
        self._user = env.get("HOTPAPERS_SMTP_USER", "")
        self._password = env.get("HOTPAPERS_SMTP_PASSWORD", "")
        self._ca_file = env.get("HOTPAPERS_SMTP_CA_FILE", "").strip()
        self._recipients = _recipients(context.target)
        register(self._password or None)

    def status(self) -> SourceStatus:
        """Enabled with a server URL, a sender and at least one recipient."""
        if not self._recipients:
            return SourceStatus(False, "the profile's email names no address")
        if not self._url or not self._sender:
            return SourceStatus(False, "set HOTPAPERS_SMTP_URL (smtp://host:587 or smtps://host:465) and "
                                       "HOTPAPERS_SMTP_FROM")  # fmt: skip
        try:
            parse_smtp_url(self._url)
        except DeliveryError as e:
            return SourceStatus(False, str(e))
        return SourceStatus(True)

    def _tls(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if self._ca_file:
            try:
                context.load_verify_locations(cafile=self._ca_file)
            except (OSError, ssl.SSLError) as e:
                raise DeliveryError(f"HOTPAPERS_SMTP_CA_FILE {self._ca_file}: cannot load it: {e}") from None
        return context

    def _connect(self) -> smtplib.SMTP:
        """A connection ready to send: TLS (from the start, or by STARTTLS) and logged in when a user is set.

        Raises:
            DeliveryError: nothing was sent (the server is unreachable, refuses TLS or the login).
        """
        scheme, host, port = parse_smtp_url(self._url)
        timeout = self._context.timeout
        try:
            if scheme == "smtps":
                server: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=self._tls())
            else:
                server = smtplib.SMTP(host, port, timeout=timeout)
                server.ehlo()
                if server.has_extn("starttls"):
                    server.starttls(context=self._tls())
                    server.ehlo()
                elif self._password:
                    server.close()
                    raise DeliveryError(f"email: {host}:{port} does not offer STARTTLS; not sending the password in "
                                        "the clear (use smtps:// or a server with STARTTLS)")  # fmt: skip
            if self._user:
                server.login(self._user, self._password)
        except DeliveryError:
            raise
        except smtplib.SMTPAuthenticationError as e:
            raise DeliveryError(f"email: {host}:{port} refused the login of {self._user!r} ({e.smtp_code})") from None
        except (smtplib.SMTPException, OSError) as e:
            raise DeliveryError(f"email: cannot connect to {host}:{port}: {type(e).__name__}: {e}") from None
        return server

    def send(self, message: DeliveryMessage, progress: DeliveryProgress) -> dict[str, object]:
        """Send the message to every recipient; return its Message-ID and the recipients the server refused.

        Raises:
            DeliveryError: it was not sent (``unconfirmed`` False), or the connection broke while it was being sent
                or acknowledged (``unconfirmed`` True).
        """
        email = build_email(message, self._sender, self._recipients, format_datetime(self._context.now()))
        server = self._connect()
        try:
            refused = server.send_message(email)
        except smtplib.SMTPRecipientsRefused as e:
            raise DeliveryError(f"email: every recipient was refused: {', '.join(sorted(e.recipients))}") from None
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as e:
            raise DeliveryError(f"email: the server refused the message: {e.smtp_code} {_said(e.smtp_error)}") from None
        except (smtplib.SMTPException, OSError) as e:
            raise DeliveryError(f"email: the connection broke while sending ({type(e).__name__}); the message may "
                                "have arrived", unconfirmed=True) from None  # fmt: skip
        finally:
            _quit(server)
        return {"message_id": str(email["Message-ID"]), "recipients": len(self._recipients) - len(refused),
                "refused": sorted(refused)}  # fmt: skip


def _said(error: bytes | str) -> str:
    text = error.decode("utf-8", "replace") if isinstance(error, bytes) else error
    return " ".join(text.split())[:200]


def _quit(server: smtplib.SMTP) -> None:
    try:
        server.quit()
    except (smtplib.SMTPException, OSError):
        server.close()
