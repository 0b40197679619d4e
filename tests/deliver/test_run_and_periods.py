"""What `hotpapers run` does for profiles after the day (render and deliver), and weekly profiles."""

from __future__ import annotations

import os
from pathlib import Path

import orjson

from hotpapers.cli import main
from hotpapers.config import load_settings
from hotpapers.jobs.deliver import after_run
from hotpapers.jobs.environment import Environment
from hotpapers.jobs.registry import load_registry
from hotpapers.store import open_store

from helpers.localserver import Reply, serve
from helpers.profileworld import DAY, NOW, write_config


def test_after_run_writes_each_profiles_digest_and_delivers(sample_db: str, tmp_path: Path) -> None:
    """After the day's digest, `run` writes each profile's digest under OUT/for/NAME/ and sends its message once."""
    with serve(lambda path: Reply(b"", 204, "text/plain")) as served:
        config = write_config(tmp_path, f'[profiles.robots]\nlibrary = "library.txt"\nwebhooks = ["json:{served.url}/in"]\n')
        settings = load_settings(config, db=sample_db)
        with open_store(sample_db) as store:
            environment = Environment(env=dict(os.environ), now=lambda: NOW)
            paths, reports = after_run(store, settings, load_registry(), DAY, environment=environment,
                                       formats=["json", "atom"], out_dir=tmp_path / "out")  # fmt: skip
    assert tmp_path / "out" / "for" / "robots" / "json" / f"{DAY.isoformat()}.json" in paths
    assert (tmp_path / "out" / "for" / "robots" / "feeds" / "atom.xml").is_file()
    assert [r.outcome for r in reports] == ["sent"]
    assert len(served.bodies) == 1


def test_weekly_profile_sends_its_week_once(sample_db: str, tmp_path: Path) -> None:
    """A weekly profile's message is for the ISO week of the day; another day of that week sends nothing more."""
    with serve(lambda path: Reply(b"", 204, "text/plain")) as served:
        config = write_config(tmp_path, '[profiles.robots]\nlibrary = "library.bib"\nperiod = "weekly"\n'
                                        f'webhooks = ["json:{served.url}/in"]\n')  # fmt: skip
        args = ["--db", sample_db, "--config", str(config), "deliver"]
        assert main([*args, "--date", DAY.isoformat()]) == 0
        assert main([*args, "--date", "2021-04-20"]) == 0
    (body,) = [orjson.loads(b) for b in served.bodies]
    assert body["period"] == "2021-W16"
    assert str(body["title"]).startswith("Hot for robots, week of 2021-04-19")


def test_deliver_refuses_a_store_that_does_not_exist(tmp_path: Path) -> None:
    """A mistyped --db: exit 5 and no empty store left behind."""
    config = write_config(tmp_path, '[profiles.robots]\nlibrary = "library.bib"\n')
    db = tmp_path / "typo.db"
    assert main(["--db", str(db), "--config", str(config), "deliver"]) == 5
    assert not db.exists()
