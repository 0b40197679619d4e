"""Publishing into a blog repository with git: write the post, commit it, push — never storing a token.

A token for an HTTPS remote comes from ``HOTPAPERS_GIT_TOKEN`` and reaches git only through the environment of
the git process, via a one-off credential helper given with ``-c`` (the helper's text names the variable, not its
value). Nothing is written to the repository, its ``.git/config`` or the logs; any error text is scrubbed of the
token before it is shown. With no change to commit, nothing is committed or pushed (publishing is idempotent).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from hotpapers.errors import HotpapersError, UsageError

__all__ = ["PublishError", "PublishResult", "publish_files"]

log = logging.getLogger(__name__)

TOKEN_ENV = "HOTPAPERS_GIT_TOKEN"  # noqa: S105 - the variable's name, not a secret
_HELPER = '!f() { echo "username=${HOTPAPERS_GIT_USER:-x-access-token}"; echo "password=${HOTPAPERS_GIT_TOKEN}"; }; f'


class PublishError(HotpapersError):
    """A git command failed."""

    exit_code = 7


@dataclass(frozen=True)
class PublishResult:
    """What ``publish_files`` did."""

    committed: bool
    pushed: bool
    commit: str | None
    files: tuple[Path, ...]


def _scrub(text: str, env: Mapping[str, str]) -> str:
    token = env.get(TOKEN_ENV)
    return text.replace(token, "***") if token else text


def _git(repo: Path, verb: str, args: Sequence[str], env: Mapping[str, str], config: Sequence[str] = ()) -> str:
    """Run ``git [config] verb args`` in ``repo``; the token is only ever in the process environment."""
    git = shutil.which("git")
    if git is None:
        raise PublishError("git is not installed (needed by publish --git)")
    log.info("git %s %s", verb, " ".join(args))
    result = subprocess.run(  # noqa: S603 - a fixed git command line; no shell
        [git, "-C", str(repo), *config, verb, *args], capture_output=True, text=True, env=dict(env), check=False
    )
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        raise PublishError(f"git {verb} in {repo} failed: {_scrub(lines[-1] if lines else '', env)}")
    return result.stdout


def publish_files(
    repo: Path,
    files: Sequence[Path],
    *,
    message: str,
    push: bool = True,
    remote: str = "origin",
    env: Mapping[str, str] | None = None,
) -> PublishResult:
    """Commit ``files`` (already written inside ``repo``) and push them.

    Raises:
        UsageError: ``repo`` is not a git work tree, or a file lies outside it.
        PublishError: a git command failed (the message never contains the token).
    """
    env = dict(os.environ if env is None else env)
    if not (repo / ".git").exists():
        raise UsageError(f"--git {repo}: not a git repository (clone the blog repository there first)")
    rel = []
    for path in files:
        try:
            rel.append(str(path.resolve().relative_to(repo.resolve())))
        except ValueError:
            raise UsageError(f"{path}: not inside the repository {repo}") from None
    _git(repo, "add", ["--", *rel], env)
    if not _git(repo, "status", ["--porcelain", "--", *rel], env).strip():
        return PublishResult(False, False, None, tuple(files))
    _git(repo, "commit", ["--quiet", "-m", message, "--", *rel], env)
    commit = _git(repo, "rev-parse", ["HEAD"], env).strip()
    if push:
        helper = ["-c", "credential.helper=", "-c", f"credential.helper={_HELPER}"] if env.get(TOKEN_ENV) else []
        _git(repo, "push", ["--quiet", remote, "HEAD"], env, config=helper)
    return PublishResult(True, push, commit, tuple(files))
