"""The chat channels: Slack, Discord and Mattermost incoming webhooks, Telegram's Bot API, a generic JSON webhook.

No recorded exchange of these services exists to test against: each request follows the service's documented shape
(tests/fixtures/deliver/PROVENANCE.md):

* **Slack** incoming webhook: ``POST`` ``{"text": mrkdwn, "unfurl_links": false}``; the answer is the text ``ok``;
* **Discord** execute webhook: ``POST URL?wait=true`` ``{"content", "embeds": [...], "allowed_mentions":
  {"parse": []}}`` (at most 10 embeds, so at most 10 papers); with ``wait`` the answer is the created message;
* **Mattermost** incoming webhook: ``POST`` ``{"text": markdown}``; the answer is ``ok``;
* **Telegram** Bot API ``sendMessage``: ``POST {HOTPAPERS_TELEGRAM_API_URL}/bot{token}/sendMessage`` ``{"chat_id",
  "text", "parse_mode": "HTML", "link_preview_options": {"is_disabled": true}}``; the answer is ``{"ok": true,
  "result": {"message_id": ...}}``; the token is ``HOTPAPERS_TELEGRAM_BOT_TOKEN``;
* **webhook**: ``POST`` the JSON document of ``hotpapers.deliver.compose.json_document`` (docs/delivery.md); any 2xx
  answer confirms it.

None of these services takes an idempotency key, so each is *at most once*: a message whose answer never came is
not sent again (docs/delivery.md, "Once only").
"""

from __future__ import annotations

from typing import Any

from hotpapers.deliver._http import json_body, post, refused
from hotpapers.deliver.compose import json_document, markdown_body, slack_body, telegram_body
from hotpapers.deliver.targets import channel_key, resolve_url
from hotpapers.errors import ConfigError, DeliveryError
from hotpapers.http import error_message
from hotpapers.plugins import ChannelContext, DeliveryMessage, DeliveryProgress, SourceStatus
from hotpapers.redact import register

__all__ = ["DiscordChannel", "MattermostChannel", "SlackChannel", "TelegramChannel", "WebhookChannel"]

DISCORD_EMBEDS = 10
DISCORD_CONTENT = 2000
TELEGRAM_API_URL = "https://api.telegram.org"


class _Webhook:
    """A channel that posts one JSON body to a URL (the profile's entry, or the variable it names)."""

    name = "webhook"
    idempotent = False

    def __init__(self, context: ChannelContext) -> None:
        self._context = context
        self.key = channel_key(self.name, context.target)
        self._url: str | None = None
        self._problem = ""
        try:
            self._url = resolve_url(context.target, context.env, f"{self.name} webhook")
        except ConfigError as e:
            self._problem = str(e)

    def status(self) -> SourceStatus:
        """Enabled when the webhook URL is known."""
        return SourceStatus(False, self._problem) if self._url is None else SourceStatus(True)

    def body(self, message: DeliveryMessage) -> dict[str, Any]:
        """The JSON body of the request."""
        raise NotImplementedError

    def confirm(self, answer: Any) -> dict[str, object]:
        """What the answer says was delivered (the 2xx answer's own words)."""
        return {"status": answer.status_code}

    def send(self, message: DeliveryMessage, progress: DeliveryProgress) -> dict[str, object]:
        """Post the message once.

        Raises:
            DeliveryError: refused (a 4xx or 5xx answer), or unconfirmed.
        """
        if self._url is None:
            raise DeliveryError(f"{self.name}: {self._problem}")
        answer = post(self._context.http, self._url, what=self.name, sleep=self._context.sleep, json=self.body(message),
                      params=self.params())  # fmt: skip
        if answer.status_code >= 300:
            raise refused(answer, self.name, error_message(answer, ("message", "text", "error", "description")))
        return self.confirm(answer)

    def params(self) -> dict[str, str] | None:
        """The query parameters of the request."""
        return None


