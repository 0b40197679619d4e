"""Other programs' way in: the read API (``hotpapers serve``) and the MCP server (``hotpapers mcp``).

Both are read-only over one store, through ``Reader`` (``_reader.py``), which caches what it read until the store
changes. The web stack (Starlette, uvicorn, mcp) is the optional extra ``serve``: ``pip install 'hotpapers[serve]'``;
this package's modules import it, so import them only when it is installed (``hotpapers.jobs.serve`` checks).

* ``app.create_app`` / ``app.app_from_environment``: the ASGI application (docs/api.md);
* ``mcp_server.create_server``: the MCP server (docs/mcp.md).
"""

from __future__ import annotations

__all__: list[str] = []
