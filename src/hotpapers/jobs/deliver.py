"""The deliver job: each profile's digest of a period, sent once to each of its channels (docs/delivery.md).

For each profile and channel, the job first *claims* the period in the store (``deliveries``: a row ``sending``,
written and committed before anything leaves), then sends, then records ``sent`` with what the channel answered.
So a second run for the same period finds the row and sends nothing (and says so). What a crash between sending and
recording leaves behind is a ``sending`` row:

* a channel whose sends are idempotent (``bluesky``, ``mastodon``: a thread resumed by record key or idempotency
  key) picks up where it stopped: exactly once;
* any other (``email``, the chat webhooks) is *at most once*: the message may have left, so it is not sent again by
  itself (``retry_unconfirmed``, ``hotpapers deliver --retry-unconfirmed``, sends it anyway, for someone who
  checked it did not arrive).

A channel that refused the message (it did not leave) is recorded ``failed`` and tried again by the next run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import orjson

from hotpapers.config import Settings
from hotpapers.deliver.compose import compose
from hotpapers.deliver.targets import Target, targets_of
from hotpapers.errors import DeliveryError, HotpapersError, UsageError
from hotpapers.http import make_client, timeout_from_seconds
from hotpapers.jobs.days import day_or_latest
from hotpapers.jobs.environment import Environment
from hotpapers.models import Delivery, Digest
from hotpapers.plugins import Channel, ChannelContext, DeliveryMessage, DeliveryProgress, Registry
from hotpapers.profiles.config import Profile
from hotpapers.store.base import Store

__all__ = ["DeliveryReport", "after_run", "deliver", "deliver_profiles", "period_key"]


@dataclass
class DeliveryReport:
    """What happened to one profile's message on one channel."""

    profile: str
    channel: str  # the channel's key: email, slack:3f2a9c01d2, bluesky, ...
    period: str
    outcome: str  # sent, already-sent, unconfirmed, failed, disabled, nothing
    detail: str = ""
    answer: dict[str, object] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        """True when the message did not go and should have (refused, or unconfirmed)."""
        return self.outcome in ("failed", "unconfirmed")


def period_key(profile: Profile, day: dt.date) -> str:
    """The period a day belongs to for ``profile``: the day itself (daily) or its ISO week (``2024-W48``)."""
    if profile.period == "weekly":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return day.isoformat()


def _context(environment: Environment, settings: Settings, target: Target) -> ChannelContext:
    http = make_client(mailto=environment.contact, transport=environment.transport,
                       timeout=timeout_from_seconds(environment.timeout))  # fmt: skip
    return ChannelContext(target.target, environment.env, http, environment.now, environment.sleep,
                          settings.http_timeout)  # fmt: skip


def _state(row: Delivery | None) -> dict[str, object]:
    if row is None:
        return {}
    try:
        state = orjson.loads(row.detail)
    except orjson.JSONDecodeError:
        return {}
    return {k: v for k, v in state.items() if k != "error"} if isinstance(state, dict) else {}


