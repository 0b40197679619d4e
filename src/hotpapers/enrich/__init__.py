"""Enrichment: what is known about a paper beyond its discussion (a stage between collect and rank).

Providers (``hotpapers.plugins.Provider``) yield time-stamped records: code links and repository stars
(``code``), Hugging Face artifacts (``artifacts``), citation counts (``scholarly``). The job
(``hotpapers.jobs.enrich``) stores them; ``hotpapers.enrich.view`` turns the stored snapshots into what a digest
shows. See docs/enrichment.md.

This package imports nothing at load time: import its modules directly.
"""
