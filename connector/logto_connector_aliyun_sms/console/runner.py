"""Run a console: in the current event loop (``serve``), or in a thread for tests and scripts."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from ..cli._connectors import SMS_ID, Chosen
from .server import Console, create_app
from .store import ConfigStore


@dataclass
class Running:
    """A started console: its URL, its state and, with a sandbox, the sandbox."""

    url: str
    console: Console
    sandbox: Any


async def start(
    stack: AsyncExitStack,
    config_path: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    sandbox: Any = None,
    connector: str = SMS_ID,
) -> Running:
    """Start a console whose shutdown ``stack`` owns.

    ``sandbox``: a factory of an async context manager with ``endpoint`` and
    ``connector_config()`` (the sandbox distribution's ``AsyncSandbox``): started here, it
    receives the test sends.
    """
    box = await stack.enter_async_context(sandbox()) if sandbox is not None else None
    prefill = Chosen(connector).sandbox_config(box) if box is not None else None
    console = Console(ConfigStore.open(config_path, prefill), box.endpoint if box else None)
    console.connector = connector
    runner = web.AppRunner(create_app(console), handle_signals=False, shutdown_timeout=0.5)
    await runner.setup()
    stack.push_async_callback(runner.cleanup)
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = int(runner.addresses[0][1])
    console.bound(host, bound)
    shown = f"[{host}]" if ":" in host else host
    return Running(f"http://{shown}:{bound}/", console, box)


class ConsoleThread:
    """A console (and its sandbox) served from a background thread: ``with ConsoleThread(p):``."""

    def __init__(
        self,
        config_path: str | Path,
        *,
        sandbox: Any = None,
        port: int = 0,
        connector: str = SMS_ID,
    ) -> None:
        self._args = (config_path, sandbox, port, connector)
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="aliyun-sms-console", daemon=True)
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self.running: Running | None = None

    def _run(self) -> None:
        self._loop.run_until_complete(self._main())

    async def _main(self) -> None:
        path, sandbox, port, connector = self._args
        self._stop = asyncio.Event()
        async with AsyncExitStack() as stack:
            try:
                self.running = await start(
                    stack, path, sandbox=sandbox, port=port, connector=connector
                )
            except BaseException as error:  # handed to the starting thread
                self._error = error
                self._ready.set()
                return
            self._ready.set()
            await self._stop.wait()

    @property
    def url(self) -> str:
        """The page's URL."""
        assert self.running is not None
        return self.running.url

    def __enter__(self) -> ConsoleThread:
        self._thread.start()
        self._ready.wait(30)
        if self._error is not None:
            raise self._error
        return self

    def __exit__(self, *exc: object) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)
        self._loop.close()


def serve(
    config_path: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    sandbox: Any = None,
    on_ready: Any = None,
    connector: str = SMS_ID,
) -> None:
    """Serve a console until Ctrl-C or SIGTERM; ``on_ready(running)`` once it listens."""

    async def main() -> None:
        import signal

        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows
                loop.add_signal_handler(signum, stop.set)
        async with AsyncExitStack() as stack:
            running = await start(
                stack, config_path, host=host, port=port, sandbox=sandbox, connector=connector
            )
            if on_ready is not None:
                on_ready(running)
            await stop.wait()

    asyncio.run(main())