class SlackChannel(_Webhook):
    """A Slack incoming webhook."""

    name = "slack"

    def body(self, message: DeliveryMessage) -> dict[str, Any]:
        """``text`` in mrkdwn, no link previews."""
        return {"text": slack_body(message), "unfurl_links": False, "unfurl_media": False}


class MattermostChannel(_Webhook):
    """A Mattermost incoming webhook."""

    name = "mattermost"

    def body(self, message: DeliveryMessage) -> dict[str, Any]:
        """``text`` in Markdown."""
        return {"text": markdown_body(message)}


class WebhookChannel(_Webhook):
    """A generic JSON webhook: the message as a documented JSON document."""

    name = "webhook"

    def body(self, message: DeliveryMessage) -> dict[str, Any]:
        """The JSON document (docs/delivery.md, "Generic JSON webhook")."""
        return json_document(message)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class DiscordChannel(_Webhook):
    """A Discord webhook: a line of content and one embed per paper (at most 10)."""

    name = "discord"

    def params(self) -> dict[str, str]:
        """``wait=true``: Discord answers with the message it created (and an error if it did not)."""
        return {"wait": "true"}

    def body(self, message: DeliveryMessage) -> dict[str, Any]:
        """``content`` (the title), ``embeds`` (title, URL, why-line and TL;DR), mentions off."""
        embeds = []
        for item in message.items[:DISCORD_EMBEDS]:
            text = f"*{item.why}*" + (f"\nTL;DR: {item.tldr}" if item.tldr else "")
            embeds.append({"title": _cut(f"{item.rank}. {item.title}", 256), "url": item.url,
                           "description": _cut(text, 4096)})  # fmt: skip
        content = message.title + (f"\n{message.link}" if message.link else "")
        return {"content": _cut(content, DISCORD_CONTENT), "embeds": embeds, "allowed_mentions": {"parse": []}}

    def confirm(self, answer: Any) -> dict[str, object]:
        """The id of the message Discord created."""
        return {"message_id": str(json_body(answer, self.name).get("id", ""))}


class TelegramChannel:
    """A message from a Telegram bot (``HOTPAPERS_TELEGRAM_BOT_TOKEN``) to a chat (the profile's ``telegram:ID``)."""

    name = "telegram"
    idempotent = False

    def __init__(self, context: ChannelContext) -> None:
        self._context = context
        self.key = channel_key("telegram", context.target)
        self._chat = context.target.strip()
        self._token = context.env.get("HOTPAPERS_TELEGRAM_BOT_TOKEN", "").strip()
        self._api = context.env.get("HOTPAPERS_TELEGRAM_API_URL", TELEGRAM_API_URL).rstrip("/")
        register(self._token or None)

    def status(self) -> SourceStatus:
        """Enabled with a bot token and a chat id."""
        if not self._chat:
            return SourceStatus(False, "give the chat as telegram:CHAT_ID (a number, or @channelname)")
        if not self._token:
            return SourceStatus(False, "set HOTPAPERS_TELEGRAM_BOT_TOKEN (a bot's token from @BotFather)")
        return SourceStatus(True)

    def send(self, message: DeliveryMessage, progress: DeliveryProgress) -> dict[str, object]:
        """Send the message with ``sendMessage``.

        Raises:
            DeliveryError: the Bot API refused it (``ok`` false), or unconfirmed.
        """
        body = {"chat_id": self._chat, "text": telegram_body(message), "parse_mode": "HTML",
                "link_preview_options": {"is_disabled": True}}  # fmt: skip
        url = f"{self._api}/bot{self._token}/sendMessage"
        answer = post(self._context.http, url, what="telegram", sleep=self._context.sleep, json=body)
        if answer.status_code >= 300:
            raise refused(answer, "telegram", error_message(answer, ("description",)))
        said = json_body(answer, "telegram")
        result = said.get("result")
        if said.get("ok") is not True or not isinstance(result, dict):
            raise DeliveryError(f"telegram: the Bot API did not confirm the message: {str(said)[:200]}",
                                unconfirmed=True)  # fmt: skip
        return {"message_id": result.get("message_id")}
