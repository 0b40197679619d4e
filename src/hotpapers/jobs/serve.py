"""The serve jobs: run the read API under uvicorn (``hotpapers serve``) and the MCP server on stdio (``hotpapers mcp``).

Both need the optional extra ``serve`` (Starlette, uvicorn, mcp); without it they stop with one line saying what to
install (exit code 3). Both only read the store: they take no run lock and never write (``hotpapers.serve._data``).

The serve stage sits beside the jobs and never imports them; this job hands it what it needs of them (``VIEWS``: the
site job's ``StoreSource``, the render job's ``build_rollup`` and ``build_rising``), so the API serves exactly what
``hotpapers site build`` and ``hotpapers render`` write. ``create_app`` and ``create_reader`` build the application
and the reader with them, for the commands, the worker processes and programs that embed the API.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hotpapers.config import Settings, load_settings
from hotpapers.errors import ConfigError, UsageError
from hotpapers.jobs.render import build_rising, build_rollup
from hotpapers.jobs.site import StoreSource
from hotpapers.models import Digest
from hotpapers.ranking.views import DateRange
from hotpapers.store import require_store
from hotpapers.store.base import Store

if TYPE_CHECKING:  # the optional web stack: imported only once require_extra has found it
    from starlette.applications import Starlette

    from hotpapers.serve._reader import Reader

__all__ = [
    "EXTRA", "VIEWS", "JobViews", "ServeOptions", "app_from_environment", "create_app", "create_reader",
    "require_extra", "run_mcp", "run_server",
]  # fmt: skip

EXTRA = "pip install 'hotpapers[serve]'"
_NEEDS = {"serve": ("starlette", "uvicorn"), "mcp": ("mcp", "starlette")}


def require_extra(command: str) -> None:
    """Stop unless the web stack ``command`` needs is installed.

    Raises:
        ConfigError: a package of the ``serve`` extra is missing (exit code 3).
    """
    missing = [name for name in _NEEDS[command] if importlib.util.find_spec(name) is None]
    if missing:
        raise ConfigError(f"hotpapers {command} needs the serve extra ({', '.join(missing)} missing): {EXTRA}")


class JobViews:
    """``hotpapers.serve``'s ``Views``, from the jobs: the site job's source and the render job's views."""

    def site_source(self, store: Store, *, prefer: str) -> StoreSource:
        """Every published digest, a day's of ``prefer`` where it has several (as ``hotpapers site build``)."""
        return StoreSource(store, preset=None, prefer=prefer)

    def rollup(self, store: Store, span: DateRange, *, preset: str, now: dt.datetime) -> Digest:
        """The roll-up of ``span`` (as ``hotpapers render --week`` and its kin)."""
        return build_rollup(store, span, preset=preset, now=now)

    def rising(
        self, store: Store, span: DateRange | None, *, hours: float, preset: str, now: dt.datetime
    ) -> Digest:
        """The growth of the last ``hours`` (as ``hotpapers render --window rising``)."""
        return build_rising(store, span, hours=hours, preset=preset, now=now)


VIEWS = JobViews()


def create_app(url: str, **options: Any) -> Starlette:
    """``hotpapers.serve.app.create_app`` over the store at ``url`` with the jobs' ``VIEWS`` (``options``: its
    ``settings``, ``token`` and ``check_interval``). Needs the serve extra."""
    from hotpapers.serve.app import create_app as create  # noqa: PLC0415 - the optional web stack

    return create(url, views=VIEWS, **options)


def create_reader(url: str, *, preset: str, check_interval: float = 1.0) -> Reader:
    """The read-only, cached ``Reader`` of the store at ``url`` the MCP server reads through, with the jobs' ``VIEWS``.

    Raises:
        StoreError: no current hotpapers store at ``url``.
    """
    from hotpapers.serve._reader import Reader  # noqa: PLC0415 - the optional stack

    return Reader(url, preset=preset, views=VIEWS, check_interval=check_interval)


def app_from_environment() -> Starlette:
    """The application as ``hotpapers serve`` makes it, from the environment alone (``HOTPAPERS_DB``,
    ``HOTPAPERS_CONFIG``, ``HOTPAPERS_SERVE_TOKEN``): what each worker process of several runs."""
    from hotpapers.serve.app import token_from_environment  # noqa: PLC0415 - the optional web stack

    settings = load_settings()
    return create_app(settings.db, settings=settings, token=token_from_environment())


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """Where and how ``hotpapers serve`` listens."""

    host: str
    port: int
    workers: int
    log_level: str = "info"


def _check_listen(host: str, port: int) -> None:
    """Refuse, in one line, an address this process cannot listen on (before uvicorn says it its own way)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (OSError, UnicodeError) as e:
        raise UsageError(f"host {host!r}: not an address to listen on ({e})", subject="host") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as e:
            raise UsageError(f"port {port} on {host}: cannot listen there: {e.strerror or e}", subject="port") from None


def run_server(settings: Settings, options: ServeOptions) -> None:
    """Serve the API and the site of ``settings.db`` until interrupted.

    With one worker the application runs in this process; with several, each uvicorn worker process builds its own
    from the environment (``HOTPAPERS_DB`` and ``HOTPAPERS_CONFIG`` are set here for them).

    Raises:
        ConfigError: the serve extra is missing, or ``[serve]`` is inconsistent (``private`` without a token).
        StoreError: no current hotpapers store at ``settings.db``.
        UsageError: cannot listen on ``host``:``port``, or a bad number of workers.
    """
    require_extra("serve")
    import uvicorn  # noqa: PLC0415 - the optional web stack, loaded only here

    from hotpapers.serve.app import token_from_environment  # noqa: PLC0415

    if not 1 <= options.port <= 65535:
        raise UsageError(f"port {options.port}: give a port from 1 to 65535", subject="port")
    if options.workers < 1:
        raise UsageError(f"workers {options.workers}: give at least 1", subject="workers")
    require_store(settings.db)
    app = create_app(settings.db, settings=settings, token=token_from_environment())  # fails early, in one line
    _check_listen(options.host, options.port)
    common = {"host": options.host, "port": options.port, "log_level": options.log_level, "server_header": False,
              "proxy_headers": False}  # fmt: skip
    if options.workers == 1:
        uvicorn.run(app, **common)  # type: ignore[arg-type]  # uvicorn's run() takes its options as keywords
        return
    os.environ["HOTPAPERS_DB"] = settings.db
    if settings.config_path is not None:
        os.environ["HOTPAPERS_CONFIG"] = str(settings.config_path.resolve())
    uvicorn.run("hotpapers.jobs.serve:app_from_environment", factory=True, workers=options.workers,
                **common)  # type: ignore[arg-type]  # fmt: skip


def run_mcp(settings: Settings) -> None:
    """Run the MCP server over ``settings.db`` on standard input and output until the client closes it.

    Raises:
        ConfigError: the serve extra is missing.
        StoreError: no current hotpapers store at ``settings.db``.
    """
    require_extra("mcp")
    from hotpapers.serve.mcp_server import create_server  # noqa: PLC0415 - the optional stack, loaded only here

    reader = create_reader(settings.db, preset=settings.preset)
    try:
        create_server(reader).run("stdio")
    finally:
        reader.close()
