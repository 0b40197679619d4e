"""The feed writers: Atom (``atom``), RSS 2.0 (``rss``) and JSON Feed 1.1 (``jsonfeed``).

Each writes the digest's whole feed and one feed per arXiv category its papers are listed in::

    OUT/feeds/atom.xml                         OUT/feeds/categories/cs.LG/atom.xml
    OUT/feeds/rss.xml                          OUT/feeds/categories/cs.LG/rss.xml
    OUT/feeds/feed.json                        OUT/feeds/categories/cs.LG/feed.json

Feeds hold absolute links, so they need the public URL of ``OUT``: the ``site_url`` argument, else
``$HOTPAPERS_SITE_URL`` (read when the writer is constructed), else ``https://example.invalid/``. Entry ids are
``tag:`` URIs minted from that URL's host (see :mod:`hotpapers.writers.feeds_common`), so set it before the
first publication. Writers never touch the network or the store; every file is written atomically.
"""

from __future__ import annotations

from pathlib import Path

from hotpapers._fs import atomic_write_bytes
from hotpapers.models import Digest
from hotpapers.writers.feeds_common import Feed, FeedSettings, feeds
from hotpapers.writers.feeds_json import render_json_feed
from hotpapers.writers.feeds_xml import render_atom, render_rss

__all__ = ["AtomWriter", "FeedSettings", "JsonFeedWriter", "RssWriter"]


class _FeedWriter:
    """Writes ``filename`` in every feed directory of a digest, rendered by ``_render``."""

    name = ""
    filename = ""

    def __init__(self, site_url: str | None = None, *, title: str | None = None) -> None:
        """Args:
            site_url: the public URL of the output directory (default: ``$HOTPAPERS_SITE_URL``, else
                ``https://example.invalid/``).
            title: the feeds' title (default ``Hot Papers``; a category feed adds ``: <category>``).

        Raises:
            ConfigError: ``site_url`` (or the environment's) is not an absolute http(s) URL.
        """
        self.settings = FeedSettings.create(site_url, title)

    def write(self, digest: Digest, out_dir: Path) -> list[Path]:
        """Write the digest's feeds under ``out_dir/feeds/`` atomically.

        Args:
            digest: the finished digest.
            out_dir: the output directory, published at the site URL.

        Returns:
            The paths written: the whole feed first, then one per category in sorted order.

        Raises:
            WriterError: a file could not be written.
        """
        paths = []
        for feed in feeds(digest, self.settings):
            path = out_dir / feed.path(self.filename)
            atomic_write_bytes(path, self._render(digest, feed))
            paths.append(path)
        return paths

    def _render(self, digest: Digest, feed: Feed) -> bytes:
        raise NotImplementedError


class AtomWriter(_FeedWriter):
    """Atom 1.0 feeds: ``feeds/atom.xml`` and ``feeds/categories/<category>/atom.xml``."""

    name = "atom"
    filename = "atom.xml"

    def _render(self, digest: Digest, feed: Feed) -> bytes:
        return render_atom(digest, feed, self.settings)


class RssWriter(_FeedWriter):
    """RSS 2.0 feeds: ``feeds/rss.xml`` and ``feeds/categories/<category>/rss.xml``."""

    name = "rss"
    filename = "rss.xml"

    def _render(self, digest: Digest, feed: Feed) -> bytes:
        return render_rss(digest, feed, self.settings)


class JsonFeedWriter(_FeedWriter):
    """JSON Feed 1.1 feeds: ``feeds/feed.json`` and ``feeds/categories/<category>/feed.json``."""

    name = "jsonfeed"
    filename = "feed.json"

    def _render(self, digest: Digest, feed: Feed) -> bytes:
        return render_json_feed(digest, feed, self.settings)
