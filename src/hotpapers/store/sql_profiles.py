"""The store's queries of hot for me, shared by both backends (``SQLStore`` inherits them): each profile's published
digests, its not-interested list, and the deliveries (one row per profile, channel and period)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import orjson

from hotpapers.models import Delivery, Digest, NotInterested
from hotpapers.native.serialize import digest_from_dict, digest_to_dict
from hotpapers.store._primitives import SQLPrimitives
from hotpapers.store.rows import from_ts, ts

__all__ = ["ProfileQueries"]

_DELIVERY = "profile, channel, period, status, started_at, finished_at, detail"


def _delivery(row: Sequence[Any]) -> Delivery:
    profile, channel, period, status, started, finished, detail = row
    return Delivery(str(profile), str(channel), str(period), str(status), from_ts(started),
                    from_ts(finished) if finished else None, str(detail))  # fmt: skip


class ProfileQueries(SQLPrimitives):
    """Profile digests, not-interested lists and deliveries."""

    # -- profile digests ------------------------------------------------------------------------------------

    def save_profile_digest(self, profile: str, inputs: str, digest: Digest) -> None:
        """Publish ``profile``'s digest of its day, ranked with ``inputs`` (replacing an earlier one)."""
        content = orjson.dumps(digest_to_dict(digest)).decode()
        with self.transaction():
            self._execute(
                "INSERT INTO profile_digests(profile, day, inputs, generated_at, content) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(profile, day) DO UPDATE SET inputs = excluded.inputs, "
                "generated_at = excluded.generated_at, content = excluded.content",
                (profile, digest.date.isoformat(), inputs, ts(digest.generated_at), content),
            )

    def load_profile_digest(self, profile: str, day: dt.date) -> tuple[str, Digest] | None:
        """(the inputs hash, the digest) ``profile`` published for ``day``, or None."""
        row = self._execute(
            "SELECT inputs, content FROM profile_digests WHERE profile = ? AND day = ?", (profile, day.isoformat())
        ).fetchone()
        return None if row is None else (str(row[0]), digest_from_dict(orjson.loads(row[1])))

    def profile_digest_days(self, profile: str) -> list[dt.date]:
        """The days ``profile`` has a published digest of, newest first."""
        found = self._execute(
            "SELECT day FROM profile_digests WHERE profile = ? ORDER BY day DESC", (profile,)
        ).fetchall()
        return [dt.date.fromisoformat(str(day)) for (day,) in found]

    # -- not interested -------------------------------------------------------------------------------------

    def add_not_interested(self, items: Iterable[NotInterested]) -> int:
        """Add to profiles' not-interested lists; an item already there is kept as it was. Returns rows added."""
        with self.transaction():
            return self._executemany(
                "INSERT INTO not_interested(profile, kind, value, added_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                ((i.profile, i.kind, i.value, ts(i.added_at)) for i in items),
            )

    def remove_not_interested(self, profile: str, kind: str, values: Iterable[str]) -> int:
        """Take values off ``profile``'s not-interested list. Returns rows removed."""
        with self.transaction():
            return self._executemany(
                "DELETE FROM not_interested WHERE profile = ? AND kind = ? AND value = ?",
                ((profile, kind, v) for v in values),
            )

    def not_interested(self, profile: str) -> list[NotInterested]:
        """``profile``'s not-interested list, by kind then value."""
        found = self._execute(
            "SELECT profile, kind, value, added_at FROM not_interested WHERE profile = ? ORDER BY kind, value",
            (profile,),
        ).fetchall()
        return [NotInterested(str(p), str(k), str(v), from_ts(a)) for p, k, v, a in found]

    # -- deliveries -----------------------------------------------------------------------------------------

    def claim_delivery(self, profile: str, channel: str, period: str, at: dt.datetime) -> Delivery | None:
        """Record, before sending, that ``profile``'s message of ``period`` goes to ``channel`` (status
        ``sending``), unless a row is there already: then return that row and record nothing. A ``failed`` row is
        claimed again (its message never left), keeping its detail (a thread's posts so far). Atomic: of two runs
        claiming at once, one gets None."""
        with self.transaction():
            row = self._execute(
                f"SELECT {_DELIVERY} FROM deliveries WHERE profile = ? AND channel = ? AND period = ?",
                (profile, channel, period),
            ).fetchone()
            if row is not None and str(row[3]) != "failed":
                return _delivery(row)
            self._execute(
                "INSERT INTO deliveries(profile, channel, period, status, started_at, finished_at, detail) "
                "VALUES (?, ?, ?, 'sending', ?, NULL, '{}') ON CONFLICT(profile, channel, period) DO UPDATE SET "
                "status = 'sending', started_at = excluded.started_at, finished_at = NULL",
                (profile, channel, period, ts(at)),
            )
        return None

    def record_delivery(
        self, profile: str, channel: str, period: str, status: str, at: dt.datetime | None, detail: str
    ) -> None:
        """Update a claimed delivery: its status (``sending`` with progress, ``sent`` or ``failed``) and detail."""
        with self.transaction():
            self._execute(
                "UPDATE deliveries SET status = ?, finished_at = ?, detail = ? "
                "WHERE profile = ? AND channel = ? AND period = ?",
                (status, ts(at) if at is not None else None, detail, profile, channel, period),
            )

    def deliveries(self, profile: str | None = None) -> list[Delivery]:
        """The recorded deliveries (of ``profile``, or all), newest period first."""
        where, params = ("WHERE profile = ? ", (profile,)) if profile is not None else ("", ())
        return [
            _delivery(r)
            for r in self._stream(
                f"SELECT {_DELIVERY} FROM deliveries {where}ORDER BY period DESC, profile, channel", params
            )
        ]
