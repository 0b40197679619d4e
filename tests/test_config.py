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


def test_http_timeout_defaults_to_a_minute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a setting, every request wait is bounded by 60 s."""
    monkeypatch.chdir(tmp_path)
    assert load_settings(env={}).http_timeout == 60.0


def test_http_timeout_from_file_then_env(tmp_path: Path) -> None:
    """``http_timeout`` in the file is overridden by HOTPAPERS_HTTP_TIMEOUT."""
    cfg = tmp_path / "c.toml"
    cfg.write_text("http_timeout = 12\n")
    assert load_settings(cfg, env={}).http_timeout == 12.0
    assert load_settings(cfg, env={"HOTPAPERS_HTTP_TIMEOUT": "2.5"}).http_timeout == 2.5


@pytest.mark.parametrize("value", ["0", "-1", "soon", "inf", "nan"])
def test_bad_http_timeout_env_is_a_config_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    """A timeout that is not a positive number of seconds is refused, naming the variable."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="HOTPAPERS_HTTP_TIMEOUT must be a positive number"):
        load_settings(env={"HOTPAPERS_HTTP_TIMEOUT": value})


def test_zero_http_timeout_in_file_is_a_config_error(tmp_path: Path) -> None:
    """``http_timeout = 0`` is refused, naming the file and key."""
    cfg = tmp_path / "c.toml"
    cfg.write_text("http_timeout = 0\n")
    with pytest.raises(ConfigError, match=r"c\.toml: http_timeout must be a positive number"):
        load_settings(cfg, env={})


def test_source_tables_become_source_environment(tmp_path: Path) -> None:
    """[x], [reddit] and [mastodon] keys are handed to sources under their HOTPAPERS_* names."""
    cfg = tmp_path / "c.toml"
    cfg.write_text('[x]\nmax_reads_per_day = 5000\nprice_per_read = 0.005\n'
                   '[reddit]\nsubreddits = ["MachineLearning", "LocalLLaMA"]\n'
                   '[mastodon]\ninstances = ["https://sigmoid.social"]\n')
    assert load_settings(cfg, env={}).source_env == {
        "HOTPAPERS_X_MAX_READS_PER_DAY": "5000",
        "HOTPAPERS_X_PRICE_PER_READ": "0.005",
        "HOTPAPERS_REDDIT_SUBREDDITS": "MachineLearning,LocalLLaMA",
        "HOTPAPERS_MASTODON_INSTANCES": "https://sigmoid.social",
    }


def test_secret_in_a_source_table_is_refused(tmp_path: Path) -> None:
    """A token or secret in the config file is an unknown key that says secrets come from the environment."""
    cfg = tmp_path / "c.toml"
    cfg.write_text('[reddit]\nclient_secret = "s3cret"\n')
    with pytest.raises(ConfigError, match=r"unknown setting 'reddit\.client_secret' \(secrets come from the env"):
        load_settings(cfg, env={})


@pytest.mark.parametrize(("text", "message"), [
    ("[x]\nmax_reads_per_day = -5\n", "x.max_reads_per_day must be a whole number >= 0"),
    ('[x]\nmax_reads_per_run = "lots"\n', "x.max_reads_per_run must be a whole number >= 0"),
    ('[reddit]\nsubreddits = "MachineLearning"\n', "reddit.subreddits must be a list of strings"),
    ("[youtube]\nquery = 3\n", "youtube.query must be a string"),
    ('x = "not a table"\n', r"\[x\] must be a table"),
])
def test_bad_source_table_values_are_config_errors(tmp_path: Path, text: str, message: str) -> None:
    """A wrongly typed source setting stops with a line naming the file and key."""
    cfg = tmp_path / "c.toml"
    cfg.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_settings(cfg, env={})
