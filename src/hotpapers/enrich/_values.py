"""Reading values out of providers' JSON answers: counts, and short quotes of bad values for messages."""

from __future__ import annotations

__all__ = ["json_count", "shown"]


def json_count(value: object) -> int | None:
    """A count: a non-negative JSON integer (also written as an integral float, as JSON numbers may be); else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    return int(value) if value >= 0 else None


def shown(value: object) -> str:
    """``repr(value)``, cut to 40 characters, to quote a bad value in a message."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:37]}..."
