"""Bluesky records: at-uris, the arXiv links of a post record (facets, embeds, quotes, text), and the
``Post`` built from a record. Shared by the AppView source and the Jetstream consumer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from hotpapers.bounds import INSTANT_RANGE, read_instant, supported
from hotpapers.links import find_arxiv_ids, ids_from_urls
from hotpapers.models import ArxivId, LinkMethod, PaperLink, Post, PostKind

__all__ = [
    "DEFAULT_APPVIEW_URL",
    "DEFAULT_PDS_URL",
    "GET_POSTS_MAX",
    "PLATFORM",
    "POST_COLLECTION",
    "SEARCH_LIMIT",
    "SEARCH_MAX_PAGES",
    "SEARCH_QUERY",
    "ItemError",
    "at_uri",
    "link_uris",
    "parse_datetime",
    "post_from_record",
    "quoted_uri",
    "record_links",
    "split_at_uri",
]

PLATFORM = "bluesky"
POST_COLLECTION = "app.bsky.feed.post"
DEFAULT_APPVIEW_URL = "https://public.api.bsky.app"
DEFAULT_PDS_URL = "https://bsky.social"
GET_POSTS_MAX = 25  # the lexicon's maxLength of getPosts ``uris``
SEARCH_QUERY = "arxiv.org"
SEARCH_LIMIT = 100  # the lexicon's maximum page size
SEARCH_MAX_PAGES = 50  # a window of more than 5,000 results is cut short (and logged)
_LINK = "app.bsky.richtext.facet#link"
_EXTERNAL = "app.bsky.embed.external"
_QUOTE = "app.bsky.embed.record"
_QUOTE_WITH_MEDIA = "app.bsky.embed.recordWithMedia"
_COUNTS = ("repostCount", "likeCount", "replyCount", "quoteCount")  # in EngagementSnapshot's order


class ItemError(ValueError):
    """One post of an otherwise good body is unusable (recorded in ``skipped``, not raised)."""


# -- records ------------------------------------------------------------------------------------------------


def at_uri(did: str, rkey: str) -> str:
    """The at-uri of the post ``rkey`` of ``did``."""
    return f"at://{did}/{POST_COLLECTION}/{rkey}"


def split_at_uri(uri: str) -> tuple[str, str] | None:
    """``(did, rkey)`` of a post's at-uri, or None if ``uri`` is not one."""
    parts = uri.removeprefix("at://").split("/") if uri.startswith("at://") else []
    if len(parts) != 3 or parts[1] != POST_COLLECTION or not parts[0].startswith("did:") or not parts[2]:
        return None
    return parts[0], parts[2]


def _str(obj: Mapping[str, Any], key: str) -> str | None:
    value = obj.get(key)
    return value if isinstance(value, str) else None


def _dict(obj: Any, key: str) -> Mapping[str, Any]:
    value = obj.get(key) if isinstance(obj, dict) else None
    return value if isinstance(value, dict) else {}


def _facet_uris(record: Mapping[str, Any], into: list[str]) -> None:
    facets = record.get("facets")
    for facet in facets if isinstance(facets, list) else ():
        features = facet.get("features") if isinstance(facet, dict) else None
        for feature in features if isinstance(features, list) else ():
            if isinstance(feature, dict) and feature.get("$type") == _LINK and isinstance(feature.get("uri"), str):
                into.append(feature["uri"])


def _embed_uri(embed: object, into: list[str]) -> None:
    """The external link of a record's embed (also as the media of a quote with media)."""
    if not isinstance(embed, dict):
        return
    media = embed.get("media") if embed.get("$type") == _QUOTE_WITH_MEDIA else embed
    if isinstance(media, dict) and media.get("$type") == _EXTERNAL:
        uri = _str(_dict(media, "external"), "uri")
        if uri is not None:
            into.append(uri)


def link_uris(record: Mapping[str, Any]) -> list[str]:
    """The URLs a post record links: its link facets' ``uri``, then its external embed's ``uri``."""
    uris: list[str] = []
    _facet_uris(record, uris)
    _embed_uri(record.get("embed"), uris)
    return uris


