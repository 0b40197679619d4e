"""YouTube as a source: videos whose description links an arXiv paper (docs/sources/youtube.md)."""

from __future__ import annotations

from hotpapers.sources.youtube.parse import PLATFORM, SearchPage, Video, VideoPage, parse_search, parse_videos
from hotpapers.sources.youtube.source import (
    API_URL,
    DAILY_QUOTA,
    SEARCH_COST,
    VIDEOS_BATCH,
    VIDEOS_COST,
    YouTubeSource,
)

__all__ = [
    "API_URL",
    "DAILY_QUOTA",
    "PLATFORM",
    "SEARCH_COST",
    "VIDEOS_BATCH",
    "VIDEOS_COST",
    "SearchPage",
    "Video",
    "VideoPage",
    "YouTubeSource",
    "parse_search",
    "parse_videos",
]
