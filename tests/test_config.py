"""Settings: defaults, config file, environment, and clear errors for bad configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from hotpapers.config import load_settings
from hotpapers.errors import ConfigError


def test_defaults_without_config_or_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With nothing set, the store is ./hotpapers.db and arXiv's public endpoints are used."""
    monkeypatch.chdir(tmp_path)
    settings = load_settings(env={})
    assert settings.db == "hotpapers.db"
    assert settings.arxiv.api_url == "https://export.arxiv.org/api/query"
    assert settings.arxiv.categories == ("cs", "stat.ML")


def test_env_db_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """HOTPAPERS_DB names the store when --db is not given."""
    monkeypatch.chdir(tmp_path)
    assert load_settings(env={"HOTPAPERS_DB": "/data/h.db"}).db == "/data/h.db"


def test_db_option_wins_over_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--db wins over HOTPAPERS_DB."""
    monkeypatch.chdir(tmp_path)
    assert load_settings(env={"HOTPAPERS_DB": "/data/h.db"}, db="mine.db").db == "mine.db"


def test_env_endpoints_override_file(tmp_path: Path) -> None:
    """HOTPAPERS_ARXIV_*_URL and HOTPAPERS_OAI_URL win over the config file."""
    cfg = tmp_path / "c.toml"
    cfg.write_text('[arxiv]\napi_url = "http://file/api"\nrss_url = "http://file/rss"\n')
    env = {"HOTPAPERS_ARXIV_API_URL": "http://env/api", "HOTPAPERS_OAI_URL": "http://env/oai"}
    arxiv = load_settings(cfg, env=env).arxiv
    assert (arxiv.api_url, arxiv.rss_url, arxiv.oai_url) == ("http://env/api", "http://file/rss", "http://env/oai")


def test_config_file_sets_categories(tmp_path: Path) -> None:
    """Category filters come from the [arxiv] table."""
    cfg = tmp_path / "c.toml"
    cfg.write_text('db = "x.db"\n[arxiv]\ncategories = ["cs.CL"]\nexclude = ["cs.CR"]\nprimary_only = true\n')
    settings = load_settings(cfg, env={})
    assert (settings.db, settings.arxiv.categories, settings.arxiv.exclude, settings.arxiv.primary_only) == (
        "x.db", ("cs.CL",), ("cs.CR",), True,
    )


def test_config_from_env_variable(tmp_path: Path) -> None:
    """HOTPAPERS_CONFIG names the config file."""
    cfg = tmp_path / "c.toml"
    cfg.write_text('db = "from-config.db"\n')
    assert load_settings(env={"HOTPAPERS_CONFIG": str(cfg)}).db == "from-config.db"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("db = ", "invalid TOML"),
        ("colour = 'red'", "unknown setting 'colour'"),
        ("[arxiv]\nfoo = 1", "unknown setting 'arxiv.foo'"),
        ("[arxiv]\ncategories = 'cs'", "arxiv.categories must be a list of strings"),
        ("[arxiv]\ndelay_seconds = -1", "arxiv.delay_seconds must be a non-negative number"),
        ("[arxiv]\nprimary_only = 'yes'", "arxiv.primary_only must be true or false"),
        ("db = 3", "db must be a string"),
        ("arxiv = 3", "[arxiv] must be a table"),
    ],
)
def test_bad_config_names_file_and_setting(tmp_path: Path, text: str, message: str) -> None:
    """Each bad config gives one ConfigError naming the file and what is wrong."""
    cfg = tmp_path / "c.toml"
    cfg.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_settings(cfg, env={})
    assert str(cfg) in str(info.value) and message in str(info.value)


def test_unreadable_config_is_a_config_error(tmp_path: Path) -> None:
    """A config path that cannot be read is a ConfigError naming it."""
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(tmp_path / "missing.toml", env={})
