"""hotpapers: which new arXiv papers the community is talking about, with the conversation attached.

The public surface is small: the records, the error tree, the extension protocols and the store opener.
Everything else is private to the package and may change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from hotpapers.plugins import Registry, Source, Writer

    __version__: str

# The extension protocols bring the HTTP stack (httpx), and the version the package metadata reader: both are
# loaded on first use (PEP 562), so that a command that needs neither (replay, resolve) starts without them.
_LAZY = {"Registry": "hotpapers.plugins", "Source": "hotpapers.plugins", "Writer": "hotpapers.plugins"}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

        try:
            value = version("hotpapers")
        except PackageNotFoundError:  # pragma: no cover - running from a source tree without metadata
            value = "0.0.0"
    elif name in _LAZY:
        import importlib  # noqa: PLC0415

        value = getattr(importlib.import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module 'hotpapers' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY, "__version__"})

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
