"""Registers the built-in sources and writers, the same way a third-party plugin would."""

from __future__ import annotations

from hotpapers.plugins import Registry

__all__ = ["register"]


def register(registry: Registry) -> None:
    """Add hotpapers' own writers and sources to ``registry``."""
    from hotpapers.writers.lumen import LumenWriter  # noqa: PLC0415 - plugins load only when registered

    registry.add_writer("lumen", LumenWriter)
