"""Settings: defaults, then a TOML config file, then ``HOTPAPERS_*`` environment variables, then options.

The config file is ``--config PATH``, else ``$HOTPAPERS_CONFIG``, else ``./hotpapers.toml`` when it exists.
Every key is documented in docs/configuration.md. Secrets (API tokens) are read only from the environment
and never stored here.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from hotpapers.errors import ConfigError

__all__ = ["ArxivSettings", "Settings", "SummarySettings", "load_settings"]

DEFAULT_DB = "hotpapers.db"


@dataclass(frozen=True, slots=True)
class ArxivSettings:
    """Where and how to read arXiv."""

    api_url: str = "https://export.arxiv.org/api/query"
    rss_url: str = "https://rss.arxiv.org/rss"
    oai_url: str = "https://oaipmh.arxiv.org/oai"
    delay_seconds: float = 3.0
    categories: tuple[str, ...] = ("cs", "stat.ML")
    exclude: tuple[str, ...] = ()
    primary_only: bool = False


@dataclass(frozen=True, slots=True)
class SummarySettings:
    """How papers are summarised (``[summaries]``; docs/summaries.md). No model: extractive summaries only."""

    model: str = ""  # an llm model id or alias (e.g. "gpt-4o-mini"); empty: no model, extractive summaries
    language: str = "English"  # the language generated summaries are written in
    tldr_prompt: str = ""  # a prompt template ($title, $abstract, $language); empty: the built-in one
    discussion_prompt: str = ""  # a prompt template ($title, $posts, $language); empty: the built-in one
    max_papers: int = 30  # per run: at most this many listed papers are sent to the model (top ranks first)
    max_tokens: int = 60_000  # per run: at most this many tokens (prompts and answers) are spent


@dataclass(frozen=True, slots=True)
class Settings:
    """All settings of one invocation."""

    db: str = DEFAULT_DB
    contact: str = ""  # an e-mail address for the User-Agent, as arXiv asks of API clients
    out_dir: str = "hotpapers-out"  # where `hotpapers run` writes its outputs
    formats: tuple[str, ...] = ("lumen",)  # the writers `hotpapers run` uses
    preset: str = "default"  # the ranking preset of `run`, `render`, `site build` and `publish`
    sources: tuple[str, ...] = ()  # the sources `hotpapers run` asks (empty: every enabled one)
    arxiv: ArxivSettings = field(default_factory=ArxivSettings)
    ranking: dict[str, dict[str, Any]] = field(default_factory=dict)  # [ranking.PRESET] tables, checked on use
    summaries: SummarySettings = field(default_factory=SummarySettings)
    config_path: Path | None = None


_ENV_ARXIV = {
    "HOTPAPERS_ARXIV_API_URL": "api_url",
    "HOTPAPERS_ARXIV_RSS_URL": "rss_url",
    "HOTPAPERS_OAI_URL": "oai_url",
}


def _value(name: str, value: object, default: object, where: Path) -> object:
    """Check one TOML value against the type of its default; return it converted."""
    if isinstance(default, tuple):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: {name} must be a list of strings")
        return tuple(value)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: {name} must be true or false")
        return value
    if isinstance(default, int) and not isinstance(default, bool):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConfigError(f"{where}: {name} must be a non-negative integer")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ConfigError(f"{where}: {name} must be a non-negative number")
        return float(value)
    if not isinstance(value, str):
        raise ConfigError(f"{where}: {name} must be a string")
    return value


_TABLES = (ArxivSettings, SummarySettings, Path, dict)
"""Settings that are tables of their own (or not settable), never a top-level key."""


def _checked(section: str, raw: Mapping[str, Any], template: object, where: Path) -> dict[str, Any]:
    """Check the keys and value types of one TOML table against a dataclass's defaults."""
    known = {f.name: getattr(template, f.name) for f in fields(template)}  # type: ignore[arg-type]
    values: dict[str, Any] = {}
    for key, value in raw.items():
        name = f"{section}.{key}" if section else key
        if key not in known or isinstance(known[key], _TABLES) or key == "config_path":
            raise ConfigError(f"{where}: unknown setting {name!r}")
        values[key] = _value(name, value, known[key], where)
    return values


def _from_file(path: Path) -> Settings:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ConfigError(f"{path}: cannot read the config file: {e.strerror or e}") from e
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: invalid TOML: {e}") from e
    arxiv_raw = data.pop("arxiv", {})
    if not isinstance(arxiv_raw, dict):
        raise ConfigError(f"{path}: [arxiv] must be a table")
    ranking = data.pop("ranking", {})
    if not isinstance(ranking, dict) or not all(isinstance(v, dict) for v in ranking.values()):
        raise ConfigError(f"{path}: [ranking] must hold one table per preset, e.g. [ranking.default]")
    summaries_raw = data.pop("summaries", {})
    if not isinstance(summaries_raw, dict):
        raise ConfigError(f"{path}: [summaries] must be a table")
    top = _checked("", data, Settings(), path)
    arxiv = ArxivSettings(**_checked("arxiv", arxiv_raw, ArxivSettings(), path))
    summaries = SummarySettings(**_checked("summaries", summaries_raw, SummarySettings(), path))
    return Settings(**top, arxiv=arxiv, ranking=ranking, summaries=summaries, config_path=path)


def load_settings(
    config: Path | None = None, env: Mapping[str, str] | None = None, db: str | None = None
) -> Settings:
    """Build the settings of one invocation.

    Args:
        config: an explicit config file (must exist).
        env: the environment (default ``os.environ``).
        db: the ``--db`` option, which wins over everything.

    Raises:
        ConfigError: the config file is unreadable, not TOML, or has unknown keys or wrong types.
    """
    env = os.environ if env is None else env
    path = config or (Path(env["HOTPAPERS_CONFIG"]) if env.get("HOTPAPERS_CONFIG") else None)
    if path is None and Path("hotpapers.toml").is_file():
        path = Path("hotpapers.toml")
    settings = _from_file(path) if path is not None else Settings()
    urls: dict[str, Any] = {attr: env[var] for var, attr in _ENV_ARXIV.items() if env.get(var)}
    if urls:
        settings = replace(settings, arxiv=replace(settings.arxiv, **urls))
    if env.get("HOTPAPERS_SUMMARY_MODEL"):
        settings = replace(settings, summaries=replace(settings.summaries, model=env["HOTPAPERS_SUMMARY_MODEL"]))
    if env.get("HOTPAPERS_CONTACT"):
        settings = replace(settings, contact=env["HOTPAPERS_CONTACT"])
    chosen_db = db or env.get("HOTPAPERS_DB") or settings.db
    return replace(settings, db=chosen_db)
