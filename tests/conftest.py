"""Shared pytest configuration: the ``--update-golden`` option (also ``HOTPAPERS_UPDATE_GOLDEN=1``)."""

from __future__ import annotations

import os

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--update-golden``: rewrite golden files from the current output instead of comparing."""
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/** from the current output (or set HOTPAPERS_UPDATE_GOLDEN=1)",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when golden files should be rewritten rather than compared."""
    return bool(request.config.getoption("--update-golden")) or os.environ.get("HOTPAPERS_UPDATE_GOLDEN") == "1"
