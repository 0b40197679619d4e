"""``hotpapers deliver``: send each profile's digest of a period to its channels, once (docs/delivery.md)."""

from __future__ import annotations

import datetime as dt
import os
from collections import ChainMap

import click

from hotpapers import pipeline
from hotpapers.cli.app import Context, _parse_date, now_utc, pass_ctx
from hotpapers.errors import EXIT_PARTIAL, UsageError

__all__ = ["deliver_command", "report_line"]


def report_line(report: object) -> str:
    """One line per profile and channel: ``alice email 2024-11-28: sent to 2 recipient(s)``."""
    from hotpapers.jobs.deliver import DeliveryReport  # noqa: PLC0415

    assert isinstance(report, DeliveryReport)
    outcome = {"sent": "", "already-sent": "", "nothing": "", "disabled": "disabled: ",
               "failed": "FAILED: ", "unconfirmed": "UNCONFIRMED: "}[report.outcome]  # fmt: skip
    return f"{report.profile} {report.channel} {report.period}: {outcome}{report.detail}"


@click.command("deliver")
@click.option("--profile", "names", multiple=True, metavar="NAME", help="A profile (repeatable) [default: all].")
@click.option("--date", "day", metavar="YYYY-MM-DD", callback=_parse_date,
              help="A listing day (a weekly profile: its week) [default: the newest day in the store].")
@click.option("--retry-unconfirmed", is_flag=True,
              help="Send again a message whose earlier attempt got no confirmation (it may arrive twice).")
@pass_ctx
def deliver_command(ctx: Context, names: tuple[str, ...], day: dt.date | None, retry_unconfirmed: bool) -> int:
    """Send each profile's digest to its email recipients, chat webhooks and (opted-in) social accounts.

    Each profile gets at most one message per channel and period (a day, or a week for period = "weekly"), even
    across re-runs and crashes: a second deliver for the same period sends nothing and says so. Exit code 8 when a
    channel failed or a message is unconfirmed.
    """
    from hotpapers.collect_job import Environment  # noqa: PLC0415  (the delivery stack: on use only)
    from hotpapers.jobs.deliver import deliver  # noqa: PLC0415
    from hotpapers.jobs.profiles import configured_profiles, period_digest, site_link  # noqa: PLC0415
    from hotpapers.jobs.summarize import stored_summaries  # noqa: PLC0415
    from hotpapers.plugins import load_registry  # noqa: PLC0415
    from hotpapers.profiles.config import profile_named  # noqa: PLC0415

    settings = ctx.settings
    profiles = configured_profiles(settings)
    if not profiles:
        raise UsageError("no profile to deliver: add a [profiles.NAME] table to the config file (docs/profiles.md)")
    chosen = [profile_named(profiles, n) for n in dict.fromkeys(names)] or list(profiles.values())
    environment = Environment(env=ChainMap(os.environ, settings.source_env), now=now_utc,
                              contact=settings.contact or None, timeout=settings.http_timeout)  # fmt: skip
    now = now_utc()
    with ctx.store() as store, pipeline.recorded_run(store, "deliver", now) as summary:
        when = day or max(store.announced_dates(), default=None)
        if when is None:
            raise UsageError("the store has no announced day yet: give --date, or ingest first")
        finish = stored_summaries(store, settings, now)
        reports = deliver(
            store, settings, load_registry(), chosen, day=when, environment=environment,
            digest_of=lambda p, d: period_digest(store, settings, p, d, now=now, finish=finish)[1],
            link_of=lambda p: site_link(os.environ, p), retry_unconfirmed=retry_unconfirmed,
        )
        summary["deliveries"] = [{"profile": r.profile, "channel": r.channel, "period": r.period,
                                  "outcome": r.outcome} for r in reports]  # fmt: skip
    for report in reports:
        click.echo(report_line(report))
    return EXIT_PARTIAL if any(r.failed for r in reports) else 0
