"""Profile commands: ``profiles`` (what each profile reads and where it sends) and
``not-interested`` (what a profile learns from). See docs/profiles.md."""

from __future__ import annotations

import os
from collections.abc import Sequence

import click

from hotpapers.cli.app import Context, now_utc, pass_ctx
from hotpapers.errors import UsageError
from hotpapers.links import find_arxiv_ids
from hotpapers.models import ArxivId, NotInterested
from hotpapers.profiles.config import Profile, profile_named
from hotpapers.store import Store

__all__ = ["not_interested_command", "profiles_command"]


def _profile(ctx: Context, name: str) -> Profile:
    from hotpapers.jobs.profiles import configured_profiles  # noqa: PLC0415  (the ranking stack: on use only)

    return profile_named(configured_profiles(ctx.settings), name)


@click.command("profiles")
@click.option("--fetch", is_flag=True, help="Ask arXiv for the library papers the store lacks (titles, abstracts).")
@pass_ctx
def profiles_command(ctx: Context, fetch: bool) -> None:
    """List the profiles: their library (papers, how many have text to compare), keywords, and channels.

    A library of arXiv ids (or a BibTeX entry with only an id) takes titles and abstracts from the store; --fetch
    asks arXiv's API for those it lacks and stores them, so that they count.
    """
    from hotpapers.deliver.targets import targets_of  # noqa: PLC0415
    from hotpapers.jobs.profiles import configured_profiles, read_profile_library  # noqa: PLC0415

    profiles = configured_profiles(ctx.settings)
    if not profiles:
        click.echo("no profile: add a [profiles.NAME] table to the config file (docs/profiles.md)")
        return
    with ctx.store() as store:
        for profile in profiles.values():
            library = read_profile_library(store, profile)
            if fetch and library is not None and library.missing:
                fetched = _fetch(ctx, store, library.missing)
                click.echo(f"{profile.name}: fetched {fetched} of {len(library.missing)} papers from arXiv")
                library = read_profile_library(store, profile)
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
            dislikes = store.not_interested(profile.name)
            if dislikes:
                click.echo(f"  not interested: {len(dislikes)} ({_kinds(dislikes)})")
            for target in targets_of(profile, os.environ):
                click.echo(f"  channel: {target.key}")


def _kinds(items: Sequence[NotInterested]) -> str:
    counts: dict[str, int] = {}
    for item in items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    return ", ".join(f"{n} {kind}{'s' if n > 1 else ''}" for kind, n in sorted(counts.items()))


def _fetch(ctx: Context, store: Store, ids: Sequence[ArxivId]) -> int:
    """Ask arXiv's API for ``ids`` and store the papers (not announcements: they belong to no listing day)."""
    from hotpapers.arxiv.client import ArxivClient  # noqa: PLC0415
    from hotpapers.http import make_client, timeout_from_seconds  # noqa: PLC0415

    settings = ctx.settings
    with make_client(mailto=settings.contact or None, timeout=timeout_from_seconds(settings.http_timeout)) as http:
        client = ArxivClient(http, api_url=settings.arxiv.api_url, delay_seconds=settings.arxiv.delay_seconds)
        papers = list(client.fetch_ids(ids))
    return store.upsert_papers(papers)


def _paper_ids(values: Sequence[str]) -> list[str]:
    from hotpapers.arxiv.ids import parse_id  # noqa: PLC0415

    found: list[str] = []
    for value in values:
        bare = parse_id(value.strip())
        ids = [bare[0]] if bare else find_arxiv_ids(value)
        if not ids:
            raise UsageError(f"--paper {value[:60]!r}: not an arXiv id or URL")
        found.extend(ids)
    return found


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
    profile = _profile(ctx, name)
    items = [("paper", v) for v in _paper_ids(papers)]
    items += [("author", " ".join(v.split())) for v in authors if v.strip()]
    items += [("keyword", " ".join(v.split())) for v in keywords if v.strip()]
    with ctx.store() as store:
        if not items:
            for item in store.not_interested(profile.name):
                click.echo(f"{item.kind}\t{item.value}\t{item.added_at:%Y-%m-%d}")
            return
        if remove:
            gone = sum(store.remove_not_interested(profile.name, kind, [value]) for kind, value in items)
            click.echo(f"{profile.name}: {gone} removed from the not-interested list")
            return
        now = now_utc()
        added = store.add_not_interested(NotInterested(profile.name, kind, value, now) for kind, value in items)
    click.echo(f"{profile.name}: {added} added to the not-interested list ({len(items) - added} already there); the "
               "next render or deliver of the profile ranks with it")  # fmt: skip
