"""Keep model API keys out of every message: a model library's error may quote the key it sent.

What is model-specific lives here: which secrets a model library holds — the values of environment variables
whose names say they are secret, whatever their prefix (``OPENAI_API_KEY``, ``*_TOKEN``, ``*_SECRET``, …), and the
keys in ``llm``'s own key store — and key-shaped strings (``sk-…``, ``Bearer …``). Masking itself is
``hotpapers.redact``'s: the secrets found are registered there, so they are masked in every encoding (raw, URL,
JSON, HTML, base64) and everywhere text leaves hotpapers (errors, log records, the runs table, exports), not only in
the messages made here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from hotpapers.redact import MIN_LENGTH, redact, register

__all__ = ["known_secrets", "scrub"]

_SECRET_NAME = re.compile(r"(?:KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?)(?:_|$)|API_?KEY", re.IGNORECASE)
_SHAPES = (
    re.compile(r"\b(?:sk|pk|rk|ghp|gho|ghs|hf|xai|gsk|pplx|key)[-_][A-Za-z0-9_\-]{8,}"),
    re.compile(r"\b(?:Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=\-]{8,}", re.IGNORECASE),
    re.compile(r"\bAIza[0-9A-Za-z_\-]{20,}"),
)
_MIN_SECRET = MIN_LENGTH  # shorter values ("1", "true") are settings, not secrets
_MAX_MESSAGE = 300


def _stored_llm_keys() -> list[str]:
    try:
        import llm  # noqa: PLC0415 - optional: only when the llm library is installed
    except ImportError:
        return []
    try:
        keys = llm.load_keys()  # type: ignore[no-untyped-call]  # llm leaves this helper unannotated
    except (OSError, ValueError):  # an unreadable or malformed keys.json holds nothing we can mask
        return []
    return [v for v in keys.values() if isinstance(v, str)]


def known_secrets(env: Mapping[str, str]) -> list[str]:
    """Every secret value a message must not show, longest first; each is registered with ``hotpapers.redact``."""
    values = [v for k, v in env.items() if _SECRET_NAME.search(k)] + _stored_llm_keys()
    found = sorted({v for v in values if len(v) >= _MIN_SECRET}, key=len, reverse=True)
    for secret in found:
        register(secret)
    return found


def scrub(message: str, secrets: Iterable[str]) -> str:
    """``message`` on one line, at most 300 characters, with every secret (in any encoding) and key-shaped string
    masked."""
    for secret in secrets:
        register(secret)
    message = redact(message)
    for shape in _SHAPES:
        message = shape.sub("***", message)
    message = " ".join(message.split())
    return message if len(message) <= _MAX_MESSAGE else message[: _MAX_MESSAGE - 1] + "…"
