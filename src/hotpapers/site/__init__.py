"""The static site: the whole archive as plain files that any web server or GitHub Pages can host.

``build_site`` is pure (an ``Archive`` in, files out); ``build_site_from_store`` reads the archive from a store
first (``pipeline.build_archive``), for the command line. See docs/site.md.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from hotpapers import pipeline
from hotpapers.enrich.view import only_with_code
from hotpapers.site._build import build_site
from hotpapers.store.base import Store
from hotpapers.writers.embeds import EmbedMode

__all__ = ["EmbedMode", "build_site", "build_site_from_store"]


def build_site_from_store(
    store: Store,
    out_dir: Path,
    *,
    preset: str = "classic",
    now: dt.datetime,
    embeds: EmbedMode = "static",
    base_url: str = "/",
    has_code: bool = False,
) -> list[Path]:
    """Build the archive of ``preset`` from ``store`` (as of ``now``) and write its site under ``out_dir``.

    With ``has_code`` every day lists only its papers with a known code repository (``hotpapers enrich``).

    Raises:
        UsageError: bad ``embeds`` or ``base_url``.
        StoreError: the store could not be read.
        WriterError: a file could not be written.
    """
    archive = pipeline.build_archive(store, preset=preset, now=now)
    if has_code:
        archive = dataclasses.replace(archive, digests=tuple(only_with_code(d) for d in archive.digests))
    return build_site(archive, out_dir, embeds=embeds, base_url=base_url)
