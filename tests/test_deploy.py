"""The scheduling files run the job once per announcement evening, after 20:00 New York time, all year."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from helpers.paths import ROOT

DEPLOY = ROOT / "deploy"
NEW_YORK = ZoneInfo("America/New_York")


def _gated_runs(year: int) -> list[dt.datetime]:
    """The cron/GitHub design: 00:40 and 01:40 UTC Mon-Fri, kept when New York's hour is 20."""
    runs = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        if day.isoweekday() <= 5:
            for hour in (0, 1):
                when = dt.datetime(day.year, day.month, day.day, hour, 40, tzinfo=dt.UTC)
                if when.astimezone(NEW_YORK).hour == 20:
                    runs.append(when)
        day += dt.timedelta(days=1)
    return runs


def test_gate_lets_exactly_one_run_per_utc_weekday_through() -> None:
    """Across 2026 (both DST switches), exactly one of the two UTC times passes the guard each day."""
    runs = _gated_runs(2026)
    weekdays = sum(1 for n in range(365) if (dt.date(2026, 1, 1) + dt.timedelta(days=n)).isoweekday() <= 5)
    assert len(runs) == weekdays
    assert len({r.date() for r in runs}) == weekdays


def test_gated_runs_fall_on_announcement_evenings_after_20_et() -> None:
    """Every run is at 20:40 New York time on a Sunday-Thursday evening."""
    for when in _gated_runs(2026):
        local = when.astimezone(NEW_YORK)
        assert (local.hour, local.minute) == (20, 40)
        assert local.isoweekday() in (7, 1, 2, 3, 4)


def test_cron_and_workflow_use_the_gated_schedule() -> None:
    """The cron line and the GitHub workflow both fire at 00:40 and 01:40 UTC Mon-Fri behind the guard."""
    cron = (DEPLOY / "cron" / "hotpapers.cron").read_text()
    workflow = (DEPLOY / "github-actions" / "hotpapers.yml").read_text()
    assert re.search(r"^40 0,1 \* \* 1-5 .*TZ=America/New_York date", cron, re.M)
    assert '- cron: "40 0,1 * * 1-5"' in workflow and "TZ=America/New_York date +%H" in workflow


def test_systemd_timer_uses_new_york_time() -> None:
    """The systemd timer names the zone, so systemd handles DST."""
    timer = (DEPLOY / "systemd" / "hotpapers-run.timer").read_text()
    assert "OnCalendar=Sun..Thu 20:40 America/New_York" in timer


def test_no_secret_values_in_deploy_files() -> None:
    """Deploy files reference secrets by name only."""
    for path in DEPLOY.rglob("*"):
        if path.is_file():
            assert not re.search(r"(ghp_|AAAAAAAAAAAAAAAAAAAA)[A-Za-z0-9%]{10,}", path.read_text())