@dataclass
class _Sender:
    """Sends one profile's message of one period to its channels, each once."""

    store: Store
    environment: Environment
    retry_unconfirmed: bool

    def claim(
        self, profile: Profile, key: str, period: str, idempotent: bool
    ) -> tuple[DeliveryReport | None, Delivery | None]:
        """(a report if nothing is to be sent, the row found): claims the period unless it was done."""
        row = self.store.claim_delivery(profile.name, key, period, self.environment.now())
        if row is None:  # claimed: new, or a failed attempt whose progress (a thread's posts so far) the row keeps
            claimed = [d for d in self.store.deliveries(profile.name) if d.channel == key and d.period == period]
            return None, claimed[0] if claimed else None
        when = f"{row.finished_at or row.started_at:%Y-%m-%d %H:%M} UTC"
        if row.status == "sent":
            said = f"already sent at {when}; nothing sent"
            return DeliveryReport(profile.name, key, period, "already-sent", said), row
        if idempotent:
            return None, row  # resumes where it stopped
        if self.retry_unconfirmed:
            self.store.record_delivery(profile.name, key, period, "sending", None, row.detail)
            return None, row
        return DeliveryReport(profile.name, key, period, "unconfirmed",
                              f"an attempt at {when} may have sent it (no confirmation came); not sent again "
                              "(retrying unconfirmed deliveries sends it anyway)"), row  # fmt: skip

    def send(self, profile: Profile, ready: _Ready, period: str, message: DeliveryMessage) -> DeliveryReport:
        """Claim, send, record; one report."""
        key, channel = ready.target.key, ready.channel
        report, row = self.claim(profile, key, period, channel.idempotent)
        if report is not None:
            return report

        def save(state: dict[str, object]) -> None:
            self.store.record_delivery(profile.name, key, period, "sending", None, _json(state))

        progress = DeliveryProgress(_state(row), save)
        try:
            answer = channel.send(message, progress)
        except DeliveryError as e:
            status = "sending" if e.unconfirmed else "failed"
            self.store.record_delivery(profile.name, key, period, status, self.environment.now(),
                                       _json({**progress.state, "error": str(e)}))  # fmt: skip
            return DeliveryReport(profile.name, key, period, "unconfirmed" if e.unconfirmed else "failed", str(e))
        self.store.record_delivery(profile.name, key, period, "sent", self.environment.now(), _json(answer))
        return DeliveryReport(profile.name, key, period, "sent", _said(ready.target.kind, answer), answer)


@dataclass(frozen=True)
class _Ready:
    target: Target
    channel: Channel
    context: ChannelContext


def _json(value: Mapping[str, object]) -> str:
    return orjson.dumps(value, default=str).decode()


def _said(kind: str, answer: Mapping[str, object]) -> str:
    if kind == "email":
        refused = answer.get("refused")
        names = [str(r) for r in refused] if isinstance(refused, list) else []
        extra = f" ({len(names)} refused: {', '.join(names)})" if names else ""
        return f"sent to {answer.get('recipients')} recipient(s){extra}"
    posts = answer.get("posts")
    if isinstance(posts, list):
        return f"posted a thread of {len(posts)}"
    return "sent"


def _channels(
    registry: Registry, settings: Settings, environment: Environment, profile: Profile, period: str
) -> tuple[list[_Ready], list[DeliveryReport]]:
    """The profile's channels that can send, and a report for each that cannot (unknown kind, disabled)."""
    ready: list[_Ready] = []
    reports: list[DeliveryReport] = []
    for target in targets_of(profile, environment.env):
        factory = registry.channels.get(target.kind)
        if factory is None:
            known = ", ".join(sorted(registry.channels))
            reports.append(DeliveryReport(profile.name, target.key, period, "failed",
                                          f"no channel {target.kind!r} (known: {known})"))  # fmt: skip
            continue
        context = _context(environment, settings, target)
        channel = factory(context)
        status = channel.status()
        if status.enabled:
            ready.append(_Ready(target, channel, context))
        else:
            context.http.close()
            reports.append(DeliveryReport(profile.name, target.key, period, "disabled", status.reason))
    return ready, reports


def deliver(
    store: Store,
    settings: Settings,
    registry: Registry,
    profiles: Sequence[Profile],
    *,
    day: dt.date,
    environment: Environment,
    digest_of: Callable[[Profile, dt.date], Digest],
    link_of: Callable[[Profile], str | None] = lambda _: None,
    retry_unconfirmed: bool = False,
) -> list[DeliveryReport]:
    """Send each profile's message of the period of ``day`` to each of its channels, once (module docstring).

    ``digest_of(profile, day)`` gives the profile's digest of the period (``jobs.profiles.period_digest``). Per-channel
    failures are reports, not errors: one channel that fails never stops the others.

    Raises:
        ConfigError: a profile's ``webhooks`` entry is malformed.
    """
    sender = _Sender(store, environment, retry_unconfirmed)
    reports: list[DeliveryReport] = []
    for profile in profiles:
        period = period_key(profile, day)
        if not (profile.email or profile.webhooks or profile.bluesky or profile.mastodon):
            said = "the profile names no channel (email, webhooks, bluesky, mastodon)"
            reports.append(DeliveryReport(profile.name, "-", period, "nothing", said))
            continue
        ready, skipped = _channels(registry, settings, environment, profile, period)
        reports += skipped
        try:
            reports += _send_all(sender, profile, ready, period, partial(digest_of, profile, day), link_of(profile))
        finally:
            for one in ready:
                one.context.http.close()
    return reports


