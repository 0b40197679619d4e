"""X (Twitter) as a source: recent search and post lookups over the X API v2 (docs/sources/x.md).

``parse`` reads the API's answers into records (pure); ``budget`` keeps the reads within a per-run and per-day
budget, since X bills every post read; ``source`` is the ``XSource``.
"""
