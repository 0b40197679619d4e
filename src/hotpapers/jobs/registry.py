"""The loader of plugins: the built-in sources, enrichment providers, writers and delivery channels, then every
installed plugin.

It sits above the stages it registers (``sources``, ``enrich``, ``writers``, ``deliver``), which import only the
protocols of
``hotpapers.plugins``: no import runs back up. The built-ins register exactly as a third-party plugin does, through
``register(registry)``, which the package's own entry point in the ``hotpapers`` group names.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from importlib.metadata import entry_points

from hotpapers.plugins import ENTRY_POINT_GROUP, Channel, ChannelContext, Registry

__all__ = ["CHANNELS", "load_registry", "register"]

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
"""The built-in delivery channels: kind -> ``module:class``, each module imported when its channel is first made."""

_BUILTINS = "hotpapers.jobs.registry"
_FORMER_BUILTINS = "hotpapers.builtin_plugins"  # the name an installation of hotpapers 0.1 declared


def load_registry() -> Registry:
    """Build a registry from the built-ins and every module in the ``hotpapers`` entry-point group."""
    registry = Registry()
    register(registry)  # the built-ins first, also when running from a source tree without metadata
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.value in (_BUILTINS, _FORMER_BUILTINS):
            continue
        module = ep.load()
        module.register(registry)
    return registry


def register(registry: Registry) -> None:
    """Add hotpapers' own writers, sources, enrichment providers and delivery channels to ``registry``."""
    # Imported here, not at the top: a plugin's stack (httpx, lxml, websockets) loads only when the registry is
    # built, so that a command that needs none (replay, resolve) starts without them.
    from hotpapers.enrich.code import CodeProvider  # noqa: PLC0415
    from hotpapers.enrich.hub import HubProvider  # noqa: PLC0415
    from hotpapers.enrich.scholar import ScholarProvider  # noqa: PLC0415
    from hotpapers.sources.alphaxiv import AlphaXivSource  # noqa: PLC0415
    from hotpapers.sources.bluesky.source import BlueskySource  # noqa: PLC0415
    from hotpapers.sources.hackernews.source import HackerNewsSource  # noqa: PLC0415
    from hotpapers.sources.huggingface.source import HuggingFaceSource  # noqa: PLC0415
    from hotpapers.sources.legacy.source import LegacySource  # noqa: PLC0415
    from hotpapers.sources.mastodon import MastodonSource  # noqa: PLC0415
    from hotpapers.sources.reddit import RedditSource  # noqa: PLC0415
    from hotpapers.sources.x.source import XSource  # noqa: PLC0415
    from hotpapers.sources.youtube import YouTubeSource  # noqa: PLC0415
    from hotpapers.writers.feeds import AtomWriter, JsonFeedWriter, RssWriter  # noqa: PLC0415
    from hotpapers.writers.hugo import HugoWriter  # noqa: PLC0415
    from hotpapers.writers.jekyll import JekyllWriter  # noqa: PLC0415
    from hotpapers.writers.json_writer import JsonWriter  # noqa: PLC0415
    from hotpapers.writers.lumen import LumenWriter  # noqa: PLC0415

    registry.add_writer("lumen", LumenWriter)
    registry.add_writer("atom", AtomWriter)
    registry.add_writer("rss", RssWriter)
    registry.add_writer("jsonfeed", JsonFeedWriter)
    registry.add_writer("json", JsonWriter)
    registry.add_writer("hugo", HugoWriter)
    registry.add_writer("jekyll", JekyllWriter)
    registry.add_source("alphaxiv", AlphaXivSource)
    registry.add_source("bluesky", BlueskySource)
    registry.add_source("hackernews", HackerNewsSource)
    registry.add_source("huggingface", HuggingFaceSource)
    registry.add_source("legacy", LegacySource)
    registry.add_source("mastodon", MastodonSource)
    registry.add_source("reddit", RedditSource)
    registry.add_source("x", XSource)
    registry.add_source("youtube", YouTubeSource)
    registry.add_provider("scholarly", ScholarProvider)
    registry.add_provider("artifacts", HubProvider)
    registry.add_provider("code", CodeProvider)
    for kind, spec in CHANNELS.items():
        registry.add_channel(kind, _lazy_channel(spec))


def _lazy_channel(spec: str) -> Callable[[ChannelContext], Channel]:
    """A factory that imports the channel's module (smtplib, atproto requests, ...) only when a profile uses it."""
    module_name, _, attribute = spec.partition(":")

    def factory(context: ChannelContext) -> Channel:
        channel: Channel = getattr(importlib.import_module(module_name), attribute)(context)
        return channel

    return factory
