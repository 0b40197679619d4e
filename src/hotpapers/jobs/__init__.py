"""The orchestration layer: one module per job (ingest, collect, enrich, render, run, deliver, …).

A job wires the stages together — it opens nothing the caller did not give it, reads and writes the store, calls
sources, providers, rankers and writers, and returns a summary the CLI prints. The CLI parses options and calls a
job, nothing more.
"""
