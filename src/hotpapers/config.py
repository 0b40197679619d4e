"""Settings: defaults, then a TOML config file, then ``HOTPAPERS_*`` environment variables, then options.

The config file is ``--config PATH``, else ``$HOTPAPERS_CONFIG``, else ``./hotpapers.toml`` when it exists.
Every key is documented in docs/configuration.md. Secrets (API tokens) are read only from the environment
and never stored here.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from hotpapers.errors import ConfigError

__all__ = [
    "DEFAULT_MAX_RECORD_BYTES", "SOURCE_KEYS", "ArxivSettings", "EnrichSettings", "ServeSettings", "Settings",
    "SummarySettings", "load_settings", "parse_size",
]  # fmt: skip

DEFAULT_DB = "hotpapers.db"
DEFAULT_HTTP_TIMEOUT = 60.0
DEFAULT_MAX_RECORD_BYTES = 32 * 2**20
"""The largest record ``import`` reads (a native line, or a whole legacy file): 32 MiB."""
_SIZE_UNITS = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}


def parse_size(text: str, what: str) -> int:
    """A size in bytes written ``1048576``, ``512k``, ``64M`` or ``1G`` (binary units), at least 1 byte.

    Raises:
        ValueError: not such a size (the message names ``what``).
    """
    value = text.strip().lower().removesuffix("ib").removesuffix("b")
    unit = value[-1:] if value[-1:] in _SIZE_UNITS else ""
    digits = value[: len(value) - len(unit)]
    if not (digits.isascii() and digits.isdigit()) or not 0 < len(digits) <= 15 or int(digits) == 0:
        raise ValueError(f"{what}: {text[:40]!r} is not a size such as 33554432, 512k, 64M or 1G")
    return int(digits) * _SIZE_UNITS[unit]

SOURCE_KEYS: dict[str, dict[str, tuple[str, type]]] = {
    "x": {
        "api_url": ("HOTPAPERS_X_API_URL", str),
        "max_reads_per_day": ("HOTPAPERS_X_MAX_READS_PER_DAY", int),
        "max_reads_per_run": ("HOTPAPERS_X_MAX_READS_PER_RUN", int),
        "price_per_read": ("HOTPAPERS_X_PRICE_PER_READ", float),
        "max_pages": ("HOTPAPERS_X_MAX_PAGES", int),  # deprecated: max_reads_per_run = 100 x pages
    },
    "reddit": {
        "api_url": ("HOTPAPERS_REDDIT_API_URL", str),
        "token_url": ("HOTPAPERS_REDDIT_TOKEN_URL", str),
        "subreddits": ("HOTPAPERS_REDDIT_SUBREDDITS", list),
        "username": ("HOTPAPERS_REDDIT_USERNAME", str),
        "max_pages": ("HOTPAPERS_REDDIT_MAX_PAGES", int),
    },
    "mastodon": {
        "instances": ("HOTPAPERS_MASTODON_INSTANCES", list),
        "hashtags": ("HOTPAPERS_MASTODON_HASHTAGS", list),
        "max_pages": ("HOTPAPERS_MASTODON_MAX_PAGES", int),
    },
    "alphaxiv": {
        "api_url": ("HOTPAPERS_ALPHAXIV_API_URL", str),
        "interval": ("HOTPAPERS_ALPHAXIV_INTERVAL", str),
        "max_pages": ("HOTPAPERS_ALPHAXIV_MAX_PAGES", int),
    },
    "youtube": {
        "api_url": ("HOTPAPERS_YOUTUBE_API_URL", str),
        "query": ("HOTPAPERS_YOUTUBE_QUERY", str),
        "max_search_pages": ("HOTPAPERS_YOUTUBE_MAX_SEARCH_PAGES", int),
    },
}
"""The config file's source tables (``[x]``, ``[reddit]``, ...): each key with the environment variable it stands
for and its TOML type. A source reads these names from its environment; the file gives their defaults and the
environment wins. Secrets (tokens, client secrets, API keys) have no key here: they come from the environment only."""


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


DEFAULT_REFRESH_HOURS = (("artifacts", 72.0), ("code", 20.0), ("scholarly", 72.0))
OTHER_REFRESH_HOURS = 20.0  # a provider without its own interval (a third-party plugin)


@dataclass(frozen=True, slots=True)
class EnrichSettings:
    """The ``[enrich]`` table: what ``hotpapers run`` enriches, and how long a provider's answer stays fresh."""

    run: bool = True  # `hotpapers run` enriches after collecting
    providers: tuple[str, ...] = ()  # the providers `run` asks (empty: every enabled one)
    days: int = 1  # `run` enriches the stored days among this many listing days ending at its own
    all_papers: bool = False  # per-paper requests for every paper, not only the discussed ones
    refresh_hours: tuple[tuple[str, float], ...] = DEFAULT_REFRESH_HOURS  # [enrich.refresh_hours] provider = hours

    def refresh(self, provider: str) -> dt.timedelta:
        """How long ``provider``'s records stay fresh: within it, a re-run asks it nothing for the same paper."""
        return dt.timedelta(hours=dict(self.refresh_hours).get(provider, OTHER_REFRESH_HOURS))


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
class ServeSettings:
    """The ``[serve]`` table: ``hotpapers serve`` (docs/api.md). Its token comes from ``HOTPAPERS_SERVE_TOKEN`` only."""

    host: str = "127.0.0.1"  # the address to listen on (0.0.0.0: every interface)
    port: int = 8000
    workers: int = 1  # worker processes (several for PostgreSQL; docs/api.md)
    max_age: int = 60  # Cache-Control max-age of the API's and the site's answers, in seconds
    private: bool = False  # every route asks for the bearer token, not only the profiles' (needs the token set)


