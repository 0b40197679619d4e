"""``gc_paused``: the cyclic garbage collector off while a day is read and ranked."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["gc_paused"]


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block (and restore it as it was; nested pauses are fine).

    Reading and ranking a day makes some 100,000 small objects per 10,000 posts, none in a reference cycle, so
    reference counting frees them all; but the allocations trigger collections that scan the whole heap, a
    day's evidence included: one full collection costs ~50 ms on a 12,000-post day (``docs/benchmarks.md``,
    archive scale).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
