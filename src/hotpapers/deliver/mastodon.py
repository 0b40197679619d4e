"""The ``mastodon`` channel: the day's top papers as a thread of statuses (docs/delivery.md).

``POST /api/v1/statuses`` on ``HOTPAPERS_MASTODON_POST_URL`` (the instance, e.g. ``https://mastodon.social``) with
``HOTPAPERS_MASTODON_POST_TOKEN`` (an application's access token with the ``write:statuses`` scope), each status
after the first ``in_reply_to_id`` the one before, ``visibility`` from ``HOTPAPERS_MASTODON_POST_VISIBILITY``
(default ``public``), at most ``HOTPAPERS_MASTODON_POST_CHARS`` characters (default 500, Mastodon's default limit;
URLs are counted at their full length, more than Mastodon's 23, so a status always fits).

Every status carries an ``Idempotency-Key`` fixed per profile, period and place in the thread: Mastodon keeps the
keys for an hour and answers a repeated request with the status it already made. Each status is recorded in the store
as soon as it is published; after a crash the thread resumes, and the status that was in flight is sent again with
the same key, which cannot post it twice, if that is within the hour; later, it is reported unconfirmed instead
(never posted twice).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hotpapers.deliver._http import json_body, post, refused
from hotpapers.deliver.compose import thread_posts
from hotpapers.deliver.social import delay_from, posted_so_far
from hotpapers.errors import DeliveryError
from hotpapers.http import error_message
from hotpapers.plugins import ChannelContext, DeliveryMessage, DeliveryProgress, SourceStatus
from hotpapers.redact import register

__all__ = ["IDEMPOTENCY_WINDOW", "MastodonChannel"]

IDEMPOTENCY_WINDOW = dt.timedelta(minutes=55)
"""How long after its first attempt a status may be sent again with its key (Mastodon keeps keys for an hour)."""
VISIBILITIES = ("public", "unlisted", "private", "direct")


class MastodonChannel:
    """Posts a profile's top papers as a Mastodon thread (opt-in: the profile's ``mastodon = true``)."""

    name = "mastodon"
    key = "mastodon"
    idempotent = True

    def __init__(self, context: ChannelContext) -> None:
        self._context = context
        env = context.env
        self._instance = env.get("HOTPAPERS_MASTODON_POST_URL", "").strip().rstrip("/")
        self._token = env.get("HOTPAPERS_MASTODON_POST_TOKEN", "").strip()
        self._visibility = env.get("HOTPAPERS_MASTODON_POST_VISIBILITY", "public").strip() or "public"
        self._chars = _chars(env.get("HOTPAPERS_MASTODON_POST_CHARS", ""))
        self._delay = delay_from(env)
        register(self._token or None)

    def status(self) -> SourceStatus:
        """Enabled with an instance URL and a token."""
        if not self._instance or not self._token:
            return SourceStatus(False, "set HOTPAPERS_MASTODON_POST_URL (the instance) and "
                                       "HOTPAPERS_MASTODON_POST_TOKEN (an access token with the write:statuses "
                                       "scope)")  # fmt: skip
        if self._visibility not in VISIBILITIES:
            return SourceStatus(False, f"HOTPAPERS_MASTODON_POST_VISIBILITY must be one of {', '.join(VISIBILITIES)}")
        return SourceStatus(True)

    def _key(self, message: DeliveryMessage, progress: DeliveryProgress, number: int) -> str:
        base = progress.state.get("key_base")
        if not isinstance(base, str):
            base = f"hotpapers-{message.profile}-{message.period}-{int(self._context.now().timestamp())}"
            progress.update(key_base=base)
        return f"{base}-{number}"

    def _may_resend(self, progress: DeliveryProgress, number: int) -> bool:
        """Whether the status in flight at ``number`` may be sent again under its key (within the hour)."""
        if progress.state.get("in_flight") != number:
            return True
        since = progress.state.get("in_flight_at")
        if not isinstance(since, str):
            return False
        return self._context.now() - dt.datetime.fromisoformat(since) < IDEMPOTENCY_WINDOW

    def send(self, message: DeliveryMessage, progress: DeliveryProgress) -> dict[str, object]:
        """Post the thread (or its rest); return the statuses' URLs.

        Raises:
            DeliveryError: a status was refused, or one in flight can no longer be checked (unconfirmed).
        """
        posts = thread_posts(message, self._chars)
        done = posted_so_far(progress.state)
        headers = {"Authorization": f"Bearer {self._token}"}
        for number in range(len(done), len(posts)):
            if not self._may_resend(progress, number):
                raise DeliveryError(f"mastodon: status {number + 1} may have been posted more than an hour ago and its "
                                    "idempotency key has expired; not posting it again", unconfirmed=True)  # fmt: skip
            key = self._key(message, progress, number)
            if progress.state.get("in_flight") != number:
                progress.update(in_flight=number, in_flight_at=self._context.now().isoformat())
                if number:
                    self._context.sleep(self._delay)
            body: dict[str, Any] = {"status": posts[number][0], "visibility": self._visibility, "language": "en"}
            if done:
                body["in_reply_to_id"] = done[-1]["id"]
            answer = post(self._context.http, f"{self._instance}/api/v1/statuses", what="mastodon",
                          sleep=self._context.sleep, json=body,
                          headers={**headers, "Idempotency-Key": key})  # fmt: skip
            if answer.status_code >= 300:
                raise refused(answer, f"mastodon status {number + 1} of {len(posts)}", error_message(answer))
            said = json_body(answer, "mastodon")
            done.append({"id": str(said.get("id", "")), "url": str(said.get("url") or said.get("uri") or "")})
            progress.update(posts=done, in_flight=None, in_flight_at=None)
        return {"posts": [p["url"] for p in done]}


def _chars(value: str) -> int:
    try:
        chars = int(value)
    except ValueError:
        return 500
    return chars if 100 <= chars <= 100_000 else 500
