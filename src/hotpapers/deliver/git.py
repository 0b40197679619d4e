"""Publishing into a blog repository with git: write the post, commit it, push — never storing a token.

A token for an HTTPS remote comes from ``HOTPAPERS_GIT_TOKEN`` and reaches git only through the environment of
the git process, via a one-off credential helper given with ``-c`` (the helper's text names the variable, not its
value). Nothing is written to the repository, its ``.git/config`` or the logs; any error text is scrubbed of the
token before it is shown. The token is only ever sent encrypted: a push to a plain ``http://`` remote is refused
while it is set, and the helper gives it to git for ``https`` requests only (so a redirect to ``http://`` gets
nothing).

Publishing is idempotent and recovers: with no change to commit, nothing is committed, but commits an earlier run
made and could not push (a network failure) are pushed now.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from hotpapers.errors import HotpapersError, UsageError
from hotpapers.http import redact_url
from hotpapers.redact import redact, register

__all__ = ["PublishError", "PublishResult", "publish_files"]

log = logging.getLogger(__name__)

TOKEN_ENV = "HOTPAPERS_GIT_TOKEN"  # noqa: S105 - the variable's name, not a secret
# git passes the request (protocol=…, host=…) on standard input; the token is given for https only.
_HELPER = (
    '!f() { p=; while IFS== read -r k v; do [ "$k" = protocol ] && p="$v"; done; [ "$p" = https ] || exit 0; '
    'echo "username=${HOTPAPERS_GIT_USER:-x-access-token}"; echo "password=${HOTPAPERS_GIT_TOKEN}"; }; f'
)


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
    unpushed: int = 0  # commits of earlier runs pushed now (a push that had failed)


def _scrub(text: str, env: Mapping[str, str]) -> str:
    """``text`` with the token (in any encoding git or a server may echo it, Basic auth included) masked."""
    token = env.get(TOKEN_ENV)
    register(token)
    return redact(text.replace(token, "***") if token else text, env)


def _git(repo: Path, verb: str, args: Sequence[str], env: Mapping[str, str], config: Sequence[str] = ()) -> str:
    """Run ``git [config] verb args`` in ``repo``; the token is only ever in the process environment."""
    code, out, err = _run_git(repo, verb, args, env, config)
    if code != 0:
        lines = (err or out).strip().splitlines()
        raise PublishError(f"git {verb} in {repo} failed: {_scrub(lines[-1] if lines else '', env)}")
    return out


def _run_git(
    repo: Path, verb: str, args: Sequence[str], env: Mapping[str, str], config: Sequence[str] = ()
) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``git [config] verb args`` in ``repo``."""
    git = shutil.which("git")
    if git is None:
        raise PublishError("git is not installed (publishing needs it)")
    log.info("git %s %s", verb, " ".join(args))
    result = subprocess.run(  # noqa: S603 - a fixed git command line; no shell
        [git, "-C", str(repo), *config, verb, *args], capture_output=True, text=True, env=dict(env), check=False
    )
    return result.returncode, result.stdout, result.stderr


def _push_url(repo: Path, remote: str, env: Mapping[str, str]) -> str:
    """The URL ``git push remote`` sends to (``pushurl``, ``insteadOf`` applied), or ``remote`` itself if it is one."""
    code, out, _ = _run_git(repo, "remote", ["get-url", "--push", remote], env)
    return out.strip() if code == 0 and out.strip() else remote


def _check_encrypted(repo: Path, remote: str, env: Mapping[str, str]) -> None:
    """Refuse to hand the token to a remote reached over plain HTTP."""
    url = _push_url(repo, remote, env)
    if env.get(TOKEN_ENV) and urlsplit(url).scheme.lower() == "http":
        raise PublishError(
            f"remote {remote} is {redact_url(url)}: refusing to send {TOKEN_ENV} unencrypted over http://; "
            "use an https:// URL (or unset the token for a remote that needs none)"
        )


def _unpushed(repo: Path, remote: str, env: Mapping[str, str]) -> int:
    """How many commits of HEAD ``remote`` is not known to have (1 when that cannot be told: push to find out)."""
    code, branch, _ = _run_git(repo, "symbolic-ref", ["--quiet", "--short", "HEAD"], env)
    if code != 0:
        return 1  # a detached HEAD: no tracking branch to compare with
    tracking = f"refs/remotes/{remote}/{branch.strip()}"
    if _run_git(repo, "rev-parse", ["--verify", "--quiet", tracking], env)[0] != 0:
        return 1  # never pushed (or the remote is a URL): push, git says if there is nothing to send
    code, count, _ = _run_git(repo, "rev-list", ["--count", f"{tracking}..HEAD"], env)
    return int(count.strip() or 0) if code == 0 and count.strip().isdigit() else 1


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

    With nothing new to commit, commits that an earlier run could not push are pushed (if any).

    Raises:
        UsageError: ``repo`` is not a git work tree, or a file lies outside it.
        PublishError: a git command failed (the message never contains the token), or the token would go to a
            plain ``http://`` remote.
    """
    env = dict(os.environ if env is None else env)
    if not (repo / ".git").exists():
        raise UsageError(f"repository {repo}: not a git repository (clone the blog repository there first)",
                         subject="repository")
    rel = []
    for path in files:
        try:
            rel.append(str(path.resolve().relative_to(repo.resolve())))
        except ValueError:
            raise UsageError(f"{path}: not inside the repository {repo}") from None
    if push:
        _check_encrypted(repo, remote, env)
    _git(repo, "add", ["--", *rel], env)
    committed = bool(_git(repo, "status", ["--porcelain", "--", *rel], env).strip())
    if committed:
        _git(repo, "commit", ["--quiet", "-m", message, "--", *rel], env)
    earlier = _unpushed(repo, remote, env) - committed if push else 0
    if not committed and earlier <= 0:
        return PublishResult(False, False, None, tuple(files))
    commit = _git(repo, "rev-parse", ["HEAD"], env).strip()
    if push:
        helper = ["-c", "credential.helper=", "-c", f"credential.helper={_HELPER}"] if env.get(TOKEN_ENV) else []
        _git(repo, "push", ["--quiet", remote, "HEAD"], env, config=helper)
    return PublishResult(committed, push, commit, tuple(files), max(earlier, 0))
