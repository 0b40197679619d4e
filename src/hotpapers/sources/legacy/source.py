"""The original tool's per-day JSON files as a source like the others (``HOTPAPERS_LEGACY_DIR``)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from hotpapers.errors import InputError
from hotpapers.models import Record
from hotpapers.plugins import CollectRequest, SourceContext, SourceStatus
from hotpapers.sources.legacy.parse import parse_legacy

__all__ = ["LegacySource"]

log = logging.getLogger(__name__)


class LegacySource:
    """Reads the original tool's intermediate JSON files for the requested day from a folder.

    Every ``*.json`` file of ``$HOTPAPERS_LEGACY_DIR`` whose ``meta.since`` is the requested listing day is
    parsed (see ``hotpapers.sources.legacy.parse``); a bad file is skipped with a log line naming it.
    """

    name = "legacy"

    def __init__(self, context: SourceContext) -> None:
        folder = context.env.get("HOTPAPERS_LEGACY_DIR")
        self._folder = Path(folder) if folder else None

    def status(self) -> SourceStatus:
        """Enabled when HOTPAPERS_LEGACY_DIR names a folder."""
        if self._folder is None:
            return SourceStatus(False, "set HOTPAPERS_LEGACY_DIR to a folder of the original tool's JSON files")
        if not self._folder.is_dir():
            return SourceStatus(False, f"HOTPAPERS_LEGACY_DIR={self._folder} is not a folder")
        return SourceStatus(True)

    def collect(self, request: CollectRequest) -> Iterator[Record]:
        """Yield the papers, announcements, posts and snapshots of the files for ``request.day``."""
        if self._folder is None:
            return
        for path in sorted(self._folder.glob("*.json")):
            try:
                batch = parse_legacy(path.read_bytes(), str(path))
            except (InputError, OSError) as e:
                log.warning("legacy: skipped %s: %s", path, e)
                continue
            if batch.date != request.day:
                continue
            yield from batch.papers
            yield from batch.announcements
            yield from batch.posts
            yield from batch.snapshots
