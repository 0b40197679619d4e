"""Mastodon API responses to records: ``Status`` entities (timelines, trends, search, status lookups), trending links.

A status is read as the Mastodon documentation's ``Status`` entity (recorded: Mastodon.py's cassettes of a
4.6 test server, ``GET /api/v1/statuses/:id`` and ``GET /api/v1/timelines/tag/:hashtag``):

* its post id is its ``uri``, the ActivityPub id its origin server gave it, the same on every instance, so a
  status seen through two instances is one post. Its ``id`` is only the reading instance's own number for it;
* its url is the status's page on the instance that was read, ``{instance}/@{acct}/{id}`` (Mastodon serves
  remote statuses there too), which is also where the source refreshes its counts;
* it links the papers of its content's ``href`` attributes and of its preview ``card.url`` (``LinkMethod.URL``),
  then of its visible text (``LinkMethod.TEXT``);
* it is a ``QUOTE`` if it quotes a status (``quote.quoted_status.uri``, Mastodon 4.5), else a ``REPLY`` if it
  answers one (``in_reply_to_id``), else an original;
* its snapshot: reposts = ``reblogs_count``, likes = ``favourites_count``, replies = ``replies_count``, quotes =
  ``quotes_count`` (0 before Mastodon 4.5).

A reblog (``reblog`` set) is a repost: it is never a post, but the status it reblogs is read in its place (and
its boosts are in that status's ``reblogs_count``). A status that cannot be read is skipped with a reason; a body
of the wrong shape raises ``ParseError``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from hotpapers.errors import ParseError
from hotpapers.links import find_arxiv_ids, resolve_url
from hotpapers.models import ArxivId, EngagementSnapshot, LinkMethod, PaperLink, Post, PostKind
from hotpapers.sources._base import (
    SkipError,
    count,
    html_text,
    load_json,
    mapping,
    read_each,
    show,
    string,
    utc_from_iso,
)

__all__ = [
    "PLATFORM",
    "MastodonStatus",
    "StatusPage",
    "parse_search",
    "parse_status",
    "parse_statuses",
    "parse_trending_links",
    "status_location",
]

PLATFORM = "mastodon"
_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_LOCAL_URL = re.compile(r"^/@[^/]+/([0-9A-Za-z]{1,30})$")
_ID = re.compile(r"[0-9A-Za-z]{1,30}")  # Mastodon's ids are numbers; other servers' (Pleroma) are not


@dataclass(frozen=True, slots=True)
class MastodonStatus:
    """One status as read on an instance: its local id and time, and its post (None if it links no paper)."""

    local_id: str
    created_at: dt.datetime
    post: Post | None
    snapshot: EngagementSnapshot


@dataclass(frozen=True, slots=True)
class StatusPage:
    """The statuses of one answer, in order, and the items that could not be read."""

    statuses: tuple[MastodonStatus, ...]
    skipped: tuple[str, ...]


def _links(content: str, card_url: str, text: str) -> tuple[PaperLink, ...]:
    found: dict[ArxivId, PaperLink] = {}
    for url in [*(_unescape(u) for u in _HREF.findall(content)), card_url]:
        linked = resolve_url(url) if url else None
        if linked is not None:
            found.setdefault(linked, PaperLink(linked, LinkMethod.URL))
    for arxiv_id in find_arxiv_ids(text):
        found.setdefault(arxiv_id, PaperLink(arxiv_id, LinkMethod.TEXT))
    return tuple(found.values())


def _unescape(url: str) -> str:
    return url.replace("&amp;", "&")


def _counts(status: Mapping[str, object], post_id: str, observed_at: dt.datetime) -> EngagementSnapshot:
    keys = ("reblogs_count", "favourites_count", "replies_count", "quotes_count")  # quotes_count: Mastodon >= 4.5
    values = [count(status.get(key) or 0) for key in keys]
    if any(value is None for value in values):
        raise SkipError(f"{' / '.join(keys)} are not all counts")
    reposts, likes, replies, quotes = (value or 0 for value in values)
    return EngagementSnapshot(PLATFORM, post_id, observed_at, reposts, likes, replies, quotes)


def _kind(status: Mapping[str, object]) -> tuple[PostKind, str | None]:
    quoted = mapping(mapping(status.get("quote")).get("quoted_status"))
    if string(quoted, "uri"):
        return PostKind.QUOTE, string(quoted, "uri")
    if status.get("in_reply_to_id") is not None:
        return PostKind.REPLY, None
    return PostKind.ORIGINAL, None


def _author(account: Mapping[str, object], host: str) -> tuple[str, str, int | None]:
    acct = string(account, "acct")
    if not acct or any(c.isspace() for c in acct):
        raise SkipError(f"account.acct {show(account.get('acct'))} missing")
    handle = acct if "@" in acct else f"{acct}@{host}"
    name = string(account, "display_name").strip() or string(account, "username") or acct
    return handle, " ".join(name.split()), count(account.get("followers_count"))


def _status(item: object, instance: str, observed_at: dt.datetime) -> MastodonStatus:
    status = mapping(item)
    if not status:
        raise SkipError("not an object")
    boosted = status.get("reblog")
    if isinstance(boosted, dict):
        status = boosted  # a boost: the boosted status is what was posted
    uri, local_id = string(status, "uri"), string(status, "id")
    if not uri.startswith(("https://", "http://")) or not _ID.fullmatch(local_id):
        raise SkipError(f"uri {show(status.get('uri'))} / id {show(status.get('id'))} missing")
    created = utc_from_iso(status.get("created_at"), "created_at")
    snapshot = _counts(status, uri, observed_at)
    content = string(status, "content")
    text = html_text(content)
    links = _links(content, string(mapping(status.get("card")), "url"), text)
    if not links or string(status, "visibility") in ("private", "direct"):
        return MastodonStatus(local_id, created, None, snapshot)
    host = urlsplit(instance).hostname or instance
    account = mapping(status.get("account"))
    handle, name, followers = _author(account, host)
    kind, references = _kind(status)
    language = string(status, "language") or None
    post = Post(PLATFORM, uri, f"{instance}/@{string(account, 'acct')}/{local_id}", handle, name, text, created, links,
                kind, followers, language, references)
    return MastodonStatus(local_id, created, post, snapshot)


def _page(items: list[object], instance: str, observed_at: dt.datetime, where: str) -> StatusPage:
    statuses, skipped = read_each(items, lambda item: _status(item, instance, observed_at), where)
    return StatusPage(tuple(statuses), tuple(skipped))


def parse_statuses(data: bytes, observed_at: dt.datetime, instance: str) -> StatusPage:
    """Parse a list of ``Status`` (a timeline, trending statuses, ``GET /api/v1/statuses?id[]=``).

    Args:
        data: the response body.
        observed_at: when the counts were read (timezone-aware).
        instance: the base URL of the instance that answered (``https://mastodon.social``).

    Raises:
        ParseError: the body is not JSON or not a list.
    """
    body = load_json(data, "Mastodon statuses")
    if not isinstance(body, list):
        raise ParseError(f"Mastodon statuses: expected a list, got {type(body).__name__}")
    return _page(body, instance, observed_at, "")


def parse_status(data: bytes, observed_at: dt.datetime, instance: str) -> MastodonStatus:
    """Parse one ``Status`` (``GET /api/v1/statuses/:id``).

    Raises:
        ParseError: the body is not JSON or not a readable status.
    """
    body = load_json(data, "Mastodon status")
    try:
        return _status(body, instance, observed_at)
    except (SkipError, ValueError) as e:
        raise ParseError(f"Mastodon status: {e}") from e


def parse_search(data: bytes, observed_at: dt.datetime, instance: str) -> StatusPage:
    """Parse a ``GET /api/v2/search`` answer: its ``statuses``.

    Raises:
        ParseError: the body is not JSON or has no ``statuses`` list.
    """
    body = load_json(data, "Mastodon search")
    statuses = body.get("statuses") if isinstance(body, dict) else None
    if not isinstance(statuses, list):
        raise ParseError("Mastodon search: expected an object with a 'statuses' list")
    return _page(statuses, instance, observed_at, "statuses")


def parse_trending_links(data: bytes) -> tuple[str, ...]:
    """The ``url`` of each trending link (``GET /api/v1/trends/links``, a list of ``PreviewCard``).

    Raises:
        ParseError: the body is not JSON or not a list.
    """
    body = load_json(data, "Mastodon trending links")
    if not isinstance(body, list):
        raise ParseError(f"Mastodon trending links: expected a list, got {type(body).__name__}")
    urls = (string(mapping(card), "url") for card in body)
    return tuple(dict.fromkeys(u for u in urls if u.startswith(("https://", "http://"))))


def status_location(url: str, instances: Mapping[str, str]) -> tuple[str, str] | None:
    """(the instance base URL, the status's local id) of a post's url on one of ``instances`` (host -> base).

    A post's url is ``{instance}/@{acct}/{id}`` (see the module docstring); None for any other url.
    """
    parts = urlsplit(url)
    base = instances.get(parts.netloc.lower())
    match = _LOCAL_URL.match(parts.path)
    return (base, match.group(1)) if base is not None and match else None
