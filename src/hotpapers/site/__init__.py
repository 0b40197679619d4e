"""The static site: the whole archive as plain files that any web server or GitHub Pages can host.

``build_site`` is pure: an ``Archive`` (or any ``SiteSource``) in, files out, rebuilt incrementally (only the
pages whose data changed are written; see docs/site.md). Reading the archive from a store is a job:
``hotpapers.jobs.site.build_site_from_store``.
"""

from __future__ import annotations

from hotpapers.site._build import SiteReport, build_site
from hotpapers.site._chart import engagement_series
from hotpapers.site._manifest import MANIFEST_NAME
from hotpapers.site._model import paper_path
from hotpapers.site._pages import SitePages, site_pages
from hotpapers.site._source import ArchiveSource, SiteSource, fingerprint
from hotpapers.writers.embeds import EmbedMode

__all__ = [
    "MANIFEST_NAME", "ArchiveSource", "EmbedMode", "SitePages", "SiteReport", "SiteSource", "build_site",
    "engagement_series", "fingerprint", "paper_path", "site_pages",
]  # fmt: skip
