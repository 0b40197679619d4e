"""The ``hotpapers`` command line: parses options, calls a job (``hotpapers.jobs``) and prints its summary; nothing
more."""

from __future__ import annotations

import sys
import traceback

import click

from hotpapers.cli.app import cli
from hotpapers.cli.words import in_cli_words
from hotpapers.errors import HotpapersError, UsageError
from hotpapers.redact import redact

__all__ = ["cli", "main"]

# Every command but resolve is defined outside cli/app.py and imported on first use (hotpapers.cli.lazy): a module
# that registers its commands with @cli.command(), or module:attribute for a command object.
cli.lazy.update({
    "ingest": "hotpapers.cli.ingest",
    "import": "hotpapers.cli.transfer",
    "export": "hotpapers.cli.transfer",
    "copy-store": "hotpapers.cli.transfer",
    "render": "hotpapers.cli.render",
    "demo": "hotpapers.cli.render",
    "run": "hotpapers.cli.collecting",
    "collect": "hotpapers.cli.collecting",
    "sources": "hotpapers.cli.collecting",
    "publish": "hotpapers.cli.publishing",
    "listen": "hotpapers.cli.firehose:listen",
    "replay": "hotpapers.cli.firehose:replay",
    "site": "hotpapers.cli.site:site",
    "enrich": "hotpapers.cli.enrich:enrich_command",
    "providers": "hotpapers.cli.enrich:providers_command",
    "summarize": "hotpapers.cli.summarize:summarize_command",
    "serve": "hotpapers.cli.serve:serve_command",
    "mcp": "hotpapers.cli.serve:mcp_command",
    "deliver": "hotpapers.cli.deliver:deliver_command",
    "profiles": "hotpapers.cli.profiles:profiles_command",
    "not-interested": "hotpapers.cli.profiles:not_interested_command",
})


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; turn every hotpapers error into one line on standard error and its exit code."""
    try:
        if any("\x00" in arg for arg in argv or ()):  # no shell passes one; a path with one makes os calls raise
            raise UsageError("an argument contains a NUL character")
        rv = cli.main(args=argv, prog_name="hotpapers", standalone_mode=False)
    except (HotpapersError, click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt) as e:
        return _report(e)
    except Exception as e:  # a bug: still one line (and the traceback with -v), never a secret
        if {"-v", "--verbose"} & set(argv if argv is not None else sys.argv[1:]):
            click.echo(redact(traceback.format_exc()), err=True, nl=False)
        message = " ".join(f"{type(e).__name__}: {e}".split())[:500]
        click.echo(f"hotpapers: error: unexpected {redact(message)} (a bug: run with -v for the traceback and "
                   "please report it)", err=True)
        return 1
    return rv if isinstance(rv, int) else 0


def _report(error: BaseException) -> int:
    """Print what went wrong on one line of standard error; return the exit code."""
    code, message = 130, "interrupted"
    if isinstance(error, HotpapersError):
        code, message = error.exit_code, f"error: {in_cli_words(error)}"
    elif isinstance(error, click.exceptions.Exit):
        return int(error.exit_code)
    elif isinstance(error, click.Abort):
        message = "aborted"
    elif isinstance(error, click.exceptions.NoArgsIsHelpError):  # a bare group (``hotpapers site``): its help
        error.show()
        return error.exit_code
    elif isinstance(error, click.UsageError):  # click's own "Usage: … Try … Error: …" is three lines
        hint = f" (see '{error.ctx.command_path} --help')" if error.ctx is not None else ""
        code, message = error.exit_code, f"error: {error.format_message()}{hint}"
    elif isinstance(error, click.ClickException):
        code, message = error.exit_code, f"error: {error.format_message()}"
    click.echo(f"hotpapers: {redact(' '.join(message.split()))}", err=True)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
