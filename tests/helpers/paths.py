"""Where things are, from the repository root, for every test wherever it lives in ``tests/``."""

from __future__ import annotations

from pathlib import Path

__all__ = ["DOCS", "FIXTURES", "GOLDEN", "ROOT", "SAMPLE", "SHARED", "SOCIAL", "TESTS"]

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
SOCIAL = FIXTURES / "social"
GOLDEN = TESTS / "golden"
DOCS = ROOT / "docs"
SAMPLE = ROOT / "src" / "hotpapers" / "data" / "sample.jsonl"
SHARED = ROOT.parent / "shared"
"""The team's shared data (the original tool's archive, its seed post): ``../shared`` from the repository root."""
