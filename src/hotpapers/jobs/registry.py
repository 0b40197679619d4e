"""The loader of plugins: the built-in sources, enrichment providers and writers, then every installed plugin.

It sits above the stages it registers (``sources``, ``enrich``, ``writers``), which import only the protocols of
``hotpapers.plugins``: no import runs back up. The built-ins register exactly as a third-party plugin does, through
``register(registry)``, which the package's own entry point in the ``hotpapers`` group names.
"""

from __future__ import annotations

from importlib.metadata import entry_points

from hotpapers.plugins import ENTRY_POINT_GROUP, Registry

__all__ = ["load_registry", "register"]

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
    """Add hotpapers' own writers, sources and enrichment providers to ``registry``."""
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
