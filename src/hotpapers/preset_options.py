"""Ranking options from the config file (``[ranking.default]``, ``[ranking.classic]``) and the command line."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from hotpapers.errors import ConfigError, UsageError
from hotpapers.ranking import ClassicOptions
from hotpapers.ranking_default import DefaultOptions

__all__ = ["OPTION_CLASSES", "preset_options"]

OPTION_CLASSES: dict[str, type[ClassicOptions] | type[DefaultOptions]] = {
    "classic": ClassicOptions,
    "default": DefaultOptions,
}


def _convert(value: Any) -> Any:
    """TOML to option values: lists become tuples, tables of numbers become sorted (key, value) pairs."""
    if isinstance(value, list):
        return tuple(_convert(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), _convert(v)) for k, v in value.items()))
    return value


def preset_options(
    preset: str, configured: Mapping[str, Any], overrides: Mapping[str, Any] | None = None, where: str = "config"
) -> dict[str, Any]:
    """The keyword arguments for ``rank(preset, ...)``: ``{"options": XOptions(...)}``, or ``{}`` if none is set.

    ``configured`` is the preset's table from the config file; ``overrides`` (command-line flags) win over it.

    Raises:
        ConfigError: an unknown key or an invalid value in the config table.
        UsageError: an invalid command-line value, or options for a preset that has none.
    """
    if not configured and not overrides:
        return {}
    cls = OPTION_CLASSES.get(preset)
    if cls is None:
        raise UsageError(f"preset {preset!r} takes no options")
    known = {f.name for f in dataclasses.fields(cls)}
    for key in configured:
        if key not in known:
            raise ConfigError(f"{where}: [ranking.{preset}] unknown option {key!r}")
    values = {k: _convert(v) for k, v in configured.items()}
    values.update(overrides or {})
    try:
        return {"options": cls(**values)}
    except UsageError as e:
        raise (ConfigError(f"{where}: [ranking.{preset}] {e}") if not overrides else e) from e
    except (TypeError, ValueError) as e:
        raise ConfigError(f"{where}: [ranking.{preset}] {e}") from e
