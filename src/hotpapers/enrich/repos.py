"""Code repository links in free text: a paper's abstract and comments, a post, a Hugging Face record.

``find_repos(text)`` returns the repositories a text links, in order of appearance, each once, as canonical
``https://<host>/<path>`` URLs:

* GitHub ``github.com/OWNER/REPO`` (anything after the repository, such as ``/tree/main/src`` or ``#readme``, is
  dropped; a trailing ``.git`` too);
* GitLab ``gitlab.com/GROUP[/SUBGROUP…]/PROJECT`` (up to ``/-/``, GitLab's separator before a page of a project);
* Codeberg ``codeberg.org/OWNER/REPO``;
* Hugging Face ``huggingface.co/OWNER/MODEL``, ``huggingface.co/datasets/OWNER/NAME`` and
  ``huggingface.co/spaces/OWNER/NAME`` (also written ``hf.co``).

A URL may be written with or without its scheme, inside TeX (``\\url{…}``, ``\\href{…}{here}``), in parentheses,
or at the end of a sentence; the punctuation around it is not part of it. Pages that are not repositories
(``github.com/features``, ``huggingface.co/papers/…``, an owner's page) are not links to code. A link shown
shortened (followed by ``...`` or ``…``, as Bluesky and X display long URLs) is left out: its path may be cut.

arXiv's HTML pages show a URL in an abstract as the words "this https URL" linked to it; the text that arXiv's
API, RSS feed and OAI-PMH give (which is what hotpapers stores) has the URL itself, and a text copied from the
HTML page with the URL after the words (``this https URL (https://…)``, as the original tool's files have) is
read like any other. Where only the words are left, the URL is not in the text: ``has_placeholder`` tells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hotpapers.models import CodeHost, repo_key

__all__ = ["RepoRef", "find_repos", "has_placeholder", "repo_key"]

_HOSTS = r"(?:www\.)?(?:github\.com|gitlab\.com|codeberg\.org|huggingface\.co|hf\.co)"
_LINK = re.compile(
    rf"(?<![\w.@-])(?:https?://)?(?P<host>{_HOSTS})/(?P<path>[A-Za-z0-9_.~%/-]*)(?P<after>\S{{0,3}})",
    re.IGNORECASE,
)
_SEGMENT = re.compile(r"[A-Za-z0-9_.-]{1,100}")
_OWNER = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})")
_PLACEHOLDER = re.compile(r"\bthis https? URL\b(?!\s*\(\s*https?://)", re.IGNORECASE)

# First path segments that are site pages, not owners (checked case-insensitively).
_GITHUB_PAGES = frozenset({
    "about", "apps", "blog", "collections", "contact", "customer-stories", "enterprise", "events", "explore",
    "features", "issues", "join", "login", "marketplace", "new", "notifications", "orgs", "pricing", "pulls",
    "readme", "search", "security", "settings", "site", "sponsors", "team", "topics", "trending", "users",
})  # fmt: skip
_GITLAB_PAGES = frozenset({"explore", "dashboard", "help", "users", "groups", "projects", "search", "-"})
_CODEBERG_PAGES = frozenset({"explore", "user", "repo", "org", "admin", "api", "assets", "-"})
_HF_PAGES = frozenset({
    "api", "blog", "changelog", "collections", "docs", "enterprise", "join", "learn", "login", "models",
    "new", "new-dataset", "new-space", "organizations", "papers", "posts", "pricing", "settings", "tasks",
})  # fmt: skip
_HF_KINDS = ("datasets", "spaces")
_TRAILING = ".,;:!?'\")]}>*"


@dataclass(frozen=True, slots=True)
class RepoRef:
    """A repository link: its canonical URL and host."""

    url: str
    host: CodeHost


def has_placeholder(text: str) -> bool:
    """True if ``text`` holds arXiv's "this https URL" words without the URL after them."""
    return bool(_PLACEHOLDER.search(text))


def find_repos(text: str) -> list[RepoRef]:
    """The repositories ``text`` links, in order of appearance, each once (see the module docstring).

    Args:
        text: any text (an abstract, a comment, a post, a URL).

    Returns:
        The canonical links; an empty list when there is none.
    """
    found: dict[str, RepoRef] = {}
    for match in _LINK.finditer(text):
        if match.group("path").endswith("...") or match.group("after").startswith("\u2026"):
            continue  # shown shortened: the path may be cut
        ref = _canonical(match.group("host").lower().removeprefix("www."), match.group("path"))
        if ref is not None:
            found.setdefault(repo_key(ref.url), ref)
    return list(found.values())


def _segments(path: str) -> list[str]:
    """The path's segments, without what follows the repository (TeX braces, punctuation, ``.git``)."""
    parts = [p for p in path.split("/") if p]
    while parts:
        last = parts[-1].rstrip(_TRAILING)
        last = last.removesuffix(".git").rstrip(_TRAILING)
        if last:
            parts[-1] = last
            break
        parts.pop()
    return parts


def _canonical(host: str, path: str) -> RepoRef | None:
    if host == "github.com":
        return _two(CodeHost.GITHUB, "github.com", _segments(path), _GITHUB_PAGES)
    if host == "codeberg.org":
        return _two(CodeHost.CODEBERG, "codeberg.org", _segments(path), _CODEBERG_PAGES)
    if host == "gitlab.com":
        return _gitlab(_segments(path))
    return _huggingface(_segments(path))


def _two(host: CodeHost, domain: str, parts: list[str], pages: frozenset[str]) -> RepoRef | None:
    """OWNER/REPO hosts (GitHub, Codeberg)."""
    if len(parts) < 2 or parts[0].casefold() in pages:
        return None
    owner, repo = parts[0], parts[1].removesuffix(".git")
    if not _OWNER.fullmatch(owner) or not _SEGMENT.fullmatch(repo) or repo in {".", ".."}:
        return None
    return RepoRef(f"https://{domain}/{owner}/{repo}", host)


def _gitlab(parts: list[str]) -> RepoRef | None:
    """GROUP[/SUBGROUP…]/PROJECT, up to GitLab's ``/-/`` separator."""
    if "-" in parts:
        parts = parts[: parts.index("-")]
    parts = [p.removesuffix(".git") for p in parts]
    if len(parts) < 2 or parts[0].casefold() in _GITLAB_PAGES:
        return None
    if not all(_SEGMENT.fullmatch(p) and p not in {".", ".."} for p in parts):
        return None
    return RepoRef("https://gitlab.com/" + "/".join(parts), CodeHost.GITLAB)


def _huggingface(parts: list[str]) -> RepoRef | None:
    """OWNER/MODEL, datasets/OWNER/NAME or spaces/OWNER/NAME."""
    kind = parts[0].casefold() if parts else ""
    prefix = ""
    if kind in _HF_KINDS:
        prefix, parts = f"{kind}/", parts[1:]
    if len(parts) < 2 or (not prefix and kind in _HF_PAGES):
        return None
    owner, name = parts[0], parts[1]
    if not _SEGMENT.fullmatch(owner) or not _SEGMENT.fullmatch(name) or {owner, name} & {".", ".."}:
        return None
    return RepoRef(f"https://huggingface.co/{prefix}{owner}/{name}", CodeHost.HUGGINGFACE)