def quoted_uri(record: Mapping[str, Any]) -> str | None:
    """The at-uri a record quotes (``app.bsky.embed.record`` or ``recordWithMedia``), or None."""
    embed = _dict(record, "embed")
    if embed.get("$type") == _QUOTE:
        return _str(_dict(embed, "record"), "uri")
    if embed.get("$type") == _QUOTE_WITH_MEDIA:
        return _str(_dict(_dict(embed, "record"), "record"), "uri")
    return None


def record_links(record: Mapping[str, Any], quoted: Iterable[ArxivId] = ()) -> tuple[PaperLink, ...]:
    """The arXiv ids a post record links: facets and embed (URL), the quoted post's ``quoted``, then the text."""
    text = _str(record, "text") or ""
    uris = link_uris(record)
    quoted = tuple(quoted)
    if not quoted and not find_arxiv_ids("\n".join([*uris, text]) if uris else text):
        return ()  # the common case, with one resolver call: nothing links arXiv
    found: dict[ArxivId, LinkMethod] = dict.fromkeys([*ids_from_urls(uris), *quoted], LinkMethod.URL)
    for arxiv_id in find_arxiv_ids(text):
        found.setdefault(arxiv_id, LinkMethod.TEXT)
    return tuple(PaperLink(arxiv_id, method) for arxiv_id, method in found.items())


def parse_datetime(value: object) -> dt.datetime | None:
    """An atproto datetime (``2026-07-04T14:38:06.240Z``, ``...+00:00``) in UTC; naive means UTC; None if invalid."""
    return read_instant(value)


def _created_at(value: object) -> dt.datetime | None:
    """A record's ``createdAt``: None when it is not a date-time; as given (maybe out of range) when it is one."""
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed


def _kind(record: Mapping[str, Any]) -> tuple[PostKind, str | None]:
    quoted = quoted_uri(record)
    if quoted is not None:
        return PostKind.QUOTE, quoted
    reply = _dict(record, "reply")
    if reply:
        return PostKind.REPLY, _str(_dict(reply, "parent"), "uri")
    return PostKind.ORIGINAL, None


def post_from_record(
    did: str,
    rkey: str,
    record: Mapping[str, Any],
    *,
    fallback_time: dt.datetime,
    handle: str | None = None,
    name: str = "",
    quoted: Iterable[ArxivId] = (),
    links: tuple[PaperLink, ...] | None = None,
) -> Post:
    """The ``Post`` of an ``app.bsky.feed.post`` record of ``did`` with key ``rkey``.

    Args:
        did: the author's DID (also the handle when ``handle`` is not known, as on Jetstream).
        rkey: the record key.
        record: the record (``text``, ``createdAt``, ``langs``, ``facets``, ``embed``, ``reply``).
        fallback_time: ``created_at`` when ``createdAt`` is missing or invalid (not an ISO 8601 date-time).
        handle: the author's handle, if known (the AppView gives it).
        name: the author's display name, if known.
        quoted: the arXiv ids of the quoted post, if the caller knows them.
        links: the record's links, if the caller already has them from ``record_links``.

    Returns:
        The post, with whatever links it has (possibly none: the caller decides whether to keep it).

    Raises:
        ItemError: the record's ``text`` is not a string, or its ``createdAt`` (or, without one, ``fallback_time``)
            is outside the range hotpapers accepts (``hotpapers.bounds``).
    """
    text = record.get("text", "")
    if not isinstance(text, str):
        raise ItemError(f"text is {type(text).__name__}, not a string")
    created_at = _created_at(record.get("createdAt")) or fallback_time
    if not supported(created_at):
        raise ItemError(f"createdAt {created_at.isoformat()} is outside the supported range ({INSTANT_RANGE})")
    langs = record.get("langs")
    language = langs[0] if isinstance(langs, list) and langs and isinstance(langs[0], str) else None
    kind, references = _kind(record)
    return Post(
        platform=PLATFORM,
        post_id=at_uri(did, rkey),
        url=f"https://bsky.app/profile/{did}/post/{rkey}",
        author_handle=handle or did,
        author_name=name,
        text=text,
        created_at=created_at,
        links=record_links(record, quoted) if links is None else links,
        kind=kind,
        language=language,
        references=references,
    )
