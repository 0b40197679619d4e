"""alphaXiv as a source: public votes on its trending papers (an unofficial API; docs/sources/alphaxiv.md)."""

from __future__ import annotations

from hotpapers.sources.alphaxiv.parse import PLATFORM, TrendingPage, parse_trending
from hotpapers.sources.alphaxiv.source import API_URL, PAGE_SIZE, AlphaXivSource

__all__ = ["API_URL", "PAGE_SIZE", "PLATFORM", "AlphaXivSource", "TrendingPage", "parse_trending"]
