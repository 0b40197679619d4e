"""A click group whose commands are imported when they are used, so that each command starts with only what it
needs: ``hotpapers replay`` does not import the HTTP, HTML and terminal-table stacks that ``run`` and ``site``
use (about 0.15 s of the start-up of every command, measured in docs/benchmarks.md).

It is click's documented lazy-loading pattern: ``lazy`` maps a command's name to ``"module"`` (a module that
registers the command on the group when imported, with ``@cli.command()``) or ``"module:attribute"`` (a command
object the group adds). ``list_commands`` (``--help``, shell completion) still lists, and so imports, them all.
"""

from __future__ import annotations

import importlib

import click

__all__ = ["LazyGroup"]


class LazyGroup(click.Group):
    """A group that imports a command's module on first use."""

    def __init__(self, *args: object, lazy: dict[str, str] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy: dict[str, str] = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command, the lazy ones included."""
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command ``cmd_name``, importing its module if it is not loaded yet."""
        if cmd_name not in self.commands and cmd_name in self.lazy:
            self.load(cmd_name)
        return super().get_command(ctx, cmd_name)

    def load(self, cmd_name: str) -> None:
        """Import the module of ``cmd_name`` (and add the command, for a ``module:attribute`` entry)."""
        module_name, _, attribute = self.lazy[cmd_name].partition(":")
        module = importlib.import_module(module_name)
        if attribute and cmd_name not in self.commands:
            command = getattr(module, attribute)
            if not isinstance(command, click.Command):
                raise TypeError(f"{self.lazy[cmd_name]} is not a click command")
            self.add_command(command, cmd_name)
