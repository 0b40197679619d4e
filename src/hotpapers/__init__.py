"""hotpapers: which new arXiv papers the community is talking about, with the conversation attached.

The public surface is small: the records, the error tree, the extension protocols and the store opener.
Everything else is private to the package and may change.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from hotpapers.errors import HotpapersError, InputError, StoreError, UsageError
from hotpapers.models import (
    Announcement,
    AnnounceType,
    ArxivId,
    Digest,
    EngagementSnapshot,
    Paper,
    Post,
    PostKind,
    RankedPaper,
)
from hotpapers.plugins import Registry, Source, Writer

try:
    __version__ = version("hotpapers")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without metadata
    __version__ = "0.0.0"

__all__ = [
    "AnnounceType",
    "Announcement",
    "ArxivId",
    "Digest",
    "EngagementSnapshot",
    "HotpapersError",
    "InputError",
    "Paper",
    "Post",
    "PostKind",
    "RankedPaper",
    "Registry",
    "Source",
    "StoreError",
    "UsageError",
    "Writer",
    "__version__",
]
