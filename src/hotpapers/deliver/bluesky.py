"""The ``bluesky`` channel: the day's top papers as a thread, posted with an app password (docs/delivery.md).

``com.atproto.server.createSession`` (``HOTPAPERS_BSKY_HANDLE``, ``HOTPAPERS_BSKY_APP_PASSWORD``, on
``HOTPAPERS_BSKY_PDS_URL``, default ``https://bsky.social``) gives the account's DID and an access token; then one
``com.atproto.repo.createRecord`` per post (``app.bsky.feed.post``: the text, a link facet over the paper's URL, and
from the second post on a ``reply`` with the thread's ``root`` and ``parent`` references).

Each post's record key (``rkey``, a TID) is chosen and stored before the thread starts, and every post is recorded
in the store as soon as it is published. After a crash the thread resumes: for the post that was in flight it first
asks ``com.atproto.repo.getRecord`` whether that key exists, and publishes it only if not. So the thread is never
posted twice (exactly once, resumable), and a refused post (the recorded 400 ``InvalidRequest``: text over 300
graphemes) stops the thread with the error, to go on from there on a later run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from hotpapers.deliver._http import json_body, post, refused
from hotpapers.deliver.compose import thread_posts
from hotpapers.deliver.social import delay_from, posted_so_far
from hotpapers.errors import DeliveryError
from hotpapers.http import error_message
from hotpapers.plugins import ChannelContext, DeliveryMessage, DeliveryProgress, SourceStatus
from hotpapers.redact import register

__all__ = ["BlueskyChannel", "tid"]

DEFAULT_PDS_URL = "https://bsky.social"
POST_LIMIT = 300  # graphemes per post (app.bsky.feed.post's maxGraphemes); code points are never fewer
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
_COLLECTION = "app.bsky.feed.post"


def tid(microseconds: int, clock_id: int) -> str:
    """A TID (atproto's record key of posts): 13 base32-sortable characters of 53 bits of microseconds since the
    epoch and 10 bits of clock id, the top bit zero."""
    value = ((microseconds & ((1 << 53) - 1)) << 10) | (clock_id & 0x3FF)
    return "".join(_TID_ALPHABET[(value >> (5 * (12 - i))) & 31] for i in range(13))


def _facets(text: str, url: str | None) -> list[dict[str, Any]]:
    """A link facet over ``url`` in ``text``, by UTF-8 byte offsets (as app.bsky.richtext.facet counts)."""
    if not url or url not in text:
        return []
    start = len(text[: text.rindex(url)].encode())
    return [{"index": {"byteStart": start, "byteEnd": start + len(url.encode())},
             "features": [{"$type": "app.bsky.richtext.facet#link", "uri": url}]}]  # fmt: skip


class BlueskyChannel:
    """Posts a profile's top papers as a Bluesky thread (opt-in: the profile's ``bluesky = true``)."""

    name = "bluesky"
    key = "bluesky"
    idempotent = True

    def __init__(self, context: ChannelContext) -> None:
        self._context = context
        env = context.env
        self._pds = env.get("HOTPAPERS_BSKY_PDS_URL", DEFAULT_PDS_URL).rstrip("/")
        self._handle = env.get("HOTPAPERS_BSKY_HANDLE", "").strip()
        self._password = env.get("HOTPAPERS_BSKY_APP_PASSWORD", "")
        self._delay = delay_from(env)
        register(self._password or None)

    def status(self) -> SourceStatus:
        """Enabled with a handle and an app password."""
        if not self._handle or not self._password:
            return SourceStatus(False, "set HOTPAPERS_BSKY_HANDLE and HOTPAPERS_BSKY_APP_PASSWORD (an app password, "
                                       "Settings > Privacy and security > App passwords)")  # fmt: skip
        return SourceStatus(True)

    def _xrpc(self, method: str) -> str:
        return f"{self._pds}/xrpc/{method}"

    def _session(self) -> tuple[str, str]:
        """(the account's DID, an access token).

        Raises:
            DeliveryError: the login was refused (nothing was posted).
        """
        login = {"identifier": self._handle, "password": self._password}
        answer = post(self._context.http, self._xrpc("com.atproto.server.createSession"), what="bluesky login",
                      sleep=self._context.sleep, json=login)  # fmt: skip
        if answer.status_code >= 300:
            raise refused(answer, "bluesky login", error_message(answer))
        said = json_body(answer, "bluesky login")
        did, token = said.get("did"), said.get("accessJwt")
        if not isinstance(did, str) or not isinstance(token, str):
            raise DeliveryError("bluesky login: the answer has no did or accessJwt")
        register(token)
        return did, token

    def _existing(self, did: str, rkey: str) -> dict[str, str] | None:
        """The post at ``rkey`` if it was published (a crash right after creating it), else None."""
        where = {"repo": did, "collection": _COLLECTION, "rkey": rkey}
        answer = post(self._context.http, self._xrpc("com.atproto.repo.getRecord"), what="bluesky", method="GET",
                      sleep=self._context.sleep, params=where)  # fmt: skip
        if answer.status_code == 400 and error_message(answer, ("error",)) == "RecordNotFound":
            return None
        if answer.status_code >= 300:
            raise DeliveryError(f"bluesky: cannot tell whether post {rkey} exists: HTTP {answer.status_code}",
                                unconfirmed=True)  # fmt: skip
        said = json_body(answer, "bluesky")
        if not isinstance(said.get("uri"), str) or not isinstance(said.get("cid"), str):
            raise DeliveryError(f"bluesky: getRecord of {rkey} has no uri or cid", unconfirmed=True)
        return {"uri": said["uri"], "cid": said["cid"]}

    def _plan(self, message: DeliveryMessage, progress: DeliveryProgress, count: int) -> list[str]:
        """The record keys of the thread's posts, chosen once and stored before the first post."""
        keys = progress.state.get("rkeys")
        if isinstance(keys, list) and len(keys) >= count and all(isinstance(k, str) for k in keys):
            return keys
        start = int(self._context.now().timestamp() * 1_000_000)
        clock = int.from_bytes(hashlib.blake2b(f"{message.profile}/{message.period}".encode(), digest_size=2).digest())
        planned = [tid(start + i, clock) for i in range(count)]
        progress.update(rkeys=planned, posts=[])
        return planned

    def _record(self, text: str, url: str | None, done: list[dict[str, str]]) -> dict[str, Any]:
        record: dict[str, Any] = {
            "$type": _COLLECTION,
            "text": text,
            "createdAt": self._context.now().astimezone(dt.UTC).isoformat(timespec="milliseconds").replace(
                "+00:00", "Z"),
            "langs": ["en"],
        }
        facets = _facets(text, url)
        if facets:
            record["facets"] = facets
        if done:
            record["reply"] = {"root": done[0], "parent": done[-1]}
        return record

    def send(self, message: DeliveryMessage, progress: DeliveryProgress) -> dict[str, object]:
        """Post the thread (or its rest, after a crash or a refused post); return the posts' URIs.

        Raises:
            DeliveryError: the login or a post was refused, or a post's fate is unknown.
        """
        posts = thread_posts(message, POST_LIMIT)
        keys = self._plan(message, progress, len(posts))
        done = posted_so_far(progress.state)
        did, token = self._session()
        auth = {"Authorization": f"Bearer {token}"}
        for number in range(len(done), len(posts)):
            text, url = posts[number]
            found = self._existing(did, keys[number]) if progress.state.get("in_flight") == number else None
            if found is None:
                progress.update(in_flight=number)
                if number:
                    self._context.sleep(self._delay)
                body = {"repo": did, "collection": _COLLECTION, "rkey": keys[number],
                        "record": self._record(text, url, done)}  # fmt: skip
                answer = post(self._context.http, self._xrpc("com.atproto.repo.createRecord"), what="bluesky",
                              sleep=self._context.sleep, json=body, headers=auth)  # fmt: skip
                if answer.status_code >= 300:
                    raise refused(answer, f"bluesky post {number + 1} of {len(posts)}", error_message(answer))
                said = json_body(answer, "bluesky")
                found = {"uri": str(said.get("uri", "")), "cid": str(said.get("cid", ""))}
            done.append(found)
            progress.update(posts=done, in_flight=None)
        return {"posts": [p["uri"] for p in done]}
