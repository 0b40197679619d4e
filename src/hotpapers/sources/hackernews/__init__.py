"""Hacker News as a source: stories whose url is on arxiv.org, over the Algolia HN Search API
(docs/sources/hackernews.md).

``source`` holds the parsers and the ``HackerNewsSource``; ``users`` reads the authors' profiles (karma, account
creation) from the official HN API.
"""
