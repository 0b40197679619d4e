"""The writers: each turns a finished ``Digest`` into files, never touching the network or the store.

``scrub`` (any outside string made encodable) is the one text helper shared beyond the writers: what serves the same
records in another form (the read API, the MCP server) cleans their text the same way.
"""

from __future__ import annotations

from hotpapers.writers._text import scrub

__all__ = ["scrub"]
