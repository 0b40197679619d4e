"""The ``site`` commands: build the static website of the whole archive (see docs/site.md).

Register with ``cli.add_command(site)``.
"""

from __future__ import annotations

from pathlib import Path

import click

from hotpapers.cli.app import Context, now_utc, pass_ctx
from hotpapers.site import build_site_from_store
from hotpapers.writers.embeds import EMBED_MODES, parse_embed_mode

__all__ = ["site"]


@click.group()
def site() -> None:
    """The static website: every digest, paper and category as plain files for any web server."""


@site.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Output folder.")
@click.option("--preset", help="Ranking preset of the digests to publish [default: config, else default].")
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
@click.option("--has-code", is_flag=True, help="List only the papers with a known code repository (hotpapers enrich).")
@pass_ctx
def build(ctx: Context, out: Path, preset: str | None, embeds: str, base_url: str, has_code: bool) -> None:
    """Write the site of the published digests to OUT: index, days, papers, categories, archive, search.

    Links are relative, so OUT works from any sub-path and from file://. Files are written atomically; files
    already in OUT that the site does not write are left alone.
    """
    with ctx.store() as store:
        paths = build_site_from_store(
            store, out, preset=preset or ctx.settings.preset, now=now_utc(), embeds=parse_embed_mode(embeds),
            base_url=base_url, has_code=has_code,
        )
    click.echo(f"{len(paths)} files written under {out}")