@dataclass(frozen=True, slots=True)
class Settings:
    """All settings of one invocation."""

    db: str = DEFAULT_DB
    contact: str = ""  # an e-mail address for the User-Agent, as arXiv asks of API clients
    out_dir: str = "hotpapers-out"  # where `hotpapers run` writes its outputs
    formats: tuple[str, ...] = ("lumen",)  # the writers `hotpapers run` uses
    preset: str = "default"  # the ranking preset of `run`, `render`, `site build` and `publish`
    sources: tuple[str, ...] = ()  # the sources `hotpapers run` asks (empty: every enabled one)
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES  # the largest record `hotpapers import` reads
    arxiv: ArxivSettings = field(default_factory=ArxivSettings)
    enrich: EnrichSettings = field(default_factory=EnrichSettings)
    ranking: dict[str, dict[str, Any]] = field(default_factory=dict)  # [ranking.PRESET] tables, checked on use
    # the longest Jetstream message (`listen`) or dump line (`replay`) accepted, in bytes (jetstream_events)
    firehose_max_line_bytes: int = 16 << 20
    summaries: SummarySettings = field(default_factory=SummarySettings)
    serve: ServeSettings = field(default_factory=ServeSettings)
    config_path: Path | None = None
    http_timeout: float = DEFAULT_HTTP_TIMEOUT  # seconds: the longest wait of any request (HOTPAPERS_HTTP_TIMEOUT)
    source_env: dict[str, str] = field(default_factory=dict)  # source tables as HOTPAPERS_* names (SOURCE_KEYS)
    profiles: dict[str, Any] = field(default_factory=dict)  # [profiles.NAME] tables, checked on use (profiles/)


_ENV_ARXIV = {
    "HOTPAPERS_ARXIV_API_URL": "api_url",
    "HOTPAPERS_ARXIV_RSS_URL": "rss_url",
    "HOTPAPERS_OAI_URL": "oai_url",
}


_ZERO_ALLOWED = frozenset({"summaries.max_papers", "summaries.max_tokens", "serve.max_age"})
"""Whole-number settings for which 0 means something (no model call at all); every other one is at least 1."""


def _whole(name: str, value: object, where: Path) -> int:
    """A whole-number setting: at least 1, or at least 0 for the few where 0 means something."""
    least, words = (0, "a non-negative integer") if name in _ZERO_ALLOWED else (1, "a positive integer")
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise ConfigError(f"{where}: {name} must be {words}")
    return value


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
    if isinstance(default, int) and name == "max_record_bytes":
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ConfigError(f"{where}: {name} must be a size such as 33554432 or \"64M\"")
        try:
            return value if isinstance(value, int) and value > 0 else parse_size(str(value), name)
        except ValueError as e:
            raise ConfigError(f"{where}: {e}") from None
    if isinstance(default, int):
        return _whole(name, value, where)
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ConfigError(f"{where}: {name} must be a non-negative number")
        return float(value)
    if not isinstance(value, str):
        raise ConfigError(f"{where}: {name} must be a string")
    return value


