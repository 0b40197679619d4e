"""Registers the built-in sources, enrichment providers, writers and delivery channels, the same way a third-party
plugin would."""

from __future__ import annotations

from hotpapers.plugins import Registry

__all__ = ["register"]


def register(registry: Registry) -> None:
    """Add hotpapers' own writers, sources and enrichment providers to ``registry``."""
    # Imported here, not at the top: plugins load only when registered (and plugins.py imports this module).
    from hotpapers.deliver import register_channels  # noqa: PLC0415
    from hotpapers.enrich.code import CodeProvider  # noqa: PLC0415
    from hotpapers.enrich.hub import HubProvider  # noqa: PLC0415
    from hotpapers.enrich.scholar import ScholarProvider  # noqa: PLC0415
    from hotpapers.sources.alphaxiv import AlphaXivSource  # noqa: PLC0415
    from hotpapers.sources.bluesky import BlueskySource  # noqa: PLC0415
    from hotpapers.sources.hackernews import HackerNewsSource  # noqa: PLC0415
    from hotpapers.sources.huggingface import HuggingFaceSource  # noqa: PLC0415
    from hotpapers.sources.legacy_source import LegacySource  # noqa: PLC0415
    from hotpapers.sources.mastodon import MastodonSource  # noqa: PLC0415
    from hotpapers.sources.reddit import RedditSource  # noqa: PLC0415
    from hotpapers.sources.x import XSource  # noqa: PLC0415
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
    register_channels(registry)
