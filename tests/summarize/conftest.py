"""Fixtures of the summaries tests: the stand-in model registered with llm, in an llm home of its own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import llm
import pytest
from llm.plugins import pm

import llmstandin


@pytest.fixture
def standin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[llmstandin.Behaviour]:
    """The stand-in models registered through llm's plugin manager; llm's home (keys, aliases) is a fresh folder.

    Yields the behaviour to adjust; the plugin is unregistered afterwards.
    """
    monkeypatch.setenv("LLM_USER_PATH", str(tmp_path / "llm-home"))
    monkeypatch.delenv("HOTPAPERS_STANDIN_KEY", raising=False)
    monkeypatch.setattr(llmstandin, "BEHAVIOUR", llmstandin.Behaviour())
    llmstandin.PROMPTS.clear()
    plugin = llmstandin.StandinPlugin()
    pm.register(plugin, name="hotpapers-standin")
    assert "standin" in {m.model_id for m in llm.get_models()}
    try:
        yield llmstandin.BEHAVIOUR  # the fresh one set above
    finally:
        pm.unregister(plugin)
