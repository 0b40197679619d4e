"""The package's public surface, as httpx tests its own: one curated ``__all__``, every name importable and
documented."""

from __future__ import annotations

import importlib
import re
import types
from pathlib import Path

import hotpapers

from helpers import paths

DOCS = paths.DOCS / "library.md"


def test_all_is_sorted_and_holds_every_public_name() -> None:
    """``__all__`` is sorted, and names exactly the public attributes (submodules aside) and the lazy ones."""
    defined = {name for name, value in vars(hotpapers).items()
               if not name.startswith("_") and not isinstance(value, types.ModuleType)}  # fmt: skip
    lazy = set(hotpapers._LAZY) | {"__version__"}
    assert hotpapers.__all__ == sorted(hotpapers.__all__)
    assert set(hotpapers.__all__) == defined | lazy


def test_every_exported_name_is_importable() -> None:
    """``from hotpapers import NAME`` works for each name, the lazy ones included."""
    for name in hotpapers.__all__:
        assert getattr(importlib.import_module("hotpapers"), name) is not None, name


def test_every_exported_name_is_documented() -> None:
    """Each name has a row in docs/library.md, and each class or function a docstring."""
    listed = set(re.findall(r"^\| `([A-Za-z_]+)` \|", DOCS.read_text(), flags=re.MULTILINE))
    assert set(hotpapers.__all__) <= listed
    for name in hotpapers.__all__:
        value = getattr(hotpapers, name)
        if isinstance(value, type) or (callable(value) and not isinstance(value, type(hotpapers.ArxivId))):
            assert value.__doc__, name


def test_open_store_is_the_stores_opener(tmp_path: Path) -> None:
    """The promised opener opens (and creates) a store."""
    with hotpapers.open_store(str(tmp_path / "s.db")) as store:
        assert store.announced_dates() == []
