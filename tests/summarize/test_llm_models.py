"""The generative path through llm: a stand-in model registered with llm's plugin hooks, its keys and its errors."""

from __future__ import annotations

import base64
import builtins
import json
import os
from pathlib import Path

import llm
import pytest

from hotpapers.redact import redact
from hotpapers.summarize.generative import ModelFailed, ModelUnavailable, load_model
from hotpapers.summarize.redact import known_secrets, scrub

from helpers import llmstandin

SECRET = "sk-standin-sekr1t-0123456789abcdef"


def _home() -> Path:
    """llm's home of this test (LLM_USER_PATH, set by the fixture)."""
    return Path(llm.user_dir())


def test_a_plugin_model_is_found_by_id_and_alias(standin: llmstandin.Behaviour) -> None:
    """A model registered through llm's register_models hook is found by its id and by its alias."""
    assert load_model("standin").name == "standin"
    assert load_model("standin-alias").complete("Title: T\n\nAbstract: It works. More.").text == "It works."


def test_completion_reports_the_model_and_its_tokens(standin: llmstandin.Behaviour) -> None:
    """A completion carries the answer, the answering model's id and the tokens the model reported."""
    completion = load_model("standin").complete("Abstract: One two three. Four.")
    assert (completion.text, completion.model) == ("One two three.", "standin")
    assert (completion.input_tokens, completion.output_tokens, completion.reported) == (5, 3, True)


def test_tokens_are_estimated_when_the_model_reports_none(standin: llmstandin.Behaviour) -> None:
    """Without reported usage the tokens are estimated from the text (about four characters a token)."""
    standin.report_usage = False
    completion = load_model("standin").complete("Abstract: " + "x" * 400 + ". Done.")
    assert not completion.reported and completion.input_tokens > 100 and completion.output_tokens > 90


def test_an_unknown_model_is_named_with_how_to_find_one(standin: llmstandin.Behaviour) -> None:
    """An unknown model is a configuration error that says how to list the models."""
    with pytest.raises(ModelUnavailable, match=r"model 'no-such-model': llm knows no such model \(`llm models`"):
        load_model("no-such-model")


def test_a_model_without_its_key_says_how_to_set_it(standin: llmstandin.Behaviour) -> None:
    """A model whose key is missing is unavailable, with llm's own advice (llm keys set, or the variable)."""
    with pytest.raises(ModelUnavailable, match=r"llm keys set standin.*HOTPAPERS_STANDIN_KEY"):
        load_model("standin-keyed")


def test_the_key_comes_from_the_environment(standin: llmstandin.Behaviour, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the provider's variable set, llm hands the key to the model; hotpapers never handles it."""
    monkeypatch.setenv("HOTPAPERS_STANDIN_KEY", SECRET)
    load_model("standin-keyed").complete("Abstract: Fine. Yes.")
    assert standin.keys_seen == [SECRET]


def test_the_key_comes_from_llms_key_store(standin: llmstandin.Behaviour) -> None:
    """A key saved with `llm keys set standin` (llm's keys.json) is used."""
    home = _home()
    (home / "keys.json").write_text(json.dumps({"standin": SECRET}))
    load_model("standin-keyed").complete("Abstract: Fine. Yes.")
    assert standin.keys_seen == [SECRET]


@pytest.mark.parametrize("where", ["env", "keys.json"])
def test_a_key_quoted_in_an_error_is_masked(
    standin: llmstandin.Behaviour, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """A provider error that quotes the key becomes a one-line failure without it (from the env or llm's store)."""
    if where == "env":
        monkeypatch.setenv("HOTPAPERS_STANDIN_KEY", SECRET)
    else:
        (_home() / "keys.json").write_text(json.dumps({"standin": SECRET}))
    model = load_model("standin-keyed")
    standin.fail = 500
    with pytest.raises(ModelFailed) as failed:
        model.complete("Abstract: x.")
    assert SECRET not in str(failed.value) and "***" in str(failed.value)
    assert "ProviderError: Error code: 500" in str(failed.value) and not failed.value.fatal
    assert failed.value.__cause__ is None and failed.value.__suppress_context__


@pytest.mark.parametrize(("status", "fatal"), [(401, True), (403, True), (404, True), (429, False), (503, False)])
def test_key_and_access_errors_are_fatal(standin: llmstandin.Behaviour, status: int, fatal: bool) -> None:
    """401/402/403/404 stop the model for the run (every call would fail); a rate limit or 5xx fails one call."""
    standin.fail = status
    with pytest.raises(ModelFailed) as failed:
        load_model("standin").complete("Abstract: x.")
    assert failed.value.fatal is fatal


def test_scrub_masks_secrets_in_every_form_and_key_shapes() -> None:
    """Known secrets (as written and URL-encoded) and key-shaped strings are masked; the line stays one line."""
    secrets = known_secrets({"MY_API_KEY": "abc/def+ghi=jk", "OPENAI_API_KEY": SECRET, "HOME": "/root", "X_TOKEN": "1"})
    text = f"bad key abc%2Fdef%2Bghi%3Djk and {SECRET}\nBearer eyJhbGciOi.JIUzI1N and sk-live-AAAAAAAAAAAAAAAA"
    cleaned = scrub(text, secrets)
    assert cleaned == "bad key *** and *** *** and ***"
    assert "/root" not in secrets and "1" not in secrets


def test_a_model_key_is_masked_everywhere_text_leaves_hotpapers() -> None:
    """A model key found in the environment is registered with hotpapers.redact: masked in a JSON-escaped or
    base64 (HTTP Basic) echo too, and in any later error or log line, not only in scrub's messages."""
    key = "gsk-model-key/with+chars=0123456789"
    known_secrets({"GROQ_API_KEY": key})
    basic = base64.b64encode(f"user:{key}".encode()).decode()
    shown = redact(f"sent {json.dumps(key)} as Basic {basic}")
    assert key not in shown and json.dumps(key)[1:-1] not in shown and basic not in shown


def test_scrub_caps_long_messages() -> None:
    """An error message is cut to 300 characters."""
    assert len(scrub("x" * 1000, [])) == 300


def test_llm_not_installed_is_reported_with_the_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the llm library, a configured model is unavailable, naming `pip install 'hotpapers[llm]'`."""
    real_import = builtins.__import__

    def no_llm(name: str, *args: object, **kwargs: object) -> object:
        if name == "llm" or name.startswith("llm."):
            raise ImportError("No module named 'llm'")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_llm)
    with pytest.raises(ModelUnavailable, match=r"pip install 'hotpapers\[llm\]'"):
        load_model("gpt-4o-mini", env=dict(os.environ))
