"""The prompts sent to a model, and their versions.

A prompt is a ``string.Template``: ``$title``, ``$abstract`` and ``$language`` for a TL;DR; ``$title``, ``$posts``
and ``$language`` for a discussion summary (``$$`` is a literal dollar sign). The built-in prompts have fixed
versions; a prompt from the config is versioned by its own hash, so changing it makes the summaries again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from string import Template

from hotpapers.errors import ConfigError

__all__ = ["DISCUSSION_PROMPT", "TLDR_PROMPT", "Prompt", "prompt"]

TLDR_PROMPT = """\
Write a TL;DR of the research paper below for a researcher deciding whether to read it: one or two plain
sentences, at most 60 words, in $language. Say what the paper does and what it finds. Use only what the title and
abstract say; do not add claims, numbers or praise. Answer with the TL;DR alone, no preamble, no Markdown.

Title: $title

Abstract: $abstract
"""

DISCUSSION_PROMPT = """\
Below are public social-media posts about the research paper "$title", each with a number in brackets. Summarise
what people are saying about the paper in at most 3 short claims, in $language. Report opinions, praise, criticism,
questions and context that the posts state; never add anything they do not say, and ignore posts that only share
the link. Write each claim on its own line starting with "- " and end it with the numbers of the posts it comes
from in brackets, for example: - The method is simple to reproduce. [1, 3]

Posts:
$posts
"""

_BUILTIN = {"tldr": (TLDR_PROMPT, "tldr-1"), "discussion": (DISCUSSION_PROMPT, "discussion-1")}
_FIELDS = {"tldr": {"title", "abstract", "language"}, "discussion": {"title", "posts", "language"}}


@dataclass(frozen=True, slots=True)
class Prompt:
    """A prompt template and its version."""

    template: Template
    version: str

    def render(self, **values: str) -> str:
        """The prompt with its fields filled in."""
        return self.template.substitute(values)


def prompt(kind: str, configured: str = "") -> Prompt:
    """The prompt for ``kind`` (``tldr`` or ``discussion``): ``configured`` if given, else the built-in one.

    Raises:
        ConfigError: the configured prompt names a field the kind does not have, or is not a valid template.
    """
    if not configured:
        text, version = _BUILTIN[kind]
        return Prompt(Template(text), version)
    template = Template(configured)
    if not template.is_valid():
        raise ConfigError(f"summaries.{kind}_prompt: not a valid template (write $$ for a literal $)")
    unknown = set(template.get_identifiers()) - _FIELDS[kind]
    if unknown:
        known = ", ".join(f"${name}" for name in sorted(_FIELDS[kind]))
        raise ConfigError(f"summaries.{kind}_prompt: unknown field ${sorted(unknown)[0]} (known: {known})")
    digest = hashlib.sha256(configured.encode("utf-8")).hexdigest()[:12]
    return Prompt(template, f"{kind}-custom-{digest}")
