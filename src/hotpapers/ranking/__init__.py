"""The ranking stage: from the evidence of a day (or of a view) to a ``Digest`` of ranked papers, each explained.

``presets`` names the presets and ranks with one (``rank``); ``classic`` reproduces the original tool; ``default``
is deduplicated, multi-platform and hard to game, built from ``signals`` (what a post is worth), ``credibility``
(who speaks), ``coordination`` (clusters), ``contributions`` (the breakdown), ``filters`` and ``enrichment``;
``options`` holds every preset's options; ``views`` builds the evidence of roll-ups and ``rising``. All of it is pure
but ``views``, which reads the store through its protocol.
"""

from hotpapers.ranking.options import ClassicOptions, DefaultOptions
from hotpapers.ranking.presets import PRESETS, RankFn, rank

__all__ = ["PRESETS", "ClassicOptions", "DefaultOptions", "RankFn", "rank"]