def _send_all(
    sender: _Sender, profile: Profile, ready: Sequence[_Ready], period: str, digest: Callable[[], Digest],
    link: str | None,
) -> list[DeliveryReport]:
    if not ready:
        return []
    try:
        message = compose(digest(), profile.name, period, profile.top, link)
    except HotpapersError as e:
        return [DeliveryReport(profile.name, r.target.key, period, "failed", str(e)) for r in ready]
    if not message.items:
        return [DeliveryReport(profile.name, r.target.key, period, "nothing",
                               "no paper for this profile in this period; nothing sent") for r in ready]  # fmt: skip
    return [sender.send(profile, r, period, message) for r in ready]


def after_run(
    store: Store,
    settings: Settings,
    registry: Registry,
    day: dt.date,
    *,
    environment: Environment,
    formats: Sequence[str],
    out_dir: Path,
    finish: Callable[[Digest], Digest] | None = None,
) -> tuple[list[Path], list[DeliveryReport]]:
    """What ``hotpapers run`` does for the profiles after rendering: each profile's digest of ``day`` in the run's
    formats under ``OUT/for/NAME/`` (refreshed, like the day's own), then the deliveries: a daily profile's every
    run, a weekly profile's when ``day`` is a Friday (the week's last listing day).

    Raises:
        ConfigError: a profile is invalid.
    """
    from hotpapers.jobs.profiles import (  # noqa: PLC0415
        configured_profiles,
        period_digest,
        profile_out_dir,
        render_profile,
        site_link,
    )

    profiles = configured_profiles(settings)
    paths: list[Path] = []
    for profile in profiles.values():
        out = profile_out_dir(out_dir, profile)
        paths += render_profile(store, settings, profile, day, formats=formats, out_dir=out, now=environment.now(),
                                refresh=True, finish=finish).paths  # fmt: skip
    due = [p for p in profiles.values() if p.period == "daily" or day.weekday() == FRIDAY]
    reports = deliver(
        store, settings, registry, due, day=day, environment=environment,
        digest_of=lambda p, d: period_digest(store, settings, p, d, now=environment.now(), finish=finish)[1],
        link_of=lambda p: site_link(environment.env, p),
    )
    return paths, reports


def deliver_profiles(
    store: Store,
    settings: Settings,
    registry: Registry,
    names: Sequence[str],
    *,
    day: dt.date | None,
    environment: Environment,
    now: dt.datetime,
    retry_unconfirmed: bool = False,
) -> list[DeliveryReport]:
    """``hotpapers deliver``: the profiles ``names`` (every profile when empty) each get their digest of the
    period of ``day`` (the store's newest listing day when None), with the stored summaries, on each channel once.

    Raises:
        UsageError: the config has no profile, or none named so.
        NoDayError: no day given and the store has no announced day.
        ConfigError: a profile is invalid.
    """
    from hotpapers.jobs.profiles import configured_profiles, period_digest, site_link  # noqa: PLC0415
    from hotpapers.jobs.summarize import stored_summaries  # noqa: PLC0415  (the summaries stack: on use only)
    from hotpapers.profiles.config import profile_named  # noqa: PLC0415

    profiles = configured_profiles(settings)
    if not profiles:
        raise UsageError("no profile to deliver: add a [profiles.NAME] table to the config file (docs/profiles.md)")
    chosen = [profile_named(profiles, n) for n in dict.fromkeys(names)] or list(profiles.values())
    when = day_or_latest(store, day)
    finish = stored_summaries(store, settings, now)
    return deliver(
        store, settings, registry, chosen, day=when, environment=environment,
        digest_of=lambda p, d: period_digest(store, settings, p, d, now=now, finish=finish)[1],
        link_of=lambda p: site_link(environment.env, p), retry_unconfirmed=retry_unconfirmed,
    )


FRIDAY = 4
