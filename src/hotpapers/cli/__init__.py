"""The ``hotpapers`` command line: parses options and calls ``hotpapers.pipeline``; nothing more."""

from __future__ import annotations

import sys

import click

from hotpapers.cli.app import cli
from hotpapers.errors import HotpapersError

__all__ = ["cli", "main"]

# The commands defined outside cli/app.py, imported on first use (hotpapers.cli.lazy): a module that registers
# its commands with @cli.command(), or module:attribute for a command object.
cli.lazy.update({
    "run": "hotpapers.cli.collecting",
    "collect": "hotpapers.cli.collecting",
    "sources": "hotpapers.cli.collecting",
    "publish": "hotpapers.cli.publishing",
    "listen": "hotpapers.cli.bluesky:listen",
    "replay": "hotpapers.cli.bluesky:replay",
    "site": "hotpapers.cli.site:site",
})


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; turn every hotpapers error into one line on standard error and its exit code."""
    try:
        rv = cli.main(args=argv, prog_name="hotpapers", standalone_mode=False)
    except HotpapersError as e:
        click.echo(f"hotpapers: error: {e}", err=True)
        return e.exit_code
    except click.exceptions.Exit as e:
        return int(e.exit_code)
    except click.Abort:
        click.echo("hotpapers: aborted", err=True)
        return 130
    except click.ClickException as e:
        e.show()
        return e.exit_code
    except KeyboardInterrupt:
        click.echo("hotpapers: interrupted", err=True)
        return 130
    return rv if isinstance(rv, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
