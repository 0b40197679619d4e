"""Where a profile's digest goes: its channels, from its ``email``, ``webhooks``, ``bluesky`` and ``mastodon`` keys.

A ``webhooks`` entry is ``[KIND:]URL``, ``[KIND:]$VARIABLE`` (the URL read from that environment variable: a
webhook URL is a secret, as good as a password to post in the channel) or ``telegram:CHAT_ID``. Without ``KIND:``,
the kind is told from the URL: ``hooks.slack.com`` is Slack, ``discord.com/api/webhooks/`` Discord, a ``/hooks/``
path Mattermost, anything else the generic JSON webhook.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from hotpapers.errors import ConfigError
from hotpapers.profiles.config import Profile
from hotpapers.redact import register

__all__ = ["KINDS", "Target", "channel_key", "resolve_url", "targets_of"]

KINDS = ("slack", "discord", "mattermost", "telegram", "webhook")
_KIND = re.compile(r"([a-z][a-z0-9_-]*):(?!//)(.*)", re.DOTALL)  # KIND:… (any registered channel), not a URL
_VARIABLE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")


@dataclass(frozen=True, slots=True)
class Target:
    """One channel of a profile: its kind (a registered channel), what it sends to, and its key in the store."""

    kind: str
    target: str
    key: str


def channel_key(kind: str, spec: str) -> str:
    """The store's name of a webhook channel: its kind and a hash of its entry (the URL is a secret)."""
    return f"{kind}:{hashlib.blake2b(spec.encode(), digest_size=5).hexdigest()}"


def _kind_of_url(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host == "hooks.slack.com":
        return "slack"
    if host in ("discord.com", "discordapp.com", "ptb.discord.com", "canary.discord.com") and "/api/webhooks/" in (
        parts.path
    ):
        return "discord"
    if "/hooks/" in parts.path:
        return "mattermost"
    return "webhook"


def resolve_url(spec: str, env: Mapping[str, str], where: str) -> str:
    """The URL of a webhook entry: itself, or the value of the ``$VARIABLE`` it names (registered as a secret).

    Raises:
        ConfigError: the variable is not set, or the value is not an http(s) URL.
    """
    match = _VARIABLE.fullmatch(spec.strip())
    url = spec.strip()
    if match:
        url = env.get(match.group(1), "").strip()
        if not url:
            raise ConfigError(f"{where}: the environment variable {match.group(1)} is not set")
    register(url)
    path = urlsplit(url).path
    register(path if len(path) > 12 else None)  # the token part of a webhook URL, should a server echo it alone
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        shown = f"the value of ${match.group(1)}" if match else "it"
        raise ConfigError(f"{where}: {shown} is not an http(s) URL")
    return url


def targets_of(profile: Profile, env: Mapping[str, str]) -> list[Target]:
    """Every channel of ``profile``: email, then each webhook in order, then Bluesky and Mastodon when opted in.

    Raises:
        ConfigError: a webhook entry names a kind that does not exist.
    """
    found: list[Target] = []
    if profile.email:
        found.append(Target("email", ", ".join(profile.email), "email"))
    for spec in profile.webhooks:
        match = _KIND.fullmatch(spec.strip())
        kind, rest = (match.group(1), match.group(2).strip()) if match else ("", spec.strip())
        kind = "webhook" if kind == "json" else kind
        if not kind:
            url = env.get(m.group(1), "") if (m := _VARIABLE.fullmatch(rest)) else rest
            kind = _kind_of_url(url)
        found.append(Target(kind, rest, channel_key(kind, rest)))
    if profile.bluesky:
        found.append(Target("bluesky", "", "bluesky"))
    if profile.mastodon:
        found.append(Target("mastodon", "", "mastodon"))
    return found
