"""The real renderers some tests build with: Node (the Lumen pipeline with KaTeX), Hugo and Jekyll.

Each is found on ``PATH``; a test that needs a missing one is skipped with the reason and how to install it, or
fails instead when ``HOTPAPERS_REQUIRE_ENGINES=1`` (``.ci/run`` sets it, so CI never skips them silently).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import NoReturn

import pytest

JS = Path(__file__).resolve().parent / "js"
REQUIRE_ENV = "HOTPAPERS_REQUIRE_ENGINES"


def unavailable(reason: str) -> NoReturn:
    """Skip the test with ``reason``, or fail it when the engines are required."""
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{reason} ({REQUIRE_ENV}=1)")
    pytest.skip(reason)


def executable(name: str, package: str) -> str:
    """The path of program ``name``, or skip (fail) saying which Debian package provides it."""
    path = shutil.which(name)
    if path is None:
        unavailable(f"{name} is not installed (apt-get install {package})")
    return path


def node_modules() -> Path:
    """``tests/js/node_modules`` after ``npm ci --prefix tests/js``, or skip (fail) saying so."""
    executable("node", "nodejs npm")
    modules = JS / "node_modules"
    if not (modules / "katex").is_dir():
        unavailable("the Lumen pipeline's npm packages are not installed (npm ci --prefix tests/js)")
    return modules
