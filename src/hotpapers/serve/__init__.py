"""Other programs' way in: the read API (``hotpapers serve``) and the MCP server (``hotpapers mcp``).

Both are read-only over one store, through ``Reader`` (``_reader.py``), which caches what it read until the store
changes. The web stack (Starlette, uvicorn, mcp) is the optional extra ``serve``: ``pip install 'hotpapers[serve]'``;
this package's modules import it, so import them only when it is installed (``hotpapers.jobs.serve`` checks).

* ``app.create_app``: the ASGI application (docs/api.md);
* ``mcp_server.create_server``: the MCP server (docs/mcp.md).

Serve is a stage beside the jobs layer: it reads the store and renders like a writer, and never imports
``hotpapers.jobs``. ``hotpapers.jobs.serve`` starts it and hands it the jobs' ``Views`` (the site job's source, the
render job's roll-ups and ``rising``); its ``create_app`` and ``create_reader`` are the way in with them.
"""

from __future__ import annotations

__all__: list[str] = []
