"""Extension points: the ``Source`` and ``Writer`` protocols and the registry that holds them.

Built-in sources and writers register exactly as third-party plugins do: a distribution declares an entry
point in the group ``hotpapers`` naming a module with a ``register(registry)`` function::

    [project.entry-points.hotpapers]
    myplugin = "myplugin.hotpapers_plugin"

and ``register`` calls ``registry.add_writer(...)`` / ``registry.add_source(...)``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Protocol, runtime_checkable

from hotpapers.models import Announcement, Digest, EngagementSnapshot, Paper, Post

__all__ = [
    "ENTRY_POINT_GROUP",
    "Record",
    "Registry",
    "Source",
    "SourceStatus",
    "Writer",
    "load_registry",
]

ENTRY_POINT_GROUP = "hotpapers"

Record = Paper | Announcement | Post | EngagementSnapshot
"""What a source yields: records for the store, never files."""


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """Whether a source can run, and if not, how to enable it."""

    enabled: bool
    reason: str = ""


@runtime_checkable
class Source(Protocol):
    """A social platform (or archive) that yields posts and engagement for a window of time."""

    name: str

    def status(self) -> SourceStatus:
        """Say whether the source is usable (credentials present, etc.).

        Returns:
            A ``SourceStatus``; when disabled, ``reason`` says how to enable it.
        """
        ...

    def collect(self, start: dt.datetime, end: dt.datetime) -> Iterator[Record]:
        """Yield the records found for posts created in ``[start, end)``.

        Raises:
            NetworkError: the platform could not be reached after retries.
            ParseError: the platform answered with an undocumented shape.
        """
        ...


@runtime_checkable
class Writer(Protocol):
    """Renders a finished ``Digest`` to files. Never touches the network or the store."""

    name: str

    def write(self, digest: Digest, out_dir: Path) -> list[Path]:
        """Write the digest under ``out_dir`` (atomically) and return the paths written.

        Raises:
            WriterError: a file could not be written.
        """
        ...


@dataclass
class Registry:
    """The sources and writers known to this process, by name."""

    writers: dict[str, Callable[[], Writer]] = field(default_factory=dict)
    sources: dict[str, Callable[[], Source]] = field(default_factory=dict)

    def add_writer(self, name: str, factory: Callable[[], Writer]) -> None:
        """Register a writer factory under ``name`` (a later registration replaces an earlier one)."""
        self.writers[name] = factory

    def add_source(self, name: str, factory: Callable[[], Source]) -> None:
        """Register a source factory under ``name``."""
        self.sources[name] = factory


def load_registry() -> Registry:
    """Build a registry from every module in the ``hotpapers`` entry-point group."""
    registry = Registry()
    # The built-ins are always loaded first (also when running from a source tree without metadata).
    from hotpapers import builtin_plugins  # noqa: PLC0415 - loaded late: the built-ins import this module

    builtin_plugins.register(registry)
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.value == "hotpapers.builtin_plugins":
            continue
        module = ep.load()
        module.register(registry)
    return registry
