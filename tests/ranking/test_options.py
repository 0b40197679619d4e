"""Ranking options from the config file and the command line reach the preset, and bad ones are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from hotpapers.cli import main
from hotpapers.errors import ConfigError, UsageError
from hotpapers.ranking.options import ClassicOptions, DefaultOptions, option_flags, preset_options

from helpers.paths import SAMPLE

POST = "2021-04-19---Hot-Papers.md"


def _render(tmp_path: Path, *args: str, config: str = "") -> tuple[int, str]:
    cfg = tmp_path / "c.toml"
    cfg.write_text(config)
    db = str(tmp_path / "s.db")
    main(["--db", db, "import", str(SAMPLE)])
    out = tmp_path / "out"
    code = main(["--config", str(cfg), "--db", db, "render", "--date", "2021-04-19", "--out", str(out), *args])
    text = (out / POST).read_text() if (out / POST).exists() else ""
    return code, text


def test_no_options_gives_no_arguments() -> None:
    """Without config or flags the preset runs with its own defaults."""
    assert preset_options("default", {}, None) == {}


def test_config_table_builds_the_options() -> None:
    """A [ranking.default] table becomes DefaultOptions, lists as tuples and tables as pairs."""
    got = preset_options("default", {"keywords": ["face"], "platform_weights": {"x": 2.0}}, None)
    assert got == {"options": DefaultOptions(keywords=("face",), platform_weights=(("x", 2.0),))}


def test_command_line_wins_over_config() -> None:
    """A flag overrides the same option from the config."""
    got = preset_options("classic", {"min_score": 10}, {"min_score": 99})
    assert got == {"options": ClassicOptions(min_score=99)}


def test_unknown_config_option_is_a_config_error() -> None:
    """An unknown key in [ranking.default] names the table and the key."""
    with pytest.raises(ConfigError, match=r"\[ranking.default\] unknown option 'colour'"):
        preset_options("default", {"colour": "red"}, None, "c.toml")


def test_invalid_config_value_is_a_config_error() -> None:
    """A negative threshold in the config is a ConfigError."""
    with pytest.raises(ConfigError, match=r"c\.toml"):
        preset_options("classic", {"min_score": -1}, None, "c.toml")


def test_options_for_unknown_preset_are_refused() -> None:
    """Options for a preset that has none are a usage error."""
    with pytest.raises(UsageError):
        preset_options("hype", {"a": 1}, None)


def test_default_is_the_default_preset(tmp_path: Path) -> None:
    """render ranks with the default preset unless told otherwise."""
    _render(tmp_path)
    import datetime as dt  # noqa: PLC0415

    from hotpapers.store import SQLiteStore  # noqa: PLC0415

    store = SQLiteStore(tmp_path / "s.db")
    assert store.load_digest(dt.date(2021, 4, 19), "default") is not None
    assert store.load_digest(dt.date(2021, 4, 19), "classic") is None


def test_keyword_flag_filters_the_digest(tmp_path: Path) -> None:
    """--keyword keeps only papers whose title or abstract has the word."""
    code, text = _render(tmp_path, "--keyword", "MeshTalk", "--min-score", "1")
    assert code == 0 and text.count("\n# ") == 1 and "MeshTalk" in text


def test_config_keywords_filter_the_digest(tmp_path: Path) -> None:
    """[ranking.default] keywords in the config filter like the flag."""
    code, text = _render(tmp_path, config='[ranking.default]\nkeywords = ["MeshTalk"]\nmin_score = 1\n')
    assert code == 0 and text.count("\n# ") == 1


def test_default_flag_with_classic_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--keyword belongs to the default preset; with classic it is a usage error (exit 2)."""
    code, _ = _render(tmp_path, "--preset", "classic", "--keyword", "x")
    assert code == 2 and "--keyword does not apply to the 'classic' preset" in capsys.readouterr().err


def test_bad_ranking_table_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown option in the config's ranking table is exit 3."""
    code, _ = _render(tmp_path, config='[ranking.default]\nfoo = 1\n')
    assert code == 3 and "unknown option 'foo'" in capsys.readouterr().err


def test_option_flags_are_typed_by_the_options_defaults() -> None:
    """--option values are TOML values, coerced to the option's type; bare words are strings."""
    got = option_flags("default", ["low_credibility_cap=8", "damping=sqrt", 'keywords=["GAN", "face"]',
                                   "platform_weights={x = 2}", "split_credit=false"])  # fmt: skip
    assert got == {"low_credibility_cap": 8.0, "damping": "sqrt", "keywords": ("GAN", "face"),
                   "platform_weights": (("x", 2),), "split_credit": False}  # fmt: skip


@pytest.mark.parametrize(
    ("flag", "message"),
    [("colour=red", "^option colour: not an option of the 'default' preset"),
     ("low_credibility_cap=abc", "^option low_credibility_cap: expected a number, got 'abc'"),
     ("max_posts=2.5", "^option max_posts: expected a whole number"),
     ("novalue", "^option 'novalue': expected NAME=VALUE, e.g. low_credibility_cap=8")],
)  # fmt: skip
def test_bad_option_flags_are_usage_errors(flag: str, message: str) -> None:
    """An unknown name, a value of the wrong type, or no '=' is a UsageError naming the option, in the library's
    words (the command line says --option: tests/cli/test_cli.py)."""
    with pytest.raises(UsageError, match=message) as raised:
        option_flags("default", [flag])
    assert raised.value.subject == "option"


def test_the_relative_bound_options_are_flags() -> None:
    """low_credibility_ratio and low_credibility_floor are set with --option; a floor of 0 is refused."""
    got = option_flags("default", ["low_credibility_ratio=1", "low_credibility_floor=2"])
    assert DefaultOptions(**got).low_credibility_ratio == 1.0 and DefaultOptions(**got).low_credibility_floor == 2.0
    with pytest.raises(UsageError, match="low_credibility_floor must be a finite number > 0"):
        DefaultOptions(**option_flags("default", ["low_credibility_floor=0"]))


def test_option_flag_reaches_the_preset_and_wins_over_config(tmp_path: Path) -> None:
    """--option keywords=... filters like --keyword, and overrides the config's value."""
    code, text = _render(tmp_path, "--option", 'keywords=["MeshTalk"]', "--option", "min_score=1",
                         config='[ranking.default]\nkeywords = ["BERT"]\n')  # fmt: skip
    assert code == 0 and text.count("\n# ") == 1 and "MeshTalk" in text


def test_out_of_range_option_flag_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--option low_credibility_cap=-1 is a usage error (exit 2) naming the option."""
    code, _ = _render(tmp_path, "--option", "low_credibility_cap=-1")
    assert code == 2 and "low_credibility_cap must be a finite number > 0" in capsys.readouterr().err
