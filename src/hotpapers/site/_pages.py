"""The site's pages in memory, for a server that renders them on request (``hotpapers serve``) instead of writing files.

``site_pages`` plans the same pages ``build_site`` writes, from the same ``SiteSource``, with the same keys (a hash of
the fingerprints of what each page shows, see ``_build.py``): a page is rendered only when asked for, and a server may
keep its bytes for as long as its key is unchanged. Nothing here writes a file.
"""

from __future__ import annotations

import threading
from collections.abc import MutableMapping
from dataclasses import dataclass, field

from hotpapers.errors import UsageError
from hotpapers.site._build import _base_url, _Digests, _Page, _Renderer, build_key, plan_days
from hotpapers.site._model import build_model
from hotpapers.site._source import SiteSource
from hotpapers.writers.embeds import EMBED_MODES, EmbedMode

__all__ = ["SitePages", "site_pages"]


@dataclass
class SitePages:
    """Every page of a site, by path (``index.html``, ``days/2021-04-19.html``, ``assets/style.css``, …).

    ``render`` reads the source (a paper page's posts, the digests a page shows) and is not safe to call from two
    threads at once: callers serialise it (a lock is provided).
    """

    pages: dict[str, _Page]
    renderer: _Renderer
    lock: threading.Lock = field(default_factory=threading.Lock)

    def key(self, path: str) -> str | None:
        """The key of the page at ``path`` (equal keys, equal bytes), or None when the site has no such page."""
        page = self.pages.get(path)
        return None if page is None else page.key

    def render(self, path: str) -> bytes:
        """The bytes of the page at ``path``.

        Raises:
            KeyError: the site has no such page.
        """
        page = self.pages[path]
        with self.lock:
            self.renderer.prepare([page.paper] if page.paper is not None else [])
            return page.render()


def site_pages(
    source: SiteSource,
    *,
    embeds: EmbedMode = "static",
    base_url: str = "/",
    day_cache: MutableMapping[str, object] | None = None,
) -> SitePages:
    """Plan every page of ``source``'s site, rendering none.

    ``day_cache`` maps a digest's fingerprint to what planning needs of it (as ``DayInfo.to_json``): pass the same
    mapping again and an unchanged digest is not read again; it is filled with every day planned.

    Raises:
        UsageError: bad ``embeds`` or ``base_url``.
        StoreError: the source could not be read.
    """
    if embeds not in EMBED_MODES:
        raise UsageError(f"embeds {embeds!r}: unknown mode (known: {', '.join(EMBED_MODES)})")
    base = _base_url(base_url)
    cache = day_cache if day_cache is not None else {}
    digests = _Digests(source)
    days = plan_days(source, digests, cache)
    cache.update((day.fingerprint, day.to_json()) for day in days)
    renderer = _Renderer(build_model(days), source, digests, embeds, base)
    build = build_key(embeds, base)
    return SitePages({page.path: page for page in renderer.pages(build)}, renderer)
