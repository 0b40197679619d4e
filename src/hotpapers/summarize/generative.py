"""Summaries written by a model, reached through the ``llm`` library (https://llm.datasette.io).

``llm`` is one interface to hosted models (OpenAI's built in; Anthropic, Gemini, Mistral, OpenRouter… through its
plugins) and local ones (Ollama, llama.cpp, GPT4All plugins), and any OpenAI-compatible server through its
``extra-openai-models.yaml``. One config line names the model (``[summaries] model = "gpt-4o-mini"``); its key
comes from ``llm``'s own key store (``llm keys set openai``) or the provider's environment variable
(``OPENAI_API_KEY``): hotpapers never reads, stores or prints it. ``llm`` is an optional dependency
(``pip install 'hotpapers[llm]'``), imported only when a model is configured.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hotpapers.errors import ConfigError
from hotpapers.summarize.budget import estimate_tokens
from hotpapers.summarize.redact import known_secrets, scrub

if TYPE_CHECKING:
    import llm

__all__ = ["Completion", "LlmModel", "ModelFailed", "ModelUnavailable", "load_model"]

_FATAL_STATUS = frozenset({401, 402, 403, 404})
"""Answers after which asking again for the next paper is pointless: bad key, no credit, no access, no model."""


class ModelUnavailable(ConfigError):
    """The configured model cannot be used: ``llm`` is missing, the model is unknown, or it has no key."""


class ModelFailed(Exception):
    """One call of the model failed. ``fatal``: the next calls would fail too (a key or access problem)."""

    def __init__(self, message: str, *, fatal: bool = False) -> None:
        super().__init__(message)
        self.fatal = fatal


@dataclass(frozen=True, slots=True)
class Completion:
    """A model's answer: its text, the model that wrote it, and the tokens it used (estimated if not reported)."""

    text: str
    model: str
    input_tokens: int
    output_tokens: int
    reported: bool  # the token counts are the model's own, not estimates


def load_model(name: str, env: Mapping[str, str] | None = None) -> LlmModel:
    """The model ``name`` (an ``llm`` model id or alias), checked to have the key it needs.

    Raises:
        ModelUnavailable: ``llm`` is not installed, no model has that name, or its key is missing.
    """
    try:
        import llm  # noqa: PLC0415 - an optional dependency, loaded only when a model is configured
    except ImportError:
        raise ModelUnavailable(
            f"model {name!r}: summaries by a model need the llm library: pip install 'hotpapers[llm]'"
        ) from None
    try:
        model = llm.get_model(name)
    except llm.UnknownModelError:
        raise ModelUnavailable(
            f"model {name!r}: llm knows no such model (`llm models` lists them; plugins such as llm-ollama or "
            "llm-anthropic add more)"
        ) from None
    secrets = known_secrets(os.environ if env is None else env)
    try:
        model.get_key()
    except llm.errors.NeedsKeyException as e:
        raise ModelUnavailable(f"model {name!r}: {scrub(str(e), secrets)}") from None
    return LlmModel(model, name, secrets)


def _answered_by(response: llm.Response, fallback: str) -> str:
    """The model that answered as the provider names it (e.g. a dated snapshot), else the model's id."""
    resolved = getattr(response, "resolved_model", None)
    if isinstance(resolved, str) and resolved:
        return resolved
    answer: Any = getattr(response, "response_json", None)
    if isinstance(answer, dict) and isinstance(answer.get("model"), str) and answer["model"]:
        return str(answer["model"])
    return fallback


def _fatal(error: BaseException) -> bool:
    import llm  # noqa: PLC0415 - loaded already: a model exists

    status = getattr(error, "status_code", None) or getattr(error, "status", None)
    return isinstance(error, llm.errors.NeedsKeyException) or status in _FATAL_STATUS


class LlmModel:
    """One ``llm`` model, called one prompt at a time, its errors made safe to show."""

    def __init__(self, model: llm.Model, name: str, secrets: list[str]) -> None:
        self._model = model
        self.name = name
        self._secrets = secrets

    def complete(self, prompt: str) -> Completion:
        """The model's answer to ``prompt``.

        Raises:
            ModelFailed: the call failed (the message names the error, with any key masked).
        """
        try:
            response = self._model.prompt(prompt, stream=False)
            text = response.text()
            usage = response.usage()
        except Exception as e:  # a plugin may raise anything: every error is one failed call
            message = scrub(f"{type(e).__name__}: {e}", self._secrets)
            raise ModelFailed(f"model {self.name!r}: {message}", fatal=_fatal(e)) from None
        reported = usage.input is not None and usage.output is not None
        return Completion(
            text=text,
            model=_answered_by(response, self._model.model_id),
            input_tokens=usage.input if usage.input is not None else estimate_tokens(prompt),
            output_tokens=usage.output if usage.output is not None else estimate_tokens(text),
            reported=reported,
        )
