"""The original tool's per-day JSON files (daily-arxiv-gatsby), read by ``hotpapers import`` and as a source.

``parse`` reads one file into records (``parse_legacy``), with ``reader`` (typed field access with one-line
errors) and ``tweets`` (twint records and Twitter v1.1 statuses); ``source`` is the ``LegacySource`` over a folder
of such files (``HOTPAPERS_LEGACY_DIR``).
"""
