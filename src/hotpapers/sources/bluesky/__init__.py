"""Bluesky as a source: the Jetstream firehose, live or replayed from a dump, and the public AppView.

``records`` turns a post record into a ``Post`` (what both paths share); ``events`` reads one Jetstream event;
``jetstream`` follows the live firehose; ``scan`` replays a saved dump at about the speed of ``grep``; ``source``
is the ``BlueskySource`` that refreshes engagement (and searches, with credentials) on the AppView; ``profiles``
reads the accounts behind the posts. This package's face imports nothing: the replay of a dump loads only
``records``, ``events`` and ``scan``, never the HTTP or websocket stacks.
"""
