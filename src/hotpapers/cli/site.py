"""The ``site`` commands: build the static website of the whole archive (see docs/site.md).

Register with ``cli.add_command(site)``.
"""

from __future__ import annotations

from pathlib import Path

import click

from hotpapers.cli.app import Context, pass_ctx
from hotpapers.jobs.access import Store
from hotpapers.jobs.site import EMBED_MODES, build_site_from_store, parse_embed_mode

__all__ = ["site"]


@click.group()
def site() -> None:
    """The static website: every digest, paper and category as plain files for any web server."""


@site.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Output folder.")
@click.option(
    "--preset",
    help="Publish only the digests ranked with this preset [default: every published digest; on a day with "
    "several, the configured preset's].",
)
@click.option(
    "--embeds",
    type=click.Choice(EMBED_MODES),
    default="static",
    show_default=True,
    help="static: posts as cards, no third-party request; official: the platforms' own embeds and scripts.",
)
@click.option(
    "--base-url",
    default="/",
    show_default=True,
    help="Where the site is served (e.g. https://me.github.io/papers/): for 404.html, canonical links, sitemap.",
)
@click.option(
    "--full",
    is_flag=True,
    help="Render every page again instead of only those whose data changed (files whose bytes are the same "
    "are still left untouched).",
)
@click.option("--has-code", is_flag=True, help="List only the papers with a known code repository (hotpapers enrich).")
@pass_ctx
def build(
    ctx: Context, out: Path, preset: str | None, embeds: str, base_url: str, full: bool, has_code: bool
) -> None:
    """Bring the site of the published digests in OUT up to date: index, days, papers, categories, archive,
    search.

    Only pages whose data changed are rendered, and only files whose bytes change are written; files an earlier
    build wrote that the site no longer has are removed (a manifest, OUT/.hotpapers-site.json, records them).
    Links are relative, so OUT works from any sub-path and from file://. Files are written atomically; files in
    OUT that the site never wrote are left alone.
    """
    with ctx.store("site") as store:
        report = build_site_from_store(
            store, out, preset=preset, prefer=ctx.settings.preset, embeds=parse_embed_mode(embeds),
            base_url=base_url, full=full, has_code=has_code,
        )
        for_you = _for_you(ctx, store, out, embeds, base_url) if ctx.settings.profiles else None
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    removed = f", {len(report.removed)} removed" if report.removed else ""
    click.echo(f"{len(report.written)} files written under {out} ({report.files} in the site{removed})")
    if for_you is not None:
        click.echo(f"for you: {for_you} files written under {out / 'for'} (one folder per profile)")


def _for_you(ctx: Context, store: Store, out: Path, embeds: str, base_url: str) -> int:
    """The profiles' "for you" folders (hotpapers.jobs.profiles): how many files were written."""
    from hotpapers.jobs.profiles import build_for_you  # noqa: PLC0415  (the profiles stack: only with profiles)

    return len(build_for_you(store, ctx.settings, out, embeds=embeds, base_url=base_url))
