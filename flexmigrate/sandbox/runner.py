"""Start and stop the sandbox: in a background thread (tests, the checker's end-to-end runs) or in the
foreground (``flexmigrate sandbox``).

The event loop owns all sandbox state; the caller's thread only reads what the handle exposes.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Protocol, TextIO

from flexmigrate.sandbox.app import SandboxApp
from flexmigrate.sandbox.config import Credentials, DriftRule, SandboxConfig
from flexmigrate.sandbox.dataset import Dataset
from flexmigrate.sandbox.faults import FaultPlan
from flexmigrate.sandbox.http import Request, Response
from flexmigrate.sandbox.replay import ReplayApp
from flexmigrate.sandbox.server import HttpProtocol

__all__ = ["RunningReplay", "RunningSandbox", "serve_forever", "serve_in_background", "replay_in_background"]


@dataclass
class RunningSandbox:
    """What a caller gets from :func:`serve_in_background`."""

    base_url: str
    credentials: Credentials
    dataset: Dataset
    config: SandboxConfig
    app: SandboxApp = field(repr=False)

    @property
    def host(self) -> str:
        return self.config.host

    @property
    def port(self) -> int:
        return int(self.base_url.rsplit(":", 1)[1])

    @property
    def drifted(self) -> dict[str, list[DriftRule]]:
        """Record id -> drift rules that alter it (empty without drift)."""
        return self.app.drift.drifted()

    @property
    def fault_history(self) -> list[FaultPlan]:
        """The fault plans drawn so far, in request-arrival order."""
        return list(self.app.faults.history)


def _base_url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _logged(handle: Callable[[Request], Response], log: TextIO) -> Callable[[Request], Response]:
    """``handle`` that also writes one line per request (method, target, status, fault) to ``log``.

    Headers are never written: the Authorization header carries credentials.
    """

    def handle_and_log(request: Request) -> Response:
        response = handle(request)
        fault = "" if response.plan.kind == "none" else f" fault={response.plan.kind}"
        delay = f" delay={response.plan.delay * 1000:.0f}ms" if response.plan.delay else ""
        print(f"{request.method} {request.target} -> {response.status}{fault}{delay}", file=log, flush=True)
        return response

    return handle_and_log


class _App(Protocol):
    base_url: str

    def handle(self, request: Request) -> Response: ...


@dataclass
class RunningReplay:
    """What a caller gets from :func:`replay_in_background`."""

    base_url: str
    app: ReplayApp = field(repr=False)


async def _start(
    app: _App, config: SandboxConfig, log: TextIO | None = None
) -> tuple[asyncio.AbstractServer, set[HttpProtocol]]:
    loop = asyncio.get_running_loop()
    connections: set[HttpProtocol] = set()
    handle = _logged(app.handle, log) if log is not None else app.handle
    server = await loop.create_server(
        lambda: HttpProtocol(handle, connections),
        config.host,
        config.port,
        backlog=2048,
        reuse_address=True,
    )
    port = server.sockets[0].getsockname()[1]
    app.base_url = _base_url(config.host, port)
    return server, connections


async def _stop(server: asyncio.AbstractServer, connections: set[HttpProtocol]) -> None:
    server.close()
    for conn in list(connections):
        if conn.transport is not None:
            conn.transport.close()
    await server.wait_closed()


@contextlib.contextmanager
def serve_in_background(config: SandboxConfig | None = None) -> Iterator[RunningSandbox]:
    """Run a sandbox on a loopback port in a daemon thread for the duration of the ``with`` block."""
    config = config or SandboxConfig()
    app = SandboxApp(config)
    with _in_background(app, config):
        yield RunningSandbox(app.base_url, config.credentials, app.dataset, config, app)


@contextlib.contextmanager
def replay_in_background(app: ReplayApp, host: str = "127.0.0.1") -> Iterator[RunningReplay]:
    """Serve recorded exchanges on a loopback port in a daemon thread (``flexmigrate sandbox --replay``)."""
    with _in_background(app, SandboxConfig(host=host)):
        yield RunningReplay(app.base_url, app)


@contextlib.contextmanager
def _in_background(app: _App, config: SandboxConfig) -> Iterator[None]:
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    state: dict[str, object] = {}

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            state["server"] = loop.run_until_complete(_start(app, config))
        except BaseException as exc:  # report bind errors to the caller
            state["error"] = exc
            ready.set()
            return
        ready.set()
        loop.run_forever()
        server, connections = state["server"]  # type: ignore[misc]
        loop.run_until_complete(_stop(server, connections))
        loop.close()

    thread = threading.Thread(target=run, name="flexmigrate-sandbox", daemon=True)
    thread.start()
    ready.wait()
    if "error" in state:
        thread.join()
        raise state["error"]  # type: ignore[misc]
    try:
        yield
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)


def serve_forever(
    config: SandboxConfig,
    on_ready: Callable[[RunningSandbox | RunningReplay], None] | None = None,
    access_log: TextIO | None = None,
    replay: ReplayApp | None = None,
) -> None:
    """Run in the foreground until interrupted; ``on_ready(running)`` is called once listening, and
    each request is logged to ``access_log`` when given.  With ``replay``, recorded exchanges are
    served instead of the synthetic Atlas."""
    app: _App = replay if replay is not None else SandboxApp(config)

    async def main() -> None:
        server, connections = await _start(app, config, access_log)
        if on_ready is not None:
            if isinstance(app, SandboxApp):
                on_ready(RunningSandbox(app.base_url, config.credentials, app.dataset, config, app))
            else:
                on_ready(RunningReplay(app.base_url, app))  # type: ignore[arg-type]
        try:
            await asyncio.Event().wait()
        finally:
            await _stop(server, connections)

    asyncio.run(main())
