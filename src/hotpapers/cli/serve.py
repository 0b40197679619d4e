"""The ``serve`` and ``mcp`` commands: the read API with the live site, and the MCP server (docs/api.md, docs/mcp.md).

Both read the store only (no run lock); both need the extra ``serve`` and say so, exit code 3, without it.
"""

from __future__ import annotations

import click

from hotpapers.cli.app import Context, pass_ctx
from hotpapers.jobs.serve import ServeOptions, run_mcp, run_server

__all__ = ["mcp_command", "serve_command"]


@click.command("serve")
@click.option("--host", help="Address to listen on [default: [serve] host, else 127.0.0.1; 0.0.0.0 for all].")
@click.option("--port", type=click.IntRange(1, 65535), help="Port [default: [serve] port, else 8000].")
@click.option("--workers", type=click.IntRange(1, 64),
              help="Worker processes [default: [serve] workers, else 1]; several for PostgreSQL.")  # fmt: skip
@pass_ctx
def serve_command(ctx: Context, host: str | None, port: int | None, workers: int | None) -> None:
    """Serve the read API (/api/v1, described at /openapi.json) and the static site's pages, live from the store.

    Read-only: no lock is taken and nothing is written; GET and HEAD only. Set HOTPAPERS_SERVE_TOKEN to ask for a
    bearer token (for profiles, or every route with [serve] private = true). Needs: pip install 'hotpapers[serve]'.
    """
    settings = ctx.settings
    chosen = settings.serve
    options = ServeOptions(host or chosen.host, port or chosen.port, workers or chosen.workers,
                           "debug" if ctx.verbose else "info")  # fmt: skip
    run_server(settings, options)


@click.command("mcp")
@pass_ctx
def mcp_command(ctx: Context) -> None:
    """Run the MCP server on standard input and output: tools hot_papers, paper and search over the store.

    Register it in an assistant as the command `hotpapers --db PATH mcp` (docs/mcp.md). Read-only. Needs:
    pip install 'hotpapers[serve]'.
    """
    run_mcp(ctx.settings)
