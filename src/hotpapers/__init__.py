"""hotpapers: which new arXiv papers the community is talking about, with the conversation attached.

The public surface is small: the records, the error tree, the extension protocols and the store opener, all
importable from here (``from hotpapers import open_store, Digest``) and listed, one line each, in docs/library.md.
Everything else is private to the package and may change.
"""

import typing as _typing

from hotpapers.errors import (
    APIError,
    ConfigError,
    DeliveryError,
    HotpapersError,
    InputError,
    LockedError,
    NetworkError,
    ParseError,
    SchemaVersionError,
    StoreError,
    UsageError,
    WriterError,
)
from hotpapers.models import (
    AccountProfile,
    Announcement,
    AnnounceType,
    ArxivId,
    Digest,
    EngagementSnapshot,
    Paper,
    PaperLink,
    Post,
    PostGone,
    PostKind,
    RankedPaper,
    Record,
)

if _typing.TYPE_CHECKING:
    from hotpapers.plugins import Channel, Provider, Registry, Source, Writer
    from hotpapers.store import Store, open_store

    __version__: str

# The extension protocols bring the HTTP stack (httpx), the store its backends, and the version the package
# metadata reader: all are loaded on first use (PEP 562), so that a command that needs none of them (resolve)
# starts without them.
_LAZY = {
    "Channel": "hotpapers.plugins",
    "Provider": "hotpapers.plugins",
    "Registry": "hotpapers.plugins",
    "Source": "hotpapers.plugins",
    "Writer": "hotpapers.plugins",
    "Store": "hotpapers.store",
    "open_store": "hotpapers.store",
}


def __getattr__(name: str) -> object:
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
    "APIError",
    "AccountProfile",
    "AnnounceType",
    "Announcement",
    "ArxivId",
    "Channel",
    "ConfigError",
    "DeliveryError",
    "Digest",
    "EngagementSnapshot",
    "HotpapersError",
    "InputError",
    "LockedError",
    "NetworkError",
    "Paper",
    "PaperLink",
    "ParseError",
    "Post",
    "PostGone",
    "PostKind",
    "Provider",
    "RankedPaper",
    "Record",
    "Registry",
    "SchemaVersionError",
    "Source",
    "Store",
    "StoreError",
    "UsageError",
    "Writer",
    "WriterError",
    "__version__",
    "open_store",
]
