"""Start-up: each command imports only what it needs (commands and the package's heavy names load on use)."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import click
import pytest

import hotpapers
from hotpapers.cli import cli, main

from helpers.paths import SOCIAL

DERIVED = SOCIAL / "bluesky" / "derived" / "jetstream_capture_with_arxiv_links.jsonl"
HEAVY = ("httpx", "rich", "jinja2", "lxml", "websockets", "stamina", "hotpapers.plugins", "importlib.metadata")


def _loaded_after(argv: list[str]) -> list[str]:
    """The heavy modules a fresh interpreter has imported after running ``hotpapers ARGV``."""
    script = (f"import sys\nfrom hotpapers.cli import main\ncode = main({argv!r})\n"
              f"print(code, [m for m in {HEAVY!r} if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return done.stdout.strip().splitlines()[-1].split(" ", 1)


def test_replay_starts_without_the_http_stack(tmp_path: Path) -> None:
    """``replay bluesky FILE`` runs without importing httpx, rich, jinja2, lxml, websockets or the plugins."""
    assert _loaded_after(["--db", str(tmp_path / "s.db"), "replay", "bluesky", str(DERIVED)]) == ["0", "[]"]


def test_resolve_starts_without_the_http_stack() -> None:
    """``resolve`` needs none of them either."""
    assert _loaded_after(["resolve", "arXiv:2104.08223"]) == ["0", "[]"]


def test_every_lazy_command_is_the_one_its_module_registers() -> None:
    """Each lazy name resolves to a command of that name; importing the lazy modules registers no other one."""
    for module in {entry.partition(":")[0] for entry in cli.lazy.values()}:
        importlib.import_module(module)
    context = click.Context(cli)
    for name in cli.lazy:
        command = cli.get_command(context, name)
        assert command is not None and command.name == name
    assert set(cli.commands) == set(cli.list_commands(context))


def test_help_lists_the_lazy_commands(capsys: pytest.CaptureFixture[str]) -> None:
    """``hotpapers --help`` lists every command, the lazy ones included."""
    assert main(["--help"]) == 0
    listed = capsys.readouterr().out.split("Commands:", 1)[1]
    assert all(f"  {name} " in listed for name in cli.lazy)


def test_package_names_load_on_use() -> None:
    """The extension protocols and the version are attributes of the package, read on first use."""
    from hotpapers import Registry, __version__  # noqa: PLC0415

    assert Registry.__module__ == "hotpapers.plugins" and __version__ and "Writer" in dir(hotpapers)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = hotpapers.nope  # type: ignore[attr-defined]
