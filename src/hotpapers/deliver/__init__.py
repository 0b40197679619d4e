"""Delivery: a profile's digest sent where its reader reads (docs/delivery.md).

Channels are plugins (``hotpapers.plugins.Channel``), registered like any third-party one: ``email`` (SMTP with
STARTTLS or SSL), the chat webhooks ``slack``, ``discord``, ``mattermost``, ``telegram`` (Bot API) and ``webhook``
(a generic JSON document), and the social threads ``bluesky`` and ``mastodon`` (opt-in). Each module is imported only
when its channel is used. The job (``hotpapers.jobs.deliver``) sends each period once per profile and channel.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from hotpapers.plugins import Channel, ChannelContext, Registry

__all__ = ["CHANNELS", "register_channels"]

CHANNELS = {
    "email": "hotpapers.deliver.email:EmailChannel",
    "slack": "hotpapers.deliver.chat:SlackChannel",
    "discord": "hotpapers.deliver.chat:DiscordChannel",
    "mattermost": "hotpapers.deliver.chat:MattermostChannel",
    "telegram": "hotpapers.deliver.chat:TelegramChannel",
    "webhook": "hotpapers.deliver.chat:WebhookChannel",
    "bluesky": "hotpapers.deliver.bluesky:BlueskyChannel",
    "mastodon": "hotpapers.deliver.mastodon:MastodonChannel",
}
"""The built-in channels: kind -> ``module:class``."""


def _lazy(spec: str) -> Callable[[ChannelContext], Channel]:
    module_name, _, attribute = spec.partition(":")

    def factory(context: ChannelContext) -> Channel:
        channel: Channel = getattr(importlib.import_module(module_name), attribute)(context)
        return channel

    return factory


def register_channels(registry: Registry) -> None:
    """Add the built-in delivery channels to ``registry`` (each module imported on first use)."""
    for kind, spec in CHANNELS.items():
        registry.add_channel(kind, _lazy(spec))
