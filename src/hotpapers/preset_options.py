"""Ranking options from the config file (``[ranking.default]``, ``[ranking.classic]``) and the command line."""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Iterable, Mapping
from typing import Any

from hotpapers.errors import ConfigError, UsageError
from hotpapers.ranking import ClassicOptions
from hotpapers.ranking_default import DefaultOptions

__all__ = ["OPTION_CLASSES", "option_flags", "preset_options"]

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


def _flag_value(text: str) -> Any:
    """A ``--option`` value: a TOML value (``0.3``, ``true``, ``["a", "b"]``, ``{x = 2.0}``, ``"log1p"``), or the
    text itself when it is not one (so ``damping=sqrt`` needs no quotes)."""
    try:
        return _convert(tomllib.loads(f"value = {text}")["value"])
    except tomllib.TOMLDecodeError:
        return text


def option_flags(preset: str, given: Iterable[str]) -> dict[str, Any]:
    """The values of ``--option NAME=VALUE`` flags for ``preset`` (checked by name; values by the options class).

    Raises:
        UsageError: a flag without ``=``, a name the preset does not have, or a preset without options.
    """
    values: dict[str, Any] = {}
    for item in given:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise UsageError(f"--option {item!r}: expected NAME=VALUE, e.g. --option low_credibility_cap=8")
        cls = OPTION_CLASSES.get(preset)
        if cls is None:
            raise UsageError(f"--option {name}: preset {preset!r} takes no options")
        defaults = {f.name: f.default for f in dataclasses.fields(cls)}
        if name not in defaults:
            raise UsageError(f"--option {name}: not an option of the {preset!r} preset (see docs/ranking.md)")
        values[name] = _typed(name, _flag_value(text.strip()), defaults[name])
    return values


def _typed(name: str, value: Any, default: Any) -> Any:
    """``value`` as the type of the option's default (an integer for a float option is fine).

    Raises:
        UsageError: naming the option and the type it needs.
    """
    if isinstance(default, bool):
        ok = isinstance(value, bool)
        wanted = "true or false"
    elif isinstance(default, int | float):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        wanted = "a number"
        if ok and isinstance(default, int) and not isinstance(value, int):
            ok, wanted = False, "a whole number"
        value = float(value) if ok and isinstance(default, float) else value
    elif isinstance(default, tuple):
        ok, wanted = isinstance(value, tuple), 'a list such as ["a", "b"] (or a table {x = 1.5} for weights)'
    else:
        ok, wanted = isinstance(value, str), "a string"
    if not ok:
        raise UsageError(f"--option {name}: expected {wanted}, got {value!r}")
    return value
