"""Hugging Face Daily Papers as a source: each paper page's upvotes and comments (docs/sources/huggingface.md).

``source`` holds the parser and the ``HuggingFaceSource``.
"""
