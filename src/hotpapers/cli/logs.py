"""What the command line prints while it works, besides its results: hotpapers' own warnings, one line each.

At the default verbosity, warnings of the ``hotpapers`` loggers (a retry, a source cut short, an item skipped)
are printed to standard error as ``hotpapers: <message>``, and stamina's own retry events
(``stamina.retry_scheduled``) are switched off: ``hotpapers.http`` already says, in one line, what is retried
and when (``hotpapers: arXiv RSS unreachable (ConnectError), retry 2/4 in 3 s``). With ``-v`` every logger
speaks at INFO (request URLs, redacted), and each retry stamina schedules is also logged with its details
(attempt, wait, time waited so far, the error that caused it) on the ``stamina`` logger.

While ``collect`` and ``run`` collect, the sources' own warnings are not printed as they happen: the summary
lists them under its table (``warning: x: …``), once. Retry lines and everything else still show at once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import click

from hotpapers.cli.words import said

__all__ = ["configure_logging", "summarised"]

_FORMAT_VERBOSE = "hotpapers: %(levelname)s %(name)s: %(message)s"


class _EchoHandler(logging.Handler):
    """Writes each record as one line to the *current* standard error (tests swap it between commands)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            click.echo(said(self.format(record)), err=True)
        except Exception:  # a log line must never break the command
            self.handleError(record)


_QUIET = _EchoHandler(logging.WARNING)
_QUIET.setFormatter(logging.Formatter("hotpapers: %(message)s"))


def configure_logging(verbose: bool) -> None:
    """Set up the log output of one command (called again by each command of a process: it is idempotent)."""
    package = logging.getLogger("hotpapers")
    package.removeHandler(_QUIET)
    if verbose:
        logging.basicConfig(level=logging.INFO, format=_FORMAT_VERBOSE)  # stamina's details too (hotpapers.http)
        return
    package.addHandler(_QUIET)


class _Under(logging.Filter):
    """Drops the records of the loggers under a name."""

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self._prefix = prefix

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name == self._prefix or record.name.startswith(f"{self._prefix}."))


@contextmanager
def summarised(logger: str = "hotpapers.sources") -> Iterator[None]:
    """While the block runs, the default-verbosity output leaves out ``logger``'s records: a summary shows them."""
    quiet = _Under(logger)
    _QUIET.addFilter(quiet)
    try:
        yield
    finally:
        _QUIET.removeFilter(quiet)
