"""The ``hotpapers`` group: its options, what every command shares (``Context``), and ``resolve``.

Each command parses its options, calls a job (``hotpapers.jobs``) and prints its summary; the commands live in the
modules the group imports on first use (``hotpapers.cli.lazy``, the map in ``hotpapers.cli``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import click

from hotpapers.cli.lazy import LazyGroup
from hotpapers.cli.logs import configure_logging
from hotpapers.config import Settings, load_settings
from hotpapers.jobs.access import Store, check_store_url, open_store_for
from hotpapers.links import find_arxiv_ids

__all__ = ["Context", "cli", "now_utc", "pass_ctx"]


class Context:
    """What the group options set up for every command."""

    def __init__(self, db: str | None, config: Path | None, verbose: bool) -> None:
        self.db_option = db
        self.config = config
        self.verbose = verbose
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        """Settings are read on first use, so that ``resolve`` works without a config."""
        if self._settings is None:
            self._settings = load_settings(self.config, db=self.db_option)
            check_store_url(self._settings.db, "--db" if self.db_option else "the store ($HOTPAPERS_DB or db)")
        return self._settings

    def store(self, job: str) -> AbstractContextManager[Store]:
        """Open the configured store as ``job`` uses it (``hotpapers.jobs.access``: a job that writes holds the
        run lock until the store is closed), closed when the command ends."""
        return open_store_for(job, self.settings.db, command_path())


def command_path() -> str:
    """The command being run, e.g. ``hotpapers listen bluesky`` (named with the run lock it takes)."""
    current = click.get_current_context(silent=True)
    names: list[str] = []
    while current is not None:
        names.append(current.info_name or "")
        current = current.parent
    names.reverse()
    return " ".join(["hotpapers", *names[1:]])


pass_ctx: Callable[..., Any] = click.make_pass_decorator(Context)


def now_utc() -> dt.datetime:
    """The current time (a function, so tests can freeze it)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="hotpapers", prog_name="hotpapers")  # read on use, not at start-up
@click.option(
    "--db", metavar="PATH|URL",
    help="The store: a SQLite file or a postgresql:// URL. Default: $HOTPAPERS_DB, else ./hotpapers.db.",
)
@click.option(
    "--config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A TOML config file. Default: $HOTPAPERS_CONFIG, else ./hotpapers.toml if present.",
)
@click.option("-v", "--verbose", is_flag=True, help="Say more about what happens.")
@click.pass_context
def cli(ctx: click.Context, db: str | None, config: Path | None, verbose: bool) -> None:
    """hotpapers: which new arXiv papers people are talking about, with the conversation attached."""
    configure_logging(verbose)  # with -v, request URLs are logged with credentials redacted (redact_url)
    ctx.obj = Context(db, config, verbose)


@cli.command()
@click.argument("texts", nargs=-1, required=True)
def resolve(texts: tuple[str, ...]) -> None:
    """Print the canonical arXiv ids found in each TEXT (a URL or free text), one line per TEXT.

    Ids are versionless, in order of appearance, deduplicated; a TEXT with none gives an empty line.
    """
    for text in texts:
        click.echo(" ".join(find_arxiv_ids(text)))
