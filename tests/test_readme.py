"""The README's Quickstart and CI stay in step."""

from __future__ import annotations

import re

from helpers.paths import ROOT


def _quickstart_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quickstart", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_quickstart_has_install_demo_and_test_commands() -> None:
    """The Quickstart is three commands: install, demo, tests."""
    install, demo, tests = _quickstart_commands()
    assert "pip install" in install and demo.startswith("hotpapers demo --out ") and "pytest" in tests


def test_ci_runs_exactly_the_readme_test_command() -> None:
    """.ci/run's last command is the README's test command, character for character."""
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line.strip()]
    assert ci[-1] == _quickstart_commands()[-1]
