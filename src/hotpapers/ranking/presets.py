"""The ranking presets, by name: from the evidence of one day (``PaperEvidence``) to a ``Digest``.

A preset is a function with the signature of :class:`RankFn`, registered by name in :data:`PRESETS`;
:func:`rank` looks one up. Each post's engagement is its latest snapshot (``PostEvidence.engagement``); a
post never observed counts 0.

Preset ``classic`` (``hotpapers.ranking.classic``) reproduces the original tool; preset ``default``
(``hotpapers.ranking.default``) is deduplicated, multi-platform and explained. Both are pure: no I/O, no clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Protocol

from hotpapers.errors import UsageError
from hotpapers.models import Digest, PaperEvidence
from hotpapers.ranking.classic import rank_classic
from hotpapers.ranking.default import rank_default

__all__ = ["PRESETS", "RankFn", "rank"]


class RankFn(Protocol):
    """A ranking preset: turns one day's evidence into a finished digest. Pure: no I/O, no clock."""

    def __call__(
        self,
        evidence: Sequence[PaperEvidence],
        /,
        *,
        date: dt.date,
        window_start: dt.datetime,
        window_end: dt.datetime,
        generated_at: dt.datetime,
        title: str | None = None,
    ) -> Digest:
        """Rank ``evidence`` into a digest.

        Args:
            evidence: one entry per paper of the day, with the posts that link it.
            date: the announcement day the digest is for.
            window_start: start of the time window the posts were collected in.
            window_end: end of that window.
            generated_at: when the digest is made (recorded in it; never read from the clock).
            title: the digest's title; each preset has a default.

        Returns:
            The digest, papers ranked 1..n.

        Raises:
            UsageError: an option is invalid.
        """
        ...


PRESETS: dict[str, RankFn] = {"classic": rank_classic, "default": rank_default}
"""The ranking presets by name. A preset is added by assigning a :class:`RankFn` here."""


def rank(preset: str, evidence: Sequence[PaperEvidence], **kw: Any) -> Digest:
    """Rank ``evidence`` with the preset named ``preset``.

    Args:
        preset: a key of :data:`PRESETS`, such as ``"classic"``.
        evidence: one entry per paper of the day.
        **kw: the preset's keyword arguments (``date``, ``window_start``, ``window_end``, ``generated_at``,
            ``title`` and the preset's own, such as ``options`` for ``classic``).

    Returns:
        The digest.

    Raises:
        UsageError: the preset is unknown, or an option is invalid.
    """
    try:
        fn = PRESETS[preset]
    except KeyError:
        known = ", ".join(sorted(PRESETS))
        raise UsageError(f"unknown ranking preset {preset!r} (known: {known})") from None
    return fn(evidence, **kw)
