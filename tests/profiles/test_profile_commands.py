"""The profile commands on the bundled sample: render --profile, not-interested, profiles; and the store's tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import orjson
import pytest

from hotpapers.cli import main
from hotpapers.config import load_settings
from hotpapers.errors import ConfigError
from hotpapers.jobs.profiles import configured_profiles, profile_digest
from hotpapers.models import NotInterested
from hotpapers.profiles.config import load_profiles
from hotpapers.store import open_store

from helpers.profileworld import DAY, NOW, ROBOTS, write_config

PROFILE = """
[profiles.robots]
library = "library.bib"
keywords = ["reinforcement learning"]
exclude_keywords = ["BERT"]
relevance_weight = 0.6
"""


def render(db: str, config: Path, out: Path, *extra: str) -> int:
    return main(["--db", db, "--config", str(config), "render", "--date", DAY.isoformat(), "--profile", "robots",
                 "--format", "json", "--out", str(out), *extra])  # fmt: skip


def dataset(out: Path) -> dict[str, object]:
    return orjson.loads((out / "json" / f"{DAY.isoformat()}.json").read_bytes())  # type: ignore[no-any-return]


def test_render_profile_writes_relevance_and_its_items(sample_db: str, tmp_path: Path) -> None:
    """The profile's JSON dataset: each paper has relevance 0..1 and relevance items; the robot papers come first."""
    assert render(sample_db, write_config(tmp_path, PROFILE), tmp_path / "out") == 0
    papers = dataset(tmp_path / "out")["papers"]
    assert isinstance(papers, list)
    assert {p["paper"]["arxiv_id"] for p in papers[:2]} == set(ROBOTS)
    for p in papers:
        assert 0.0 <= p["relevance"] <= 1.0
        assert any(b.get("kind") == "relevance" and b["label"].startswith("relevance ") for b in p["breakdown"])
        assert sum(b["value"] for b in p["breakdown"]) == pytest.approx(p["score"], abs=1e-9)


def test_render_profile_never_lists_an_excluded_keyword(sample_db: str, tmp_path: Path) -> None:
    """No paper with the profile's excluded keyword (BERT) is in its digest, though the day's buzz lists two."""
    render(sample_db, write_config(tmp_path, PROFILE), tmp_path / "out")
    texts = [f"{p['paper']['title']} {p['paper']['abstract']}" for p in dataset(tmp_path / "out")["papers"]]  # type: ignore[index]
    assert texts and not any("BERT" in t for t in texts)


def test_rendering_again_gives_the_same_bytes(sample_db: str, tmp_path: Path) -> None:
    """The profile's digest is published: a second render writes identical bytes."""
    config = write_config(tmp_path, PROFILE)
    render(sample_db, config, tmp_path / "a")
    render(sample_db, config, tmp_path / "b")
    name = f"json/{DAY.isoformat()}.json"
    assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_not_interested_paper_is_gone_from_the_next_render(sample_db: str, tmp_path: Path) -> None:
    """After `not-interested --paper`, the next render no longer lists that paper."""
    config = write_config(tmp_path, PROFILE)
    assert main(["--db", sample_db, "--config", str(config), "not-interested", "--profile", "robots",
                 "--paper", f"https://arxiv.org/abs/{ROBOTS[0]}"]) == 0  # fmt: skip
    render(sample_db, config, tmp_path / "out")
    ids = [p["paper"]["arxiv_id"] for p in dataset(tmp_path / "out")["papers"]]  # type: ignore[index]
    assert ROBOTS[0] not in ids and ROBOTS[1] in ids


def test_unknown_profile_is_a_usage_error(sample_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--profile naming no profile: exit 2 and one line naming the known ones."""
    config = write_config(tmp_path, PROFILE)
    assert main(["--db", sample_db, "--config", str(config), "render", "--date", DAY.isoformat(), "--profile",
                 "nobody", "--out", str(tmp_path / "o")]) == 2  # fmt: skip
    assert "--profile nobody: no such profile (known: robots)" in capsys.readouterr().err


def test_profile_with_ranking_flags_is_refused(sample_db: str, tmp_path: Path) -> None:
    """--profile takes its options from [ranking.default]: a ranking flag beside it is a usage error."""
    assert render(sample_db, write_config(tmp_path, PROFILE), tmp_path / "o", "--min-score", "3") == 2


def test_profiles_command_lists_library_and_channels(
    sample_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`hotpapers profiles` says how many library papers have text and which channels the profile has."""
    config = write_config(tmp_path, PROFILE + 'email = ["me@example.org"]\n')
    assert main(["--db", sample_db, "--config", str(config), "profiles"]) == 0
    out = capsys.readouterr().out
    assert "library.bib: 5 papers, 5 with text" in out
    assert "channel: email" in out


def test_bad_profile_value_is_a_config_error(tmp_path: Path) -> None:
    """A relevance_weight outside 0..1 is refused, naming the profile and the key."""
    with pytest.raises(ConfigError, match=r"\[profiles.me\]: relevance_weight must be a number from 0 to 1"):
        load_profiles({"me": {"relevance_weight": 2}}, tmp_path / "hotpapers.toml")


def test_secret_in_a_profile_is_refused_with_a_hint(tmp_path: Path) -> None:
    """A key that looks like a secret is unknown, and the error says secrets come from the environment."""
    with pytest.raises(ConfigError, match="secrets come from the environment only"):
        load_profiles({"me": {"smtp_password": "x"}}, tmp_path / "hotpapers.toml")


def test_a_profile_can_be_a_file_of_its_own(tmp_path: Path) -> None:
    """`[profiles] bob = "bob.toml"` reads the profile from that file, its paths relative to it."""
    (tmp_path / "people").mkdir()
    (tmp_path / "people" / "bob.toml").write_text('library = "bob.bib"\nperiod = "weekly"\n')
    bob = load_profiles({"bob": "people/bob.toml"}, tmp_path / "hotpapers.toml")["bob"]
    assert bob.library == tmp_path / "people" / "bob.bib"
    assert bob.period == "weekly"


def test_store_keeps_not_interested_lists_and_claims_deliveries_once(store_url: str) -> None:
    """On SQLite and PostgreSQL: a not-interested list round-trips; a period is claimed once, a failed one again."""
    now = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    with open_store(store_url) as store:
        assert store.add_not_interested([NotInterested("me", "author", "X", now)] * 2) >= 1
        assert [i.value for i in store.not_interested("me")] == ["X"]
        assert store.claim_delivery("me", "email", "2024-01-01", now) is None
        again = store.claim_delivery("me", "email", "2024-01-01", now)
        assert again is not None and again.status == "sending"
        store.record_delivery("me", "email", "2024-01-01", "failed", now, '{"error": "refused"}')
        assert store.claim_delivery("me", "email", "2024-01-01", now) is None


def test_store_round_trips_a_profile_digest(sample_db: str, tmp_path: Path) -> None:
    """A published profile digest comes back equal, relevance included."""
    settings = load_settings(write_config(tmp_path, PROFILE), db=sample_db)
    with open_store(sample_db) as store:
        made = profile_digest(store, settings, configured_profiles(settings)["robots"], DAY, now=NOW)
        found = store.load_profile_digest("robots", DAY)
    assert found is not None and found[1] == made
