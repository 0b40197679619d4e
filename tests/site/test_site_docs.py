"""docs/site.md's examples are true: its console blocks, run in a fresh folder, print what the page shows."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.paths import DOCS

DOC = DOCS / "site.md"


def console_blocks(text: str) -> list[list[tuple[list[str], list[str]]]]:
    """Each ```console block as (command argv, expected output lines) pairs; `# comments` are dropped."""
    blocks = []
    for body in re.findall(r"```console\n(.*?)```", text, re.S):
        steps: list[tuple[list[str], list[str]]] = []
        for line in body.splitlines():
            if line.startswith("$ "):
                steps.append((shlex.split(line[2:], comments=True), []))
            else:
                steps[-1][1].append(line)
        blocks.append(steps)
    return blocks


def matches(lines: list[str], expected: list[str]) -> bool:
    """``lines`` are ``expected``, where a line ``...`` stands for any lines (none included)."""
    if "..." not in expected:
        return lines == expected
    cut = expected.index("...")
    head, tail = expected[:cut], expected[cut + 1 :]
    if lines[: len(head)] != head:
        return False
    rest = lines[len(head) :]
    return any(matches(rest[start:], tail) for start in range(len(rest) + 1))


def test_dots_stand_for_any_lines() -> None:
    """The docs' `...` matches any lines between the ones around it, and nothing else is loose."""
    assert matches(["a", "x", "y", "b"], ["a", "...", "b"]) and matches(["a", "b"], ["a", "...", "b"])
    assert not matches(["a", "x"], ["a", "...", "b"]) and not matches(["a", "b", "c"], ["a", "b"])


@pytest.mark.slow
def test_site_docs_console_examples_print_what_they_show(tmp_path: Path) -> None:
    """Every command of docs/site.md's console blocks, run in order in an empty folder, prints exactly the
    lines shown under it (the demo store gives the documented number of files; a rebuild writes none)."""
    blocks = console_blocks(DOC.read_text(encoding="utf-8"))
    assert blocks, "docs/site.md has no console example"
    for steps in blocks:
        for argv, expected in steps:
            assert argv[0] == "hotpapers", argv
            run = subprocess.run(
                [sys.executable, "-m", "hotpapers", *argv[1:]], cwd=tmp_path, capture_output=True, text=True, check=False
            )
            assert run.returncode == 0, (argv, run.stderr)
            assert matches(run.stdout.splitlines(), expected), (argv, run.stdout)
