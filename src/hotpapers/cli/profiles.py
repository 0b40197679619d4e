"""Profile commands: ``profiles`` (what each profile reads and where it sends) and
``not-interested`` (what a profile learns from). See docs/profiles.md."""

from __future__ import annotations

import os

import click

from hotpapers.cli import app
from hotpapers.cli.app import Context, pass_ctx
from hotpapers.jobs import not_interested
from hotpapers.jobs.profiles import find_profile, list_profiles

__all__ = ["not_interested_command", "profiles_command"]


@click.command("profiles")
@click.option("--fetch", is_flag=True, help="Ask arXiv for the library papers the store lacks (titles, abstracts).")
@pass_ctx
def profiles_command(ctx: Context, fetch: bool) -> None:
    """List the profiles: their library (papers, how many have text to compare), keywords, and channels.

    A library of arXiv ids (or a BibTeX entry with only an id) takes titles and abstracts from the store; --fetch
    asks arXiv's API for those it lacks and stores them, so that they count.
    """
    if not ctx.settings.profiles:
        click.echo("no profile: add a [profiles.NAME] table to the config file (docs/profiles.md)")
        return
    with ctx.store("profiles") as store:
        listings = list_profiles(store, ctx.settings, os.environ, fetch=fetch)
    for listing in listings:
        profile, library = listing.profile, listing.library
        if listing.fetched is not None:
            click.echo(f"{profile.name}: fetched {listing.fetched[0]} of {listing.fetched[1]} papers from arXiv")
        click.echo(f"{profile.name} ({profile.period}, relevance {profile.relevance_method}, "
                   f"weight {profile.relevance_weight:g})")  # fmt: skip
        if library is None:
            click.echo("  library: none (relevance 0 for every paper)")
        else:
            missing = f"; {len(library.missing)} arXiv ids not in the store (--fetch)" if library.missing else ""
            click.echo(f"  library: {library.path}: {len(library.entries)} papers, {len(library.with_text)} with "
                       f"text{missing}")  # fmt: skip
        for key in ("authors", "keywords", "exclude_keywords", "categories"):
            if getattr(profile, key):
                click.echo(f"  {key}: {', '.join(getattr(profile, key))}")
        if listing.dislikes:
            kinds = ", ".join(f"{n} {kind}{'s' if n > 1 else ''}" for kind, n in listing.dislikes.items())
            click.echo(f"  not interested: {sum(listing.dislikes.values())} ({kinds})")
        for channel in listing.channels:
            click.echo(f"  channel: {channel}")


@click.command("not-interested")
@click.option("--profile", "name", required=True, metavar="NAME", help="The profile.")
@click.option("--paper", "papers", multiple=True, metavar="ID|URL",
              help="A paper (repeatable): similar ones rank lower.")
@click.option("--author", "authors", multiple=True, metavar="NAME", help="An author (repeatable).")
@click.option("--keyword", "keywords", multiple=True, metavar="WORD", help="A word or phrase (repeatable).")
@click.option("--remove", is_flag=True, help="Take the given items off the list instead.")
@pass_ctx
def not_interested_command(
    ctx: Context, name: str, papers: tuple[str, ...], authors: tuple[str, ...], keywords: tuple[str, ...],
    remove: bool,
) -> None:
    """Tell a profile what it is not interested in, or list what it was told.

    A paper marked not interested is never listed again, and papers close to it lose relevance points; an author or
    keyword costs a paper the points a followed one would give (docs/profiles.md, "Not interested"). Without
    --paper, --author or --keyword, prints the list.
    """
    profile = find_profile(ctx.settings, name)
    items = not_interested.items_of(papers, authors, keywords)
    with ctx.store("not-interested") as store:
        if not items:
            for item in not_interested.listed(store, profile.name):
                click.echo(f"{item.kind}\t{item.value}\t{item.added_at:%Y-%m-%d}")
            return
        if remove:
            gone = not_interested.remove(store, profile.name, items)
            click.echo(f"{profile.name}: {gone} removed from the not-interested list")
            return
        added = not_interested.add(store, profile.name, items, app.now_utc())
    click.echo(f"{profile.name}: {added} added to the not-interested list ({len(items) - added} already there); the "
               "next render or deliver of the profile ranks with it")  # fmt: skip
