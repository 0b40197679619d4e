"""``hotpapers publish``: write a digest into a blog repository, commit and push."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from hotpapers.cli import app
from hotpapers.cli.app import Context, cli, pass_ctx
from hotpapers.cli.options import parse_date
from hotpapers.jobs.days import NoDayError
from hotpapers.jobs.history import recorded_run
from hotpapers.jobs.publish import publish

__all__ = ["publish_command"]


@cli.command("publish")
@click.option("--git", "repo", type=click.Path(file_okay=False, exists=True, path_type=Path), required=True,
              help="A clone of the blog repository.")
@click.option("--date", "day", metavar="YYYY-MM-DD", callback=parse_date, help="Listing day [default: latest].")
@click.option("--format", "formats", multiple=True, default=("lumen",), show_default=True, help="Writer (repeatable).")
@click.option("--dir", "subdir", default="content/posts", show_default=True, help="Folder inside the repository.")
@click.option("--preset", help="Ranking preset [default: config, else default].")
@click.option("--remote", default="origin", show_default=True, help="Remote to push to.")
@click.option("--no-push", is_flag=True, help="Commit only.")
@pass_ctx
def publish_command(
    ctx: Context, repo: Path, day: dt.date | None, formats: tuple[str, ...], subdir: str, preset: str | None,
    remote: str, no_push: bool,
) -> None:
    """Write the digest of a day into a blog repository (as the original did), commit it and push.

    For an HTTPS remote that needs a token, set HOTPAPERS_GIT_TOKEN (and HOTPAPERS_GIT_USER if the host wants a
    user name other than x-access-token): it is handed to git through the environment only, never written to the
    repository, its config or the logs, and never sent over plain http:// (such a remote is refused). Publishing the
    same digest twice commits nothing the second time; commits an earlier run could not push are pushed.
    """
    with ctx.store("publish") as store, recorded_run(store, "publish", app.now_utc()) as summary:
        try:
            done = publish(store, ctx.settings, repo=repo, day=day, formats=formats, subdir=subdir,
                           preset=preset or ctx.settings.preset, remote=remote, push=not no_push, now=app.now_utc())
        except NoDayError:
            raise click.UsageError("the store has no announced day yet") from None
        chosen, published = done.day, done.result
        summary.update({"day": str(chosen), "commit": published.commit, "pushed": published.pushed,
                        "earlier_pushed": published.unpushed})
    if not published.committed and not published.pushed:
        click.echo(f"{chosen}: nothing new to publish")
        return
    if not published.committed:
        click.echo(f"{chosen}: nothing new to commit; pushed {published.unpushed} earlier commit(s) to {remote}")
        return
    pushed = f", pushed to {remote}" if published.pushed else ""
    earlier = f" with {published.unpushed} earlier commit(s)" if published.unpushed else ""
    click.echo(f"{chosen}: committed {published.commit}{pushed}{earlier}")
    for path in published.files:
        click.echo(f"  {path}")
