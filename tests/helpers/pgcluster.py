"""A throwaway PostgreSQL cluster for the tests: ``initdb`` + ``pg_ctl`` in a temporary directory.

Used by ``.ci/run`` (``python tests/helpers/pgcluster.py start DIR`` prints the URL; ``stop DIR`` stops it) and, when
``HOTPAPERS_TEST_POSTGRES`` is not set, by the tests themselves. The server listens only on a Unix socket in
DIR (no TCP port to collide with), trusts local connections, and is tuned for speed, not durability
(``fsync=off``): it exists for one test session. When run as root (CI containers), the server binaries run as
the ``postgres`` user, since PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

__all__ = ["ClusterError", "find_bin", "start", "stop"]

DATABASE = "hotpapers_test"
USER = "hotpapers"


class ClusterError(RuntimeError):
    """The cluster could not be created or started."""


def find_bin() -> Path:
    """The directory of the PostgreSQL server binaries (the newest under /usr/lib/postgresql, else PATH)."""
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]))
    if versions:
        return versions[-1].parent
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    raise ClusterError("no PostgreSQL server binaries (pg_ctl) under /usr/lib/postgresql/*/bin or on PATH")


def _as_owner(argv: list[str]) -> list[str]:
    """``argv``, run as the ``postgres`` user when we are root."""
    if os.geteuid() != 0:
        return argv
    runuser = shutil.which("runuser")
    if runuser is None:
        raise ClusterError("running as root, but `runuser` is missing to start PostgreSQL as the postgres user")
    return [runuser, "-u", "postgres", "--", *argv]


def _run(argv: list[str], what: str) -> None:
    done = subprocess.run(_as_owner(argv), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise ClusterError(f"{what} failed (exit {done.returncode}): {' | '.join(tail)}")


def start(base: Path) -> str:
    """Create and start a cluster in ``base`` (which must not hold one); return its URL."""
    bindir = find_bin()
    base.mkdir(parents=True, exist_ok=True)
    data = base / "data"
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    _run(
        [
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            USER,
            "--auth=trust",
            "--encoding=UTF8",
            "--no-sync",
            "--locale=C.UTF-8",
        ],
        "initdb",
    )
    options = (
        f"-c listen_addresses='' -c unix_socket_directories={base} -c fsync=off -c synchronous_commit=off "
        "-c full_page_writes=off -c max_connections=100"
    )
    _run(
        [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(base / "server.log"), "-o", options, "-w", "start"],
        "pg_ctl start",
    )
    _run([str(bindir / "createdb"), "-h", str(base), "-U", USER, DATABASE], "createdb")
    return url(base)


def url(base: Path) -> str:
    """The URL of the cluster in ``base``."""
    return f"postgresql://{USER}@/{DATABASE}?host={base}"


def stop(base: Path) -> None:
    """Stop the cluster in ``base`` (immediately: its data is thrown away) and remove the directory."""
    data = base / "data"
    if (data / "postmaster.pid").exists():
        _run([str(find_bin() / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], "pg_ctl stop")
    shutil.rmtree(base, ignore_errors=True)


def main(argv: list[str]) -> int:
    """``pgcluster.py start DIR`` prints the URL; ``pgcluster.py stop DIR`` stops and removes it."""
    if len(argv) != 2 or argv[0] not in {"start", "stop"}:
        print("usage: pgcluster.py start|stop DIR", file=sys.stderr)
        return 2
    base = Path(argv[1]).resolve()
    try:
        if argv[0] == "start":
            print(start(base))
        else:
            stop(base)
    except ClusterError as e:
        print(f"pgcluster: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
