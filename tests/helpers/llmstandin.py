"""A local stand-in model, registered through llm's own plugin hooks (``llm.hookimpl`` / ``register_models``) exactly
as a third-party model plugin (llm-ollama, llm-anthropic, …) registers its models: no network, no weights.

``standin`` answers a TL;DR prompt with the first sentence of the abstract it was given and a discussion prompt with
one claim per given post, citing it, plus a claim citing a post that was never given (which hotpapers must drop).
It reports token usage as a provider would. ``standin-keyed`` needs a key (``llm keys set standin`` or
``HOTPAPERS_STANDIN_KEY``) and, like a careless provider, quotes the key in its error when ``Behaviour.fail`` is
set. Tests change ``BEHAVIOUR`` to make the model fail or answer oddly, and read ``PROMPTS`` for what it was sent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import llm

__all__ = ["BEHAVIOUR", "PROMPTS", "Behaviour", "StandinPlugin", "standin_answer"]

PROMPTS: list[str] = []


class ProviderError(Exception):
    """What a provider library raises on an HTTP error (``status_code`` as the openai and anthropic clients have)."""

    def __init__(self, message: str, status_code: int) -> None:
        super().__init__(message)
        self.status_code = status_code


@dataclass
class Behaviour:
    """How the stand-in answers (reset for each test)."""

    fail: int | None = None  # raise a ProviderError with this status code
    answer: Callable[[str], str] | None = None  # answer with this instead
    report_usage: bool = True
    calls: int = 0
    keys_seen: list[str | None] = field(default_factory=list)


BEHAVIOUR = Behaviour()


def standin_answer(prompt: str) -> str:
    """The stand-in's deterministic answer to ``prompt``."""
    if "Abstract:" in prompt:
        abstract = prompt.split("Abstract:", 1)[1].strip()
        return abstract.split(". ")[0].rstrip(".") + "."
    numbers = re.findall(r"^\[(\d+)\]", prompt, re.MULTILINE)
    lines = [f"- Post {n} has something to say about it. [{n}]" for n in numbers]
    return "\n".join([*lines, f"- A claim from nowhere. [{len(numbers) + 7}]", "A line that cites nothing."])


def _respond(prompt: Any, response: Any, key: str | None) -> Iterator[str]:
    BEHAVIOUR.calls += 1
    BEHAVIOUR.keys_seen.append(key)
    text = str(prompt.prompt)
    PROMPTS.append(text)
    if BEHAVIOUR.fail is not None:
        raise ProviderError(f"Error code: {BEHAVIOUR.fail} - rejected Authorization: Bearer {key}", BEHAVIOUR.fail)
    answer = (BEHAVIOUR.answer or standin_answer)(text)
    if BEHAVIOUR.report_usage:
        response.set_usage(input=len(text.split()), output=len(answer.split()))
    yield answer


class Standin(llm.Model):
    """A model that needs no key."""

    model_id = "standin"
    can_stream = False

    def execute(self, prompt: Any, stream: bool, response: Any, conversation: Any) -> Iterator[str]:
        """Answer ``prompt`` (see the module docstring)."""
        return _respond(prompt, response, None)


class StandinKeyed(llm.KeyModel):
    """A model that needs a key, from llm's key store or the environment."""

    model_id = "standin-keyed"
    needs_key = "standin"
    key_env_var = "HOTPAPERS_STANDIN_KEY"
    can_stream = False

    def execute(self, prompt: Any, stream: bool, response: Any, conversation: Any, key: str | None) -> Iterator[str]:
        """Answer ``prompt`` with the key it was given."""
        return _respond(prompt, response, key)


class StandinPlugin:
    """The plugin: registers both models under llm's ``register_models`` hook."""

    @llm.hookimpl
    def register_models(self, register: Callable[..., None]) -> None:
        """Register ``standin`` (alias ``standin-alias``) and ``standin-keyed``."""
        register(Standin(), aliases=("standin-alias",))
        register(StandinKeyed())
