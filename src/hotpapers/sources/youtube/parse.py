"""YouTube Data API v3 responses to records: ``search.list`` (video ids) and ``videos.list`` (descriptions, counts).

Shapes as Google documents them (developers.google.com/youtube/v3/docs: "Search: list", "Videos" resource; no
recorded response exists, see tests/fixtures/social/youtube/PROVENANCE.md):

* ``search.list`` answers ``{"kind": "youtube#searchListResponse", "nextPageToken"?, "pageInfo", "items": [
  {"kind": "youtube#searchResult", "id": {"kind": "youtube#video", "videoId"}, "snippet": {...}}]}``; its
  snippet's description is cut short, so only the ids are read from it;
* ``videos.list`` answers ``{"kind": "youtube#videoListResponse", "items": [{"id", "snippet": {"publishedAt",
  "channelId", "channelTitle", "title", "description", "defaultAudioLanguage"?}, "statistics": {"viewCount",
  "likeCount"?, "commentCount"?}}]}``; the counts are strings, ``likeCount`` is absent when the owner hides
  likes and ``commentCount`` when comments are off.

A video whose title or full description links an arXiv paper is a ``Post`` (platform ``youtube``, id = the video
id, url ``https://www.youtube.com/watch?v=ID``, author = its channel, text = title and description) linking those
papers (``LinkMethod.TEXT``: descriptions are plain text), with an ``EngagementSnapshot`` (likes = likes, replies
= comments, extra ``views``). An item that cannot be read is skipped with a reason; another shape raises
``ParseError``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from hotpapers.errors import ParseError
from hotpapers.links import find_arxiv_ids
from hotpapers.models import EngagementSnapshot, LinkMethod, PaperLink, Post
from hotpapers.sources._base import SkipError, count, load_json, mapping, read_each, show, string, utc_from_iso

__all__ = ["PLATFORM", "SearchPage", "Video", "VideoPage", "api_error", "parse_search", "parse_videos"]

PLATFORM = "youtube"
WATCH = "https://www.youtube.com/watch?v="
MAX_TEXT = 4000  # characters of a description kept
_VIDEO_ID = re.compile(r"[A-Za-z0-9_-]{11}")


@dataclass(frozen=True, slots=True)
class SearchPage:
    """The video ids of a ``search.list`` page, its next page token, and what could not be read."""

    video_ids: tuple[str, ...]
    next_page_token: str | None
    skipped: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Video:
    """One video of ``videos.list``: its snapshot, and its post if it links a paper."""

    video_id: str
    post: Post | None
    snapshot: EngagementSnapshot


@dataclass(frozen=True, slots=True)
class VideoPage:
    """The videos of one ``videos.list`` answer and the items that could not be read."""

    videos: tuple[Video, ...]
    skipped: tuple[str, ...]


def _body(data: bytes, what: str, kind: str) -> tuple[Mapping[str, object], list[object]]:
    """The response object and its ``items`` (absent ``items``: none)."""
    body = load_json(data, what)
    items = body.get("items", []) if isinstance(body, dict) else None
    if not isinstance(body, dict) or body.get("kind") != kind or not isinstance(items, list):
        raise ParseError(f"{what}: expected an object of kind {kind!r} with an 'items' list")
    return body, items


def parse_search(data: bytes) -> SearchPage:
    """Parse a ``search.list`` answer: the ids of its videos and ``nextPageToken``.

    Raises:
        ParseError: the body is not JSON or not a ``youtube#searchListResponse``.
    """
    body, items = _body(data, "YouTube search.list", "youtube#searchListResponse")
    ids: list[str] = []
    skipped: list[str] = []
    for index, item in enumerate(items):
        key = mapping(mapping(item).get("id"))
        video_id = string(key, "videoId")
        if string(key, "kind") != "youtube#video":
            continue  # a channel or playlist result
        if _VIDEO_ID.fullmatch(video_id):
            ids.append(video_id)
        else:
            skipped.append(f"items[{index}]: id.videoId {show(key.get('videoId'))} is not a video id")
    token = body.get("nextPageToken")
    return SearchPage(tuple(dict.fromkeys(ids)), token if isinstance(token, str) and token else None, tuple(skipped))


def _video(item: object, observed_at: dt.datetime) -> Video:
    video = mapping(item)
    video_id = string(video, "id")
    if not _VIDEO_ID.fullmatch(video_id):
        raise SkipError(f"id {show(video.get('id'))} is not a video id")
    snippet, statistics = mapping(video.get("snippet")), mapping(video.get("statistics"))
    views = count(statistics.get("viewCount"))
    likes, comments = count(statistics.get("likeCount", "0")), count(statistics.get("commentCount", "0"))
    if views is None or likes is None or comments is None:
        raise SkipError(f"statistics of {video_id} are not counts")
    snapshot = EngagementSnapshot(PLATFORM, video_id, observed_at, likes=likes, replies=comments,
                                  extras=(("views", views),))
    title, description = " ".join(string(snippet, "title").split()), string(snippet, "description").strip()
    ids = find_arxiv_ids(f"{title}\n{description}")
    if not ids:
        return Video(video_id, None, snapshot)
    channel = string(snippet, "channelId")
    if not channel:
        raise SkipError(f"snippet.channelId of {video_id} missing")
    text = f"{title}\n\n{description[:MAX_TEXT]}" if description else title
    language = (string(snippet, "defaultAudioLanguage") or string(snippet, "defaultLanguage") or None)
    post = Post(PLATFORM, video_id, f"{WATCH}{video_id}", channel, string(snippet, "channelTitle").strip() or channel,
                text, utc_from_iso(snippet.get("publishedAt"), "snippet.publishedAt"),
                tuple(PaperLink(i, LinkMethod.TEXT) for i in ids), language=language)
    return Video(video_id, post, snapshot)


def parse_videos(data: bytes, observed_at: dt.datetime) -> VideoPage:
    """Parse a ``videos.list`` answer (``part=snippet,statistics``).

    Raises:
        ParseError: the body is not JSON or not a ``youtube#videoListResponse``.
    """
    items = _body(data, "YouTube videos.list", "youtube#videoListResponse")[1]
    videos, skipped = read_each(items, lambda item: _video(item, observed_at), "items")
    return VideoPage(tuple(videos), tuple(skipped))


def api_error(data: bytes) -> tuple[str, str]:
    """(the first ``errors[].reason``, the ``message`` as one line) of a Google API error body; ("", "") if none."""
    try:
        error = mapping(mapping(load_json(data, "YouTube error")).get("error"))
    except ParseError:
        return "", ""
    reasons = error.get("errors")
    first = mapping(reasons[0]) if isinstance(reasons, list) and reasons else {}
    message = re.sub(r"<[^>]+>", "", string(error, "message"))
    return string(first, "reason"), " ".join(message.split())[:200]
