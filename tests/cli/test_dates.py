"""Dates at the boundary: options take YYYY-MM-DD within the supported range, and nothing imported within that range
can later crash ``render``, ``site build`` or ``rising``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotpapers.bounds import EARLIEST, FIRST_DAY, LAST_DAY, LATEST
from hotpapers.cli import main
from hotpapers.native.serialize import announcement_to_dict, paper_to_dict, post_to_dict, snapshot_to_dict

from helpers.factories import announcement, digest_record, paper, post, snapshot

DAYS = st.sampled_from([FIRST_DAY, LAST_DAY, FIRST_DAY + dt.timedelta(days=1), LAST_DAY - dt.timedelta(days=1),
                        dt.date(2199, 12, 27), dt.date(1970, 1, 5)]) | st.dates(FIRST_DAY, LAST_DAY)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the CLI in-process; return (exit code, stdout, stderr)."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _one_line_if_failed(code: int, err: str) -> None:
    assert "Traceback" not in err
    if code != 0:
        assert len(err.splitlines()) == 1 and err.startswith("hotpapers: error: "), err


@settings(max_examples=12, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(DAYS, st.sampled_from([EARLIEST, LATEST, dt.datetime(2021, 4, 20, tzinfo=dt.UTC)]))
def test_nothing_imported_in_range_crashes_render_site_or_rising(
    tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str], day: dt.date, when: dt.datetime
) -> None:
    """A store holding a day and instants anywhere in the supported range renders, builds and ranks growth."""
    folder = tmp_path_factory.mktemp("d")
    db, out = str(folder / "s.db"), folder / "out"
    lines = [{"type": "header", "format": "hotpapers-native", "version": 1},
             {"type": "paper", **paper_to_dict(paper(submitted=when))},
             {"type": "announcement", **announcement_to_dict(announcement(day=day))},
             {"type": "post", **post_to_dict(post(created_at=when))},
             {"type": "engagement", **snapshot_to_dict(snapshot(at=when))}, digest_record(day, when)]
    (folder / "in.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    assert run(capsys, "--db", db, "import", str(folder / "in.jsonl"))[0] == 0
    commands = [
        ["render", "--date", day.isoformat(), "--out", str(out), *[f"--format={f}" for f in
                                                                   ("lumen", "hugo", "jekyll", "atom", "json")]],
        ["render", "--date", day.isoformat(), "--refresh", "--preset", "classic", "--out", str(out)],
        ["site", "build", "--out", str(out / "site")],
        ["render", "--window", "rising", "--out", str(out / "rising")],
        ["render", "--window", "rising", "--hours", "0.5", "--date", day.isoformat(), "--out", str(out / "r2")],
        ["render", "--from", day.isoformat(), "--to", day.isoformat(), "--out", str(out / "range")],
        ["export", "--out", str(folder / "backup.jsonl")],
    ]
    for command in commands:
        code, _, err = run(capsys, "--db", db, *command)
        assert code in (0, 2), (command, err)
        _one_line_if_failed(code, err)


@pytest.mark.parametrize(
    "value",
    ["20210219", "2021-2-19", "2021-02-19T00:00", "2021-W07-5", "2021-02-19".translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"}), "0001-01-01", "1969-12-31",
     "2200-01-01", "9999-12-31", "2021-02-30", "", "-2021-02-19", "9" * 5000],
)
@pytest.mark.parametrize("command", [["render", "--out", "OUT", "--date"], ["ingest", "--date"],
                                     ["collect", "--date"], ["run", "--date"], ["render", "--out", "OUT", "--week"],
                                     ["ingest", "--to", "2021-02-19", "--from"]])
def test_date_options_take_only_supported_yyyy_mm_dd(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                    command: list[str], value: str) -> None:
    """Every date option refuses other forms and dates outside 1970-01-01..2199-12-31, in one line, exit 2."""
    args = [str(tmp_path) if a == "OUT" else a for a in command]
    code, _, err = run(capsys, "--db", str(tmp_path / "s.db"), *args, value)
    assert code == 2
    _one_line_if_failed(code, err)
    assert not (tmp_path / "s.db").exists()  # refused before anything was opened


@pytest.mark.parametrize("value", ["999999999", "nan", "inf", "1e300", "500000"])
def test_rising_hours_reaching_before_1970_are_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                      value: str) -> None:
    """``--hours`` must be finite and reach back no further than 1970-01-01, else one line and exit 2."""
    code, _, err = run(capsys, "--db", str(tmp_path / "s.db"), "render", "--window", "rising", "--hours", value,
                       "--out", str(tmp_path))
    assert code == 2 and "--hours" in err
    _one_line_if_failed(code, err)


@pytest.mark.parametrize(("option", "value"), [("--month", "9999-12"), ("--month", "1969-12"),
                                               ("--week", "2199-12-31"), ("--month", "2021-13"),
                                               ("--month", "99999999999999999999-01")])
def test_roll_ups_reaching_outside_the_range_are_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                        option: str, value: str) -> None:
    """A week or month reaching past the supported dates (or not a month at all) is refused in one line."""
    code, _, err = run(capsys, "--db", str(tmp_path / "s.db"), "render", option, value, "--out", str(tmp_path))
    assert code == 2
    _one_line_if_failed(code, err)
