"""Delivery: taking a finished digest somewhere. ``git`` writes it into a blog repository, commits and pushes."""
