"""The real renderers some tests build with: Node (the Lumen pipeline with KaTeX), Hugo and Jekyll.

Each is found on ``PATH``; a test that needs a missing one is skipped with the reason and how to install it, or
fails instead when ``HOTPAPERS_REQUIRE_ENGINES=1`` (``.ci/run`` sets it, so CI never skips them silently).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any, NoReturn

import pytest

from helpers.paths import TESTS

JS = TESTS / "js"
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


def kramdown_server() -> LineServer:
    """kramdown (Jekyll's Markdown) in a Ruby process: ``ask({"markdown": …, "input": "GFM"|"kramdown"})``."""
    ruby = executable("ruby", "ruby-kramdown ruby-kramdown-parser-gfm (or jekyll)")
    return LineServer([ruby, str(TESTS / "ruby" / "kramdown_check.rb")], TESTS)


class LineServer:
    """A helper process that answers one JSON line for each JSON line it is sent (UTF-8); :meth:`close` it."""

    def __init__(self, command: list[str], cwd: Path) -> None:
        env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
        self._process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8", cwd=cwd, env=env
        )

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        """Send ``request``; return the answer (fails the test if the process died or reports a crash)."""
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(json.dumps(request) + "\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        assert line, f"{self._process.args[1]} exited"
        answer: dict[str, Any] = json.loads(line)
        assert "crash" not in answer, answer["crash"]
        return answer

    def close(self) -> None:
        """End the process (its input closed, it exits)."""
        assert self._process.stdin is not None
        self._process.stdin.close()
        self._process.wait(timeout=30)