_TABLES = (ArxivSettings, EnrichSettings, SummarySettings, ServeSettings, Path, dict)
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
    enrich = _enrich_settings(data.pop("enrich", {}), path)
    ranking = data.pop("ranking", {})
    if not isinstance(ranking, dict) or not all(isinstance(v, dict) for v in ranking.values()):
        raise ConfigError(f"{path}: [ranking] must hold one table per preset, e.g. [ranking.default]")
    summaries_raw = data.pop("summaries", {})
    if not isinstance(summaries_raw, dict):
        raise ConfigError(f"{path}: [summaries] must be a table")
    serve_raw = data.pop("serve", {})
    if not isinstance(serve_raw, dict):
        raise ConfigError(f"{path}: [serve] must be a table")
    source_env = _source_tables(data, path)
    profiles = data.pop("profiles", {})
    if not isinstance(profiles, dict):
        raise ConfigError(f"{path}: [profiles] must hold one table (or file path) per profile, e.g. [profiles.me]")
    top = _checked("", data, Settings(), path)
    if "http_timeout" in top and not 0 < top["http_timeout"] < float("inf"):
        raise ConfigError(f"{path}: http_timeout must be a positive number of seconds")
    arxiv = ArxivSettings(**_checked("arxiv", arxiv_raw, ArxivSettings(), path))
    summaries = SummarySettings(**_checked("summaries", summaries_raw, SummarySettings(), path))
    serve = ServeSettings(**_checked("serve", serve_raw, ServeSettings(), path))
    return Settings(
        **top, arxiv=arxiv, enrich=enrich, ranking=ranking, summaries=summaries, serve=serve, config_path=path,
        source_env=source_env, profiles=profiles,
    )


def _source_value(name: str, value: object, kind: type, where: Path) -> str:
    """One source-table value, checked against its TOML type, written as its environment variable would be."""
    if kind is list:
        if not isinstance(value, list) or not all(isinstance(v, str) and "," not in v for v in value):
            raise ConfigError(f"{where}: {name} must be a list of strings (without commas)")
        return ",".join(value)
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConfigError(f"{where}: {name} must be a whole number >= 0")
        return str(value)
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < float("inf"):
            raise ConfigError(f"{where}: {name} must be a number >= 0")
        return repr(float(value))
    if not isinstance(value, str):
        raise ConfigError(f"{where}: {name} must be a string")
    return value


def _source_tables(data: dict[str, Any], where: Path) -> dict[str, str]:
    """Pop the source tables (``[x]``, ``[reddit]``, ...) from ``data``; return them as ``HOTPAPERS_*`` values."""
    values: dict[str, str] = {}
    for section, keys in SOURCE_KEYS.items():
        table = data.pop(section, {})
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: [{section}] must be a table")
        for key, value in table.items():
            if key not in keys:
                hint = " (secrets come from the environment only)" if _secret_like(key) else ""
                raise ConfigError(f"{where}: unknown setting '{section}.{key}'{hint}")
            variable, kind = keys[key]
            values[variable] = _source_value(f"{section}.{key}", value, kind, where)
    return values


def _secret_like(key: str) -> bool:
    return any(word in key.lower() for word in ("token", "secret", "key", "password"))


def _http_timeout(env: Mapping[str, str], default: float) -> float:
    text = env.get("HOTPAPERS_HTTP_TIMEOUT", "").strip()
    if not text:
        return default
    try:
        seconds = float(text)
    except ValueError:
        seconds = float("nan")
    if not 0 < seconds < float("inf"):
        raise ConfigError(f"HOTPAPERS_HTTP_TIMEOUT must be a positive number of seconds, got {text!r}")
    return seconds


def _enrich_settings(raw: object, where: Path) -> EnrichSettings:
    """The ``[enrich]`` table, with its ``[enrich.refresh_hours]`` table of hours per provider."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: [enrich] must be a table")
    values = dict(raw)
    hours = values.pop("refresh_hours", {})
    if not isinstance(hours, dict):
        raise ConfigError(f"{where}: enrich.refresh_hours must be a table of provider = hours")
    days = values.pop("days", EnrichSettings().days)
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ConfigError(f"{where}: enrich.days must be a whole number >= 1")
    refresh = dict(DEFAULT_REFRESH_HOURS)
    for name, value in hours.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
            raise ConfigError(f"{where}: enrich.refresh_hours.{name} must be a number of hours >= 0")
        refresh[str(name)] = float(value)
    checked = _checked("enrich", values, EnrichSettings(), where)
    return EnrichSettings(**checked, days=days, refresh_hours=tuple(sorted(refresh.items())))


def load_settings(
    config: Path | None = None, env: Mapping[str, str] | None = None, db: str | None = None
) -> Settings:
    """Build the settings of one invocation.

    Args:
        config: an explicit config file (must exist).
        env: the environment (default ``os.environ``).
        db: the ``--db`` option, which wins over everything.

    Raises:
        ConfigError: the config file is unreadable, not TOML, or has unknown keys or wrong types, or
            ``HOTPAPERS_HTTP_TIMEOUT`` is not a positive number.
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
    if env.get("HOTPAPERS_MAX_RECORD_BYTES"):
        try:
            size = parse_size(env["HOTPAPERS_MAX_RECORD_BYTES"], "HOTPAPERS_MAX_RECORD_BYTES")
        except ValueError as e:
            raise ConfigError(str(e)) from None
        settings = replace(settings, max_record_bytes=size)
    chosen_db = db or env.get("HOTPAPERS_DB") or settings.db
    return replace(settings, db=chosen_db, http_timeout=_http_timeout(env, settings.http_timeout))
