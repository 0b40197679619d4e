"""Delivery: taking a finished digest to where its readers read it (docs/delivery.md).

``git`` writes the public digest into a blog repository, commits and pushes (``hotpapers publish``). A profile's
digest is sent through channels, plugins of the ``hotpapers.plugins.Channel`` protocol registered like any
third-party one (``hotpapers.jobs.registry``): ``email`` (SMTP with STARTTLS or SSL), the chat webhooks ``slack``,
``discord``, ``mattermost``, ``telegram`` (Bot API) and ``webhook`` (a generic JSON document), and the social
threads ``bluesky`` and ``mastodon`` (opt-in). Each module is imported only when its channel is used. The job
(``hotpapers.jobs.deliver``) sends each period once per profile and channel.
"""
