"""``hotpapers deliver``: send each profile's digest of a period to its channels, once (docs/delivery.md)."""

from __future__ import annotations

import datetime as dt
import os
from collections import ChainMap

import click

from hotpapers.cli import app
from hotpapers.cli.app import Context, pass_ctx
from hotpapers.cli.options import parse_date
from hotpapers.cli.words import said
from hotpapers.errors import EXIT_PARTIAL

__all__ = ["deliver_command", "report_line"]


def report_line(report: object) -> str:
    """One line per profile and channel: ``alice email 2024-11-28: sent to 2 recipient(s)``."""
    from hotpapers.jobs.deliver import DeliveryReport  # noqa: PLC0415

    assert isinstance(report, DeliveryReport)
    outcome = {"sent": "", "already-sent": "", "nothing": "", "disabled": "disabled: ",
               "failed": "FAILED: ", "unconfirmed": "UNCONFIRMED: "}[report.outcome]  # fmt: skip
    return said(f"{report.profile} {report.channel} {report.period}: {outcome}{report.detail}")


@click.command("deliver")
@click.option("--profile", "names", multiple=True, metavar="NAME", help="A profile (repeatable) [default: all].")
@click.option("--date", "day", metavar="YYYY-MM-DD", callback=parse_date,
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
    from hotpapers.jobs.deliver import deliver_profiles  # noqa: PLC0415  (the delivery stack: on use only)
    from hotpapers.jobs.environment import Environment  # noqa: PLC0415
    from hotpapers.jobs.history import recorded_run  # noqa: PLC0415
    from hotpapers.jobs.registry import load_registry  # noqa: PLC0415

    settings = ctx.settings
    environment = Environment(env=ChainMap(os.environ, settings.source_env), now=app.now_utc,
                              contact=settings.contact or None, timeout=settings.http_timeout)  # fmt: skip
    now = app.now_utc()
    with ctx.store("deliver") as store, recorded_run(store, "deliver", now) as summary:
        reports = deliver_profiles(store, settings, load_registry(), names, day=day, environment=environment, now=now,
                                   retry_unconfirmed=retry_unconfirmed)  # fmt: skip
        summary["deliveries"] = [{"profile": r.profile, "channel": r.channel, "period": r.period,
                                  "outcome": r.outcome} for r in reports]  # fmt: skip
    for report in reports:
        click.echo(report_line(report))
    return EXIT_PARTIAL if any(r.failed for r in reports) else 0
